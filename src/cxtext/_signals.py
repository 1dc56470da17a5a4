"""Signals beyond polarity, found per clause: emotions, effort, churn and escalation, staff attitude, levels.

The detector runs after the clause rules. It reads the normalised text of each clause with the phrase
tables of ``emotions.tsv`` and ``signals.tsv`` (longest phrase first, so 没有投诉 and 意外险 stop 投诉 and
意外 from matching), looks at the modifiers just before each phrase (negators, degree adverbs, and a
few light words such as 会, 再, 想 that may stand between: 不会再投诉, 不用担心) and decides:

- a negated emotion word expresses no emotion (不生气 is not anger); a degree adverb scales the intensity;
- a negated trigger is no trigger (不会投诉); churn and escalation triggers in a question do not count
  (怎么退订？), staff-attitude complaints do (态度怎么这么差？);
- nothing stated in an expectation clause (本以为…, 希望…) counts as felt or done.

Staff-attitude complaints come from the ``staff`` phrases, from a negative opinion about 态度, 语气 or
脸色, and from a negative ``respect`` mention in a clause that names staff (``person`` phrases).
Quantities of effort come from :mod:`cxtext._effort`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ._effort import Quantity, find_counts, find_waits
from ._lexicon import Lexicon
from ._normalize import Normalized
from ._rules import _SHORT_WAIT_TERM, _WAIT_TERM, ClauseResult
from ._signal_types import (
    EMOTIONS,
    Effort,
    EffortMention,
    EmotionMention,
    EmotionScore,
    LevelMention,
    Signals,
    Trigger,
)
from ._types import Clause, mean_opinion

__all__ = ["SignalDetector"]

_NEG = "neg"
_FILL = "fill"
# Light words that may stand between a negator and what it negates (不会再来, 不想投诉, 不用担心).
_FILLERS = ("会", "再", "要", "用", "是", "得", "必", "想", "敢", "都", "也", "还", "就", "必要", "打算", "准备",
            "觉得", "感到", "感觉", "让人", "令人", "让我", "令我", "需要")
_MAX_MODIFIERS = 4
_ATTITUDE = re.compile("态度|语气|口气|脸色")
_INTERPERSONAL_THEMES = frozenset({"respect", "recognition"})
_CONVENIENCE_THEMES = frozenset({"convenience", "autonomy"})
_SHALLOW_THEMES = frozenset({"identity", "benefit"})
_QUESTION = frozenset("？?")
_NO_EFFORT = Effort()  # immutable, so one instance serves every document without effort
_start = re.Match.start
# 一点安全感也没有: a negation right after the word, at the end of its clause
_POST_NEGATION = ("也没", "都没", "也不", "都不", "全无", "也无")


class _Phrases:
    """Longest-leftmost, non-overlapping phrase lookup over a span of text. Payloads are pairs; a phrase
    whose pair holds nothing (a blocker) is consumed but not reported.

    Candidate positions are those whose first two characters begin some phrase (or whose character is
    a one-character phrase): one set lookup per position, then longer slices only where it can match.
    """

    def __init__(self, table: dict[str, tuple]) -> None:
        self.table = table
        lengths: dict[str, set[int]] = {}
        for t in table:
            if len(t) >= 2:
                lengths.setdefault(t[:2], set()).add(len(t))
        self.lengths = {p: tuple(sorted(ls, reverse=True)) for p, ls in lengths.items()}
        self.single = {t: v for t, v in table.items() if len(t) == 1}

    def scan(self, text: str, lo: int, hi: int, cands: list[int] | None = None) -> list[tuple[int, int, str, tuple]]:
        """Phrases in ``text[lo:hi]``; ``cands`` (candidate positions, a superset) saves the first pass."""
        lengths, single = self.lengths, self.single
        if cands is None:
            cands = [i for i in range(lo, hi) if text[i : i + 2] in lengths or text[i] in single]
        if not cands:
            return []
        out = []
        table = self.table
        pos = lo
        for i in cands:
            if i < pos:
                continue
            found = None
            for n in lengths.get(text[i : i + 2], ()):
                j = i + n
                if j > hi:
                    continue
                term = text[i:j]
                payload = table.get(term)
                if payload is not None:
                    found = (j, term, payload)
                    break
            if found is None:
                payload = single.get(text[i])
                if payload is None:
                    continue
                found = (i + 1, text[i], payload)
            j, term, payload = found
            if (term[0].isdigit() and i > 0 and text[i - 1].isdigit()) or (
                term[-1].isdigit() and j < len(text) and text[j].isdigit()
            ):
                continue  # 12315 inside a longer number
            if payload[0] or payload[1]:
                out.append((i, j, term, payload))
            pos = j  # a blocker (empty payload) consumes its span too
        return out


@dataclass(slots=True)
class _Found:
    """What the phrase scan found, handed from :meth:`SignalDetector.scan` to :meth:`SignalDetector.finish`."""

    clause_emotions: list[tuple[tuple[str, float], ...]]
    mentions: list[EmotionMention]
    churn: list[Trigger]
    escalation: list[Trigger]
    staff: list[Trigger]
    cues: list[Trigger]
    persons: set[int]
    staff_clauses: set[int]
    is_question: Callable[[int], bool]


class SignalDetector:
    """Finds the signals of one document from its clauses. Built once per :class:`Analyzer`."""

    def __init__(self, lexicon: Lexicon, max_evidence: int = 5) -> None:
        self.max_evidence = max_evidence
        # One phrase table for both files, scanned once: term -> (emotions or None, trigger types or None);
        # an empty tuple is a blocker. The longest phrase of either file wins its span.
        merged: dict[str, tuple] = {}
        for t, emo in lexicon.emotions.items():
            merged[t] = (emo, None)
        for t, types in lexicon.signals.items():
            merged[t] = (merged.get(t, (None, None))[0], types)
        self._phrases = _Phrases({t: v for t, v in merged.items()})
        mods: dict[str, object] = dict.fromkeys(lexicon.negators, _NEG)
        for t, mult in lexicon.degree.items():
            mods.setdefault(t, mult)
        for t in _FILLERS:
            mods.setdefault(t, _FILL)
        self._mods = mods
        self._mod_max = max((len(t) for t in mods), default=1)
        self._mod_last = frozenset(t[-1] for t in mods)
        # a C-level prefilter: a first character followed by a possible second one, or a one-character phrase
        prefixes, singles = self._phrases.lengths, self._phrases.single
        esc = lambda cs: "".join(re.escape(c) for c in sorted(cs))  # noqa: E731
        pattern = []
        if prefixes:
            pattern.append(f"[{esc({p[0] for p in prefixes})}](?=[{esc({p[1] for p in prefixes})}])")
        if singles:
            pattern.append(f"[{esc(singles)}]")
        self._first = re.compile("|".join(pattern)) if pattern else None
        self._term_info: dict[str, tuple] = {}  # term -> what levels and staff attitude need; a cache

    # ----------------------------------------------------------------------------------------------

    def _modifiers(self, text: str, s: int, lo: int) -> tuple[bool, float]:
        """Whether the phrase at ``s`` is negated, and the degree multiplier before it.

        A phrase opening an A-not-A question (会不会再来, 满不满意) counts as negated: it asks, it does
        not state.
        """
        if text[s] in "不没" and s > lo and s + 1 < len(text) and text[s - 1] == text[s + 1]:
            return True, 1.0
        negations = 0
        degree = 1.0
        p = s
        mods = self._mods
        last = self._mod_last
        for _ in range(_MAX_MODIFIERS):
            if p <= lo or text[p - 1] not in last:
                break  # most phrases: nothing before them that could modify them
            kind = None
            n = 0
            for n in range(min(self._mod_max, p - lo), 0, -1):
                kind = mods.get(text[p - n : p])
                if kind is not None:
                    break
            if kind is None:
                break
            if kind is _NEG:
                negations += 1
            elif kind is not _FILL:
                degree *= kind  # type: ignore[operator]
            p -= n
        return negations % 2 == 1, degree

    def scan(self, norm: Normalized, results: Sequence[ClauseResult]) -> _Found:
        """Phase 1, before the clauses are built: emotions per clause and trigger phrases."""
        text = norm.text
        span = norm.span
        n = len(results)
        starts = [r.start for r in results]
        questions: dict[int, bool] = {}

        def clause_of(pos: int) -> int:
            i = bisect_right(starts, pos) - 1
            return i if i >= 0 and pos < results[i].end else -1

        def is_question(i: int) -> bool:
            q = questions.get(i)
            if q is None:
                q = questions[i] = text[results[i].end : results[i].end + 1] in _QUESTION
            return q

        # One scan of the whole text for emotions and triggers; each phrase belongs to its clause.
        phrases = self._phrases
        prefixes, singles = phrases.lengths, phrases.single
        cands = [] if self._first is None else [
            i for i in map(_start, self._first.finditer(text)) if text[i : i + 2] in prefixes or text[i] in singles
        ]
        mentions: list[EmotionMention] = []
        felt: dict[int, dict[str, float]] = {}
        churn: list[Trigger] = []
        escalation: list[Trigger] = []
        staff: list[Trigger] = []
        cues: list[Trigger] = []
        persons: set[int] = set()
        staff_clauses: set[int] = set()
        for s, e, term, (emo, types) in phrases.scan(text, 0, len(text), cands):
            i = clause_of(s)
            if i < 0:
                continue
            r = results[i]
            if types and "person" in types:
                persons.add(i)
                if len(types) == 1 and not emo:
                    continue
            if r.expectation == "prior":
                continue  # 本以为会很开心, 希望不会投诉: expected, not felt or done
            negated, degree = self._modifiers(text, s, r.start)
            if negated:
                continue
            if emo and not text.startswith(_POST_NEGATION, e, r.end):
                os_, oe = span(s, e)
                slot = felt.setdefault(i, {})
                for emotion, intensity in emo:
                    value = min(1.0, intensity * degree / 3.0)
                    mentions.append(EmotionMention(emotion, term, os_, oe, value))
                    if value > slot.get(emotion, 0.0):
                        slot[emotion] = value
            if types:
                trig = Trigger(term, *span(s, e))
                for t in types:
                    if t == "staff":
                        staff.append(trig)
                        staff_clauses.add(i)
                    elif t == "effort":
                        cues.append(trig)
                    elif t == "churn" and not is_question(i):
                        churn.append(trig)
                    elif t == "escalation" and not is_question(i):
                        escalation.append(trig)
        clause_emotions: list[tuple[tuple[str, float], ...]] = [()] * n
        for i, f in felt.items():
            clause_emotions[i] = tuple((k, round(f[k], 4)) for k in EMOTIONS if k in f)
        return _Found(clause_emotions, mentions, churn, escalation, staff, cues, persons, staff_clauses, is_question)

    def finish(self, found: _Found, norm: Normalized, results: Sequence[ClauseResult], clauses: Sequence[Clause],
               label: str) -> Signals:
        """Phase 2, once the clauses hold their aspect mentions: staff attitude from opinions, levels,
        effort, and the document's :class:`Signals`."""
        text = norm.text
        clause_emotions, mentions = found.clause_emotions, found.mentions
        staff, persons, staff_clauses = found.staff, found.persons, found.staff_clauses
        # One pass over the aspect mentions, hit by hit (a hit is one term occurrence; its matches are
        # consecutive in the clause): staff attitude from opinions about 态度 and respect, and levels.
        levels: list[LevelMention] = []
        waits: list[int] = []  # clauses where the clause rules found a stated wait
        term_info = self._term_info
        for i, c in enumerate(clauses):
            ms = c.matches
            if not ms:
                continue
            check_staff = i not in staff_clauses and results[i].expectation != "prior"
            person = i in persons
            emotional = any(e != "trust" for e, _ in clause_emotions[i])
            k = 0
            for h in results[i].hits:
                hinfo = h.info
                aspects = hinfo.aspects
                if not aspects:
                    continue
                group = ms[k : k + len(aspects)]
                k += len(aspects)
                if (hinfo is _WAIT_TERM or hinfo is _SHORT_WAIT_TERM) and (not waits or waits[-1] != i):
                    waits.append(i)
                info = term_info.get(h.term)
                if info is None:
                    info = term_info[h.term] = _term_info(h.term, aspects)
                factors, themes, static, attitude, respect = info
                if not factors and not themes:
                    continue
                pols = [m.polarity for m in group if m.kind == "factor" or m.kind == "theme"]
                if check_staff and (
                    (attitude and min(pols) < 0)
                    or (respect and person and any(m.id == "respect" and m.kind == "theme" and m.polarity < 0 for m in group))
                ):
                    first = group[0]
                    staff.append(Trigger(first.term, first.start, first.end))
                    staff_clauses.add(i)
                    check_staff = False
                if static == "emotional_interpersonal" or ((person or i in staff_clauses) and "service" in factors):
                    level = "emotional_interpersonal"
                elif static is not None:
                    level = static
                else:
                    level = "emotional_shallow" if emotional else "functional"
                first = group[0]
                pol = pols[0] if len(pols) == 1 else mean_opinion(pols)
                levels.append(LevelMention(first.term, first.start, first.end, level, factors, themes, pol))

        return Signals(
            emotions=self._aggregate(mentions) if mentions else {},
            aspect_emotions=_aspect_emotions(results, clauses, clause_emotions) if mentions else {},
            effort=self._effort(text, norm, results, waits, found.is_question, label, found.cues),
            churn=_unique(found.churn),
            escalation=_unique(found.escalation),
            staff_attitude=_unique(staff),
            levels=tuple(levels),
        )

    def _effort(self, text: str, norm: Normalized, results: Sequence[ClauseResult], waits: list[int],
                is_question, label: str, cues: list[Trigger]) -> Effort:  # noqa: ANN001
        # Waits: the clause rules already found them (a wait is a convenience opinion); read the
        # minutes again only in those clauses. Counts: the whole text, behind a cheap gate.
        found: list[Quantity] = []
        for i in waits:
            r = results[i]
            if r.expectation == "prior" or is_question(i):
                continue  # 本以为要等一个小时; 要排两个小时吗？
            for q in find_waits(text[r.start : r.end]):
                found.append(replace(q, start=q.start + r.start, end=q.end + r.start))
        counts = find_counts(text, [(q.start, q.end) for q in found])
        if not found and not counts and not cues:
            return _NO_EFFORT
        for q in counts:
            if q.ambiguous and label == "pos":
                continue
            i = bisect_right([r.start for r in results], q.start) - 1
            if i >= 0 and q.start < results[i].end and (results[i].expectation == "prior" or is_question(i)):
                continue
            found.append(q)
        return self._effort_of(found, norm, cues)

    def _effort_of(self, found: list[Quantity], norm: Normalized, cues: list[Trigger]) -> Effort:
        if not found and not cues:
            return _NO_EFFORT
        best: dict[str, float] = {}
        evidence = []
        for q in found:
            best[q.kind] = max(best.get(q.kind, 0.0), q.value)
            evidence.append(EffortMention(q.kind, q.term, *norm.span(q.start, q.end), q.value, q.approx, q.short))

        def count(kind: str) -> int | None:
            v = best.get(kind)
            return None if v is None else int(v)

        return Effort(
            wait_minutes=best.get("wait"),
            contacts=count("contacts"),
            visits=count("visits"),
            transfers=count("transfers"),
            forms=count("forms"),
            cues=_unique(cues),
            evidence=tuple(evidence),
        )

    def _aggregate(self, mentions: list[EmotionMention]) -> dict[str, EmotionScore]:
        by: dict[str, list[EmotionMention]] = {}
        for m in mentions:
            by.setdefault(m.emotion, []).append(m)
        out = {}
        for e in EMOTIONS:
            ms = by.get(e)
            if not ms:
                continue
            evidence = sorted(ms, key=lambda m: (-m.intensity, m.start))[: self.max_evidence]
            evidence.sort(key=lambda m: m.start)
            out[e] = EmotionScore(e, max(m.intensity for m in ms), len(ms), tuple(evidence))
        return out


