"""Reading call transcripts from files: text, tables with one row per turn, JSON with ``turns`` lists.

- ``.txt`` (or a folder of them, one call per file): turns as ``客服：…`` lines, see
  :func:`cxtext._transcript.parse_text`.
- CSV/TSV/XLSX/Parquet/JSONL with one row per turn: ``call_id``, ``speaker``, ``text`` and optional
  ``start``, ``end``, ``agent_id``, ``date`` columns (names configurable, obvious ones found), read
  through :func:`cxtext._io.read_chunks` so that encodings and errors behave as in ``cxtext analyze``.
- JSON (or JSONL with one call per line) where each call has a ``turns`` list.

Calls come out in the order they first appear; turns keep the file's order. Every error names the
file, the line or row, and the column.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import InputError
from ._transcript import (
    _ANONYMOUS,
    SpeakerNames,
    Transcript,
    Turn,
    assign_roles,
    parse_text,
    parse_time,
)

__all__ = ["TranscriptOptions", "read_transcripts", "COLUMN_NAMES"]

# Column names looked for when the option is not given (compared case-insensitively).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "call_id": ("call_id", "callid", "call", "通话id", "通话编号", "通话号", "录音编号", "录音id", "会话id",
                "session_id", "conversation_id", "工单号"),
    "speaker": ("speaker", "role", "角色", "说话人", "发言人", "speaker_role", "身份", "channel", "声道"),
    "text": ("text", "内容", "文本", "content", "utterance", "transcript", "对话内容", "话术", "sentence", "asr_text"),
    "start": ("start", "start_time", "begin", "begin_time", "开始时间", "开始", "起始时间"),
    "end": ("end", "end_time", "结束时间", "结束", "终止时间"),
    "agent_id": ("agent_id", "agentid", "坐席工号", "客服工号", "工号", "坐席id", "坐席编号", "agent"),
    "date": ("date", "call_date", "日期", "通话日期", "通话时间", "call_time"),
}
_UNDECODABLE = re.compile("[\udc80-\udcff]")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")
TEXT_SUFFIXES = (".txt", ".text")


@dataclass(frozen=True, slots=True)
class TranscriptOptions:
    """How to read transcripts: column names (``None``: the obvious one), prefixes, time unit."""

    call_id: str | None = None
    speaker: str | None = None
    text: str | None = None
    start: str | None = None
    end: str | None = None
    agent_id: str | None = None
    date: str | None = None
    time_unit: str = "s"
    agent_prefixes: tuple[str, ...] = ()
    customer_prefixes: tuple[str, ...] = ()
    split: str = "auto"
    encoding: str | None = None
    sheet: str | None = None
    header_row: int = 1

    @property
    def speakers(self) -> SpeakerNames:
        return SpeakerNames(self.agent_prefixes, self.customer_prefixes)


def read_transcripts(path: str | os.PathLike[str], options: TranscriptOptions = TranscriptOptions()) -> Iterator[Transcript]:
    """Every call in ``path`` (a file, or a folder of files read in name order)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: file not found")
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                       and f.suffix.lower() in TEXT_SUFFIXES + TABLE_SUFFIXES + (".json", ".jsonl", ".ndjson"))
        if not files:
            raise InputError(f"{p}: the folder holds no transcript files (.txt, .csv, .xlsx, .json, .jsonl, .parquet)")
        for f in files:
            # In a folder one unreadable file becomes one call with status "error"; the others go on.
            try:
                calls = list(_read_file(f, options))
            except InputError as exc:
                yield Transcript(f.stem, (), source=str(f), error=str(exc))
                continue
            yield from calls
    else:
        yield from _read_file(p, options)


def _read_file(p: Path, options: TranscriptOptions) -> Iterator[Transcript]:
    suffix = p.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from ._io import _open_text

        with _open_text(p, options.encoding) as fh:
            text = fh.read()
        bad = _UNDECODABLE.search(text)
        if bad is not None:
            line = text.count("\n", 0, bad.start()) + 1
            raise InputError(f"{p}:{line}: bytes that are not valid in the file's encoding; pass --encoding")
        yield from parse_text(text, name=p.stem, speakers=options.speakers, split=options.split)
    elif suffix == ".json":
        yield from _read_json(p, options)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(p, options)
    elif suffix in TABLE_SUFFIXES:
        yield from _read_table(p, options)
    else:
        raise InputError(
            f"{p}: cannot tell the format from the extension {p.suffix!r}; transcripts are read from "
            ".txt, .csv, .tsv, .xlsx, .parquet, .json and .jsonl"
        )


