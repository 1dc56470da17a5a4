"""Call-centre QA: score a call on the customer's experience and the agent's conduct, and rank it.

:class:`QAAnalyzer` reads a :class:`~cxtext._transcript.Transcript` and returns a :class:`CallResult`:

- the customer side, from customer turns only: sentiment per turn and its trajectory, the experience
  factors and themes raised (the :class:`~cxtext.Analyzer` run on each customer turn) with evidence,
  and outcome signals (resolved or not, repeat contact, escalation, churn) each with its turn;
- the agent side, from agent turns only: the scorecard rules of the rule book (greeting, identity
  verification, empathy, forbidden phrases, respectful language, confirming the solution, closing),
  and with timestamps the timing rules (silence, talking over the customer, speech rate, hold);
- a review priority (0-100) that adds up the signals, with a one-line reason.

The customer's words may decide whether an agent rule *applies* (an upset customer calls for empathy;
an account operation calls for identity verification) but never whether the agent passed it, and no
agent words ever count as a customer signal.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._analyzer import Analyzer
from ._asr import Mapped, clean, compact
from ._qa_rules import AgentRule, PhraseSet, QARules, TimingRule, load_qa_rules
from ._transcript import AGENT, CUSTOMER, Transcript, Turn
from ._types import Status, mean_opinion

__all__ = ["QAAnalyzer", "CallResult", "TurnResult", "RuleVerdict", "Signal", "Hit", "PASS", "FAIL", "NOT_APPLICABLE"]

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "not_applicable"
_TRAJECTORY_STEP = 0.3  # a change of start-to-end sentiment at least this large is a recovery or a souring
_NEGATIVE_END = -0.3
_OPINION = 0.1  # a customer turn scoring below this in absolute value holds no opinion
_SIGNAL_CAP = -0.5  # the most a turn with an escalation, churn or unresolved cue can score in the trajectory
_QUESTION = re.compile(r"^\s*(?:吗|么|嘛|没有|没)|[？?]")
_NEGATIVE_SIGNALS = frozenset({"escalation", "escalation_external", "churn", "unresolved"})


@dataclass(frozen=True, slots=True)
class Hit:
    """Words in one turn: ``turn`` is 1-based; ``start``/``end`` are offsets into that turn's text."""

    turn: int
    start: int
    end: int
    words: str

    def to_dict(self) -> dict[str, Any]:
        return {"turn": self.turn, "start": self.start, "end": self.end, "words": self.words}


@dataclass(frozen=True, slots=True)
class Signal:
    """A customer outcome signal (``resolved``, ``repeat_contact``, ``escalation_external`` …) and its words."""

    kind: str
    hit: Hit

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.hit.to_dict()}


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    """The verdict of one agent rule or timing rule: ``pass``, ``fail`` or ``not_applicable``.

    ``turn`` (1-based) is the agent turn that passed or failed it, or for a rule that applies because of
    something in the call (identity verification) the turn that made it apply. ``hits`` hold the words
    that decided, for highlighting. ``reason`` says in one sentence why.
    """

    id: str
    name: str
    kind: str  # "rule" or "timing"
    verdict: str
    reason: str
    weight: float
    turn: int | None = None
    hits: tuple[Hit, ...] = ()
    value: float | None = None  # timing rules: the measured value (seconds, count, characters/second)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "verdict": self.verdict, "turn": self.turn,
                               "reason": self.reason}
        if self.hits:
            out["evidence"] = [h.to_dict() for h in self.hits]
        if self.value is not None:
            out["value"] = round(self.value, 2)
        return out


