"""Result types for the signals beyond polarity: emotions, customer effort, churn and escalation risk,
staff-attitude complaints and the level of experience each mention speaks of.

Frozen, slotted dataclasses like the rest of the results; offsets point into the original text. A
:class:`Signals` hangs off every :class:`~cxtext.Document`; its :meth:`Signals.to_dict` adds new keys
to the document's JSON record and :meth:`Signals.flat` the flat columns, never renaming existing ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EMOTIONS",
    "LEVELS",
    "EFFORT_FIELDS",
    "SIGNAL_COLUMNS",
    "Trigger",
    "EmotionMention",
    "EmotionScore",
    "EffortMention",
    "Effort",
    "LevelMention",
    "Signals",
]

# The emotion scheme: the seven classical emotions of Chinese, 喜 好 怒 哀 惧 恶 惊, plus disappointment
# (失望), which dominates complaints.
EMOTIONS = ("joy", "trust", "anger", "sadness", "fear", "disgust", "surprise", "disappointment")
EMOTION_NAMES = {"joy": "喜悦", "trust": "信赖", "anger": "愤怒", "sadness": "悲伤", "fear": "担忧",
                 "disgust": "厌恶", "surprise": "惊讶", "disappointment": "失望"}
# Levels of experience (DOMAIN.md): functional (does it work), convenience (is it easy), emotional -
# shallow (personal delight, pride) or interpersonal (warmth or coldness of people).
LEVELS = ("functional", "convenience", "emotional_shallow", "emotional_interpersonal")
EFFORT_FIELDS = ("wait_minutes", "contacts", "visits", "transfers", "forms")
SIGNAL_COLUMNS = (
    ("emotion",)
    + tuple(f"emotion.{e}" for e in EMOTIONS)
    + tuple(f"effort.{f}" for f in EFFORT_FIELDS)
    + ("effort.high", "churn", "escalation", "staff_attitude", "levels")
)

# What makes effort "high": a wait of half an hour, a repeat contact or visit, being passed on twice,
# three forms, or an effort phrase without a number (手续繁琐, 来回跑).
HIGH_WAIT_MINUTES = 30.0
HIGH_COUNTS = {"contacts": 2, "visits": 2, "transfers": 2, "forms": 3}


def _num(x: float | None) -> float | int | None:
    if x is None:
        return None
    r = round(x, 1)
    return int(r) if r == int(r) else r


@dataclass(frozen=True, slots=True)
class Trigger:
    """A phrase that triggered a signal (churn, escalation, staff attitude, effort cue)."""

    term: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class EmotionMention:
    """One emotion word or phrase; ``intensity`` in (0, 1] after degree adverbs (很生气 > 生气 > 有点生气)."""

    emotion: str
    term: str
    start: int
    end: int
    intensity: float

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "start": self.start, "end": self.end, "intensity": round(self.intensity, 4)}


@dataclass(frozen=True, slots=True)
class EmotionScore:
    """One emotion in a document: the strongest intensity, how often it was expressed, the evidence."""

    id: str
    intensity: float
    mentions: int
    evidence: tuple[EmotionMention, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"intensity": round(self.intensity, 4), "mentions": self.mentions,
                "evidence": [m.to_dict() for m in self.evidence]}


@dataclass(frozen=True, slots=True)
class EffortMention:
    """A stated quantity of effort. ``kind``: wait (``value`` in minutes), contacts, visits, transfers or
    forms (counts). ``approx`` for vague numbers (好几次, 一个多小时); ``short`` for a wait the customer calls
    short (不到十分钟)."""

    kind: str
    term: str
    start: int
    end: int
    value: float
    approx: bool = False
    short: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = {"kind": self.kind, "term": self.term, "start": self.start, "end": self.end,
               "value": _num(self.value), "approx": self.approx}
        if self.short:
            out["short"] = True
        return out


@dataclass(frozen=True, slots=True)
class Effort:
    """Customer effort in one document: the largest stated quantity of each kind, and effort phrases.

    The largest, not the sum: customers repeat a number (等了一个小时……一个小时啊) more often than they
    add separate waits, and a maximum never double counts.
    """

    wait_minutes: float | None = None
    contacts: int | None = None
    visits: int | None = None
    transfers: int | None = None
    forms: int | None = None
    cues: tuple[Trigger, ...] = ()
    evidence: tuple[EffortMention, ...] = ()

    @property
    def high(self) -> bool:
        """High effort: a wait of 30 minutes or more (not one called short), two contacts, visits or
        transfers, three forms, or an effort phrase (手续繁琐, 来回跑, 打不通)."""
        if self.cues:
            return True
        if any(m.kind == "wait" and not m.short and m.value >= HIGH_WAIT_MINUTES for m in self.evidence):
            return True
        return any((getattr(self, k) or 0) >= n for k, n in HIGH_COUNTS.items())

    @property
    def any(self) -> bool:
        return bool(self.evidence or self.cues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "wait_minutes": _num(self.wait_minutes),
            "contacts": self.contacts,
            "visits": self.visits,
            "transfers": self.transfers,
            "forms": self.forms,
            "high": self.high,
            "cues": [c.to_dict() for c in self.cues],
            "evidence": [m.to_dict() for m in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class LevelMention:
    """The level of experience one factor or theme mention speaks of (see :data:`LEVELS`)."""

    term: str
    start: int
    end: int
    level: str
    factors: tuple[str, ...]
    themes: tuple[str, ...]
    polarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "start": self.start, "end": self.end, "level": self.level,
                "factors": list(self.factors), "themes": list(self.themes), "polarity": round(self.polarity, 4)}


@dataclass(frozen=True, slots=True)
class Signals:
    """Everything beyond polarity for one document.

    ``aspect_emotions`` maps ``"factors"``/``"themes"`` to id → emotion → the strongest intensity of
    that emotion in the clauses about that id.
    """

    emotions: dict[str, EmotionScore] = field(default_factory=dict)
    aspect_emotions: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    effort: Effort = field(default_factory=Effort)
    churn: tuple[Trigger, ...] = ()
    escalation: tuple[Trigger, ...] = ()
    staff_attitude: tuple[Trigger, ...] = ()
    levels: tuple[LevelMention, ...] = ()

    @property
    def emotion(self) -> str | None:
        """The dominant emotion: the strongest, then the most often expressed, then scheme order."""
        if not self.emotions:
            return None
        return max(self.emotions.values(), key=lambda e: (e.intensity, e.mentions, -EMOTIONS.index(e.id))).id

    def to_dict(self) -> dict[str, Any]:
        aspect = self.aspect_emotions
        return {
            "emotion": self.emotion,
            "emotions": {k: v.to_dict() for k, v in self.emotions.items()},
            "aspect_emotions": {
                kind: {i: {e: round(x, 4) for e, x in em.items()} for i, em in aspect.get(kind, {}).items()}
                for kind in ("factors", "themes")
            },
            "effort": self.effort.to_dict(),
            "churn": [t.to_dict() for t in self.churn],
            "escalation": [t.to_dict() for t in self.escalation],
            "staff_attitude": [t.to_dict() for t in self.staff_attitude],
            "levels": [m.to_dict() for m in self.levels],
        }

    def flat(self) -> dict[str, Any]:
        """The flat columns (:data:`SIGNAL_COLUMNS`): blank (None) where nothing was found."""
        row: dict[str, Any] = {"emotion": self.emotion}
        for e in EMOTIONS:
            s = self.emotions.get(e)
            row[f"emotion.{e}"] = None if s is None else round(s.intensity, 4)
        eff = self.effort
        for f in EFFORT_FIELDS:
            row[f"effort.{f}"] = _num(getattr(eff, f))
        row["effort.high"] = eff.high
        row["churn"] = ";".join(dict.fromkeys(t.term for t in self.churn))
        row["escalation"] = ";".join(dict.fromkeys(t.term for t in self.escalation))
        row["staff_attitude"] = ";".join(dict.fromkeys(t.term for t in self.staff_attitude))
        row["levels"] = ";".join(lv for lv in LEVELS if any(m.level == lv for m in self.levels))
        return row


NO_SIGNALS = Signals()
