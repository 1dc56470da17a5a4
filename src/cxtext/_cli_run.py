"""Command-line options that say how a run executes, shared by the commands that analyse files.

``--workers``, ``--engine``, ``--scheduler``, ``--chunk-size``, ``--no-cache`` (and ``--resume`` where the command writes a
resumable file). Light at import: nothing here imports more than argparse and os.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

__all__ = ["add_run_options", "run_kwargs"]


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, got {value!r}")
    return n


def add_run_options(p: argparse.ArgumentParser, *, resume: bool = True) -> None:
    g = p.add_argument_group("how the run executes")
    g.add_argument("--workers", "-j", type=_positive, metavar="N",
                   help="worker processes (default: every core; a file of one chunk runs in one process)")
    g.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local: processes on this machine (default); dask: a Dask cluster (pip install 'cxtext[dask]')")
    g.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="with --engine dask: the scheduler of an existing cluster (default: start a local one)")
    g.add_argument("--chunk-size", type=_positive, default=2000, metavar="ROWS",
                   help="rows read, sent to a worker and checkpointed at a time (default: 2000)")
    g.add_argument("--no-cache", action="store_true",
                   help="do not read or write the user cache of the built tokenizer (also: CXTEXT_NO_CACHE=1)")
    if resume:
        g.add_argument("--resume", action="store_true",
                       help="continue an interrupted run from its checkpoint beside OUTPUT (.jsonl and .csv outputs)")


def run_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for :func:`cxtext._run.run_file` from the parsed options."""
    if args.scheduler and args.engine != "dask":
        raise SystemExit("cxtext: error: --scheduler needs --engine dask")
    if args.no_cache:
        # Set for this process and inherited by the worker processes it starts.
        from ._cache import ENV_OFF

        os.environ[ENV_OFF] = "1"
    return {
        "workers": args.workers,
        "engine": args.engine,
        "scheduler": args.scheduler,
        "resume": bool(getattr(args, "resume", False)),
    }