@dataclass(frozen=True, slots=True)
class TurnResult:
    """One turn with what was found in it. Sentiment, factors and themes are for customer turns only."""

    turn: Turn
    score: float | None = None
    label: str | None = None
    factors: Mapping[str, float] = field(default_factory=dict)
    themes: Mapping[str, float] = field(default_factory=dict)
    signals: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    upset: bool = False

    def to_dict(self, call_id: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {} if call_id is None else {"call_id": call_id}
        out.update(self.turn.to_dict())
        out.pop("line", None)
        if self.score is not None:
            out["sentiment"] = {"label": self.label, "score": round(self.score, 4)}
            out["factors"] = {k: round(v, 4) for k, v in self.factors.items()}
            out["themes"] = {k: round(v, 4) for k, v in self.themes.items()}
            out["upset"] = self.upset
        out["signals"] = list(self.signals)
        out["rules"] = list(self.rules)
        return out


@dataclass(frozen=True, slots=True)
class Aspect:
    """A factor or theme the customer raised over the call: mean polarity, mentions, strongest evidence."""

    id: str
    polarity: float
    mentions: int
    evidence: tuple[tuple[Hit, float], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"polarity": round(self.polarity, 4), "mentions": self.mentions,
                "evidence": [{**h.to_dict(), "polarity": round(p, 4)} for h, p in self.evidence]}


@dataclass(frozen=True, slots=True)
class Trajectory:
    """The customer's sentiment from the start of the call to its end."""

    start: float | None
    end: float | None
    mean: float | None
    min: float | None
    min_turn: int | None
    direction: str  # recovered, improved, soured, steady, or none (no customer words)

    def to_dict(self) -> dict[str, Any]:
        r = (lambda x: None if x is None else round(x, 4))
        return {"start": r(self.start), "end": r(self.end), "mean": r(self.mean), "min": r(self.min),
                "min_turn": self.min_turn, "trajectory": self.direction}


@dataclass(frozen=True, slots=True)
class Priority:
    """How much a call needs a human listen (0-100), its level, and why in one line."""

    score: int
    level: str
    reason: str
    triggers: tuple[tuple[float, str, int | None, str], ...]  # (points, what, turn, words)
    points: float = 0.0  # the uncapped sum: ranks calls that all reach 100

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "points": round(self.points, 2), "level": self.level, "reason": self.reason,
                "triggers": [{"points": p, "signal": s, "turn": t, "words": w} for p, s, t, w in self.triggers]}


@dataclass(frozen=True, slots=True)
class CallResult:
    """Everything QA found in one call; :meth:`to_dict` is the documented JSON record."""

    transcript: Transcript
    status: str
    turns: tuple[TurnResult, ...]
    sentiment: Trajectory
    factors: Mapping[str, Aspect]
    themes: Mapping[str, Aspect]
    resolution: str  # resolved, pending, unresolved, unknown
    resolution_signal: Signal | None
    signals: tuple[Signal, ...]
    rules: tuple[RuleVerdict, ...]
    timing: tuple[RuleVerdict, ...]
    priority: Priority
    message: str = ""

    @property
    def call_id(self) -> str:
        return self.transcript.call_id

    @property
    def agent_id(self) -> str | None:
        return self.transcript.agent_id

    def first(self, *kinds: str) -> Signal | None:
        """The first signal of any of these kinds, in spoken order."""
        return next((s for s in self.signals if s.kind in kinds), None)

    @property
    def escalation(self) -> str:
        """``external`` (regulator, media, court), ``internal`` (投诉, a manager) or ``none``."""
        if self.first("escalation_external"):
            return "external"
        return "internal" if self.first("escalation") else "none"

    @property
    def churn(self) -> bool:
        return self.first("churn") is not None

    @property
    def repeat_contact(self) -> bool:
        return self.first("repeat_contact") is not None

    def verdicts(self) -> tuple[RuleVerdict, ...]:
        return self.rules + self.timing

    def to_dict(self) -> dict[str, Any]:
        t = self.transcript
        out: dict[str, Any] = {"call_id": t.call_id, "agent_id": t.agent_id, "date": t.date, "status": self.status}
        if self.message:
            out["message"] = self.message
        duration = t.duration
        out.update({
            "turns": len(t.turns),
            "duration": None if duration is None else round(duration, 2),
            "roles_inferred": t.roles_inferred,
            "role_evidence": t.role_evidence or None,
            "priority": self.priority.to_dict(),
            "customer": {
                "sentiment": {**self.sentiment.to_dict(),
                              "turns": [{"turn": r.turn.index + 1, "score": round(r.score, 4), "label": r.label}
                                        for r in self.turns if r.score is not None]},
                "upset_turns": [r.turn.index + 1 for r in self.turns if r.upset],
                "factors": {k: v.to_dict() for k, v in self.factors.items()},
                "themes": {k: v.to_dict() for k, v in self.themes.items()},
            },
            "outcome": {
                "resolution": _signal_dict(self.resolution_signal, status=self.resolution),
                "repeat_contact": _signal_dict(self.first("repeat_contact"), flag=self.repeat_contact),
                "escalation": _signal_dict(self.first("escalation_external") or self.first("escalation"), level=self.escalation),
                "churn": _signal_dict(self.first("churn"), flag=self.churn),
            },
            "agent": _scorecard(self.rules, self.timing),
        })
        return out


