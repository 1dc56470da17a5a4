"""Analysing a file: read in chunks, analyse each row, write the results in input order.

This is the engine behind ``cxtext analyze`` (and later ``report``); the CLI only parses arguments and
prints. Every input row comes out exactly once, in order: rows that cannot be analysed come out with a
status that says why.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from ._analyzer import Analyzer
from ._errors import InputError
from ._io import ResultWriter, pick_text_column, read_chunks
from ._schema import PASSTHROUGH, flat_columns, flatten, record
from ._types import Document, Status

__all__ = ["BatchOptions", "BatchSummary", "analyze_file", "iter_file"]

_SURROGATE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """Which columns of the input mean what. ``None`` for ``text`` picks the obvious column."""

    text: str | None = None
    id: str | None = None
    rating: str | None = None
    time: str | None = None
    group: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int = 1
    chunksize: int = 2000


@dataclass(slots=True)
class BatchSummary:
    """What happened to the rows of one run."""

    input: str
    output: str | None = None
    text_column: str = ""
    text_column_guessed: bool = False
    rows: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)

    @property
    def not_analysed(self) -> int:
        """Rows that hold something but could not be analysed (undecodable, not text, failed).

        Empty cells are counted apart: a rating with no comment is ordinary in review dumps, not a
        failure, so it does not turn the exit code to 1.
        """
        return self.rows - self.statuses.get(Status.OK, 0) - self.statuses.get(Status.EMPTY, 0)


def open_input(
    path: str | os.PathLike[str], options: BatchOptions, summary: BatchSummary
) -> tuple[Iterator[Any], str, dict[str, str]]:
    """The input's chunks, its text column (picked when not given) and the passed-through columns.

    The first chunk is read at once, so a missing column fails before any output is written.
    """
    chunks = read_chunks(path, chunksize=options.chunksize, encoding=options.encoding, sheet=options.sheet,
                         header_row=options.header_row)
    first = next(chunks)
    columns = [str(c) for c in first.columns]
    text_col = options.text
    if text_col is None:
        text_col = pick_text_column(columns, first)
        summary.text_column_guessed = True
    _columns_or_error(str(path), columns, {"text": text_col, "id": options.id, "rating": options.rating,
                                           "time": options.time, "group": options.group})
    summary.text_column = text_col
    passthrough = {k: getattr(options, k) for k in PASSTHROUGH if getattr(options, k) is not None}
    return chain([first], chunks), text_col, passthrough


def document_of(analyzer: Analyzer, text: Any, id_: str, line: int) -> Document:
    """The result for one input cell; a cell holding undecodable bytes is reported, not analysed."""
    if isinstance(text, str) and _SURROGATE.search(text):
        # The bad bytes are written as \xNN escapes, so the original can still be recovered.
        raw = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return Document(id=id_, text=raw, status=Status.UNDECODABLE, label="neu", score=0.0,
                        message=f"line {line}: bytes that are not valid in the file's encoding "
                                "(written as \\xNN; if the whole file is in another encoding, pass --encoding)")
    return analyzer.analyze(text, id=id_)


def _columns_or_error(path: str, columns: list[str], wanted: dict[str, str | None]) -> None:
    existing = [c for c in columns if c != "__line__"]
    for option, col in wanted.items():
        if col is not None and col not in existing:
            raise InputError(f"{path}: no column {col!r} (given with --{option}); the columns are: {', '.join(map(str, existing))}")


def iter_file(
    analyzer: Analyzer,
    path: str | os.PathLike[str],
    options: BatchOptions,
    summary: BatchSummary,
) -> Iterator[list[tuple[Document, dict[str, Any]]]]:
    """Yield, chunk by chunk, each row's :class:`Document` and its passed-through values."""
    chunks, text_col, passthrough = open_input(path, options, summary)
    seen_ids: set[str] = set()
    row_no = 0
    for chunk in chunks:
        texts = chunk[text_col].tolist()
        lines = chunk["__line__"].tolist()
        ids = chunk[options.id].tolist() if options.id else None
        extras = {k: chunk[c].tolist() for k, c in passthrough.items()}
        out = []
        for i, text in enumerate(texts):
            row_no += 1
            id_ = _id_of(ids[i] if ids is not None else None, row_no, seen_ids)
            doc = document_of(analyzer, text, id_, lines[i])
            extra = {k: _json_value(v[i]) for k, v in extras.items()}
            summary.rows += 1
            summary.statuses[doc.status] += 1
            if doc.status == Status.OK:
                summary.labels[doc.label] += 1
            out.append((doc, extra))
        yield out


def _id_of(value: Any, row_no: int, seen: set[str]) -> str:
    """The row's id: the id column's value, else the 1-based row number; made unique if repeated."""
    base = str(row_no) if value is None or value == "" or (isinstance(value, float) and value != value) else str(value)
    if isinstance(value, float) and value.is_integer():
        base = str(int(value))
    id_ = base
    n = 1
    while id_ in seen:
        n += 1
        id_ = f"{base}#{n}"
    seen.add(id_)
    return id_


def _json_value(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, bool)):
        return v
    if isinstance(v, float):
        return None if v != v else v
    return str(v)


def analyze_file(
    analyzer: Analyzer,
    path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    options: BatchOptions = BatchOptions(),
    *,
    progress: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Analyse ``path`` and write ``output`` (format by extension); return what happened."""
    summary = BatchSummary(input=str(path), output=str(output))
    factor_ids = analyzer.lexicon_.ids("factor")
    theme_ids = analyzer.lexicon_.ids("theme")
    front = ["id", "text"] + [k for k in PASSTHROUGH if getattr(options, k) is not None]
    columns = front + flat_columns(factor_ids, theme_ids) + ["message"]
    kind = Path(output).suffix.lower()
    with ResultWriter(output, columns) as writer:
        for rows in iter_file(analyzer, path, options, summary):
            records = [record(d, extra) for d, extra in rows] if kind == ".jsonl" else []
            flat = []
            if kind != ".jsonl":
                for d, extra in rows:
                    row = {"id": d.id, "text": d.text, **extra}
                    row.update(flatten(d, factor_ids, theme_ids))
                    row["message"] = d.message
                    flat.append(row)
            writer.write(records, flat)
            if progress is not None:
                progress(len(rows))
    return summary
