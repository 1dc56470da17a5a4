"""The ``cxtext`` command line: parse, call the public API, write, return an exit code.

Exit codes: 0 success; 1 the run completed but some rows could not be analysed (their count is
printed, and each has a status in the output); 2 usage or input error (the message says what to fix).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from . import __version__
from ._errors import CxtextError

__all__ = ["main"]

EXIT_OK, EXIT_ROWS, EXIT_USAGE = 0, 1, 2

# Further sub-commands live in their own modules, each with ``register(subparsers) -> None`` that adds
# its parser and sets ``func(args, err) -> int``. They are imported when the parser is built, so they
# must stay light at import time (heavy imports go inside ``func``).
_COMMAND_MODULES: tuple[str, ...] = (
    "._cmd_gap", "._cmd_report",
    "._cmd_qa",
    "._cmd_lexicon",
    "._cmd_train",
    "._cmd_signals",
    "._cmd_cache",
)


class _Progress:
    """Rows done, rows per second and (given the share of the input read) an ETA on stderr.

    At most twice a second on a terminal, every ten seconds otherwise; silent when quiet. The ETA
    extrapolates the share of the input read since the first report, so worker start-up and rows taken
    over by ``--resume`` do not distort it.
    """

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.start = time.monotonic()
        self.last = self.start  # first report after one interval: short runs print no progress
        self.printed = False
        self.rows = 0
        self.first: tuple[float, float] | None = None  # (time, share read) at the first report

    def __call__(self, n: int, read: float | None = None) -> None:
        self.rows += n
        now = time.monotonic()
        if read is not None and self.first is None:
            self.first = (now, read)
        if self.quiet or now - self.last < (0.5 if self.tty else 10.0):
            return
        self.last = now
        self.printed = True
        rate = self.rows / max(now - self.start, 1e-9)
        end = "\r" if self.tty else "\n"
        line = f"cxtext: {self.rows:,} rows, {rate:,.0f} rows/s"
        if read is not None:
            line += f", {read:.0%} read"
            t0, r0 = self.first or (now, read)
            if read > r0 and now > t0:
                eta = int((1.0 - read) * (now - t0) / (read - r0))
                line += f", ETA {eta // 3600}:{eta // 60 % 60:02d}:{eta % 60:02d}"
        self.stream.write(line + end)
        self.stream.flush()

    def done(self) -> None:
        """End the progress line (once; later calls do nothing)."""
        if self.printed and self.tty:
            self.stream.write("\n")
        self.printed = False


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="CSV, TSV, XLSX, JSONL, JSON, Parquet or TXT (one document per line)")
    p.add_argument("--text", metavar="COL", help="column holding the text (default: the obvious one, e.g. 评论, 内容, content, text)")
    p.add_argument("--id", metavar="COL", help="column holding a row id (default: the row number)")
    p.add_argument("--rating", metavar="COL", help="column with a rating or score, passed through")
    p.add_argument("--time", metavar="COL", help="column with a date or time, passed through")
    p.add_argument("--group", metavar="COL", help="column with a store, branch or product, passed through")
    p.add_argument("--encoding", help="input encoding (default: detected; UTF-8, UTF-8 with BOM, GBK/GB18030, Big5, UTF-16)")
    p.add_argument("--sheet", help="XLSX sheet name or 1-based number (default: the first)")
    p.add_argument("--header-row", type=int, default=1, metavar="N", help="XLSX row holding the column names (default: 1)")
    p.add_argument("--lexicons", metavar="DIR", action="append", help="folder of lexicon files laid over the shipped ones (repeatable)")
    p.add_argument("--industry", action="append", help="industry lexicon pack to add (repeatable)")
    p.add_argument("--sentiment", default="auto", choices=["auto", "rules", "model", "snownlp"],
                   help="document sentiment method (default: auto, the best measured one)")
    p.add_argument("--model", metavar="PATH", help="sentiment model trained with 'cxtext train' (implies --sentiment model)")
    p.add_argument("--aspects", default="auto", choices=["auto", "lexicon"],
                   help="how factors and themes are found: auto (default: lexicon terms plus the learned detector "
                        "for what customers say in their own words) or lexicon (lexicon terms only)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress or summary on stderr")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cxtext", description="Customer-experience insight from Chinese customer text.")
    parser.add_argument("--version", action="version", version=f"cxtext {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("analyze", help="analyse every row of a file and write the results",
                       description="Analyse every row of INPUT; write one result per row, in order, to OUTPUT "
                                   "(.jsonl, .csv, .parquet or .xlsx).")
    _add_input_options(p)
    p.add_argument("-o", "--output", required=True, help="output file: .jsonl, .csv, .parquet or .xlsx")
    from ._cli_run import add_run_options

    add_run_options(p)
    p.set_defaults(func=_cmd_analyze)
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(name, __package__).register(sub)
    return parser


def _analyzer(args: argparse.Namespace):  # noqa: ANN202
    from ._analyzer import Analyzer

    model = getattr(args, "model", None)
    if model is not None and args.sentiment not in ("auto", "model"):
        raise SystemExit(f"cxtext: error: --model needs --sentiment model or auto, not {args.sentiment}")
    analyzer = Analyzer(lexicons=args.lexicons, industry=args.industry, sentiment=args.sentiment, model=model,
                        aspects=getattr(args, "aspects", "auto"))
    if model is not None:
        analyzer.warm_up()  # a missing or corrupt model fails before any output is written
    return analyzer


def _options(args: argparse.Namespace):  # noqa: ANN202
    from ._batch import BatchOptions

    if args.header_row < 1:
        raise SystemExit(f"cxtext: error: --header-row must be 1 or more, got {args.header_row}")
    return BatchOptions(text=args.text, id=args.id, rating=args.rating, time=args.time, group=args.group,
                        encoding=args.encoding, sheet=args.sheet, header_row=args.header_row)


def _guarded(job: Callable[[], Any], progress: _Progress, err: TextIO,
             after: Callable[[], str]) -> tuple[Any, int | None]:
    """Run a long job; on Ctrl-C or a worker that died, say so and what became of the output.

    Returns ``(result, None)``, or ``(None, exit_code)`` when the job was stopped.
    """
    from concurrent.futures import BrokenExecutor

    try:
        return job(), None
    except KeyboardInterrupt:
        progress.done()
        err.write(f"cxtext: interrupted; {after()}\n")
        return None, 130
    except BrokenExecutor:
        progress.done()
        err.write(f"cxtext: error: a worker process stopped unexpectedly (out of memory, or killed); {after()}\n")
        return None, EXIT_USAGE
    finally:
        progress.done()


def _cmd_analyze(args: argparse.Namespace, err: TextIO) -> int:
    import dataclasses
    from ._cli_run import run_kwargs
    from ._run import interrupted_message, run_file

    kwargs = run_kwargs(args)
    analyzer = _analyzer(args)
    progress = _Progress(err, args.quiet)
    options = dataclasses.replace(_options(args), chunksize=args.chunk_size)
    summary, code = _guarded(lambda: run_file(analyzer, args.input, args.output, options, progress=progress, **kwargs),
                             progress, err, lambda: interrupted_message(args.output))
    if code is not None:
        return code
    if not args.quiet:
        if summary.text_column_guessed:
            err.write(f"cxtext: text column: {summary.text_column!r} (chosen automatically; use --text to change)\n")
        if summary.resumed:
            err.write(f"cxtext: resumed after row {summary.resumed:,} of an interrupted run\n")
        labels = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.labels.items()))
        empty = summary.statuses.get("empty", 0)
        err.write(f"cxtext: {summary.rows:,} rows read, {summary.statuses.get('ok', 0):,} analysed ({labels})"
                  + (f", {empty:,} empty" if empty else "") + f" -> {args.output}\n")
    if summary.not_analysed:
        detail = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.statuses.items()) if k not in ("ok", "empty"))
        err.write(f"cxtext: {summary.not_analysed:,} rows could not be analysed ({detail}); see their status column\n")
        return EXIT_ROWS
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, err: TextIO | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting (the console script exits)."""
    err = err or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(err)
        return EXIT_USAGE
    try:
        return args.func(args, err)
    except CxtextError as exc:
        err.write(f"cxtext: error: {exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:
        if isinstance(exc.code, str):
            err.write(exc.code + "\n")
            return EXIT_USAGE
        return int(exc.code or 0)
    except KeyboardInterrupt:
        err.write("cxtext: interrupted; the output file was not written\n")
        return 130


def run() -> None:  # console-script entry point
    sys.exit(main())