def _signal_dict(sig: Signal | None, **head: Any) -> dict[str, Any]:
    out = dict(head)
    out.update({"turn": sig.hit.turn, "words": sig.hit.words} if sig else {"turn": None, "words": None})
    return out


def _scorecard(rules: tuple[RuleVerdict, ...], timing: tuple[RuleVerdict, ...]) -> dict[str, Any]:
    judged = [v for v in rules + timing if v.verdict != NOT_APPLICABLE]
    passed = sum(v.verdict == PASS for v in judged)
    return {
        "pass_rate": round(passed / len(judged), 4) if judged else None,
        "passed": passed,
        "failed": len(judged) - passed,
        "not_applicable": len(rules) + len(timing) - len(judged),
        "rules": [v.to_dict() for v in rules],
        "timing": [v.to_dict() for v in timing],
    }


# --------------------------------------------------------------------------------------------------


class QAAnalyzer:
    """Scores call transcripts against a QA rule book.

    ``rules`` is a YAML file laid over the shipped rules (``lexicons/qa_rules.yaml``), an already loaded
    :class:`~cxtext._qa_rules.QARules`, or ``None`` for the defaults. ``analyzer`` is the
    :class:`~cxtext.Analyzer` used on customer turns (one is made from ``lexicons``, ``industry`` and
    ``sentiment`` when not given). The rules are loaded and checked here, so a bad file fails at once.
    """

    def __init__(
        self,
        *,
        rules: str | os.PathLike[str] | QARules | None = None,
        analyzer: Analyzer | None = None,
        lexicons: Any = None,
        industry: Any = None,
        sentiment: str = "auto",
    ) -> None:
        self.rules = rules
        self.analyzer = analyzer
        self.lexicons = lexicons
        self.industry = industry
        self.sentiment = sentiment
        self.rules_: QARules = rules if isinstance(rules, QARules) else load_qa_rules(rules)
        self.analyzer_: Analyzer = analyzer or Analyzer(lexicons=lexicons, industry=industry, sentiment=sentiment)

    def __repr__(self) -> str:
        return f"QAAnalyzer(rules={self.rules!r}, sentiment={self.sentiment!r})"

    def score_many(self, transcripts: Iterable[Transcript]) -> Iterator[CallResult]:
        """Score calls lazily, one result per call, in order."""
        for t in transcripts:
            yield self.score(t)

    def score(self, transcript: Transcript | str) -> CallResult:
        """Score one call (a :class:`Transcript`, or text with one ``客服：…`` line per turn)."""
        if isinstance(transcript, str):
            transcript = Transcript.from_text(transcript)
        t = transcript
        if t.error:
            return _empty_result(t, Status.ERROR, t.error)
        if not any(turn.text.strip() for turn in t.turns):
            return _empty_result(t, Status.EMPTY, "the call has no words" if t.turns else "the call has no turns")
        words = [compact(turn.text) for turn in t.turns]
        customer = self._customer(t, words)
        rules = self._agent_rules(t, words, customer["upset"])
        timing = self._timing(t, words)
        resolution, res_signal = _resolution(customer["signals"])
        turn_rules: dict[int, list[str]] = {}
        for v in rules + timing:
            if v.turn is not None and v.verdict != NOT_APPLICABLE:
                turn_rules.setdefault(v.turn, []).append(f"{v.id}:{v.verdict}")
        turns = tuple(
            TurnResult(
                turn,
                *customer["per_turn"].get(turn.index, (None, None, {}, {})),
                signals=tuple(f"{s.kind}:{s.hit.words}" for s in customer["signals"] if s.hit.turn == turn.index + 1),
                rules=tuple(turn_rules.get(turn.index + 1, ())),
                upset=turn.index in customer["upset"],
            )
            for turn in t.turns
        )
        message = ""
        if not t.by_role(CUSTOMER):
            message = "no customer turn: customer signals are empty"
        elif not t.by_role(AGENT):
            message = "no agent turn: agent rules are not applicable"
        priority = self._priority(customer["signals"], resolution, res_signal, customer["trajectory"], rules, timing)
        return CallResult(
            transcript=t,
            status=Status.OK,
            turns=turns,
            sentiment=customer["trajectory"],
            factors=customer["factors"],
            themes=customer["themes"],
            resolution=resolution,
            resolution_signal=res_signal,
            signals=tuple(customer["signals"]),
            rules=rules,
            timing=timing,
            priority=priority,
            message=message,
        )

    # ----------------------------------------------------------------------------------------------
    # Customer side: customer turns only

    def _customer(self, t: Transcript, words: list[Mapped]) -> dict[str, Any]:
        rules = self.rules_
        per_turn: dict[int, tuple[float, str, dict[str, float], dict[str, float]]] = {}
        found: dict[str, dict[str, dict[str, Any]]] = {"factor": {}, "theme": {}}
        signals: list[Signal] = []
        upset: set[int] = set()
        scores: list[tuple[int, float]] = []
        for turn in t.turns:
            if turn.role != CUSTOMER or not turn.text.strip():
                continue
            cleaned = clean(turn.text)
            doc = self.analyzer_.analyze(cleaned.text) if cleaned.text.strip() else None
            if doc is not None and doc.status == Status.OK:
                per_turn[turn.index] = (doc.score, doc.label, {k: v.polarity for k, v in doc.factors.items()},
                                        {k: v.polarity for k, v in doc.themes.items()})
                scores.append((turn.index, doc.score))
                for kind, aspects in (("factor", doc.factors), ("theme", doc.themes)):
                    for id_, a in aspects.items():
                        agg = found[kind].setdefault(id_, {"polarities": [], "mentions": 0, "evidence": []})
                        agg["polarities"].append(a.polarity)
                        agg["mentions"] += a.mentions
                        for m in a.evidence:
                            s, e = cleaned.span(m.start, m.end)
                            agg["evidence"].append((Hit(turn.index + 1, s, e, turn.text[s:e]), m.polarity))
                if doc.score <= rules.upset_score:
                    upset.add(turn.index)
            w = words[turn.index]
            for kind, ps in rules.outcome.items():
                for s, e, _ in ps.find(w.text):
                    os_, oe = w.span(s, e)
                    if kind in ("resolved", "accepted") and _QUESTION.search(turn.text[oe : oe + 3]):
                        continue  # 问题解决了吗？ asks, it does not say so
                    signals.append(Signal(kind, Hit(turn.index + 1, os_, oe, turn.text[os_:oe])))
            if rules.upset.find(w.text) or any(sig.hit.turn == turn.index + 1 and sig.kind.startswith("escalation")
                                               for sig in signals):
                upset.add(turn.index)
        signals = _dedupe(signals)
        return {
            "per_turn": per_turn,
            "signals": signals,
            "upset": upset,
            "trajectory": _trajectory(scores, signals),
            "factors": _aspects(found["factor"], self.analyzer_.lexicon_.ids("factor")),
            "themes": _aspects(found["theme"], self.analyzer_.lexicon_.ids("theme")),
        }

    # ----------------------------------------------------------------------------------------------
    # Agent side: agent turns only

    def _agent_rules(self, t: Transcript, words: list[Mapped], upset: set[int]) -> tuple[RuleVerdict, ...]:
        agent = t.by_role(AGENT)
        out = []
        for rule in self.rules_.agent_rules:
            out.append(self._rule(rule, t, agent, words, upset))
        return tuple(out)

    def _rule(self, rule: AgentRule, t: Transcript, agent: tuple[Turn, ...], words: list[Mapped],
              upset: set[int]) -> RuleVerdict:
        def verdict(v: str, reason: str, turn: int | None = None, hits: tuple[Hit, ...] = ()) -> RuleVerdict:
            return RuleVerdict(rule.id, rule.name, "rule", v, reason, rule.weight, turn, hits)

        if not agent:
            return verdict(NOT_APPLICABLE, "no agent turn in the call")
        if len(agent) < rule.min_agent_turns:
            return verdict(NOT_APPLICABLE, f"the agent has {len(agent)} turn(s); the rule needs {rule.min_agent_turns}")
        trigger_turn: int | None = None
        if rule.applies == "customer_upset":
            if not upset:
                return verdict(NOT_APPLICABLE, "the customer was not upset")
        elif rule.applies == "trigger":
            assert rule.trigger is not None
            hit = _first_hit(rule.trigger, t.turns, words)
            if hit is None:
                return verdict(NOT_APPLICABLE, "nothing in the call requires it")
            trigger_turn = hit.turn
        if rule.scope == "opening":
            scope = agent[: rule.window]
            where = f"the first {len(scope)} agent turn(s)"
        elif rule.scope == "closing":
            scope = agent[-rule.window :]
            where = f"the last {len(scope)} agent turn(s)"
        elif rule.scope == "after_upset":
            first_upset = min(upset)
            scope = tuple(a for a in agent if a.index > first_upset)[: rule.window]
            if not scope:
                return verdict(NOT_APPLICABLE, f"the call ends before the agent replies to the upset customer (turn {first_upset + 1})")
            where = f"the {len(scope)} agent turn(s) after the customer was upset (turn {first_upset + 1})"
        else:
            scope = agent
            where = "any agent turn"

        if rule.check == "forbid":
            hits = tuple(h for _, ps in rule.groups for h in _all_hits(ps, scope, words))
            hits = tuple(sorted(hits, key=lambda h: (h.turn, h.start)))
            if hits:
                said = "、".join(dict.fromkeys(h.words for h in hits))
                return verdict(FAIL, f"the agent said {said}", hits[0].turn, hits)
            return verdict(PASS, f"none of the phrases in {where}")
        found: list[Hit] = []
        missing: list[str] = []
        for name, ps in rule.groups:
            h = _first_hit(ps, scope, words)
            if h is None:
                missing.append(name)
            else:
                found.append(h)
        context = f" (required by turn {trigger_turn}: {_quote(t, trigger_turn)})" if trigger_turn else ""
        if not missing:
            turn = max(h.turn for h in found)
            said = "、".join(h.words for h in found)
            return verdict(PASS, f"the agent said {said}{context}", turn, tuple(found))
        fail_turn = trigger_turn or (scope[0].index + 1 if rule.scope in ("opening", "after_upset") else scope[-1].index + 1)
        return verdict(FAIL, f"missing {' / '.join(missing)} in {where}{context}", fail_turn, tuple(found))

    # ----------------------------------------------------------------------------------------------
    # Timing: needs timestamps

    def _timing(self, t: Transcript, words: list[Mapped]) -> tuple[RuleVerdict, ...]:
        hold = next((r.phrases for r in self.rules_.timing if r.id == "hold"), None)
        hold_turns = {x.index for x in t.turns if x.role == AGENT and hold is not None and hold.find(words[x.index].text)}
        return tuple(_timing_rule(rule, t, words, hold_turns) for rule in self.rules_.timing)

    # ----------------------------------------------------------------------------------------------

    def _priority(self, signals: list[Signal], resolution: str, res_signal: Signal | None, traj: Trajectory,
                  rules: tuple[RuleVerdict, ...], timing: tuple[RuleVerdict, ...]) -> Priority:
        w = self.rules_.priority
        items: list[tuple[float, str, int | None, str]] = []
        ext = next((s for s in signals if s.kind == "escalation_external"), None)
        esc = next((s for s in signals if s.kind == "escalation"), None)
        if ext is not None:
            items.append((w["escalation_external"], f"external escalation threat ({ext.hit.words})", ext.hit.turn, ext.hit.words))
        elif esc is not None:
            items.append((w["escalation"], f"complaint/escalation ({esc.hit.words})", esc.hit.turn, esc.hit.words))
        churn = next((s for s in signals if s.kind == "churn"), None)
        if churn is not None:
            items.append((w["churn"], f"churn risk ({churn.hit.words})", churn.hit.turn, churn.hit.words))
        if resolution == "unresolved" and (res_signal is None or res_signal.kind == "unresolved"):
            # (an open call that ends in a complaint or churn threat is already counted above)
            items.append((w["unresolved"], "unresolved" + (f" ({res_signal.hit.words})" if res_signal else ""),
                          res_signal.hit.turn if res_signal else None, res_signal.hit.words if res_signal else ""))
        elif resolution == "pending":
            items.append((w["pending"], "pending (customer waits for a follow-up)",
                          res_signal.hit.turn if res_signal else None, res_signal.hit.words if res_signal else ""))
        rep = next((s for s in signals if s.kind == "repeat_contact"), None)
        if rep is not None:
            items.append((w["repeat_contact"], f"repeat contact ({rep.hit.words})", rep.hit.turn, rep.hit.words))
        for v in rules + timing:
            if v.verdict == FAIL and v.weight > 0:
                words = v.hits[0].words if v.hits and v.kind == "rule" and self._is_forbid(v.id) else ""
                label = f"agent: {v.name} failed" + (f" ({words})" if words else "")
                items.append((v.weight, label, v.turn, words))
        if traj.direction == "soured":
            items.append((w["customer_soured"], "customer sentiment soured", traj.min_turn, ""))
        elif traj.end is not None and traj.end <= _NEGATIVE_END:
            items.append((w["customer_negative_end"], "customer ends negative", traj.min_turn, ""))
        items = [i for i in items if i[0] > 0]
        items.sort(key=lambda i: -i[0])
        points = sum(i[0] for i in items)
        score = int(round(min(100.0, points)))
        levels = self.rules_.levels
        level = "high" if score >= levels["high"] else "medium" if score >= levels["medium"] else "low"
        if items:
            shown = [f"{label} @turn {turn}" if turn else label for _, label, turn, _ in items[:3]]
            reason = "; ".join(shown) + (f"; +{len(items) - 3} more" if len(items) > 3 else "")
        else:
            reason = "no issue found"
        return Priority(score, level, reason, tuple(items), points)

    def _is_forbid(self, rule_id: str) -> bool:
        try:
            return self.rules_.rule(rule_id).check == "forbid"
        except KeyError:
            return False


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def _quote(t: Transcript, turn: int | None, width: int = 24) -> str:
    if turn is None:
        return ""
    text = t.turns[turn - 1].text
    return text if len(text) <= width else text[: width - 1] + "…"


