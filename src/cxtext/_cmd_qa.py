"""``cxtext qa``: score every call transcript, write one record per call, optionally turns and a report.

Thin by design: parse options, read transcripts, call :class:`cxtext._qa.QAAnalyzer`, write.
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any, TextIO

__all__ = ["register"]

def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "qa", help="score call-centre transcripts: customer experience, agent scorecard, review priority",
        description="Score every call in INPUT (a .txt transcript or a folder of them, a table with one row per "
                    "turn, or JSON with a 'turns' list per call) and write one record per call, in input order.")
    p.add_argument("input", nargs="?", help="transcript file or folder (.txt, .csv, .tsv, .xlsx, .parquet, .json, .jsonl)")
    p.add_argument("-o", "--output", help="per-call results: .jsonl (full), .csv, .xlsx or .parquet (flat)")
    p.add_argument("--rules", metavar="YAML", help="QA rules laid over the shipped ones (see --print-rules)")
    p.add_argument("--report", metavar="HTML", help="also write the QA report (self-contained HTML)")
    p.add_argument("--turns", metavar="FILE", help="also write one record per turn (.jsonl or .csv)")
    p.add_argument("--top", type=int, default=30, metavar="N", help="calls shown in the report's review list (default: 30)")
    p.add_argument("--print-rules", action="store_true", help="print the shipped rules (YAML) to start your own, and exit")
    g = p.add_argument_group("transcript layout")
    g.add_argument("--call-id", metavar="COL", help="column/key with the call id (default: call_id, 通话ID, 录音编号 …)")
    g.add_argument("--speaker", metavar="COL", help="column/key with the speaker (default: speaker, role, 角色, 说话人 …)")
    g.add_argument("--text", metavar="COL", help="column/key with the words (default: text, 内容, 文本, content …)")
    g.add_argument("--start", metavar="COL", help="column/key with the turn start time (default: start, 开始时间 …)")
    g.add_argument("--end", metavar="COL", help="column/key with the turn end time (default: end, 结束时间 …)")
    g.add_argument("--agent-id", metavar="COL", help="column/key with the agent's id (default: agent_id, 坐席工号, 工号 …)")
    g.add_argument("--date", metavar="COL", help="column/key with the call date, for agent trends (default: date, 日期 …)")
    g.add_argument("--time-unit", choices=["s", "ms"], default="s", help="plain-number times are seconds (default) or milliseconds")
    g.add_argument("--agent-prefix", action="append", default=[], metavar="LABEL",
                   help="a speaker label that means the agent, e.g. 小美 (repeatable; adds to 客服, 坐席, Agent …)")
    g.add_argument("--customer-prefix", action="append", default=[], metavar="LABEL",
                   help="a speaker label that means the customer (repeatable; adds to 客户, 用户, Customer …)")
    g.add_argument("--split", choices=["auto", "blank", "none"], default="auto",
                   help="text files: calls separated by call-id lines or blank lines (auto), blank lines only, or one call per file (none)")
    g.add_argument("--encoding", help="input encoding (default: detected)")
    g.add_argument("--sheet", help="XLSX sheet name or 1-based number (default: the first)")
    g.add_argument("--header-row", type=int, default=1, metavar="N", help="XLSX row holding the column names (default: 1)")
    a = p.add_argument_group("analysis")
    a.add_argument("--lexicons", metavar="DIR", action="append", help="folder of lexicon files laid over the shipped ones (repeatable)")
    a.add_argument("--industry", action="append", help="industry lexicon pack to add (repeatable)")
    a.add_argument("--sentiment", default="auto", choices=["auto", "rules", "model", "snownlp"],
                   help="sentiment method for customer turns (default: auto)")
    a.add_argument("--quiet", "-q", action="store_true", help="no progress or summary on stderr")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace, err: TextIO) -> int:
    from ._cli import EXIT_OK, EXIT_ROWS, _analyzer, _Progress
    from ._errors import InputError

    if args.print_rules:
        from ._resources import qa_rules_path

        import sys

        sys.stdout.write(qa_rules_path().read_text(encoding="utf-8"))
        return EXIT_OK
    if not args.input or not args.output:
        raise SystemExit("cxtext qa: error: INPUT and -o/--output are required (or use --print-rules)")
    if args.header_row < 1:
        raise SystemExit(f"cxtext qa: error: --header-row must be 1 or more, got {args.header_row}")
    if args.top < 1:
        raise SystemExit(f"cxtext qa: error: --top must be 1 or more, got {args.top}")

    from pathlib import Path

    from ._io import ResultWriter
    from ._qa import QAAnalyzer
    from ._qa_report import QAReport
    from ._transcript_io import TranscriptOptions, read_transcripts

    for opt, path, allowed in (("-o", args.output, (".jsonl", ".csv", ".xlsx", ".parquet")),
                               ("--turns", args.turns, (".jsonl", ".csv")), ("--report", args.report, (".html", ".htm"))):
        if path is not None:
            suffix = Path(path).suffix.lower()
            if suffix not in allowed:
                raise InputError(f"{path}: {opt} must end in {', '.join(allowed)}")
            if not Path(path).resolve().parent.exists():
                raise InputError(f"{path}: the folder {Path(path).parent} does not exist")

    options = TranscriptOptions(
        call_id=args.call_id, speaker=args.speaker, text=args.text, start=args.start, end=args.end,
        agent_id=args.agent_id, date=args.date, time_unit=args.time_unit,
        agent_prefixes=tuple(args.agent_prefix), customer_prefixes=tuple(args.customer_prefix),
        split=args.split, encoding=args.encoding, sheet=args.sheet, header_row=args.header_row,
    )
    qa = QAAnalyzer(rules=args.rules, analyzer=_analyzer(args))
    report = QAReport(top=args.top) if args.report else None
    progress = _Progress(err, args.quiet)
    statuses: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    inferred = 0
    rule_ids = [r.id for r in qa.rules_.agent_rules] + [t.id for t in qa.rules_.timing]
    columns = _flat_columns(rule_ids)
    turn_writer = ResultWriter(args.turns, _TURN_COLUMNS) if args.turns else None
    try:
        with ResultWriter(args.output, columns) as writer:
            seen: set[str] = set()
            for transcript in read_transcripts(args.input, options):
                if transcript.call_id in seen:
                    raise InputError(
                        f"{args.input}: call id {transcript.call_id!r} appears twice (in different files or "
                        "blocks); call ids must be unique"
                    )
                seen.add(transcript.call_id)
                result = qa.score(transcript)
                record = result.to_dict()
                flat = _flat(record, rule_ids)
                if writer.kind == ".parquet":  # its flat columns are text, numbers included
                    flat = {k: v if v is None or isinstance(v, str) else str(v) for k, v in flat.items()}
                writer.write([record], [flat])
                if turn_writer is not None:
                    rows = [tr.to_dict(result.call_id) for tr in result.turns]
                    turn_writer.write(rows, [_flat_turn(r) for r in rows])
                if report is not None:
                    report.add(result)
                statuses[result.status] += 1
                levels[result.priority.level] += result.status == "ok"
                inferred += transcript.roles_inferred
                progress(1)
        if turn_writer is not None:
            turn_writer.close()
            turn_writer = None
    finally:
        if turn_writer is not None:
            turn_writer.abort()
    progress.done()
    if report is not None:
        report.write(args.report)
    calls = sum(statuses.values())
    if not args.quiet:
        lv = ", ".join(f"{levels.get(k, 0):,} {k}" for k in ("high", "medium", "low"))
        extra = f"; speaker roles inferred in {inferred:,}" if inferred else ""
        written = ", ".join(x for x in (args.output, args.turns, args.report) if x)
        err.write(f"cxtext: {calls:,} calls scored ({lv} priority{extra}) -> {written}\n")
    bad = calls - statuses.get("ok", 0)
    if bad:
        detail = ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()) if k != "ok")
        err.write(f"cxtext: {bad:,} calls could not be scored ({detail}); see their status\n")
        return EXIT_ROWS
    if calls == 0:
        err.write(f"cxtext: no calls found in {args.input}\n")
        return EXIT_ROWS
    return EXIT_OK


def _flat_columns(rule_ids: list[str]) -> list[str]:
    return (["call_id", "agent_id", "date", "status", "priority_score", "priority_level", "priority_reason",
             "resolution", "escalation", "churn", "repeat_contact", "sentiment_start", "sentiment_end",
             "sentiment_trajectory", "pass_rate", "roles_inferred"]
            + [f"rule.{i}" for i in rule_ids] + ["turns", "duration", "message"])


def _flat(rec: dict[str, Any], rule_ids: list[str]) -> dict[str, Any]:
    sent = rec["customer"]["sentiment"]
    out = {
        "call_id": rec["call_id"], "agent_id": rec["agent_id"], "date": rec["date"], "status": rec["status"],
        "priority_score": rec["priority"]["score"], "priority_level": rec["priority"]["level"],
        "priority_reason": rec["priority"]["reason"], "resolution": rec["outcome"]["resolution"]["status"],
        "escalation": rec["outcome"]["escalation"]["level"], "churn": str(rec["outcome"]["churn"]["flag"]).lower(),
        "repeat_contact": str(rec["outcome"]["repeat_contact"]["flag"]).lower(),
        "sentiment_start": _num(sent["start"]), "sentiment_end": _num(sent["end"]),
        "sentiment_trajectory": sent["trajectory"], "pass_rate": _num(rec["agent"]["pass_rate"]),
        "roles_inferred": str(rec["roles_inferred"]).lower(), "turns": rec["turns"],
        "duration": _num(rec["duration"]), "message": rec.get("message", ""),
    }
    verdicts = {v["id"]: v["verdict"] for v in rec["agent"]["rules"] + rec["agent"]["timing"]}
    for i in rule_ids:
        out[f"rule.{i}"] = verdicts.get(i, "")
    return out


def _num(x: Any) -> Any:
    return "" if x is None else x


_TURN_COLUMNS = ["call_id", "turn", "speaker", "role", "role_inferred", "start", "end", "text", "sentiment_label",
                 "sentiment_score", "upset", "signals", "rules"]


def _flat_turn(r: dict[str, Any]) -> dict[str, Any]:
    s = r.get("sentiment") or {}
    return {
        "call_id": r["call_id"], "turn": r["turn"], "speaker": r["speaker"], "role": r["role"],
        "role_inferred": str(r.get("role_inferred", False)).lower(), "start": _num(r.get("start")),
        "end": _num(r.get("end")), "text": r["text"], "sentiment_label": s.get("label", ""),
        "sentiment_score": _num(s.get("score")), "upset": str(r["upset"]).lower() if "upset" in r else "",
        "signals": ";".join(r["signals"]), "rules": ";".join(r["rules"]),
    }