# --------------------------------------------------------------------------------------------------
# JSON: calls with a turns list
# --------------------------------------------------------------------------------------------------


def _read_json(p: Path, options: TranscriptOptions) -> Iterator[Transcript]:
    try:
        with open(p, encoding=options.encoding or "utf-8-sig") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 (bad byte at offset {exc.start}); pass --encoding") from None
    if isinstance(data, Mapping):
        calls = data.get("calls") if isinstance(data.get("calls"), list) else [data]
    elif isinstance(data, list):
        calls = data
    else:
        raise InputError(f"{p}: expected a call object with a 'turns' list, or a list of them; found {type(data).__name__}")
    if calls and all(isinstance(c, Mapping) and "turns" not in c for c in calls):
        yield from _group_rows(p, [(i + 1, c) for i, c in enumerate(calls)], options, "record")
        return
    for i, call in enumerate(calls, start=1):
        yield _json_call(p, call, f"call {i}", options, default_id=f"{p.stem}#{i}" if len(calls) > 1 else p.stem)


def _read_jsonl(p: Path, options: TranscriptOptions) -> Iterator[Transcript]:
    records: list[tuple[int, Any]] = []
    with open(p, encoding=options.encoding or "utf-8-sig", errors="strict") as fh:
        try:
            for no, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                try:
                    records.append((no, json.loads(raw)))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{p}:{no}:{exc.colno}: invalid JSON: {exc.msg}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{p}: not UTF-8 (bad byte at offset {exc.start}); pass --encoding") from None
    for no, r in records:
        if not isinstance(r, Mapping):
            raise InputError(f"{p}:{no}: expected a JSON object per line, found {type(r).__name__}")
    if any("turns" in r for _, r in records):
        for no, r in records:
            yield _json_call(p, r, f"line {no}", options, default_id=f"{p.stem}#{no}")
    else:
        yield from _group_rows(p, records, options, "line")


def _json_call(p: Path, call: Any, where: str, options: TranscriptOptions, default_id: str) -> Transcript:
    if not isinstance(call, Mapping):
        raise InputError(f"{p}: {where}: expected an object with a 'turns' list, found {type(call).__name__}")
    turns = call.get("turns")
    if not isinstance(turns, list):
        raise InputError(f"{p}: {where}: 'turns' must be a list of turns ({{\"speaker\": …, \"text\": …}}) or of lines ('客服：…')")
    call_id = _first(call, options.call_id, "call_id")
    if call_id is None and options.call_id is None:
        call_id = call.get("id")
    agent_id = _first(call, options.agent_id, "agent_id")
    date = _first(call, options.date, "date")
    call_id = default_id if call_id in (None, "") else str(call_id)
    if all(isinstance(t, str) for t in turns):
        parsed = parse_text("\n".join(turns), name=call_id, speakers=options.speakers, split="none")
        base = parsed[0] if parsed else Transcript(call_id, ())
        return Transcript(call_id, base.turns, _str(agent_id), _str(date), base.roles_inferred, base.role_evidence, str(p))
    rows = []
    for j, t in enumerate(turns, start=1):
        if not isinstance(t, Mapping):
            raise InputError(f"{p}: {where}, turn {j}: expected an object with 'speaker' and 'text', found {type(t).__name__}")
        rows.append((j, t))
    built = _build_call(p, call_id, rows, options, f"{where}, turn")
    return Transcript(call_id, built.turns, _str(agent_id), _str(date), built.roles_inferred, built.role_evidence, str(p))


def _first(obj: Mapping[str, Any], explicit: str | None, kind: str) -> Any:
    if explicit is not None:
        return obj.get(explicit)
    lowered = {str(k).strip().lower(): k for k in obj}
    for name in COLUMN_NAMES[kind]:
        if name in lowered:
            return obj[lowered[name]]
    return None


def _str(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and v != v) or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# --------------------------------------------------------------------------------------------------
# Tables: one row per turn
# --------------------------------------------------------------------------------------------------