def _all_hits(ps: PhraseSet, turns: Iterable[Turn], words: list[Mapped]) -> list[Hit]:
    out = []
    for turn in turns:
        w = words[turn.index]
        for s, e, _ in ps.find(w.text):
            os_, oe = w.span(s, e)
            out.append(Hit(turn.index + 1, os_, oe, turn.text[os_:oe]))
    return out


def _first_hit(ps: PhraseSet, turns: Iterable[Turn], words: list[Mapped]) -> Hit | None:
    for turn in turns:
        w = words[turn.index]
        found = ps.find(w.text)
        if found:
            os_, oe = w.span(found[0][0], found[0][1])
            return Hit(turn.index + 1, os_, oe, turn.text[os_:oe])
    return None


def _dedupe(signals: list[Signal]) -> list[Signal]:
    """One signal per place: an external escalation hides the plain 投诉 in the same words, and
    a longer cue hides a shorter one it contains (还是没解决 hides 没解决)."""
    out: list[Signal] = []
    for s in sorted(signals, key=lambda s: (s.hit.turn, s.hit.start, -(s.hit.end - s.hit.start))):
        if any(o.hit.turn == s.hit.turn and o.hit.start <= s.hit.start and s.hit.end <= o.hit.end
               and (o.kind == s.kind or {o.kind, s.kind} <= {"resolved", "accepted", "unresolved", "pending"})
               for o in out):
            continue
        out.append(s)
    return out


