"""Result types: frozen, slotted dataclasses that serialise to the documented JSON schema.

Offsets (``start``, ``end``) are character offsets into the *original* text the caller passed in, so
``doc.text[m.start:m.end]`` shows the customer's own words even after normalisation changed them
(traditional characters, full-width letters, collapsed punctuation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._signal_types import NO_SIGNALS, Signals

NEUTRAL_BAND = 0.1  # a document or clause score with |score| below this is labelled neu

__all__ = ["Match", "Clause", "AspectScore", "Document", "Status"]


class Status:
    """Why a row was or was not analysed. Plain strings so they survive CSV and JSON unchanged."""

    OK = "ok"
    EMPTY = "empty"  # missing, blank or whitespace-only cell
    NOT_TEXT = "not_text"  # a number, date or other value that is not text
    UNDECODABLE = "undecodable"  # bytes that could not be decoded in the file's encoding
    NO_CHINESE = "no_chinese"  # text analysed, but it holds no Chinese characters
    ERROR = "error"  # analysis failed on this row; the message says why


@dataclass(frozen=True, slots=True)
class Match:
    """One lexicon term found in the text.

    ``polarity`` is the opinion attached to this mention in [-1, 1]; 0 when the clause holds no opinion
    about it. ``kind`` is ``factor``, ``theme``, ``touchpoint`` or ``stage``.
    """

    kind: str
    id: str
    term: str
    start: int
    end: int
    polarity: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "start": self.start,
            "end": self.end,
            "polarity": round(self.polarity, 4),
        }


@dataclass(frozen=True, slots=True)
class Clause:
    """A clause: the unit that negation, degree and opinion attachment work within.

    ``weight`` records how much the clause counts toward the document score (a clause opened by 但是
    outweighs the one before it; one opened by 虽然 is outweighed). ``expectation`` marks expectation
    language for the gap model; the aspects of a ``prior`` clause carry no polarity.
    """

    start: int
    end: int
    sentiment: float
    weight: float
    matches: tuple[Match, ...] = ()
    expectation: str | None = None  # "prior" (本以为…), "compare" (比预期…) or "surprise" (没想到…)
    emotions: tuple[tuple[str, float], ...] = ()  # (emotion, intensity in (0, 1]) felt in this clause

    def to_dict(self, text: str) -> dict[str, Any]:
        found: dict[tuple[str, str], list[float]] = {}
        for m in self.matches:
            if m.kind in ("factor", "theme"):
                found.setdefault((m.kind, m.id), []).append(m.polarity)
        factors: dict[str, float] = {}
        themes: dict[str, float] = {}
        for (kind, id_), pols in found.items():
            (factors if kind == "factor" else themes)[id_] = round(mean_opinion(pols), 4)
        out = {
            "text": text[self.start : self.end],
            "start": self.start,
            "end": self.end,
            "sentiment": round(self.sentiment, 4),
            "factors": factors,
            "themes": themes,
            "emotions": dict(self.emotions),
        }
        if self.expectation:
            out["expectation"] = self.expectation
        return out


@dataclass(frozen=True, slots=True)
class AspectScore:
    """The aggregated view of one factor or theme in a document.

    ``polarity`` is the mean opinion of the mentions (``evidence`` keeps each mention's own); when
    they carry none, or too weak an opinion to call, it is the document's score: an aspect named in
    a complaint without an opinion word beside it (地下室一点信号都没有) shares the complaint.
    """

    id: str
    polarity: float
    mentions: int
    evidence: tuple[Match, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "polarity": round(self.polarity, 4),
            "mentions": self.mentions,
            "evidence": [m.to_dict() for m in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Document:
    """The analysis of one text.

    ``factors`` and ``themes`` hold only the ids the text mentions, in a stable order (the catalogue's).
    ``status`` is :data:`Status.OK` for analysed text; other statuses come with empty results.
    """

    id: str | None
    text: str
    status: str
    label: str
    score: float
    factors: dict[str, AspectScore] = field(default_factory=dict)
    themes: dict[str, AspectScore] = field(default_factory=dict)
    touchpoints: tuple[Match, ...] = ()
    stages: tuple[Match, ...] = ()
    clauses: tuple[Clause, ...] = ()
    message: str = ""
    signals: Signals | None = None  # emotions, effort, churn/escalation, staff attitude, levels

    @property
    def signals_(self) -> Signals:
        """The document's signals; empty ones for a row that was not analysed."""
        return self.signals or NO_SIGNALS

    def to_dict(self) -> dict[str, Any]:
        """The documented, stable JSON shape (see README, "Output schema")."""
        out: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "status": self.status,
            "sentiment": {"label": self.label, "score": round(self.score, 4)},
            "factors": {k: v.to_dict() for k, v in self.factors.items()},
            "themes": {k: v.to_dict() for k, v in self.themes.items()},
            "touchpoints": [_place(m) for m in self.touchpoints],
            "stages": [_place(m) for m in self.stages],
            "clauses": [c.to_dict(self.text) for c in self.clauses],
        }
        out.update(self.signals_.to_dict())
        if self.message:
            out["message"] = self.message
        return out


def mean_opinion(polarities: list[float]) -> float:
    """The polarity of an aspect over several mentions: the mean of the opinionated ones, else 0."""
    opinionated = [p for p in polarities if p != 0.0]
    return sum(opinionated) / len(opinionated) if opinionated else 0.0


def _place(m: Match) -> dict[str, Any]:
    return {"id": m.id, "term": m.term, "start": m.start, "end": m.end}