def _unique(triggers: list[Trigger]) -> tuple[Trigger, ...]:
    if len(triggers) < 2:
        return tuple(triggers)
    seen: set[tuple[int, int]] = set()
    out = []
    for t in triggers:
        if (t.start, t.end) not in seen:
            seen.add((t.start, t.end))
            out.append(t)
    return tuple(out)


def _aspect_ids(c: Clause) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in c.matches:
        if m.kind == "factor" or m.kind == "theme":
            key = (m.kind, m.id)
            if key not in out:
                out.append(key)
    return out


def _aspect_emotions(results: Sequence[ClauseResult], clauses: Sequence[Clause],
                     felt: list[tuple[tuple[str, float], ...]]) -> dict[str, dict[str, dict[str, float]]]:
    """Emotion per factor and theme: a clause's emotions go to the aspects it names; a clause without
    aspects (气死我了) lends them to the clause before it in the same sentence, else the one after."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    n = len(clauses)
    for i, emotions in enumerate(felt):
        if not emotions:
            continue
        ids = _aspect_ids(clauses[i])
        if not ids:
            for j in (i - 1, i + 1):
                if 0 <= j < n and results[j].sentence == results[i].sentence:
                    ids = _aspect_ids(clauses[j])
                    if ids:
                        break
        for kind, id_ in ids:
            slot = out.setdefault("factors" if kind == "factor" else "themes", {}).setdefault(id_, {})
            for e, x in emotions:
                slot[e] = max(slot.get(e, 0.0), x)
    return out


def _term_info(term: str, aspects: tuple) -> tuple:
    """What a term's own aspects say about its level: ``(factors, themes, level or None, attitude, respect)``.

    Levels, in order: interpersonal (people: respect, recognition, attitude - or, decided per clause,
    the service of a named staff member), convenience (the convenience factor or theme, autonomy),
    shallow emotional (identity, benefit, brand - or, per clause, an emotion felt), functional (the rest:
    product, price, choice, knowledge, trust, commitment …). ``None`` leaves the decision to the clause.
    """
    factors = tuple(i for k, i, _ in aspects if k == "factor")
    themes = tuple(i for k, i, _ in aspects if k == "theme")
    attitude = _ATTITUDE.search(term) is not None
    if attitude or _INTERPERSONAL_THEMES.intersection(themes):
        level = "emotional_interpersonal"
    elif "convenience" in factors or _CONVENIENCE_THEMES.intersection(themes):
        level = "convenience"
    elif _SHALLOW_THEMES.intersection(themes) or "brand" in factors:
        level = "emotional_shallow"
    else:
        level = None
    return factors, themes, level, attitude, "respect" in themes
