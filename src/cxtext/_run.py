"""Analyse a file of any size: read in chunks, analyse on all cores (or a Dask cluster), write in order.

The parent process reads chunks of rows, gives every row its id (ids must be unique over the whole
file, so this stays in one place), sends the chunks to the workers with a few in flight, and appends
the results in input order. For ``.jsonl`` and ``.csv`` outputs it keeps a checkpoint after every chunk
so that ``resume=True`` continues an interrupted run (see :mod:`cxtext._checkpoint`).

Whichever engine runs, the bytes written are the same: the workers run :func:`analyze_chunk`, the
same function the parent runs when there is one worker.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from . import __version__
from ._totals import Aggregate
from ._analyzer import Analyzer
from ._batch import BatchOptions, BatchSummary, _id_of, _json_value, open_input
from ._checkpoint import RESUMABLE, Checkpoint, PartFile, checkpoint_path, input_identity, part_path
from ._errors import CxtextError, InputError
from ._idset import IdSet
from ._io import WRITE_FORMATS, ResultWriter
from ._schema import flat_columns
from ._workers import AGGREGATE, Chunk, InProcess, ProcessPool, default_workers, ordered

__all__ = ["run_file", "aggregate_file", "RunSummary", "ENGINES"]

ENGINES = ("local", "dask")
Progress = Callable[..., None]  # progress(rows_done_now, read_share_or_None)


@dataclass(slots=True)
class RunSummary(BatchSummary):
    """What happened to the rows, plus how the run went."""

    resumed: int = 0  # rows taken over from an interrupted run
    workers: int = 1
    engine: str = "local"


def _settings(analyzer: Analyzer, options: BatchOptions, kind: str) -> str:
    """A digest of everything that decides the output rows, so a resume cannot mix two kinds of rows."""
    data = {
        "cxtext": __version__,
        "lexicon": analyzer.lexicon_.fingerprint,
        "sentiment": analyzer.method_,
        "model": None if analyzer.model is None else str(analyzer.model),
        "aspects": analyzer.aspects_,
        "aspect_model": None if analyzer.aspect_model is None else str(analyzer.aspect_model),
        "max_evidence": analyzer.max_evidence,
        "options": {k: getattr(options, k) for k in ("text", "id", "rating", "time", "group", "encoding", "sheet", "header_row")},
        "output": kind,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]


def run_file(
    analyzer: Analyzer,
    path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    options: BatchOptions = BatchOptions(),
    *,
    workers: int | None = 1,
    resume: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    start_method: str = "spawn",
    progress: Progress | None = None,
) -> RunSummary:
    """Analyse ``path`` into ``output`` (format by extension) and return what happened.

    ``workers``: processes to use (``None``: every core). A file of a single chunk is analysed in this
    process, since starting workers would cost more than it saves. ``engine="dask"`` sends the chunks
    to a Dask cluster (``scheduler`` address, or a local cluster of ``workers`` processes).
    ``resume``: continue the interrupted run that wrote the checkpoint beside ``output`` (``.jsonl``
    and ``.csv`` outputs only).
    """
    out = Path(output)
    kind = out.suffix.lower()
    if kind not in WRITE_FORMATS:
        raise InputError(f"{out}: cannot write {kind or 'files without an extension'}; use one of {', '.join(WRITE_FORMATS)}")
    if not out.parent.exists():
        raise InputError(f"{out}: the folder {out.parent} does not exist")
    if engine not in ENGINES:
        raise InputError(f"engine {engine!r} is not known; allowed: {', '.join(ENGINES)}")
    if resume and kind not in RESUMABLE:
        raise InputError(f"{out}: --resume works with {' and '.join(RESUMABLE)} outputs, which can be appended to; "
                         f"write {kind} without --resume, or write .jsonl and convert it")
    n_workers = default_workers() if workers is None else int(workers)
    if n_workers < 1:
        raise InputError(f"workers must be 1 or more, got {n_workers}")

    summary = RunSummary(input=str(path), output=str(out), engine=engine)
    rest, text_col, passthrough, many = _open_input(path, options, summary)
    factor_ids = analyzer.lexicon_.ids("factor")
    theme_ids = analyzer.lexicon_.ids("theme")
    columns_out = tuple(["id", "text", *passthrough] + flat_columns(factor_ids, theme_ids) + ["message"])
    executor, window = _executor(analyzer, engine, n_workers, scheduler, start_method, many)
    summary.workers = executor.workers

    try:
        # Where the rows go: a resumable part file (JSONL, CSV) or the temp-file writer (Parquet, XLSX).
        ckpt_file = checkpoint_path(out)
        part: PartFile | None = None
        writer: ResultWriter | None = None
        checkpoint: Checkpoint | None = None
        skip = 0
        if kind in RESUMABLE:
            settings = _settings(analyzer, options, kind)
            identity = input_identity(path)
            previous = Checkpoint.load(ckpt_file) if resume else None
            if previous is not None:
                previous.check(ckpt_file, identity, settings)
                part = PartFile(part_path(out), size=previous.bytes)
                checkpoint = previous
                skip = summary.resumed = previous.rows
                summary.rows = previous.rows
                summary.statuses.update(previous.statuses)
                summary.labels.update(previous.labels)
            else:
                part = PartFile(part_path(out))  # locked: fails if another run writes this output
                ckpt_file.unlink(missing_ok=True)
                if kind == ".csv":  # UTF-8 with a BOM so that Excel shows the Chinese text correctly
                    import csv
                    import io

                    buf = io.StringIO()
                    csv.writer(buf).writerow(columns_out)
                    part.write(("\ufeff" + buf.getvalue()).encode("utf-8"))
                checkpoint = Checkpoint(input=identity, settings=settings, bytes=part.size, text_column=text_col,
                                        text_column_guessed=summary.text_column_guessed)
        else:
            writer = ResultWriter(out, columns_out)
    except BaseException:
        executor.close(cancel=True)
        raise

    try:
        items = _chunks(rest, text_col, options, passthrough, skip, kind, columns_out)
        for result, read in ordered(executor, items, window):
            summary.rows += result.rows
            summary.statuses.update(result.statuses)
            summary.labels.update(result.labels)
            if part is not None:
                assert checkpoint is not None
                part.write(result.data)
                part.sync()
                checkpoint.rows, checkpoint.bytes = summary.rows, part.size
                checkpoint.statuses, checkpoint.labels = dict(summary.statuses), dict(summary.labels)
                checkpoint.save(ckpt_file)
            else:
                assert writer is not None
                writer.write([], result.flat)
            if progress is not None:
                progress(result.rows, read)
    except BaseException as exc:
        executor.close(cancel=True)
        _abandon(exc, part, writer, ckpt_file)
        raise
    executor.close()
    if part is not None:
        part.close()
        os.replace(part.path, out)
        ckpt_file.unlink(missing_ok=True)
    else:
        assert writer is not None
        writer.close()
    return summary


def _open_input(path: str | os.PathLike[str], options: BatchOptions,
                summary: BatchSummary) -> tuple[Iterator[Any], str, dict[str, str], bool]:
    """The input's chunks, its text column, the passed-through columns, and whether it is more than one chunk."""
    chunks, text_col, passthrough = open_input(path, options, summary)
    first = next(chunks)
    second = next(chunks, None)
    many = second is not None
    return chain([first], [second] if many else [], chunks), text_col, passthrough, many


