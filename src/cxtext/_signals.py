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
from collections.abc import Sequence

from ._effort import Quantity, find_quantities
from ._lexicon import Lexicon
from ._normalize import Normalized
from ._rules import ClauseResult
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
_ATTITUDE = ("态度", "语气", "口气", "脸色")
_INTERPERSONAL_THEMES = frozenset({"respect", "recognition"})
_CONVENIENCE_THEMES = frozenset({"convenience", "autonomy"})
_SHALLOW_THEMES = frozenset({"identity", "benefit"})
_QUESTION = frozenset("？?")


class _Phrases:
    """Longest-leftmost, non-overlapping phrase lookup over a span of text."""

    def __init__(self, table: dict[str, tuple]) -> None:
        self.table = table
        lengths: dict[str, set[int]] = {}
        for t in table:
            lengths.setdefault(t[0], set()).add(len(t))
        self.lengths = {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()}
        self.first = re.compile("[" + "".join(re.escape(c) for c in sorted(lengths)) + "]") if lengths else None

    def scan(self, text: str, lo: int, hi: int) -> list[tuple[int, int, str, tuple]]:
        if self.first is None:
            return []
        out = []
        table, lengths = self.table, self.lengths
        pos = lo
        for m in self.first.finditer(text, lo, hi):
            i = m.start()
            if i < pos:
                continue
            for n in lengths[text[i]]:
                j = i + n
                if j > hi:
                    continue
                term = text[i:j]
                payload = table.get(term)
                if payload is None:
                    continue
                if (term[0].isdigit() and i > 0 and text[i - 1].isdigit()) or (
                    term[-1].isdigit() and j < len(text) and text[j].isdigit()
                ):
                    continue  # 12315 inside a longer number
                if payload:
                    out.append((i, j, term, payload))
                pos = j  # a blocker (empty payload) consumes its span too
                break
        return out


