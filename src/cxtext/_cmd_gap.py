"""``cxtext gap CONFIG.yaml -o gap.json``: the seven-step gap model from a config and, optionally, results.

The config gives any of actual/expectation/importance/ideal and priority/capability/cost per factor
or theme; what it leaves out is derived from the ``cxtext analyze`` JSONL results given with
``--results`` (read line by line into a :class:`ReportAggregate`, so any size works).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any, TextIO

__all__ = ["register", "read_results"]


def register(subparsers: Any) -> None:
    from ._cmd_report import add_report_options

    p = subparsers.add_parser(
        "gap",
        help="run the seven-step gap model on a config (and analysis results) and write gap.json",
        description="Run the seven-step gap model. CONFIG.yaml gives any of actual, expectation, importance, "
                    "ideal, priority, capability and cost per factor or theme; what it leaves out is derived "
                    "from --results (the .jsonl output of cxtext analyze).",
    )
    p.add_argument("config", metavar="CONFIG.yaml", help="gap-model config (see examples/gap_worked_example.yaml)")
    p.add_argument("-o", "--output", required=True, help="the gap model as JSON (.json)")
    p.add_argument("--results", metavar="analysis.jsonl", help="results of cxtext analyze (.jsonl) to derive missing scores from")
    p.add_argument("--report", metavar="gap.html", help="also write the HTML report")
    p.add_argument("--lexicons", metavar="DIR", action="append", help="lexicon folder(s) laid over the shipped ones (for names)")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    add_report_options(p)
    p.set_defaults(func=run, time=None, period="auto")


def read_results(path: str, agg: Any) -> None:
    """Fold every record of a ``cxtext analyze`` JSONL file into ``agg``; bad lines name file:line."""
    from ._errors import InputError

    if Path(path).suffix.lower() not in (".jsonl", ".ndjson"):
        raise InputError(f"{path}: --results needs the .jsonl output of cxtext analyze (the flat CSV/XLSX lack clauses and evidence)")
    if not os.path.isfile(path):
        raise InputError(f"{path}: file not found")
    with open(path, encoding="utf-8-sig") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{line_no}:{exc.colno}: invalid JSON: {exc.msg}") from None
            if not isinstance(rec, dict) or "status" not in rec or "factors" not in rec:
                raise InputError(f"{path}:{line_no}: not a cxtext analyze record (expected an object with status, factors, clauses)")
            try:
                agg.add(rec)
            except (TypeError, ValueError, AttributeError) as exc:
                raise InputError(f"{path}:{line_no}: malformed cxtext analyze record ({exc})") from None


def run(args: argparse.Namespace, err: TextIO) -> int:
    from ._aggregate import ReportAggregate
    from ._cli import EXIT_OK
    from ._cmd_report import check_output, load_config, names_by_kind
    from ._derive import gap_from_aggregate, term_signs
    from ._errors import InputError
    from ._lexicon import load_lexicon

    check_output(args.output, (".json",), "-o")
    if args.report:
        check_output(args.report, (".html", ".htm"), "--report")
    if args.min_mentions < 1:
        raise SystemExit(f"cxtext: error: --min-mentions must be 1 or more, got {args.min_mentions}")
    lexicon = load_lexicon(args.lexicons)
    config = load_config(args.config, lexicon)
    names = names_by_kind(lexicon, args.lang)
    agg = None
    if args.results:
        agg = ReportAggregate(factor_ids=lexicon.ids("factor"), theme_ids=lexicon.ids("theme"),
                              touchpoint_ids=lexicon.ids("touchpoint"), stage_ids=lexicon.ids("stage"))
        read_results(args.results, agg)
    gap, derived = gap_from_aggregate(agg, config=config, names=names, min_mentions=args.min_mentions,
                                      term_signs=term_signs(lexicon))
    out = gap.to_dict()
    out["methods"] = {kind: {k: v for k, v in d.to_dict().items() if k != "aspects"} for kind, d in derived.items()}
    target = Path(args.output)
    if not target.parent.exists():
        raise InputError(f"{target}: the folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    os.replace(tmp, target)

    if args.report:
        from ._report import ReportOptions, build_context, load_strings, render_html, write_html

        strings = load_strings(args.lang, args.template_dir)
        options = ReportOptions(lang=args.lang, title=args.title, input=Path(args.results or args.config).name,
                                min_mentions=args.min_mentions)
        context = build_context(gap=gap, derived=derived, agg=agg, strings=strings, options=options, names=names)
        write_html(args.report, render_html(context, args.template_dir))
    if not args.quiet:
        key = ", ".join(out["key_experience"]) or "none"
        err.write(f"cxtext: key experience: {key}; {len(out['requirements'])} requirement(s) -> {args.output}"
                  + (f", {args.report}" if args.report else "") + "\n")
    return EXIT_OK
