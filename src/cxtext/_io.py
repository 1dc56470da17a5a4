"""Reading review dumps and writing results, in chunks so memory stays flat however large the file.

Readers yield :class:`pandas.DataFrame` chunks of strings with the file's own row numbers, so every
error and every undecodable row can be reported by file, line and column. Writers write to a temporary
file beside the target and rename it at the end: an interrupted run never leaves a partial file that
looks whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "READ_FORMATS",
    "WRITE_FORMATS",
    "detect_encoding",
    "read_chunks",
    "pick_text_column",
    "ResultWriter",
]

READ_FORMATS = {
    ".csv": "csv", ".tsv": "tsv", ".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet",
}
WRITE_FORMATS = (".jsonl", ".csv", ".parquet", ".xlsx")
TEXT_COLUMN_NAMES = (
    "评论", "评论内容", "评价", "评价内容", "内容", "文本", "正文", "留言", "反馈", "反馈内容", "意见",
    "投诉内容", "投诉", "描述", "review", "reviews", "reviewbody", "review_text", "content", "text",
    "comment", "comments", "body", "feedback", "message",
)
_SAMPLE = 1 << 16
UNDECODABLE_MARK = "\udc80"  # first lone surrogate: bytes kept by 'surrogateescape' decoding


def _mostly_utf8(head: bytes) -> bool:
    """True when most lines with non-ASCII bytes decode as UTF-8 (at most one in four does not).

    GBK text almost never forms valid multi-byte UTF-8, so lines that do decode are real UTF-8.
    """
    ok = bad = 0
    lines = head.splitlines()
    if len(head) == _SAMPLE:
        lines = lines[:-1]  # the last line may be cut by the sample boundary
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            ok += 1
        except UnicodeDecodeError:
            bad += 1
    return ok >= 2 and bad * 3 <= ok


def detect_encoding(path: str | os.PathLike[str]) -> str:
    """The encoding of a text file: a BOM, else UTF-8 if it decodes, else the best Chinese guess.

    GBK-family files are read as GB18030 (a superset of GBK and GB2312, so every GBK file decodes);
    Big5 is told apart by charset-normalizer.
    """
    with open(path, "rb") as fh:
        head = fh.read(_SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(head) == _SAMPLE:
            return "utf-8"  # a character cut by the sample boundary
    if _mostly_utf8(head):
        # A UTF-8 export with a few lines pasted in from a GBK source: read it as UTF-8 so that those
        # lines come out with status 'undecodable' instead of the whole file turning to mojibake.
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=["utf_8", "gb18030", "big5", "utf_16"]).best()
    enc = best.encoding if best is not None else "gb18030"
    return {"gb2312": "gb18030", "gbk": "gb18030"}.get(enc, enc)


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    kind = READ_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"{path}: cannot tell the format from the extension {path.suffix!r}; "
            f"supported: {', '.join(sorted(READ_FORMATS))}"
        )
    return kind


def read_chunks(
    path: str | os.PathLike[str],
    *,
    chunksize: int = 5000,
    encoding: str | None = None,
    sheet: str | int | None = None,
    header_row: int = 1,
    fmt: str | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield DataFrame chunks of the file's rows as strings, with a ``__line__`` column.

    ``__line__`` is the 1-based line (CSV/TXT/JSONL) or row (XLSX) where the record starts, for
    messages that point at the input. ``df.attrs["read"]``, when known, is the share of the input read
    so far (bytes for text files, rows for XLSX and Parquet), from which progress shows an ETA.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: file not found")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a file")
    kind = _format_of(p, fmt)
    if kind in ("csv", "tsv"):
        yield from _read_csv(p, "\t" if kind == "tsv" else ",", chunksize, encoding)
    elif kind == "txt":
        yield from _read_txt(p, chunksize, encoding)
    elif kind in ("jsonl", "json"):
        yield from _read_jsonl(p, chunksize, encoding, whole=kind == "json")
    elif kind == "xlsx":
        yield from _read_xlsx(p, chunksize, sheet, header_row)
    elif kind == "parquet":
        yield from _read_parquet(p, chunksize)
    else:  # pragma: no cover - guarded by _format_of
        raise InputError(f"{p}: unsupported format {kind!r}")


def _open_text(p: Path, encoding: str | None) -> io.TextIOWrapper:
    enc = encoding or detect_encoding(p)
    try:
        codecs.lookup(enc)
    except LookupError:
        raise InputError(f"unknown encoding {enc!r}; use a name such as utf-8, gb18030, big5, utf-16") from None
    # Bytes that do not decode are kept as lone surrogates and the row is reported, never dropped.
    return open(p, encoding=enc, errors="surrogateescape", newline="")


def _check_header(p: Path, names: Sequence[str]) -> list[str]:
    out = []
    seen: dict[str, int] = {}
    for i, n in enumerate(names, start=1):
        name = str(n).strip()
        if not name:
            name = f"column{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _read_csv(p: Path, sep: str, chunksize: int, encoding: str | None) -> Iterator[pd.DataFrame]:
    import pandas as pd

    with _open_text(p, encoding) as fh:
        head = fh.read(_SAMPLE)
        if head.count("\x00") > max(8, len(head) // 100):
            raise InputError(
                f"{p}: the file holds NUL bytes; it looks binary (a spreadsheet saved as .csv?). "
                "Export it as CSV, or pass the .xlsx file itself"
            )
        fh.seek(0)
        reader = csv.reader(fh, delimiter=sep)
        header: list[str] | None = None
        rows: list[list[str]] = []
        lines: list[int] = []
        width = 0
        try:
            for record in reader:
                line = reader.line_num
                if header is None:
                    if not any(c.strip() for c in record):
                        continue
                    header = _check_header(p, record)
                    width = len(header)
                    continue
                if not record:
                    continue  # a blank line is not a row
                if len(record) > width:
                    extra = record[width:]
                    if any(c.strip() for c in extra):
                        raise InputError(
                            f"{p}:{line}: {len(record)} fields but the header has {width}; "
                            "is a text cell missing its quotes?"
                        )
                    record = record[:width]
                elif len(record) < width:
                    record = record + [""] * (width - len(record))
                rows.append(record)
                lines.append(line)
                if len(rows) >= chunksize:
                    yield _frame(pd, rows, header, lines, _read_share(fh, p))
                    rows, lines = [], []
        except csv.Error as exc:
            raise InputError(f"{p}:{reader.line_num}: malformed CSV: {exc}") from None
        if header is None:
            raise InputError(f"{p}: the file is empty (no header line)")
        if rows or not lines:
            yield _frame(pd, rows, header, lines, 1.0)


def _frame(pd: Any, rows: list[list[str]], header: list[str], lines: list[int], read: float | None = None) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df["__line__"] = lines
    if read is not None:
        df.attrs["read"] = read
    return df


def _read_share(fh: Any, p: Path) -> float | None:
    """How far into the file the reader is: the OS file position (a buffer ahead) over the size."""
    try:
        return min(1.0, fh.buffer.raw.tell() / max(1, p.stat().st_size))
    except (AttributeError, OSError):
        return None


def _read_txt(p: Path, chunksize: int, encoding: str | None) -> Iterator[pd.DataFrame]:
    import pandas as pd

    rows: list[list[str]] = []
    lines: list[int] = []
    with _open_text(p, encoding) as fh:
        for i, line in enumerate(fh, start=1):
            # A blank line is kept as an (empty) row, so output row N is input line N.
            rows.append([line.rstrip("\r\n")])
            lines.append(i)
            if len(rows) >= chunksize:
                yield _frame(pd, rows, ["text"], lines, _read_share(fh, p))
                rows, lines = [], []
    yield _frame(pd, rows, ["text"], lines, 1.0)


def _read_jsonl(p: Path, chunksize: int, encoding: str | None, *, whole: bool) -> Iterator[pd.DataFrame]:
    import pandas as pd

    records: list[dict[str, Any]] = []
    lines: list[int] = []
    with _open_text(p, encoding or "utf-8-sig") as fh:
        if whole:
            try:
                data = json.load(fh)
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
            if isinstance(data, dict):
                data = next((v for v in data.values() if isinstance(v, list)), [data])
            source = ((i + 1, r) for i, r in enumerate(data))
            total = max(1, len(data))
        else:
            source = _jsonl_lines(p, fh)
        for line, obj in source:
            if not isinstance(obj, dict):
                raise InputError(f"{p}:{line}: expected a JSON object per record, found {type(obj).__name__}")
            records.append({k: _cell(v) for k, v in obj.items()})
            lines.append(line)
            if len(records) >= chunksize:
                df = _records_frame(pd, records, lines)
                df.attrs["read"] = min(1.0, line / total) if whole else _read_share(fh, p)
                yield df
                records, lines = [], []
    df = _records_frame(pd, records, lines)
    df.attrs["read"] = 1.0
    yield df


def _jsonl_lines(p: Path, fh: io.TextIOBase) -> Iterator[tuple[int, Any]]:
    for i, raw in enumerate(fh, start=1):
        if not raw.strip():
            continue
        try:
            yield i, json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{p}:{i}:{exc.colno}: invalid JSON: {exc.msg}") from None


def _cell(v: Any) -> Any:
    return v if v is None or isinstance(v, (str, int, float, bool)) else json.dumps(v, ensure_ascii=False)


def _records_frame(pd: Any, records: list[dict[str, Any]], lines: list[int]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    df = df.astype(object)
    df["__line__"] = lines
    return df


def _read_xlsx(p: Path, chunksize: int, sheet: str | int | None, header_row: int) -> Iterator[pd.DataFrame]:
    import pandas as pd
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise InputError(f"{p}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()):
            idx = int(sheet) - 1
            if not 0 <= idx < len(wb.worksheets):
                raise InputError(f"{p}: no sheet number {sheet}; sheets: {', '.join(wb.sheetnames)}")
            ws = wb.worksheets[idx]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError(f"{p}: no sheet named {sheet!r}; sheets: {', '.join(wb.sheetnames)}")
        header: list[str] | None = None
        rows: list[list[Any]] = []
        lines: list[int] = []
        for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if r < header_row:
                continue
            if header is None:
                header = _check_header(p, ["" if v is None else str(v) for v in values])
                continue
            vals = list(values)[: len(header)]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in vals):
                continue
            vals += [None] * (len(header) - len(vals))
            rows.append(vals)
            lines.append(r)
            if len(rows) >= chunksize:
                yield _frame(pd, rows, header, lines, min(1.0, r / ws.max_row) if ws.max_row else None)
                rows, lines = [], []
        if header is None:
            raise InputError(f"{p}: sheet {ws.title!r} is empty (no header row at row {header_row})")
        yield _frame(pd, rows, header, lines, 1.0)
    finally:
        wb.close()


def _read_parquet(p: Path, chunksize: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(p)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError variants
        raise InputError(f"{p}: not a readable Parquet file ({exc})") from None
    start = 1
    yielded = False
    for batch in pf.iter_batches(batch_size=chunksize):
        df = batch.to_pandas().astype(object)
        df["__line__"] = range(start, start + len(df))
        start += len(df)
        df.attrs["read"] = min(1.0, (start - 1) / max(1, pf.metadata.num_rows))
        yielded = True
        yield df
    if not yielded:
        df = pf.schema_arrow.empty_table().to_pandas().astype(object)
        df["__line__"] = []
        yield df


def pick_text_column(columns: Sequence[str], sample: pd.DataFrame | None = None) -> str:
    """The obvious text column: a known name (评论, 内容, content, text …), else the longest text."""
    cols = [c for c in columns if c != "__line__"]
    lowered = {str(c).strip().lower(): c for c in cols}
    for name in TEXT_COLUMN_NAMES:
        if name in lowered:
            return lowered[name]
    for name in TEXT_COLUMN_NAMES:
        for low, col in lowered.items():
            if len(name) > 1 and name in low:
                return col
    if sample is not None and len(sample):
        best, best_len = None, 0.0
        for c in cols:
            vals = [v for v in sample[c].tolist() if isinstance(v, str)]
            if not vals:
                continue
            mean = sum(len(v) for v in vals) / len(sample)
            if mean > best_len:
                best, best_len = c, mean
        if best is not None:
            return best
    raise InputError(f"cannot tell which column holds the text; pass --text with one of: {', '.join(map(str, cols))}")


class ResultWriter:
    """Writes records to ``.jsonl``, ``.csv``, ``.parquet`` or ``.xlsx`` through a temporary file.

    Call :meth:`write` with lists of JSON records and of flat rows; :meth:`close` renames the file into
    place. On an exception inside a ``with`` block the temporary file is removed and the target is left
    as it was.
    """

    def __init__(self, path: str | os.PathLike[str], columns: Sequence[str]) -> None:
        self.path = Path(path)
        self.kind = self.path.suffix.lower()
        if self.kind not in WRITE_FORMATS:
            raise InputError(f"{self.path}: cannot write {self.kind or 'files without an extension'}; use one of {', '.join(WRITE_FORMATS)}")
        if not self.path.parent.exists():
            raise InputError(f"{self.path}: the folder {self.path.parent} does not exist")
        self.columns = list(columns)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        self._fh: Any = None
        self._writer: Any = None
        self.rows = 0
        if self.kind == ".jsonl":
            self._fh = open(self._tmp, "w", encoding="utf-8", newline="\n")
        elif self.kind == ".csv":
            # UTF-8 with a BOM so that Excel shows the Chinese text correctly when the file is opened.
            self._fh = open(self._tmp, "w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(self.columns)
        elif self.kind == ".xlsx":
            from openpyxl import Workbook

            self._wb = Workbook(write_only=True)
            self._ws = self._wb.create_sheet("results")
            self._ws.append(self.columns)

    def write(self, records: list[dict[str, Any]], flat: list[dict[str, Any]]) -> None:
        from ._schema import neutralise_formula

        if self.kind == ".jsonl":
            self._fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        elif self.kind == ".csv":
            self._writer.writerows([[neutralise_formula(_plain(r.get(c))) for c in self.columns] for r in flat])
        elif self.kind == ".xlsx":
            for r in flat:
                self._ws.append([_xlsx_safe(neutralise_formula(_plain(r.get(c)))) for c in self.columns])
        elif self.kind == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pylist([{c: _parquet_cell(r.get(c)) for c in self.columns} for r in flat],
                                         schema=self._schema(pa))
            if self._writer is None:
                self._writer = pq.ParquetWriter(self._tmp, table.schema)
            self._writer.write_table(table)
        self.rows += len(flat) if flat else len(records)

    def _schema(self, pa: Any) -> Any:
        fields = []
        for c in self.columns:
            numeric = c == "sentiment_score" or c.startswith(("factor.", "theme.", "emotion.", "effort."))
            kind = pa.bool_() if c == "effort.high" else pa.float64() if numeric else pa.string()
            fields.append(pa.field(c, kind))
        return pa.schema(fields)

    def close(self) -> None:
        if self.kind in (".jsonl", ".csv"):
            self._fh.close()
        elif self.kind == ".xlsx":
            self._wb.save(self._tmp)
        elif self.kind == ".parquet":
            if self._writer is None:
                import pyarrow as pa
                import pyarrow.parquet as pq

                pq.write_table(self._schema(pa).empty_table(), self._tmp)
            else:
                self._writer.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        try:
            if self._fh is not None:
                self._fh.close()
            if self.kind == ".parquet" and self._writer is not None:
                self._writer.close()
        finally:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _plain(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    return v


def _parquet_cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v if isinstance(v, (int, float)) else str(v)


_ILLEGAL_XLSX = {c: None for c in range(32) if chr(c) not in "\t\n\r"}


def _xlsx_safe(v: Any) -> Any:
    """openpyxl refuses control characters in cells; drop them rather than fail the whole file."""
    return v.translate(_ILLEGAL_XLSX) if isinstance(v, str) else v