def _column(p: Path, columns: Sequence[str], explicit: str | None, kind: str, required: bool) -> str | None:
    existing = [c for c in columns if c != "__line__"]
    if explicit is not None:
        if explicit not in existing:
            raise InputError(f"{p}: no column {explicit!r} (given with --{kind.replace('_', '-')}); the columns are: {', '.join(existing)}")
        return explicit
    lowered = {str(c).strip().lower(): c for c in existing}
    for name in COLUMN_NAMES[kind]:
        if name in lowered:
            return lowered[name]
    if required:
        raise InputError(
            f"{p}: cannot tell which column holds the {kind.replace('_', ' ')}; pass --{kind.replace('_', '-')} "
            f"with one of: {', '.join(existing)} (looked for {', '.join(COLUMN_NAMES[kind][:5])} …)"
        )
    return None


def _read_table(p: Path, options: TranscriptOptions) -> Iterator[Transcript]:
    from ._io import read_chunks

    rows: list[tuple[int, dict[str, Any]]] = []
    for chunk in read_chunks(p, encoding=options.encoding, sheet=options.sheet, header_row=options.header_row):
        lines = chunk["__line__"].tolist()
        for line, rec in zip(lines, chunk.drop(columns="__line__").to_dict("records"), strict=True):
            rows.append((int(line), rec))
    yield from _group_rows(p, rows, options, "line" if p.suffix.lower() in (".csv", ".tsv") else "row")


def _group_rows(p: Path, rows: list[tuple[int, Mapping[str, Any]]], options: TranscriptOptions, unit: str) -> Iterator[Transcript]:
    columns: list[str] = list(dict.fromkeys(str(k) for _, r in rows for k in r))
    call_col = _column(p, columns, options.call_id, "call_id", required=False)
    agent_col = _column(p, columns, options.agent_id, "agent_id", required=False)
    date_col = _column(p, columns, options.date, "date", required=False)
    groups: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    for line, r in rows:
        key = _str(r.get(call_col)) if call_col else None
        groups.setdefault(key if key is not None else p.stem, []).append((line, r))
    for call_id, members in groups.items():
        built = _build_call(p, call_id, members, options, unit, columns=columns)
        agent_id = next((v for v in (_str(r.get(agent_col)) for _, r in members) if v), None) if agent_col else None
        date = next((v for v in (_str(r.get(date_col)) for _, r in members) if v), None) if date_col else None
        yield Transcript(call_id, built.turns, agent_id, date, built.roles_inferred, built.role_evidence, str(p))


def _build_call(
    p: Path,
    call_id: str,
    rows: list[tuple[int, Mapping[str, Any]]],
    options: TranscriptOptions,
    unit: str,
    *,
    columns: Sequence[str] | None = None,
) -> Transcript:
    cols = list(columns) if columns is not None else list(dict.fromkeys(str(k) for _, r in rows for k in r))
    speaker_col = _column(p, cols, options.speaker, "speaker", required=True)
    text_col = _column(p, cols, options.text, "text", required=True)
    start_col = _column(p, cols, options.start, "start", required=False)
    end_col = _column(p, cols, options.end, "end", required=False)
    names = options.speakers
    turns: list[Turn] = []
    for i, (line, r) in enumerate(rows):
        where = f"{p}:{line}" if unit in ("line", "row") else f"{p}: {unit} {line}"
        speaker = _str(r.get(speaker_col))
        if speaker is None:
            raise InputError(f"{where}: column {speaker_col!r}: the speaker is empty; each turn needs one (客服/客户, agent/customer, A/B)")
        text = r.get(text_col)
        text = "" if text is None or (isinstance(text, float) and text != text) else str(text)
        start = _time(r, start_col, where, options.time_unit)
        end = _time(r, end_col, where, options.time_unit)
        role = {"agent": "agent", "customer": "customer"}.get(speaker.lower()) or names.role(speaker) or _ANONYMOUS
        turns.append(Turn(i, speaker, role, text, start, end, line))
    out, inferred, evidence = assign_roles(turns)
    return Transcript(call_id, tuple(out), None, None, inferred, evidence, str(p))


def _time(r: Mapping[str, Any], col: str | None, where: str, unit: str) -> float | None:
    if col is None:
        return None
    value = r.get(col)
    try:
        return parse_time(value, unit=unit)
    except (ValueError, TypeError):
        raise InputError(
            f"{where}: column {col!r}: {value!r} is not a time; allowed: seconds (83.5), "
            "mm:ss or hh:mm:ss(.fff), or milliseconds with --time-unit ms"
        ) from None
