"""``cxtext report INPUT -o report.html``: analyse a file as it streams and write the HTML report.

Rows are analysed chunk by chunk, by this process, worker processes or a Dask cluster, and each chunk
is folded into a :class:`ReportAggregate` (counts, sums and a bounded sample of quotes) and a
:class:`SignalSummary` (emotions, effort, churn and escalation) where it was analysed; only those
come back and are merged in order, so memory stays flat however large the file. The gap model runs on the
aggregate, the history gives step 7, and the template renders one self-contained HTML file.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, TextIO

__all__ = ["register"]

_LANGS = ("zh", "en")
_PERIODS = ("auto", "day", "week", "month", "quarter")
HISTORY_NAME = "cxtext-history.sqlite"


def register(subparsers: Any) -> None:
    from ._cli import _add_input_options
    from ._cli_run import add_run_options

    p = subparsers.add_parser(
        "report",
        help="analyse a file and write a self-contained HTML report (the seven-step gap model)",
        description="Analyse every row of INPUT and write one self-contained, offline HTML report: overview and "
                    "data quality, the seven-step gap model, charts, customers' own words, touchpoints, "
                    "requirements and actions, change since the previous run or period.",
    )
    _add_input_options(p)
    p.add_argument("-o", "--output", required=True, help="the report file (.html)")
    add_report_options(p)
    p.add_argument("--history", metavar="PATH",
                   help=f"SQLite file keeping each run's summary for step 7 (default: {HISTORY_NAME} beside the report)")
    p.add_argument("--no-history", action="store_true", help="neither read nor write a history")
    p.add_argument("--period", choices=_PERIODS, default="auto",
                   help="time buckets for the trend with --time (default: auto, from the span of dates)")
    add_run_options(p, resume=False)
    p.set_defaults(func=run)


def add_report_options(p: argparse.ArgumentParser) -> None:
    """Options shared with ``cxtext gap --report``."""
    p.add_argument("--config", metavar="CONFIG.yaml",
                   help="gap-model config: actual/expectation/importance/ideal and priority/capability/cost per factor or theme")
    p.add_argument("--template-dir", metavar="DIR", help="folder with report.html.j2 and/or strings.yaml overriding the shipped ones")
    p.add_argument("--lang", choices=_LANGS, default="zh", help="interface language of the report (default: zh)")
    p.add_argument("--title", help="report title (default: 客户体验分析报告)")
    p.add_argument("--min-mentions", type=int, default=10, metavar="N",
                   help="opinions needed before a factor or theme gets a score (default: 10)")


def check_output(path: str, suffixes: tuple[str, ...], option: str) -> None:
    if Path(path).suffix.lower() not in suffixes:
        raise SystemExit(f"cxtext: error: {option} {path!r} must end with {' or '.join(suffixes)}")


def names_by_kind(lexicon: Any, lang: str) -> dict[str, dict[str, str]]:
    """Display names per kind from the lexicon catalogue, in the report's language."""
    out: dict[str, dict[str, str]] = {}
    for kind in ("factor", "theme", "touchpoint", "stage"):
        entries = lexicon.catalog.get(kind, {})
        out[kind] = {i: ((e.name_en or e.name) if lang == "en" else e.name) for i, e in entries.items()}
    return out


def load_config(path: str | None, lexicon: Any) -> Any:
    if path is None:
        return None
    from ._errors import InputError
    from ._gap import load_gap_config

    if not os.path.isfile(path):
        raise InputError(f"{path}: config file not found")
    return load_gap_config(path, factor_ids=lexicon.ids("factor"), theme_ids=lexicon.ids("theme"))


def run(args: argparse.Namespace, err: TextIO) -> int:
    import dataclasses

    from ._cli import EXIT_OK, EXIT_ROWS, _analyzer, _guarded, _options, _Progress
    from ._cli_run import run_kwargs
    from ._derive import gap_from_aggregate, term_signs
    from ._report import ReportOptions, build_context, load_strings, period_changes, period_slices, render_html, write_html
    from ._report_run import report_file

    check_output(args.output, (".html", ".htm"), "-o")
    if args.min_mentions < 1:
        raise SystemExit(f"cxtext: error: --min-mentions must be 1 or more, got {args.min_mentions}")
    kwargs = run_kwargs(args)
    analyzer = _analyzer(args)
    lexicon = analyzer.lexicon_
    config = load_config(args.config, lexicon)
    strings = load_strings(args.lang, args.template_dir)  # fail on a bad template dir before the long part
    options = dataclasses.replace(_options(args), chunksize=args.chunk_size)
    if not Path(args.output).parent.exists():
        from ._errors import InputError

        raise InputError(f"{args.output}: the folder {Path(args.output).parent} does not exist")

    progress = _Progress(err, args.quiet)
    result, code = _guarded(lambda: report_file(analyzer, args.input, options, progress=progress, **kwargs),
                            progress, err, lambda: f"{args.output} was not written")
    if code is not None:
        return code
    agg, signals, summary = result

    names = names_by_kind(lexicon, args.lang)
    gap, derived = gap_from_aggregate(agg, config=config, names=names, min_mentions=args.min_mentions,
                                      term_signs=term_signs(lexicon), signals=signals)
    changes, basis, granularity, periods = None, {}, None, None
    if args.time:
        from ._gap import GapModel

        granularity, periods = period_slices(agg, args.period)
        keys, changes = period_changes(periods, derived, GapModel())
        if keys is not None:
            basis = {"kind": "period", "before": keys[0], "now": keys[1]}
    history = None if args.no_history else (args.history or str(Path(args.output).parent / HISTORY_NAME))
    previous = None
    if history is not None:
        from ._history import last_run

        previous = last_run(history)
        if changes is None and previous is not None:
            changes = gap.compare(previous.summary)
            basis = {"kind": "history", "created": previous.created[:16].replace("T", " "), "input": previous.input}
    elif changes is None:
        basis = {"kind": "off"}

    report_options = ReportOptions(lang=args.lang, title=args.title, input=Path(args.input).name,
                                   text_column=summary.text_column, period=args.period,
                                   min_mentions=args.min_mentions, sentiment_method=analyzer.method_,
                                   history=history)
    context = build_context(gap=gap, derived=derived, agg=agg, strings=strings, options=report_options,
                            names=names, changes=changes, changes_basis=basis, periods=periods,
                            granularity=granularity, signals=signals)
    html = render_html(context, args.template_dir)
    write_html(args.output, html)
    if history is not None:
        from ._history import save_run
        from ._report import history_summary

        save_run(history, history_summary(gap, agg), input=str(args.input), rows=agg.rows)

    if not args.quiet:
        if summary.text_column_guessed:
            err.write(f"cxtext: text column: {summary.text_column!r} (chosen automatically; use --text to change)\n")
        key = ", ".join(gap.factors.key_experience) if gap.factors else ""
        empty = summary.statuses.get("empty", 0)
        err.write(f"cxtext: {summary.rows:,} rows read, {summary.statuses.get('ok', 0):,} analysed"
                  + (f", {empty:,} empty" if empty else "")
                  + f"; key experience: {key or 'none'} -> {args.output}\n")
    if summary.not_analysed:
        detail = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.statuses.items()) if k not in ("ok", "empty"))
        err.write(f"cxtext: {summary.not_analysed:,} rows could not be analysed ({detail}); the report lists them\n")
        return EXIT_ROWS
    return EXIT_OK
