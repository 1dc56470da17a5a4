"""Signals aggregated over many documents: the emotion view per factor and theme, customer effort,
churn and escalation counts with quotes, experience levels, and outcome-based importance.

A :class:`SignalSummary` is an accumulator: :meth:`~SignalSummary.add` one document at a time (so a
file of any size streams through it), :meth:`~SignalSummary.merge` two of them (the merge is
associative, so chunks or Dask partitions can be summarised apart and combined in input order), and
read the views as plain dictionaries for a report or a notebook. Only analysed documents count; rows
with another status are counted apart.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ._signal_types import EMOTIONS, LEVELS, Signals, Trigger
from ._types import Document, Status

__all__ = ["SignalSummary", "summarize_signals", "OUTCOMES"]

RISKS = ("churn", "escalation", "staff_attitude")
# Document outcomes that can stand in for a rating when the gap model needs importance (step 2d).
OUTCOMES = ("churn", "escalation", "staff_attitude", "high_effort")
_QUOTE_CHARS = 120  # a quote longer than this is cut to a window around its trigger
_ASPECT_KINDS = ("factors", "themes")


def _quote(doc: Document, trigger: Trigger | None) -> dict[str, Any]:
    text = doc.text
    if len(text) > _QUOTE_CHARS and trigger is not None:
        half = (_QUOTE_CHARS - (trigger.end - trigger.start)) // 2
        lo = max(0, trigger.start - half)
        hi = min(len(text), lo + _QUOTE_CHARS)
        lo = max(0, hi - _QUOTE_CHARS)
        text = ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")
    elif len(text) > _QUOTE_CHARS:
        text = text[:_QUOTE_CHARS] + "…"
    return {"id": doc.id, "text": text, "trigger": None if trigger is None else trigger.term}


def _keep(quotes: list[dict[str, Any]], quote: dict[str, Any], limit: int) -> None:
    """Add ``quote`` unless the list is full or holds the same text already (copied reviews, templates)."""
    if len(quotes) < limit and all(q["text"] != quote["text"] for q in quotes):
        quotes.append(quote)


def _first_distinct(quotes: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` quotes with distinct texts: what ``_keep`` would have kept of them one by one."""
    out: list[dict[str, Any]] = []
    for q in quotes:
        _keep(out, q, limit)
    return out


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def _percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile: an observed value, never an interpolated one."""
    if not values:
        return None
    v = sorted(values)
    return v[max(0, math.ceil(q * len(v)) - 1)]


def _round(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


@dataclass
class SignalSummary:
    """Signals over many documents. Build with :func:`summarize_signals` or ``add``; combine with ``merge``.

    ``max_quotes`` caps the quotes kept per signal (the first ones in input order, each text once).
    """

    max_quotes: int = 5
    documents: int = 0  # analysed documents (status ok)
    skipped: int = 0  # rows that were not analysed
    emotion_docs: Counter[str] = field(default_factory=Counter)
    emotion_sum: Counter[str] = field(default_factory=Counter)
    emotion_quotes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # kind ("factors"/"themes") -> id -> number of documents mentioning it
    aspect_docs: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in _ASPECT_KINDS})
    # kind -> id -> emotion -> documents / summed intensity
    aspect_emotion_docs: dict[str, dict[str, Counter[str]]] = field(default_factory=lambda: {k: {} for k in _ASPECT_KINDS})
    aspect_emotion_sum: dict[str, dict[str, Counter[str]]] = field(default_factory=lambda: {k: {} for k in _ASPECT_KINDS})
    waits: list[float] = field(default_factory=list)  # wait minutes, one per document that states one
    counts: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in ("contacts", "visits", "transfers", "forms")})
    repeat_contact_docs: int = 0
    high_effort_docs: int = 0
    effort_cues: Counter[str] = field(default_factory=Counter)
    effort_quotes: list[dict[str, Any]] = field(default_factory=list)
    risk_docs: Counter[str] = field(default_factory=Counter)
    risk_triggers: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in RISKS})
    risk_quotes: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in RISKS})
    # outcome -> kind -> id -> documents where the id is negative and the outcome happened
    outcome_neg: dict[str, dict[str, Counter[str]]] = field(
        default_factory=lambda: {o: {k: Counter() for k in _ASPECT_KINDS} for o in OUTCOMES})
    outcome_docs: Counter[str] = field(default_factory=Counter)
    negative_docs: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in _ASPECT_KINDS})
    level_mentions: Counter[str] = field(default_factory=Counter)
    level_pol_sum: Counter[str] = field(default_factory=Counter)
    level_pol_n: Counter[str] = field(default_factory=Counter)

    # ----------------------------------------------------------------------------------------------

    def add(self, doc: Document) -> SignalSummary:
        """Count one document (returns self, so ``summary.add(a).add(b)`` works)."""
        if doc.status != Status.OK:
            self.skipped += 1
            return self
        self.documents += 1
        s: Signals = doc.signals_
        aspects = {"factors": doc.factors, "themes": doc.themes}
        for kind in _ASPECT_KINDS:
            self.aspect_docs[kind].update(aspects[kind].keys())
        # emotions
        for e, score in s.emotions.items():
            self.emotion_docs[e] += 1
            self.emotion_sum[e] += score.intensity
            quotes = self.emotion_quotes.setdefault(e, [])
            if len(quotes) < self.max_quotes:
                ev = max(score.evidence, key=lambda m: m.intensity)
                _keep(quotes, _quote(doc, Trigger(ev.term, ev.start, ev.end)), self.max_quotes)
        for kind in _ASPECT_KINDS:
            for id_, ems in s.aspect_emotions.get(kind, {}).items():
                docs = self.aspect_emotion_docs[kind].setdefault(id_, Counter())
                sums = self.aspect_emotion_sum[kind].setdefault(id_, Counter())
                for e, x in ems.items():
                    docs[e] += 1
                    sums[e] += x
        # effort
        eff = s.effort
        if eff.wait_minutes is not None:
            self.waits.append(eff.wait_minutes)
        for k, values in self.counts.items():
            v = getattr(eff, k)
            if v is not None:
                values.append(v)
        if (eff.contacts or 0) >= 2 or (eff.visits or 0) >= 2:
            self.repeat_contact_docs += 1
        high = eff.high
        if high:
            self.high_effort_docs += 1
        self.effort_cues.update(dict.fromkeys(c.term for c in eff.cues).keys())
        if eff.any and high and len(self.effort_quotes) < self.max_quotes:
            first = eff.evidence[0] if eff.evidence else None
            trig = Trigger(first.term, first.start, first.end) if first else eff.cues[0]
            _keep(self.effort_quotes, _quote(doc, trig), self.max_quotes)
        # churn, escalation, staff attitude
        outcomes = {"high_effort": high}
        for r in RISKS:
            triggers = getattr(s, r)
            outcomes[r] = bool(triggers)
            if triggers:
                self.risk_docs[r] += 1
                self.risk_triggers[r].update(dict.fromkeys(t.term for t in triggers).keys())
                if len(self.risk_quotes[r]) < self.max_quotes:
                    _keep(self.risk_quotes[r], _quote(doc, triggers[0]), self.max_quotes)
        # outcome-based importance: which negative factors and themes come with which outcome
        for kind in _ASPECT_KINDS:
            negative = [i for i, a in aspects[kind].items() if a.polarity < 0]
            self.negative_docs[kind].update(negative)
            for o, happened in outcomes.items():
                if happened:
                    self.outcome_neg[o][kind].update(negative)
        for o, happened in outcomes.items():
            if happened:
                self.outcome_docs[o] += 1
        # levels
        for m in s.levels:
            self.level_mentions[m.level] += 1
            if m.polarity != 0.0:
                self.level_pol_sum[m.level] += m.polarity
                self.level_pol_n[m.level] += 1
        return self

    def merge(self, other: SignalSummary) -> SignalSummary:
        """A new summary of both (``self``'s documents first; quotes keep that order)."""
        out = SignalSummary(max_quotes=self.max_quotes)
        for part in (self, other):
            out.documents += part.documents
            out.skipped += part.skipped
            out.emotion_docs.update(part.emotion_docs)
            out.emotion_sum.update(part.emotion_sum)
            for e, q in part.emotion_quotes.items():
                out.emotion_quotes.setdefault(e, []).extend(q)
            for kind in _ASPECT_KINDS:
                out.aspect_docs[kind].update(part.aspect_docs[kind])
                out.negative_docs[kind].update(part.negative_docs[kind])
                for target, source in ((out.aspect_emotion_docs, part.aspect_emotion_docs),
                                       (out.aspect_emotion_sum, part.aspect_emotion_sum)):
                    for id_, c in source[kind].items():
                        target[kind].setdefault(id_, Counter()).update(c)
                for o in OUTCOMES:
                    out.outcome_neg[o][kind].update(part.outcome_neg[o][kind])
            out.waits.extend(part.waits)
            for k in out.counts:
                out.counts[k].extend(part.counts[k])
            out.repeat_contact_docs += part.repeat_contact_docs
            out.high_effort_docs += part.high_effort_docs
            out.effort_cues.update(part.effort_cues)
            out.effort_quotes.extend(part.effort_quotes)
            out.risk_docs.update(part.risk_docs)
            for r in RISKS:
                out.risk_triggers[r].update(part.risk_triggers[r])
                out.risk_quotes[r].extend(part.risk_quotes[r])
            out.outcome_docs.update(part.outcome_docs)
            out.level_mentions.update(part.level_mentions)
            out.level_pol_sum.update(part.level_pol_sum)
            out.level_pol_n.update(part.level_pol_n)
        n = out.max_quotes
        out.emotion_quotes = {e: _first_distinct(q, n) for e, q in out.emotion_quotes.items()}
        out.effort_quotes = _first_distinct(out.effort_quotes, n)
        out.risk_quotes = {r: _first_distinct(q, n) for r, q in out.risk_quotes.items()}
        return out

    # ----------------------------------------------------------------------------------------------
    # Views

    def _share(self, n: int) -> float | None:
        return round(n / self.documents, 4) if self.documents else None

    def emotions(self) -> dict[str, Any]:
        """Each emotion over all documents: documents, share, mean intensity where felt, quotes."""
        out = {}
        for e in EMOTIONS:
            n = self.emotion_docs.get(e, 0)
            if n:
                out[e] = {"documents": n, "share": self._share(n),
                          "mean_intensity": round(self.emotion_sum[e] / n, 4),
                          "quotes": list(self.emotion_quotes.get(e, []))}
        return out

    def emotion_view(self, kind: str = "factors") -> dict[str, Any]:
        """Per factor (``"factors"``) or theme (``"themes"``): how many documents mention it and, of those,
        how many felt each emotion about it (share of the mentioning documents, mean intensity); the
        dominant emotion is the one felt in most of them."""
        if kind not in _ASPECT_KINDS:
            raise ValueError(f"kind={kind!r}; allowed: {', '.join(_ASPECT_KINDS)}")
        out = {}
        for id_, mentioned in self.aspect_docs[kind].items():
            docs = self.aspect_emotion_docs[kind].get(id_, Counter())
            sums = self.aspect_emotion_sum[kind].get(id_, Counter())
            emotions = {e: {"documents": docs[e], "share": round(docs[e] / mentioned, 4),
                            "mean_intensity": round(sums[e] / docs[e], 4)} for e in EMOTIONS if docs.get(e)}
            dominant = max(emotions, key=lambda e: (emotions[e]["documents"], emotions[e]["mean_intensity"]),
                           default=None)
            out[id_] = {"documents": mentioned, "emotions": emotions, "dominant": dominant}
        return out

    def effort(self) -> dict[str, Any]:
        """Customer effort: waits (median and 75th percentile in minutes), repeat contacts, transfers, forms,
        the share of high-effort documents, the commonest effort phrases and quotes."""
        waits = self.waits
        counts = {k: {"documents": len(v), "median": _median([float(x) for x in v])} for k, v in self.counts.items()}
        return {
            "documents": self.documents,
            "with_wait": len(waits),
            "median_wait_minutes": _round(_median(waits)),
            "p75_wait_minutes": _round(_percentile(waits, 0.75)),
            "waits_over_a_day": sum(w > 1440 for w in waits),
            "median_wait_minutes_within_a_day": _round(_median([w for w in waits if w <= 1440])),
            "repeat_contacts": self.repeat_contact_docs,
            "repeat_contact_share": self._share(self.repeat_contact_docs),
            **{k: v for k, v in counts.items()},
            "high_effort": self.high_effort_docs,
            "high_effort_share": self._share(self.high_effort_docs),
            "top_cues": self.effort_cues.most_common(10),
            "quotes": list(self.effort_quotes),
        }

    def risks(self) -> dict[str, Any]:
        """Churn, escalation and staff-attitude complaints: documents, share, commonest triggers, quotes,
        and the factors that were negative in those documents."""
        out = {}
        for r in RISKS:
            n = self.risk_docs.get(r, 0)
            out[r] = {
                "documents": n,
                "share": self._share(n),
                "triggers": self.risk_triggers[r].most_common(10),
                "quotes": list(self.risk_quotes[r]),
                "negative_factors": dict(self.outcome_neg[r]["factors"].most_common()),
            }
        return out

    def levels(self) -> dict[str, Any]:
        """Mentions per level of experience, their share and mean polarity (of the opinionated ones)."""
        total = sum(self.level_mentions.values())
        return {
            lv: {"mentions": self.level_mentions.get(lv, 0),
                 "share": round(self.level_mentions.get(lv, 0) / total, 4) if total else None,
                 "mean_polarity": round(self.level_pol_sum[lv] / self.level_pol_n[lv], 4) if self.level_pol_n.get(lv) else None}
            for lv in LEVELS
        }

    def outcome_importance(self, outcome: str = "churn", kind: str = "factors", *,
                           min_documents: int = 5, scale: float = 10.0) -> dict[str, float | None]:
        """Importance (0 … ``scale``) of each factor or theme, measured by an outcome instead of a rating.

        For each id: the share of the documents where it is negative that also show the outcome (churn,
        escalation, staff_attitude or high_effort), scaled so that the id with the highest share gets
        ``scale``. An id negative in fewer than ``min_documents`` documents gets ``None`` (too few to say).
        Feed the result to the gap model as importance (step 2d) when no rating exists.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome={outcome!r}; allowed: {', '.join(OUTCOMES)}")
        if kind not in _ASPECT_KINDS:
            raise ValueError(f"kind={kind!r}; allowed: {', '.join(_ASPECT_KINDS)}")
        rates: dict[str, float | None] = {}
        for id_, neg in self.negative_docs[kind].items():
            rates[id_] = self.outcome_neg[outcome][kind][id_] / neg if neg >= min_documents else None
        top = max((r for r in rates.values() if r is not None), default=0.0)
        return {i: (None if r is None else (round(scale * r / top, 2) if top else 0.0)) for i, r in rates.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "skipped": self.skipped,
            "emotions": self.emotions(),
            "emotion_by_factor": self.emotion_view("factors"),
            "emotion_by_theme": self.emotion_view("themes"),
            "effort": self.effort(),
            "risks": self.risks(),
            "levels": self.levels(),
            "importance_by_churn": self.outcome_importance("churn"),
            "importance_by_effort": self.outcome_importance("high_effort"),
        }


def summarize_signals(docs: Iterable[Document], *, max_quotes: int = 5) -> SignalSummary:
    """Summarise the signals of many documents (streams: documents are not kept)."""
    summary = SignalSummary(max_quotes=max_quotes)
    for d in docs:
        summary.add(d)
    return summary
