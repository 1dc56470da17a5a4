"""The QA report: one self-contained, offline HTML file for a QA lead.

Calls to review first (with the lines that triggered them highlighted in their context), rule pass
rates, per-agent scorecards and trends when the calls carry an agent id, the factors and themes
customers raised across all calls, and escalation and churn counts.

:class:`QAReport` collects results one call at a time and keeps only what the page shows (the
counts, and the full detail of the calls that rank highest), so a run over many calls stays small in
memory. Rendering uses jinja2 with autoescaping: every transcript word is escaped.
"""

from __future__ import annotations

import heapq
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ._qa import FAIL, NOT_APPLICABLE, PASS, CallResult
from ._transcript import AGENT

__all__ = ["QAReport", "TEMPLATE"]

TEMPLATE = "qa_report.html.j2"
_CONTEXT = 2  # turns shown before and after a highlighted turn


@dataclass
class _RuleCount:
    name: str
    kind: str
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0

    @property
    def rate(self) -> float | None:
        judged = self.passed + self.failed
        return self.passed / judged if judged else None


@dataclass
class _Agent:
    calls: int = 0
    passed: int = 0
    failed: int = 0
    priority_sum: int = 0
    high: int = 0
    fails: Counter[str] = field(default_factory=Counter)
    by_period: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


class QAReport:
    """Accumulates call results and renders the QA report."""

    def __init__(self, *, top: int = 30, title: str = "Call QA report") -> None:
        self.top = top
        self.title = title
        self.calls = 0
        self.not_ok = 0
        self.levels: Counter[str] = Counter()
        self.escalation: Counter[str] = Counter()
        self.churn = 0
        self.repeat = 0
        self.resolution: Counter[str] = Counter()
        self.trajectory: Counter[str] = Counter()
        self.inferred = 0
        self.rules: dict[str, _RuleCount] = {}
        self.agents: dict[str, _Agent] = defaultdict(_Agent)
        self.factors: dict[str, list[float]] = defaultdict(list)
        self.themes: dict[str, list[float]] = defaultdict(list)
        self.aspect_quotes: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
        self._heap: list[tuple[float, int, dict[str, Any]]] = []
        self._seq = 0

    def add(self, result: CallResult) -> None:
        self.calls += 1
        self._seq += 1
        if result.status != "ok":
            self.not_ok += 1
            return
        self.levels[result.priority.level] += 1
        self.escalation[result.escalation] += 1
        self.churn += result.churn
        self.repeat += result.repeat_contact
        self.resolution[result.resolution] += 1
        self.trajectory[result.sentiment.direction] += 1
        self.inferred += result.transcript.roles_inferred
        for v in result.verdicts():
            rc = self.rules.setdefault(v.id, _RuleCount(v.name, v.kind))
            if v.verdict == PASS:
                rc.passed += 1
            elif v.verdict == FAIL:
                rc.failed += 1
            else:
                rc.not_applicable += 1
        if result.agent_id:
            a = self.agents[result.agent_id]
            a.calls += 1
            a.priority_sum += result.priority.score
            a.high += result.priority.level == "high"
            period = (result.transcript.date or "")[:10]
            for v in result.verdicts():
                if v.verdict == PASS:
                    a.passed += 1
                    a.by_period[period][0] += 1
                elif v.verdict == FAIL:
                    a.failed += 1
                    a.fails[v.name] += 1
                    a.by_period[period][1] += 1
        for kind, store in (("factor", result.factors), ("theme", result.themes)):
            target = self.factors if kind == "factor" else self.themes
            for id_, asp in store.items():
                target[id_].append(asp.polarity)
                for hit, pol in asp.evidence[:1]:
                    self.aspect_quotes[f"{kind}:{id_}"].append((pol, result.call_id, hit.words))
        entry = (result.priority.points, -self._seq, _call_view(result))
        if len(self._heap) < self.top:
            heapq.heappush(self._heap, entry)
        elif entry[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, entry)

    # ----------------------------------------------------------------------------------------------

    def context(self) -> dict[str, Any]:
        """Everything the template shows, as plain values (also handy for tests)."""
        review = [e[2] for e in sorted(self._heap, key=lambda e: (-e[0], -e[1]))]
        rules = [
            {"id": rid, "name": rc.name, "kind": rc.kind, "passed": rc.passed, "failed": rc.failed,
             "not_applicable": rc.not_applicable, "rate": rc.rate}
            for rid, rc in self.rules.items()
        ]
        agents = []
        for aid, a in sorted(self.agents.items(), key=lambda kv: kv[0]):
            judged = a.passed + a.failed
            trend = [
                {"period": p or "(no date)", "rate": (v[0] / (v[0] + v[1])) if v[0] + v[1] else None}
                for p, v in sorted(a.by_period.items())
            ]
            agents.append({"id": aid, "calls": a.calls, "rate": a.passed / judged if judged else None,
                           "mean_priority": a.priority_sum / a.calls if a.calls else 0, "high": a.high,
                           "top_fails": a.fails.most_common(3), "trend": trend if len(trend) > 1 else []})
        return {
            "title": self.title,
            "calls": self.calls,
            "not_ok": self.not_ok,
            "levels": dict(self.levels),
            "escalation": dict(self.escalation),
            "churn": self.churn,
            "repeat": self.repeat,
            "resolution": dict(self.resolution),
            "trajectory": dict(self.trajectory),
            "inferred": self.inferred,
            "review": review,
            "rules": rules,
            "agents": agents,
            "factors": _aspect_rows(self.factors, self.aspect_quotes, "factor"),
            "themes": _aspect_rows(self.themes, self.aspect_quotes, "theme"),
        }

    def render(self, *, template_dir: str | os.PathLike[str] | None = None) -> str:
        import jinja2

        from ._resources import template_dir as resolve

        folder = resolve(template_dir)
        source = (folder / TEMPLATE).read_text(encoding="utf-8")
        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters["pct"] = lambda x: "–" if x is None else f"{100 * x:.0f}%"
        env.filters["num"] = lambda x, d=2: "–" if x is None else f"{x:.{d}f}"
        return env.from_string(source).render(**self.context())

    def write(self, path: str | os.PathLike[str], **kwargs: Any) -> None:
        """Render and write atomically (a temporary file renamed into place)."""
        import tempfile
        from pathlib import Path

        html = self.render(**kwargs)
        target = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(html)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _aspect_rows(values: dict[str, list[float]], quotes: dict[str, list[tuple[float, str, str]]], kind: str) -> list[dict[str, Any]]:
    rows = []
    for id_, pols in values.items():
        opinionated = [p for p in pols if p != 0.0]
        qs = sorted(quotes.get(f"{kind}:{id_}", []), key=lambda q: q[0])
        rows.append({"id": id_, "calls": len(pols), "polarity": sum(opinionated) / len(opinionated) if opinionated else 0.0,
                     "negative": sum(p < 0 for p in pols), "quote": qs[0] if qs else None})
    rows.sort(key=lambda r: (-r["calls"], r["polarity"]))
    return rows