def _executor(analyzer: Analyzer, engine: str, workers: int, scheduler: str | None, start_method: str,
              many: bool) -> tuple[Any, int]:
    """Where the chunks run, and how many may be in flight at once."""
    if engine == "dask":
        from .distributed import DaskExecutor

        ex: Any = DaskExecutor(analyzer, workers=workers, scheduler=scheduler)
    elif workers > 1 and many:
        ex = ProcessPool(analyzer, workers, start_method)
    else:
        return InProcess(analyzer), 1
    return ex, 2 * max(1, ex.workers)


def _chunks(rest: Iterator[Any], text_col: str, options: BatchOptions, passthrough: dict[str, str], skip: int,
            kind: str, columns: tuple[str, ...]) -> Iterator[tuple[Chunk, float | None]]:
    """Work for the workers: every row with its id, from row ``skip + 1`` on, and the share read."""
    seen: Any = IdSet()  # exact, in a third of a set's memory: flat memory on files of millions of rows
    row_no = 0
    for frame in rest:
        texts = frame[text_col].tolist()
        ids_in = frame[options.id].tolist() if options.id else None
        n = len(texts)
        # Without an id column the ids are row numbers, unique by construction: no set to keep.
        if ids_in is None:
            ids = [str(row_no + i + 1) for i in range(n)]
        else:
            ids = [_id_of(ids_in[i], row_no + i + 1, seen) for i in range(n)]
        start = max(0, min(n, skip - row_no))  # rows of this frame done by an interrupted run
        row_no += n
        if start == n and n:
            continue
        chunk = Chunk(
            texts=texts[start:],
            ids=ids[start:],
            lines=frame["__line__"].tolist()[start:],
            extras={k: [_json_value(v) for v in frame[c].tolist()[start:]] for k, c in passthrough.items()},
            kind=kind,
            columns=columns,
        )
        yield chunk, frame.attrs.get("read")


