"""The output schema: JSON records and the flat columns of CSV, XLSX, Parquet and ``analyze_frame``.

Kept in one place so the CLI, the DataFrame API and the documentation cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._signal_types import SIGNAL_COLUMNS
from ._types import Document

__all__ = ["flat_columns", "flatten", "record", "PASSTHROUGH", "neutralise_formula"]

PASSTHROUGH = ("rating", "time", "group")  # optional input columns copied to the output under these keys
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def flat_columns(factor_ids: Sequence[str], theme_ids: Sequence[str]) -> list[str]:
    """Result columns, in order, for flat outputs."""
    return (
        ["status", "sentiment_label", "sentiment_score"]
        + [f"factor.{i}" for i in factor_ids]
        + [f"theme.{i}" for i in theme_ids]
        + ["touchpoints", "stages"]
        + list(SIGNAL_COLUMNS)
    )


def flatten(doc: Document, factor_ids: Sequence[str], theme_ids: Sequence[str]) -> dict[str, Any]:
    """One flat row: polarity per factor and theme (``None`` when not mentioned)."""
    row: dict[str, Any] = {
        "status": doc.status,
        "sentiment_label": doc.label,
        "sentiment_score": round(doc.score, 4),
    }
    for i in factor_ids:
        a = doc.factors.get(i)
        row[f"factor.{i}"] = None if a is None else round(a.polarity, 4)
    for i in theme_ids:
        a = doc.themes.get(i)
        row[f"theme.{i}"] = None if a is None else round(a.polarity, 4)
    row["touchpoints"] = ";".join(m.id for m in doc.touchpoints)
    row["stages"] = ";".join(m.id for m in doc.stages)
    row.update(doc.signals_.flat())
    return row


def record(doc: Document, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSONL record: the document's documented shape plus passed-through columns."""
    out = doc.to_dict()
    if extra:
        out.update(extra)
    return out


def neutralise_formula(value: Any) -> Any:
    """Make a cell inert in spreadsheet programs: text starting with = + - @ gets a leading quote.

    A review reading ``=HYPERLINK("http://…")`` would otherwise run as a formula when an analyst opens
    the CSV or XLSX in Excel or LibreOffice (CSV injection).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