def _call_view(r: CallResult) -> dict[str, Any]:
    """The few lines of one call a reviewer needs: each trigger with its turn, highlighted in context."""
    t = r.transcript
    marks: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # turn -> (start, end, css class)
    notes: dict[int, list[str]] = defaultdict(list)
    for s in r.signals:
        if s.kind in ("accepted",):
            continue
        marks[s.hit.turn].append((s.hit.start, s.hit.end, "sig"))
        notes[s.hit.turn].append(s.kind.replace("_", " "))
    for v in r.verdicts():
        if v.verdict != FAIL:
            continue
        for h in v.hits:
            marks[h.turn].append((h.start, h.end, "bad"))
        if v.turn is not None:
            notes[v.turn].append(f"{v.name}: {v.reason}")
    focus = sorted({turn for _, _, turn, _ in r.priority.triggers if turn} | set(marks))
    shown: set[int] = set()
    for f in focus:
        shown.update(range(max(1, f - _CONTEXT), min(len(t.turns), f + _CONTEXT) + 1))
    lines = []
    prev = 0
    for n in sorted(shown):
        turn = t.turns[n - 1]
        if prev and n != prev + 1:
            lines.append({"gap": True})
        prev = n
        lines.append({
            "gap": False, "turn": n, "speaker": turn.speaker, "role": turn.role, "inferred": turn.role_inferred,
            "time": _clock(turn.start), "pieces": _pieces(turn.text, marks.get(n, [])),
            "focus": n in focus, "notes": list(dict.fromkeys(notes.get(n, []))),
        })
    return {
        "call_id": r.call_id, "agent_id": r.agent_id, "date": t.date, "score": r.priority.score,
        "level": r.priority.level, "reason": r.priority.reason, "resolution": r.resolution,
        "escalation": r.escalation, "churn": r.churn, "trajectory": r.sentiment.direction,
        "roles_inferred": t.roles_inferred, "role_evidence": t.role_evidence,
        "failed": [v.name for v in r.verdicts() if v.verdict == FAIL],
        "na": sum(v.verdict == NOT_APPLICABLE for v in r.verdicts()),
        "lines": lines, "agent_turns": sum(x.role == AGENT for x in t.turns),
    }


def _pieces(text: str, marks: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """The text cut into (piece, css class) so the template can highlight without building HTML."""
    if not marks:
        return [(text, "")]
    bounds = sorted(marks)
    out, pos = [], 0
    for s, e, cls in bounds:
        if s < pos:
            s = pos
        if e <= s:
            continue
        if s > pos:
            out.append((text[pos:s], ""))
        out.append((text[s:e], cls))
        pos = e
    if pos < len(text):
        out.append((text[pos:], ""))
    return out


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