def _resolution(signals: list[Signal]) -> tuple[str, Signal | None]:
    """The call's outcome from the customer's words: the last strong cue decides.

    Thanks (accepted) count as resolved only when the customer voiced no unresolved or pending cue
    before them: 好的谢谢 after 还是没解决 is politeness, not resolution.
    """
    strong = [s for s in signals if s.kind in ("resolved", "unresolved", "pending")]
    accepted = [s for s in signals if s.kind == "accepted"]
    threats = [s for s in signals if s.kind in ("escalation", "escalation_external", "churn")]
    last = strong[-1] if strong else None
    if last is None and accepted:
        last = accepted[-1]
    # A complaint or churn threat after the last resolution cue means the problem is still open.
    if threats and (last is None or last.kind != "unresolved") and (
        last is None or (threats[-1].hit.turn, threats[-1].hit.start) > (last.hit.turn, last.hit.start)
    ):
        return "unresolved", threats[-1]
    if last is None:
        return "unknown", None
    return {"resolved": "resolved", "accepted": "resolved", "unresolved": "unresolved", "pending": "pending"}[last.kind], last


def _trajectory(scores: list[tuple[int, float]], signals: list[Signal]) -> Trajectory:
    """Start (first third) versus end (last third) of the customer's opinionated turns.

    Turns without an opinion (reading out a card number) are left out. A turn that threatens
    escalation or churn, or says the problem is not solved, counts as at most -0.5 whatever its
    wording (好，那就法院见 is not a happy ending).
    """
    if not scores:
        return Trajectory(None, None, None, None, None, "none")
    negative = {s.hit.turn - 1 for s in signals if s.kind in _NEGATIVE_SIGNALS}
    adjusted = [(i, min(s, _SIGNAL_CAP) if i in negative else s) for i, s in scores]
    mean = sum(s for _, s in adjusted) / len(adjusted)
    low_i, low = min(adjusted, key=lambda x: x[1])
    opinionated = [x for x in adjusted if abs(x[1]) >= _OPINION]
    if not opinionated:
        return Trajectory(0.0, 0.0, mean, low, low_i + 1, "steady")
    n = len(opinionated)
    k = max(1, round(n / 3))
    start = sum(s for _, s in opinionated[:k]) / k
    end = sum(s for _, s in opinionated[-k:]) / k
    delta = end - start
    if start <= -_OPINION and end >= _OPINION:
        direction = "recovered"
    elif delta >= _TRAJECTORY_STEP and end > -_OPINION:
        direction = "improved"
    elif delta <= -_TRAJECTORY_STEP and end <= -_OPINION:
        direction = "soured"
    else:
        direction = "steady"
    return Trajectory(start, end, mean, low, low_i + 1, direction)


