"""``cxtext signals``: the signals of a whole file at a glance - emotions per factor, effort, churn and
escalation with quotes, experience levels - as one JSON document (the data behind a report's views)."""

from __future__ import annotations

import argparse
from typing import TextIO

__all__ = ["register"]


def register(subparsers) -> None:  # noqa: ANN001
    from ._cli import _add_input_options

    p = subparsers.add_parser(
        "signals",
        help="summarise emotions, effort, churn/escalation risk and experience levels over a file",
        description="Analyse every row of INPUT and write a JSON summary of its signals: emotions overall and "
                    "per factor and theme, customer effort (median wait, repeat contacts), churn, escalation and "
                    "staff-attitude counts with quotes, experience levels, and outcome-based importance.",
    )
    _add_input_options(p)
    p.add_argument("-o", "--output", help="JSON file to write (default: standard output)")
    p.add_argument("--quotes", type=int, default=5, metavar="N", help="quotes kept per signal (default: 5)")
    p.set_defaults(func=_cmd_signals)


def _cmd_signals(args: argparse.Namespace, err: TextIO) -> int:
    import json
    import os
    import sys
    from pathlib import Path

    from ._batch import BatchSummary, iter_file
    from ._cli import EXIT_OK, EXIT_ROWS, _analyzer, _options, _Progress
    from ._signal_summary import SignalSummary

    if args.quotes < 0:
        raise SystemExit(f"cxtext: error: --quotes must be 0 or more, got {args.quotes}")
    analyzer = _analyzer(args)
    progress = _Progress(err, args.quiet)
    batch = BatchSummary(input=str(args.input), output=args.output)
    summary = SignalSummary(max_quotes=args.quotes)
    for rows in iter_file(analyzer, args.input, _options(args), batch):
        for doc, _ in rows:
            summary.add(doc)
        progress(len(rows))
    progress.done()
    text = json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        out = Path(args.output)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)  # no partial file when interrupted
    else:
        sys.stdout.write(text)
    if not args.quiet:
        if batch.text_column_guessed:
            err.write(f"cxtext: text column: {batch.text_column!r} (chosen automatically; use --text to change)\n")
        risks = summary.risks()
        empty = batch.statuses.get("empty", 0)
        err.write(f"cxtext: {batch.rows:,} rows read, {summary.documents:,} analysed"
                  + (f", {empty:,} empty" if empty else "") + f"; churn {risks['churn']['documents']:,}, "
                  f"escalation {risks['escalation']['documents']:,}, staff attitude {risks['staff_attitude']['documents']:,}"
                  + (f" -> {args.output}\n" if args.output else "\n"))
    if batch.not_analysed:
        detail = ", ".join(f"{k} {v:,}" for k, v in sorted(batch.statuses.items()) if k not in ("ok", "empty"))
        err.write(f"cxtext: {batch.not_analysed:,} rows could not be analysed ({detail})\n")
        return EXIT_ROWS
    return EXIT_OK