def reduce_file(
    analyzer: Analyzer,
    path: str | os.PathLike[str],
    options: BatchOptions,
    kind: str,
    absorb: Callable[[Any], None],
    *,
    workers: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
    start_method: str = "spawn",
    progress: Progress | None = None,
) -> RunSummary:
    """Analyse ``path`` chunk by chunk where the work runs and hand each chunk's result, reduced
    there to ``kind`` (``AGGREGATE``, ``REPORT``), to ``absorb`` in input order.

    Only the reduced results travel back, so a corpus of any size needs no more memory than one
    chunk. The same engines and options as :func:`run_file`.
    """
    if engine not in ENGINES:
        raise InputError(f"engine {engine!r} is not known; allowed: {', '.join(ENGINES)}")
    n_workers = default_workers() if workers is None else int(workers)
    if n_workers < 1:
        raise InputError(f"workers must be 1 or more, got {n_workers}")
    summary = RunSummary(input=str(path), engine=engine)
    rest, text_col, passthrough, many = _open_input(path, options, summary)
    executor, window = _executor(analyzer, engine, n_workers, scheduler, start_method, many)
    summary.workers = executor.workers
    try:
        for result, read in ordered(executor, _chunks(rest, text_col, options, passthrough, 0, kind, ()), window):
            absorb(result)
            summary.rows += result.rows
            summary.statuses.update(result.statuses)
            summary.labels.update(result.labels)
            if progress is not None:
                progress(result.rows, read)
    except BaseException:
        executor.close(cancel=True)
        raise
    executor.close()
    return summary


def aggregate_file(
    analyzer: Analyzer,
    path: str | os.PathLike[str],
    options: BatchOptions = BatchOptions(),
    **run: Any,
) -> tuple[Aggregate, RunSummary]:
    """The :class:`~cxtext.Aggregate` of a file, computed where the analysis runs (see :func:`reduce_file`)."""
    total = Aggregate()

    def absorb(result: Any) -> None:
        nonlocal total
        total = total + result.aggregate

    summary = reduce_file(analyzer, path, options, AGGREGATE, absorb, **run)
    return total, summary


def _abandon(exc: BaseException, part: PartFile | None, writer: ResultWriter | None, ckpt_file: Path) -> None:
    """After a failure: keep what a resume can use, remove what it cannot."""
    if writer is not None:
        writer.abort()
    if part is None:
        return
    part.close()
    # A bad input (CxtextError) must be fixed first, and a fixed input is a different file: nothing to
    # resume. Anything else (Ctrl-C, a killed worker, a full disk) leaves the part file and checkpoint.
    if isinstance(exc, CxtextError) or not ckpt_file.exists():
        part.path.unlink(missing_ok=True)
        ckpt_file.unlink(missing_ok=True)


def interrupted_message(output: str | os.PathLike[str]) -> str:
    """What an interrupted run left behind, and how to continue it."""
    out = Path(output)
    try:
        ckpt = Checkpoint.load(checkpoint_path(out))
    except InputError:
        ckpt = None
    if ckpt is None or not part_path(out).exists():
        return f"{out} was not written"
    return (f"{out} was not written; {ckpt.rows:,} rows are done and kept in {part_path(out).name}: "
            "run the same command with --resume to continue")