def _aspects(found: dict[str, dict[str, Any]], order: tuple[str, ...], keep: int = 5) -> dict[str, Aspect]:
    """Per factor or theme over the call: the mean of the per-turn polarities that hold an opinion."""
    out = {}
    for id_ in order:
        agg = found.get(id_)
        if not agg:
            continue
        evidence = sorted(agg["evidence"], key=lambda x: -abs(x[1]))[:keep]
        evidence.sort(key=lambda x: (x[0].turn, x[0].start))
        out[id_] = Aspect(id_, mean_opinion(agg["polarities"]), agg["mentions"], tuple(evidence))
    return out


def _timing_rule(rule: TimingRule, t: Transcript, words: list[Mapped], hold_turns: set[int]) -> RuleVerdict:
    def verdict(v: str, reason: str, turn: int | None = None, value: float | None = None,
                hits: tuple[Hit, ...] = ()) -> RuleVerdict:
        return RuleVerdict(rule.id, rule.name, "timing", v, reason, rule.weight, turn, hits, value)

    turns = t.turns
    timed = [x for x in turns if x.start is not None]
    if len(timed) < 2:
        return verdict(NOT_APPLICABLE, "the transcript has no timestamps")
    lim = rule.limits
    if rule.id == "hold":
        if not hold_turns:
            return verdict(NOT_APPLICABLE, "the agent did not put the caller on hold")
        worst: tuple[float, Turn] | None = None
        for i in sorted(hold_turns):
            cur, nxt = turns[i], turns[i + 1] if i + 1 < len(turns) else None
            if nxt is None or nxt.start is None:
                continue
            ended = cur.end if cur.end is not None else cur.start
            if ended is None:
                continue
            gap = nxt.start - ended
            if worst is None or gap > worst[0]:
                worst = (gap, cur)
        if worst is None:
            return verdict(NOT_APPLICABLE, "no timestamp after the hold")
        gap, cur = worst
        hit = _first_hit(rule.phrases, [cur], words) if rule.phrases is not None else None
        hits = (hit,) if hit else ()
        if gap > lim["max_seconds"]:
            return verdict(FAIL, f"hold of {gap:.0f} s after turn {cur.index + 1} (limit {lim['max_seconds']:g} s)", cur.index + 1, gap, hits)
        return verdict(PASS, f"longest hold {gap:.0f} s (limit {lim['max_seconds']:g} s)", cur.index + 1, gap, hits)
    if rule.id == "long_silence":
        # Dead air before an agent turn; the silence after the agent's own hold phrase is a hold.
        worst_gap, worst_turn = None, None
        for prev, cur in zip(turns, turns[1:]):
            if cur.role != AGENT or cur.start is None or prev.index in hold_turns:
                continue
            ended = prev.end if prev.end is not None else None
            if ended is None:
                continue
            gap = cur.start - ended
            if worst_gap is None or gap > worst_gap:
                worst_gap, worst_turn = gap, cur
        if worst_gap is None:
            return verdict(NOT_APPLICABLE, "turn end times are needed to measure silences")
        if worst_gap > lim["max_seconds"]:
            return verdict(FAIL, f"{worst_gap:.0f} s of silence before agent turn {worst_turn.index + 1} "
                                 f"(limit {lim['max_seconds']:g} s)", worst_turn.index + 1, worst_gap)
        return verdict(PASS, f"longest silence before an agent turn {max(worst_gap, 0):.0f} s", worst_turn.index + 1, worst_gap)
    if rule.id == "overlap":
        overlaps: list[tuple[float, Turn]] = []
        measured = False
        for prev, cur in zip(turns, turns[1:]):
            if cur.role != AGENT or prev.role != CUSTOMER or cur.start is None or prev.end is None:
                continue
            measured = True
            over = prev.end - cur.start
            if over >= lim["min_overlap_seconds"]:
                overlaps.append((over, cur))
        if not measured:
            return verdict(NOT_APPLICABLE, "turn end times are needed to measure overlaps")
        if len(overlaps) > lim["max_count"]:
            over, cur = overlaps[0]
            return verdict(FAIL, f"the agent talked over the customer {len(overlaps)} time(s), first at turn "
                                 f"{cur.index + 1} ({over:.1f} s)", cur.index + 1, float(len(overlaps)))
        return verdict(PASS, f"{len(overlaps)} overlap(s)", None, float(len(overlaps)))
    if rule.id == "speech_rate":
        chars, secs, rates = 0, 0.0, []
        for x in turns:
            if x.role != AGENT or x.start is None or x.end is None:
                continue
            d = x.end - x.start
            n = len(words[x.index].text)
            if d >= 1.0 and n >= 4:
                chars += n
                secs += d
                rates.append((n / d, x))
        if not rates:
            return verdict(NOT_APPLICABLE, "agent turn start and end times are needed to measure speech rate")
        rate = chars / secs
        if rate > lim["max_chars_per_second"]:
            fast = max(rates, key=lambda r: r[0])
            return verdict(FAIL, f"the agent spoke at {rate:.1f} characters/s (limit {lim['max_chars_per_second']:g})",
                           fast[1].index + 1, rate)
        if rate < lim["min_chars_per_second"]:
            slow = min(rates, key=lambda r: r[0])
            return verdict(FAIL, f"the agent spoke at {rate:.1f} characters/s (at least {lim['min_chars_per_second']:g})",
                           slow[1].index + 1, rate)
        return verdict(PASS, f"{rate:.1f} characters/s", None, rate)
    return verdict(NOT_APPLICABLE, f"unknown timing rule {rule.id}")  # pragma: no cover - guarded by the loader


def _empty_result(t: Transcript, status: str, message: str) -> CallResult:
    return CallResult(
        transcript=t, status=status, turns=tuple(TurnResult(x) for x in t.turns),
        sentiment=Trajectory(None, None, None, None, None, "none"), factors={}, themes={}, resolution="unknown",
        resolution_signal=None, signals=(), rules=(), timing=(), priority=Priority(0, "low", message, ()),
        message=message,
    )
