"""Analysing chunks of rows in worker processes, in order, with a bounded number of chunks in flight.

The unit of work is a chunk of rows (texts, ids, the input line numbers and passed-through values).
A worker analyses it *and serialises the results* (JSON lines or CSV rows as UTF-8 bytes, or flat
rows for Parquet and XLSX), so the parent process only reads input and appends bytes: that keeps it
from becoming the bottleneck. The same function runs in the parent (one worker), in a process pool
(``spawn`` by default, which works the same on Linux, macOS and Windows) or on a Dask cluster, so the
output is identical whichever runs it.

Chunks are submitted ahead of the writer by at most a small window, and results are taken strictly in
submission order: memory stays flat however long the file, and output order is input order.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import pickle
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ._schema import flatten, neutralise_formula, record
from ._types import Document, Status

__all__ = [
    "Chunk",
    "ChunkResult",
    "analyze_chunk",
    "default_workers",
    "ordered",
    "InProcess",
    "ProcessPool",
    "START_METHODS",
    "AGGREGATE",
    "REPORT",
]

log = logging.getLogger(__name__)

START_METHODS = ("spawn", "forkserver", "fork")
AGGREGATE = "aggregate"  # a Chunk.kind: reduce the chunk to an Aggregate instead of output rows
REPORT = "report"  # a Chunk.kind: reduce the chunk to a ReportAggregate and a SignalSummary (the report's inputs)


def default_workers() -> int:
    """The cores this process may use (its CPU affinity where the platform tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Chunk:
    """Rows to analyse, with everything the output needs about them. Plain lists: cheap to pickle."""

    texts: list[Any]
    ids: list[str]
    lines: list[int]
    extras: dict[str, list[Any]]
    kind: str  # the output's extension (.jsonl, .csv, .parquet, .xlsx), or AGGREGATE
    columns: tuple[str, ...] = ()  # flat output columns (CSV, Parquet, XLSX)


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """A chunk's output: encoded bytes (JSONL, CSV), flat rows (Parquet, XLSX) or an aggregate."""

    data: bytes
    flat: list[dict[str, Any]]
    rows: int
    statuses: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    aggregate: Any = None  # an Aggregate when the chunk's kind is AGGREGATE
    report: Any = None  # (ReportAggregate, SignalSummary) when the chunk's kind is REPORT


def _document(analyzer: Any, text: Any, id_: str, line: int) -> Document:
    from ._batch import document_of

    return document_of(analyzer, text, id_, line)


def analyze_chunk(analyzer: Any, chunk: Chunk) -> ChunkResult:
    """Analyse and serialise one chunk; the same bytes whichever process runs it."""
    from ._io import _plain

    if chunk.kind == AGGREGATE:
        from ._totals import Aggregate

        docs = [_document(analyzer, t, chunk.ids[i], chunk.lines[i]) for i, t in enumerate(chunk.texts)]
        agg = Aggregate.from_documents(docs)
        return ChunkResult(b"", [], len(docs), dict(agg.statuses), dict(agg.labels), agg)
    if chunk.kind == REPORT:
        return _report_chunk(analyzer, chunk)
    factor_ids = analyzer.lexicon_.ids("factor")
    theme_ids = analyzer.lexicon_.ids("theme")
    statuses: dict[str, int] = {}
    labels: dict[str, int] = {}
    out_lines: list[str] = []
    flat: list[dict[str, Any]] = []
    buf = io.StringIO() if chunk.kind == ".csv" else None
    writer = csv.writer(buf) if buf is not None else None
    for i, text in enumerate(chunk.texts):
        doc = _document(analyzer, text, chunk.ids[i], chunk.lines[i])
        extra = {k: v[i] for k, v in chunk.extras.items()}
        statuses[doc.status] = statuses.get(doc.status, 0) + 1
        if doc.status == Status.OK:
            labels[doc.label] = labels.get(doc.label, 0) + 1
        if chunk.kind == ".jsonl":
            out_lines.append(json.dumps(record(doc, extra), ensure_ascii=False) + "\n")
            continue
        row = {"id": doc.id, "text": doc.text, **extra}
        row.update(flatten(doc, factor_ids, theme_ids))
        row["message"] = doc.message
        if writer is not None:
            writer.writerow([neutralise_formula(_plain(row.get(c))) for c in chunk.columns])
        else:
            flat.append(row)
    text_out = "".join(out_lines) if buf is None else buf.getvalue()
    # A lone surrogate can only come from an id or passed-through cell with undecodable bytes (the
    # text itself is repaired above); it becomes U+FFFD rather than failing the whole run.
    data = text_out.encode("utf-8", errors="replace")
    return ChunkResult(data, flat, len(chunk.texts), statuses, labels)


def _report_chunk(analyzer: Any, chunk: Chunk) -> ChunkResult:
    """The report's inputs for one chunk: only these small accumulators travel back to the parent."""
    from ._aggregate import ReportAggregate
    from ._signal_summary import SignalSummary

    lexicon = analyzer.lexicon_
    agg = ReportAggregate(factor_ids=lexicon.ids("factor"), theme_ids=lexicon.ids("theme"),
                          touchpoint_ids=lexicon.ids("touchpoint"), stage_ids=lexicon.ids("stage"))
    signals = SignalSummary()
    statuses: dict[str, int] = {}
    labels: dict[str, int] = {}
    for i, text in enumerate(chunk.texts):
        doc = _document(analyzer, text, chunk.ids[i], chunk.lines[i])
        statuses[doc.status] = statuses.get(doc.status, 0) + 1
        if doc.status == Status.OK:
            labels[doc.label] = labels.get(doc.label, 0) + 1
        agg.add(record(doc, {k: v[i] for k, v in chunk.extras.items()}))
        signals.add(doc)
    return ChunkResult(b"", [], len(chunk.texts), statuses, labels, report=(agg, signals))


# --------------------------------------------------------------------------------------------------
# Executors: anything with ``submit(chunk) -> future`` (``future.result()``) and ``close()``.


class Future(Protocol):
    def result(self) -> ChunkResult: ...


class _Done:
    __slots__ = ("value",)

    def __init__(self, value: ChunkResult) -> None:
        self.value = value

    def result(self) -> ChunkResult:
        return self.value


class InProcess:
    """Runs each chunk at once in this process (one worker)."""

    workers = 1

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer

    def submit(self, chunk: Chunk) -> Future:
        return _Done(analyze_chunk(self.analyzer, chunk))

    def close(self, cancel: bool = False) -> None:
        pass


# The analyser of a worker process, unpickled once when the worker starts.
_WORKER_ANALYZER: Any = None


def _init_worker(payload: bytes) -> None:
    global _WORKER_ANALYZER
    # Ctrl-C goes to the whole process group; the parent handles it and stops the pool, so a worker
    # must not die mid-chunk with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    _WORKER_ANALYZER = pickle.loads(payload)
    _WORKER_ANALYZER.warm_up()


def _exit_with_parent() -> None:
    """End this worker when the parent process ends, however it ended.

    A killed parent cannot shut the pool down, and a worker waiting for its next chunk would wait
    forever (it holds both ends of the task queue's pipe, so it never sees end-of-file).
    """
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - not started by multiprocessing
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="cxtext-parent-watch", daemon=True).start()


