"""The report's inputs from a file of any size, computed where the analysis runs.

Each chunk of rows is analysed and reduced by a worker (this process, a local process pool or a Dask
worker) to a :class:`~cxtext._aggregate.ReportAggregate` and a
:class:`~cxtext._signal_summary.SignalSummary`; only those come back, and they are merged in input
order. Both merges are associative and keep quotes by a fixed rule (the aggregate: the strongest by a
total order; the signals: the first in input order), so one worker, many workers and a Dask cluster
give the same report.
"""

from __future__ import annotations

import os
from typing import Any

from ._aggregate import ReportAggregate
from ._analyzer import Analyzer
from ._batch import BatchOptions
from ._run import Progress, RunSummary, reduce_file
from ._signal_summary import SignalSummary
from ._workers import REPORT

__all__ = ["report_file"]


def report_file(
    analyzer: Analyzer,
    path: str | os.PathLike[str],
    options: BatchOptions = BatchOptions(),
    *,
    workers: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
    start_method: str = "spawn",
    progress: Progress | None = None,
    **_: Any,
) -> tuple[ReportAggregate, SignalSummary, RunSummary]:
    """The merged report aggregate and signal summary of ``path``, and what happened to its rows.

    The same engines and options as :func:`cxtext._run.run_file` (``resume`` is accepted and ignored:
    a report is written at the end in one go, so there is nothing to resume).
    """
    lexicon = analyzer.lexicon_
    agg = ReportAggregate(factor_ids=lexicon.ids("factor"), theme_ids=lexicon.ids("theme"),
                          touchpoint_ids=lexicon.ids("touchpoint"), stage_ids=lexicon.ids("stage"))
    signals = SignalSummary()

    def absorb(result: Any) -> None:
        nonlocal signals
        part_agg, part_signals = result.report
        agg._absorb(part_agg)  # in place: the same as merge, without copying the total every chunk
        signals = signals.merge(part_signals)

    summary = reduce_file(analyzer, path, options, REPORT, absorb, workers=workers, engine=engine,
                          scheduler=scheduler, start_method=start_method, progress=progress)
    return agg, signals, summary
