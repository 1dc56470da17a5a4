"""Call transcripts: who said what, when, and which speaker is the agent.

A :class:`Transcript` is one call: a tuple of :class:`Turn` s in spoken order. Transcripts come from
plain text as call centres write it (``客服：您好…``, ``[00:01:23] 客户: …``, ``A: …``), from tables with
one row per turn, or from JSON with a ``turns`` list per call (see :mod:`cxtext._transcript_io` for
files).

Every turn carries a ``role``: ``agent`` or ``customer``. Labels such as 客服, 坐席, 客户经理, Agent give
the role directly; anonymous labels (A/B, 说话人1/2, Speaker 0/1) get it by inference from service
formulas (您好, 请问有什么可以帮您, 工号), and the transcript says so (``roles_inferred``) together with
the line that decided it, because a QA lead must be able to check who was judged as the agent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ._asr import compact
from ._errors import InputError

__all__ = [
    "Turn",
    "Transcript",
    "SpeakerNames",
    "parse_text",
    "parse_time",
    "assign_roles",
    "AGENT",
    "CUSTOMER",
]

AGENT, CUSTOMER = "agent", "customer"
_ANONYMOUS = "anonymous"

# Speaker labels as centres write them. A label *starts with* one of these (客服小王, 坐席1023, Agent-7);
# the longest match wins, so 客户经理 (a bank's account manager, an agent) beats 客户.
AGENT_LABELS = (
    "客服", "坐席", "座席", "人工客服", "在线客服", "客服代表", "客服人员", "客服专员", "话务员", "接线员",
    "服务代表", "服务专员", "工作人员", "客户经理", "理财经理", "业务员", "专员", "营业员", "柜员",
    "agent", "csr", "rep", "representative", "operator", "staff", "service",
)
CUSTOMER_LABELS = (
    "客户", "用户", "顾客", "来电人", "来电者", "来电客户", "来电用户", "客人", "消费者", "持卡人", "投保人",
    "被保险人", "会员", "买家", "customer", "caller", "client", "user",
)
_ANON = re.compile(
    r"^(?:[a-d]|[甲乙丙]|\d|(?:说话人|发言人|讲话人|讲者|角色|声道|通道|speaker|spk|channel|ch|spkr)[ _\-]?\d{1,2}"
    r"|(?:说话人|发言人|speaker)[ _\-]?[a-d])$",
    re.IGNORECASE,
)

_TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"


def _range(a: str, b: str) -> str:
    return rf"(?P<{a}>{_TS})(?:\s*(?:-->|->|-|~|～|–|—|至|到)\s*(?P<{b}>{_TS}))?"



_OPEN, _CLOSE = r"[\[【(（]", r"[\]】)）]"
# [00:01:23] 客服：…   00:01:23 客服: …   客服 [00:01:23]：…   客服(00:01:23-00:01:30): …
_TURN_LINE = re.compile(
    rf"^\s*(?:{_OPEN}?\s*{_range('t1', 't2')}\s*{_CLOSE}?\s*)?"
    r"(?P<label>[^\s:：\[\]【】()（）][^:：\[\]【】()（）]{0,15}?)\s*"
    rf"(?:{_OPEN}?\s*{_range('t3', 't4')}\s*{_CLOSE}?\s*)?"
    r"(?:[(（][^()（）:：]{0,12}[)）]\s*)?"  # 客户（张先生）：…
    r"[:：]\s*(?P<text>.*)$"
)
# A call-id line: "通话ID: C001", "=== C001 ===", "# call 17", "录音编号：R-2024-001".
_CALL_KEYS = r"(?:call[ _\-]?id|call|通话\s*(?:id|编号|号)|通话|录音\s*(?:id|编号|号)?|会话\s*(?:id|编号)|工单\s*(?:号|编号)|来电\s*(?:编号|id))"
_CALL_LINE = re.compile(
    rf"^\s*(?:(?:#+|={{2,}}|-{{2,}})\s*)?{_CALL_KEYS}\s*[:：#]?\s*(?P<id>[A-Za-z0-9][\w\-.]*)\s*(?:={{2,}}|-{{2,}})?\s*$"
    rf"|^\s*(?:#+|={{2,}}|-{{2,}})\s*(?P<id2>[A-Za-z0-9][\w\-.]*)\s*(?:={{2,}}|-{{2,}})?\s*$",
    re.IGNORECASE,
)
# Header lines of a call: the agent's id and the date of the call.
_META_LINE = re.compile(
    r"^\s*(?P<key>agent[ _]?id|坐席工号|客服工号|坐席编号|座席工号|工号|date|日期|通话日期|通话时间|时间)\s*[:：]\s*(?P<value>\S.*?)\s*$",
    re.IGNORECASE,
)
_META_KEYS = {"date": ("date", "日期", "通话日期", "通话时间", "时间")}


@dataclass(frozen=True, slots=True)
class SpeakerNames:
    """Extra speaker labels (``--agent-prefix``, ``--customer-prefix``), consulted before the built-in ones."""

    agent: tuple[str, ...] = ()
    customer: tuple[str, ...] = ()

    def role(self, label: str) -> str | None:
        """``agent``, ``customer``, ``anonymous`` (A/B, 说话人1) or ``None`` when the label is not a speaker."""
        low = label.strip().lower()
        if not low:
            return None
        for names, role in ((self.agent, AGENT), (self.customer, CUSTOMER)):
            if any(low == n.lower() or low.startswith(n.lower()) for n in names if n):
                return role
        best, role = 0, None
        for names, r in ((AGENT_LABELS, AGENT), (CUSTOMER_LABELS, CUSTOMER)):
            for n in names:
                if len(n) > best and low.startswith(n) and (not n.isascii() or low == n or not low[len(n)].isalpha()):
                    best, role = len(n), r
        if role is not None:
            return role
        if _ANON.match(low):
            return _ANONYMOUS
        return None


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's turn. ``start``/``end`` are seconds from the start of the call, when known.

    ``role`` is ``agent`` or ``customer``; ``role_inferred`` is true when the label did not say so
    (A/B, 说话人1) and the role was worked out from what the speaker said. ``line`` is the line or row
    of the input the turn came from, for messages and the report.
    """

    index: int
    speaker: str
    role: str
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None
    role_inferred: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"turn": self.index + 1, "speaker": self.speaker, "role": self.role, "text": self.text}
        if self.start is not None:
            out["start"] = round(self.start, 3)
        if self.end is not None:
            out["end"] = round(self.end, 3)
        if self.role_inferred:
            out["role_inferred"] = True
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass(frozen=True, slots=True)
class Transcript:
    """One call: its turns in spoken order, the agent's id and the call's date when known.

    ``roles_inferred`` says that at least one speaker's role was inferred; ``role_evidence`` names the
    turn and words that decided it. Build one with :meth:`from_text` or :meth:`from_turns`.
    """

    call_id: str
    turns: tuple[Turn, ...]
    agent_id: str | None = None
    date: str | None = None
    roles_inferred: bool = False
    role_evidence: str = ""
    source: str | None = None
    error: str = ""  # the file could not be read as a transcript; the call comes out with status "error"

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        call_id: str = "call",
        agent_prefixes: Sequence[str] = (),
        customer_prefixes: Sequence[str] = (),
    ) -> Transcript:
        """One call from text with one turn per line (``客服：…``); raises if it holds several calls."""
        calls = parse_text(text, name=call_id, speakers=SpeakerNames(tuple(agent_prefixes), tuple(customer_prefixes)),
                           split="none")
        return calls[0] if calls else cls(call_id, ())

    @classmethod
    def from_turns(
        cls,
        turns: Iterable[Mapping[str, Any] | tuple[str, str]],
        *,
        call_id: str = "call",
        agent_id: str | None = None,
        date: str | None = None,
        speakers: SpeakerNames | None = None,
    ) -> Transcript:
        """A call from ``(speaker, text)`` pairs or mappings with ``speaker``, ``text``, ``start``, ``end``.

        Speakers are labels (客服, 客户, A, 说话人1) or the roles ``agent``/``customer`` themselves.
        """
        names = speakers or SpeakerNames()
        raw: list[Turn] = []
        for i, t in enumerate(turns):
            if isinstance(t, Mapping):
                speaker, text = str(t.get("speaker", "")), t.get("text", "")
                start, end = parse_time(t.get("start")), parse_time(t.get("end"))
                line = t.get("line")
            else:
                speaker, text = str(t[0]), t[1]
                start = end = None
                line = None
            text = "" if text is None else str(text)
            role = names.role(speaker) or _ANONYMOUS
            raw.append(Turn(i, speaker, role, text, start, end, line))
        turns_, inferred, evidence = assign_roles(raw)
        return cls(call_id, tuple(turns_), agent_id, date, inferred, evidence)

    # ----------------------------------------------------------------------------------------------

    def by_role(self, role: str) -> tuple[Turn, ...]:
        """The turns of one side (``agent`` or ``customer``), in order."""
        return tuple(t for t in self.turns if t.role == role)

    @property
    def has_timestamps(self) -> bool:
        return any(t.start is not None for t in self.turns)

    @property
    def duration(self) -> float | None:
        """Seconds from the first turn's start to the last turn's end, when timestamps are present."""
        starts = [t.start for t in self.turns if t.start is not None]
        ends = [t.end if t.end is not None else t.start for t in self.turns if t.start is not None]
        if not starts:
            return None
        return max(e for e in ends if e is not None) - min(starts)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"call_id": self.call_id}
        if self.agent_id is not None:
            out["agent_id"] = self.agent_id
        if self.date is not None:
            out["date"] = self.date
        out["roles_inferred"] = self.roles_inferred
        if self.role_evidence:
            out["role_evidence"] = self.role_evidence
        out["turns"] = [t.to_dict() for t in self.turns]
        return out