class SignalDetector:
    """Finds the signals of one document from its clauses. Built once per :class:`Analyzer`."""

    def __init__(self, lexicon: Lexicon, max_evidence: int = 5) -> None:
        self.max_evidence = max_evidence
        self._emotions = _Phrases(lexicon.emotions)
        self._signals = _Phrases(lexicon.signals)
        mods: dict[str, object] = dict.fromkeys(lexicon.negators, _NEG)
        for t, mult in lexicon.degree.items():
            mods.setdefault(t, mult)
        for t in _FILLERS:
            mods.setdefault(t, _FILL)
        self._mods = mods
        self._mod_max = max((len(t) for t in mods), default=1)

    # ----------------------------------------------------------------------------------------------

    def _modifiers(self, text: str, s: int, lo: int) -> tuple[bool, float]:
        """Whether the phrase at ``s`` is negated, and the degree multiplier before it."""
        negations = 0
        degree = 1.0
        p = s
        mods = self._mods
        for _ in range(_MAX_MODIFIERS):
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

    def detect(
        self, norm: Normalized, results: Sequence[ClauseResult], clauses: Sequence[Clause], label: str
    ) -> tuple[Signals, list[tuple[tuple[str, float], ...]]]:
        """The document's :class:`Signals` and, per clause, its emotions as ``((emotion, intensity), …)``."""
        text = norm.text
        span = norm.span
        mentions: list[EmotionMention] = []
        clause_emotions: list[tuple[tuple[str, float], ...]] = []
        churn: list[Trigger] = []
        escalation: list[Trigger] = []
        staff: list[Trigger] = []
        cues: list[Trigger] = []
        skip_spans: list[tuple[int, int]] = []  # questions and expectation clauses: no effort counted there
        persons: list[bool] = []
        for r, c in zip(results, clauses, strict=True):
            lo, hi = r.start, r.end
            question = text[hi : hi + 1] in _QUESTION
            prior = r.expectation == "prior"
            if question or prior:
                skip_spans.append((lo, hi))
            felt: dict[str, float] = {}
            if not prior:
                for s, e, term, payload in self._emotions.scan(text, lo, hi):
                    negated, degree = self._modifiers(text, s, lo)
                    if negated:
                        continue
                    os_, oe = span(s, e)
                    for emotion, intensity in payload:
                        value = min(1.0, intensity * degree / 3.0)
                        mentions.append(EmotionMention(emotion, term, os_, oe, value))
                        felt[emotion] = max(felt.get(emotion, 0.0), value)
            clause_emotions.append(tuple((k, round(felt[k], 4)) for k in EMOTIONS if k in felt))
            has_person = False
            clause_staff = False
            for s, e, term, types in self._signals.scan(text, lo, hi):
                if "person" in types:
                    has_person = True
                if types == ("person",):
                    continue
                negated, _ = self._modifiers(text, s, lo)
                if negated or prior:
                    continue
                trig = Trigger(term, *span(s, e))
                for t in types:
                    if t == "churn" and not question:
                        churn.append(trig)
                    elif t == "escalation" and not question:
                        escalation.append(trig)
                    elif t == "staff":
                        staff.append(trig)
                        clause_staff = True
                    elif t == "effort":
                        cues.append(trig)
            if not clause_staff and not prior:
                for m in c.matches:
                    if m.polarity < 0 and m.kind in ("factor", "theme") and (
                        any(a in m.term for a in _ATTITUDE) or (has_person and m.kind == "theme" and m.id == "respect")
                    ):
                        staff.append(Trigger(m.term, m.start, m.end))
                        clause_staff = True
                        break
            persons.append(has_person or clause_staff)

        effort = self._effort(text, norm, skip_spans, label, cues)
        emotions = self._aggregate(mentions)
        aspect = _aspect_emotions(results, clauses, clause_emotions)
        levels = _levels(clauses, clause_emotions, persons)
        signals = Signals(
            emotions=emotions,
            aspect_emotions=aspect,
            effort=effort,
            churn=tuple(_unique(churn)),
            escalation=tuple(_unique(escalation)),
            staff_attitude=tuple(_unique(staff)),
            levels=levels,
        )
        return signals, clause_emotions

    def _effort(self, text: str, norm: Normalized, skip: list[tuple[int, int]], label: str,
                cues: list[Trigger]) -> Effort:
        found: list[Quantity] = [
            q for q in find_quantities(text)
            if not any(lo <= q.start < hi for lo, hi in skip) and not (q.ambiguous and label == "pos")
        ]
        if not found and not cues:
            return Effort()
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
            cues=tuple(_unique(cues)),
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


def _unique(triggers: list[Trigger]) -> list[Trigger]:
    seen: set[tuple[int, int]] = set()
    out = []
    for t in triggers:
        if (t.start, t.end) not in seen:
            seen.add((t.start, t.end))
            out.append(t)
    return out


def _aspect_ids(c: Clause) -> list[tuple[str, str]]:
    return list(dict.fromkeys((m.kind, m.id) for m in c.matches if m.kind in ("factor", "theme")))


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


def _levels(clauses: Sequence[Clause], felt: list[tuple[tuple[str, float], ...]],
            persons: list[bool]) -> tuple[LevelMention, ...]:
    """The level of experience of each factor or theme mention (one per term occurrence)."""
    out: list[LevelMention] = []
    for c, emotions, person in zip(clauses, felt, persons, strict=True):
        groups: dict[tuple[int, int, str], list] = {}
        for m in c.matches:
            if m.kind in ("factor", "theme"):
                groups.setdefault((m.start, m.end, m.term), []).append(m)
        if not groups:
            continue
        emotional = any(e != "trust" for e, _ in emotions)
        for (s, e, term), ms in groups.items():
            factors = tuple(m.id for m in ms if m.kind == "factor")
            themes = tuple(m.id for m in ms if m.kind == "theme")
            tset = set(themes)
            if tset & _INTERPERSONAL_THEMES or any(a in term for a in _ATTITUDE) or (person and "service" in factors):
                level = "emotional_interpersonal"
            elif "convenience" in factors or tset & _CONVENIENCE_THEMES:
                level = "convenience"
            elif tset & _SHALLOW_THEMES or "brand" in factors or emotional:
                level = "emotional_shallow"
            else:
                level = "functional"
            out.append(LevelMention(term, s, e, level, factors, themes, mean_opinion([m.polarity for m in ms])))
    return tuple(out)