def _work(chunk: Chunk) -> ChunkResult:
    return analyze_chunk(_WORKER_ANALYZER, chunk)


class ProcessPool:
    """A pool of worker processes, each holding its own copy of the analyser.

    ``spawn`` (the default) starts fresh interpreters, as on Windows and macOS; each worker loads the
    tokenizer from the user cache (see :mod:`cxtext._cache`), so starting one costs about a second.
    """

    def __init__(self, analyzer: Any, workers: int, start_method: str = "spawn") -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if start_method not in START_METHODS:
            raise ValueError(f"start method {start_method!r}; allowed: {', '.join(START_METHODS)}")
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(start_method),
            initializer=_init_worker,
            initargs=(pickle.dumps(analyzer, protocol=pickle.HIGHEST_PROTOCOL),),
        )

    def submit(self, chunk: Chunk) -> Future:
        return self._pool.submit(_work, chunk)

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)


def ordered(
    executor: Any,
    items: Iterable[tuple[Chunk, Any]],
    window: int,
) -> Iterator[tuple[ChunkResult, Any]]:
    """Submit ``(chunk, tag)`` items with at most ``window`` in flight; yield ``(result, tag)`` in order."""
    pending: deque[tuple[Future, Any]] = deque()
    for chunk, tag in items:
        pending.append((executor.submit(chunk), tag))
        if len(pending) >= window:
            fut, t = pending.popleft()
            yield fut.result(), t
    while pending:
        fut, t = pending.popleft()
        yield fut.result(), t