# --------------------------------------------------------------------------------------------------
# Times
# --------------------------------------------------------------------------------------------------


def parse_time(value: Any, *, unit: str = "s") -> float | None:
    """Seconds from a timestamp: ``83``, ``83.5``, ``"01:23"``, ``"00:01:23.5"``; ``None`` when blank.

    ``unit="ms"`` reads plain numbers as milliseconds (what some recorders export).
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        if value != value:  # NaN
            return None
        return float(value) / (1000.0 if unit == "ms" else 1.0)
    s = str(value).strip()
    if not s:
        return None
    if ":" in s:
        parts = s.replace(",", ".").split(":")
        if len(parts) > 3 or not all(parts):
            raise ValueError(f"not a time: {value!r}")
        total = 0.0
        for p in parts:
            total = total * 60 + float(p)
        return total
    s = s.rstrip("sS秒").strip()
    return float(s) / (1000.0 if unit == "ms" else 1.0)


# --------------------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------------------


@dataclass
class _Block:
    call_id: str | None = None
    agent_id: str | None = None
    date: str | None = None
    turns: list[dict[str, Any]] = field(default_factory=list)
    first_line: int = 0


def parse_text(
    text: str,
    *,
    name: str = "call",
    speakers: SpeakerNames | None = None,
    split: str = "auto",
) -> list[Transcript]:
    """Calls from plain text, one turn per line, in the order they appear.

    A line is a turn when it starts with a speaker label and a colon, optionally with a timestamp
    before or after the label; a line without a label continues the turn before it. Calls are
    separated by call-id lines (``通话ID: C001``, ``=== C001 ===``) when the text has any; otherwise,
    with ``split="auto"``, by blank lines (unless every block would hold one turn: a double-spaced
    single call). ``split="none"`` reads the whole text as one call. Calls without an id are named
    ``name`` (one call) or ``name#1``, ``name#2`` …

    Raises:
        InputError: no line carries a speaker label; the message shows the first line and the labels
            that are understood.
    """
    if split not in ("auto", "none", "blank"):
        raise ValueError(f"split={split!r}; allowed: auto, blank, none")
    names = speakers or SpeakerNames()
    lines = text.splitlines()
    has_call_lines = split != "none" and any(_CALL_LINE.match(x) and not _is_turn(x, names) for x in lines)
    blocks = _blocks(lines, names, split_blank=split != "none" and not has_call_lines, call_lines=has_call_lines)
    if split == "auto" and not has_call_lines and len(blocks) > 1 and all(len(b.turns) <= 1 for b in blocks):
        blocks = _blocks(lines, names, split_blank=False, call_lines=False)  # double-spaced single call
    blocks = [b for b in blocks if b.turns or b.call_id]
    if not blocks:
        first = next(((i, x) for i, x in enumerate(lines, start=1) if x.strip()), None)
        if first is None:
            return []
        raise InputError(
            f"{name}:{first[0]}: no speaker label found (the first line reads {first[1][:40]!r}); each turn "
            "must start with a speaker and a colon, e.g. '客服：您好' or '[00:00:05] A: …'. Understood labels: "
            f"{', '.join(AGENT_LABELS[:6])} … (agent), {', '.join(CUSTOMER_LABELS[:4])} … (customer), "
            "A/B, 说话人1/2, Speaker 1/2 (inferred); add your own with --agent-prefix / --customer-prefix"
        )
    calls = []
    unnamed = sum(1 for b in blocks if not b.call_id)
    n = 0
    for b in blocks:
        if b.call_id:
            call_id = b.call_id
        else:
            n += 1
            call_id = name if unnamed == 1 and len(blocks) == 1 else f"{name}#{n}"
        raw = [
            Turn(i, t["speaker"], t["role"], "".join(t["text"]), t["start"], t["end"], t["line"])
            for i, t in enumerate(b.turns)
        ]
        turns, inferred, evidence = assign_roles(raw)
        calls.append(Transcript(call_id, tuple(turns), b.agent_id, b.date, inferred, evidence, name))
    return calls


def _is_turn(line: str, names: SpeakerNames) -> bool:
    m = _TURN_LINE.match(line)
    return bool(m and names.role(m.group("label")))


def _blocks(lines: list[str], names: SpeakerNames, *, split_blank: bool, call_lines: bool) -> list[_Block]:
    blocks: list[_Block] = [_Block()]
    blank = False
    for no, line in enumerate(lines, start=1):
        cur = blocks[-1]
        if not line.strip():
            blank = True
            continue
        blank_before, blank = blank, False
        c = _CALL_LINE.match(line) if call_lines else None
        if c is not None:
            call_id = c.group("id") or c.group("id2")
            if cur.turns or cur.call_id:
                blocks.append(_Block(call_id=call_id, first_line=no))
            else:
                cur.call_id, cur.first_line = call_id, no
            continue
        meta = _META_LINE.match(line)
        if meta is not None and (not cur.turns or (blank_before and split_blank)):
            if cur.turns:  # a header after a blank line opens the next call
                blocks.append(_Block(first_line=no))
                cur = blocks[-1]
            if meta.group("key").lower() in _META_KEYS["date"]:
                cur.date = meta.group("value")
            else:
                cur.agent_id = meta.group("value")
            continue
        m = _TURN_LINE.match(line)
        role = names.role(m.group("label")) if m else None
        if m is not None and role is not None:
            if split_blank and blank_before and cur.turns:
                blocks.append(_Block(first_line=no))
                cur = blocks[-1]
            start = m.group("t1") or m.group("t3")
            end = m.group("t2") or m.group("t4")
            cur.turns.append({
                "speaker": m.group("label").strip(), "role": role, "text": [m.group("text").strip()],
                "start": parse_time(start), "end": parse_time(end), "line": no,
            })
        elif cur.turns:  # a line without a label continues the turn before it
            prev = cur.turns[-1]["text"]
            piece = line.strip()
            sep = " " if prev and prev[-1] and prev[-1][-1:].isascii() and piece[:1].isascii() else ""
            prev.append(sep + piece)
    return blocks


# --------------------------------------------------------------------------------------------------
# Which speaker is the agent
# --------------------------------------------------------------------------------------------------

# Service formulas only an agent says, and words a caller says about their own account or problem.
# Matched on the compact text (no fillers, spaces or punctuation), so ASR output qualifies too.
_AGENT_CUES: tuple[tuple[str, float], ...] = (
    (r"工号", 3.0), (r"有什么(?:可以|能)?(?:帮|为)(?:您|你)", 3.0), (r"很高兴为您服务", 3.0), (r"为您服务", 2.0),
    (r"感谢(?:您的)?来电", 3.0), (r"还有(?:什么|其他|别的)(?:问题|需要|可以帮)", 2.0), (r"请问您(?:是|贵姓|怎么称呼)", 2.0),
    (r"(?:请|麻烦)您?稍等", 1.5), (r"(?:帮|为)您(?:查|看|核实|处理|办理|登记|反馈)", 1.5), (r"核实(?:一下)?您的", 2.0),
    (r"给您带来", 1.5), (r"(?:非常)?抱歉", 0.5), (r"(?:客服|坐席|座席)(?:中心|热线)?", 0.5), (r"欢迎致电", 3.0),
    (r"您好", 0.7), (r"您", 0.2),
)
_CUSTOMER_CUES: tuple[tuple[str, float], ...] = (
    (r"我要投诉", 2.0), (r"我想(?:问|咨询|办|查|了解)", 1.5), (r"我(?:的|这个)(?:卡|账户|手机|号码|宽带|订单|快递|保单|套餐)", 1.5),
    (r"你们(?:这|那|怎么|到底|公司|客服)", 1.0), (r"我(?:打|都打)了", 1.0), (r"帮我", 1.0), (r"我(?:刚才|昨天|上周|上个月)", 0.5),
)
_AGENT_RE = [(re.compile(p), w) for p, w in _AGENT_CUES]
_CUSTOMER_RE = [(re.compile(p), w) for p, w in _CUSTOMER_CUES]


def _cue_score(turns: list[Turn]) -> tuple[float, str]:
    """How much a speaker sounds like the agent, and the strongest agent cue with its turn."""
    score = 0.0
    best = (0.0, "")
    for t in turns:
        c = compact(t.text).text
        for rx, w in _AGENT_RE:
            m = rx.search(c)
            if m:
                score += w
                if w > best[0]:
                    best = (w, f"{m.group(0)} in turn {t.index + 1}")
        for rx, w in _CUSTOMER_RE:
            if rx.search(c):
                score -= w
    return score, best[1]


def assign_roles(turns: list[Turn]) -> tuple[list[Turn], bool, str]:
    """Give anonymous speakers a role; return the turns, whether any role was inferred, and why.

    With one labelled side the anonymous speakers are the other side. Otherwise the speaker whose
    words hold the most service formulas (工号, 请问有什么可以帮您, 感谢您的来电) is the agent, and the
    others are customers; with no cue at all the first speaker is taken as the agent (centres answer
    the phone), and the evidence says the guess is weak.
    """
    anon = list(dict.fromkeys(t.speaker for t in turns if t.role == _ANONYMOUS))
    if not anon:
        return turns, False, ""
    roles = {t.role for t in turns if t.role != _ANONYMOUS}
    assigned: dict[str, str] = {}
    if AGENT in roles:
        assigned = {s: CUSTOMER for s in anon}
        evidence = f"{', '.join(anon)}: customer (the agent is labelled)"
    elif CUSTOMER in roles:
        assigned = {s: AGENT for s in anon}
        evidence = f"{', '.join(anon)}: agent (the customer is labelled)"
    else:
        scored = {s: _cue_score([t for t in turns if t.speaker == s]) for s in anon}
        first = next(t.speaker for t in turns if t.role == _ANONYMOUS)
        agent = max(anon, key=lambda s: (scored[s][0], s == first))
        if scored[agent][0] <= 0 and not scored[agent][1]:
            agent = first
            evidence = f"{agent}: agent (no service formula found; the first speaker is taken as the agent — check)"
        else:
            evidence = f"{agent}: agent ({scored[agent][1]})"
        assigned = {s: AGENT if s == agent else CUSTOMER for s in anon}
    out = [replace(t, role=assigned[t.speaker], role_inferred=True) if t.role == _ANONYMOUS else t for t in turns]
    return out, True, evidence
