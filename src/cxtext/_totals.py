"""Corpus aggregates that merge associatively: the same totals from one process, a pool or a Dask tree.

An :class:`Aggregate` holds counts and sums only — rows per status, documents per sentiment label, the
sum and sum of squares of document scores, and per factor and theme (:class:`AspectStats`) how many
documents mention it, how many of those are positive and negative, and the sum and sum of squares of
their polarities. Means, shares and standard deviations follow from these, and two aggregates of
disjoint sets of rows merge by adding them field by field (``a + b``), in any grouping and order.

A document counts once per factor: its polarity for the factor is the mean over its mentions (the
``factor.<id>`` value of the output), so one review that names 服务 five times does not outweigh
five reviews. Polarities and scores are summed as integers in units of 1e-4 (the four decimals the
output keeps), so sums are exact and a merge tree of any shape gives exactly the same aggregate.

Built from :class:`~cxtext.Document` objects (:meth:`Aggregate.from_documents`) or from the flat result
columns of ``analyze_frame``, CSV or Parquet outputs (:meth:`Aggregate.from_frame`): both give the same
aggregate for the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._types import Document, Status

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Aggregate", "AspectStats", "merge_all", "UNIT"]

UNIT = 10_000  # fixed point: polarities and scores are summed in units of 1e-4


def _fixed(x: float) -> int:
    return round(round(x, 4) * UNIT)


def _add(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return dict(sorted(out.items()))


@dataclass(frozen=True, slots=True)
class AspectStats:
    """One factor's or theme's totals over a set of documents."""

    count: int = 0  # documents that mention it
    positive: int = 0  # ... with a positive polarity for it
    negative: int = 0  # ... with a negative polarity for it
    polarity_sum: int = 0  # sum of the documents' polarities, in units of 1e-4
    polarity_sq: int = 0  # sum of their squares, in units of 1e-8

    def __add__(self, other: AspectStats) -> AspectStats:
        return AspectStats(
            self.count + other.count,
            self.positive + other.positive,
            self.negative + other.negative,
            self.polarity_sum + other.polarity_sum,
            self.polarity_sq + other.polarity_sq,
        )

    @classmethod
    def of(cls, polarity: float) -> AspectStats:
        p = _fixed(polarity)
        return cls(1, int(p > 0), int(p < 0), p, p * p)

    @property
    def opinionated(self) -> int:
        """Documents that hold an opinion about it (positive or negative)."""
        return self.positive + self.negative

    @property
    def mean(self) -> float:
        """Mean polarity over the documents with an opinion about it (0 when none has one)."""
        return self.polarity_sum / UNIT / self.opinionated if self.opinionated else 0.0

    @property
    def std(self) -> float:
        """Standard deviation of the polarity over the documents with an opinion about it."""
        n = self.opinionated
        if n < 2:
            return 0.0
        mean = self.polarity_sum / UNIT / n
        return math.sqrt(max(0.0, self.polarity_sq / UNIT**2 / n - mean * mean))

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "positive": self.positive,
            "negative": self.negative,
            "polarity_sum": self.polarity_sum / UNIT,
            "polarity_sq": self.polarity_sq / UNIT**2,
            "mean": round(self.mean, 4),
            "std": round(self.std, 4),
        }


def _add_stats(a: Mapping[str, AspectStats], b: Mapping[str, AspectStats]) -> dict[str, AspectStats]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] + v if k in out else v
    return dict(sorted(out.items()))


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Totals over a set of rows; ``a + b`` is the aggregate of both sets (associative, commutative)."""

    rows: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)  # analysed documents per sentiment label
    score_sum: int = 0  # sum of analysed documents' scores, in units of 1e-4
    score_sq: int = 0  # sum of their squares, in units of 1e-8
    factors: dict[str, AspectStats] = field(default_factory=dict)
    themes: dict[str, AspectStats] = field(default_factory=dict)

    def __add__(self, other: Aggregate) -> Aggregate:
        if not isinstance(other, Aggregate):
            return NotImplemented
        return Aggregate(
            rows=self.rows + other.rows,
            statuses=_add(self.statuses, other.statuses),
            labels=_add(self.labels, other.labels),
            score_sum=self.score_sum + other.score_sum,
            score_sq=self.score_sq + other.score_sq,
            factors=_add_stats(self.factors, other.factors),
            themes=_add_stats(self.themes, other.themes),
        )

    merge = __add__

    @property
    def analysed(self) -> int:
        """Rows analysed (status ``ok``)."""
        return self.statuses.get(Status.OK, 0)

    @property
    def mean_score(self) -> float:
        return self.score_sum / UNIT / self.analysed if self.analysed else 0.0

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> Aggregate:
        rows = 0
        statuses: dict[str, int] = {}
        labels: dict[str, int] = {}
        s_sum = s_sq = 0
        kinds: dict[str, dict[str, AspectStats]] = {"factors": {}, "themes": {}}
        for d in docs:
            rows += 1
            statuses[d.status] = statuses.get(d.status, 0) + 1
            if d.status != Status.OK:
                continue
            labels[d.label] = labels.get(d.label, 0) + 1
            s = _fixed(d.score)
            s_sum += s
            s_sq += s * s
            for name, found in (("factors", d.factors), ("themes", d.themes)):
                acc = kinds[name]
                for id_, a in found.items():
                    one = AspectStats.of(a.polarity)
                    acc[id_] = acc[id_] + one if id_ in acc else one
        return cls(rows, dict(sorted(statuses.items())), dict(sorted(labels.items())), s_sum, s_sq,
                   dict(sorted(kinds["factors"].items())), dict(sorted(kinds["themes"].items())))

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> Aggregate:
        """From flat result columns: ``status``, ``sentiment_label``, ``sentiment_score``, ``factor.<id>``, ``theme.<id>``."""
        import numpy as np

        status = df["status"].astype(object).to_numpy()
        ok = status == Status.OK
        statuses = _value_counts(status)
        labels = _value_counts(df["sentiment_label"].astype(object).to_numpy()[ok])
        scores = _fixed_array(np, df["sentiment_score"].to_numpy(dtype=float)[ok])
        kinds: dict[str, dict[str, AspectStats]] = {"factor.": {}, "theme.": {}}
        for col in df.columns:
            prefix = "factor." if str(col).startswith("factor.") else "theme." if str(col).startswith("theme.") else None
            if prefix is None:
                continue
            vals = df[col].to_numpy(dtype=float)[ok]
            vals = _fixed_array(np, vals[~np.isnan(vals)])
            if len(vals):
                kinds[prefix][str(col)[len(prefix):]] = AspectStats(
                    int(len(vals)), int((vals > 0).sum()), int((vals < 0).sum()),
                    int(vals.sum()), sum(int(v) * int(v) for v in vals),
                )
        return cls(len(df), statuses, labels, int(scores.sum()), sum(int(v) * int(v) for v in scores),
                   dict(sorted(kinds["factor."].items())), dict(sorted(kinds["theme."].items())))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "statuses": dict(self.statuses),
            "labels": dict(self.labels),
            "score_sum": self.score_sum / UNIT,
            "score_sq": self.score_sq / UNIT**2,
            "mean_score": round(self.mean_score, 4),
            "factors": {k: v.to_dict() for k, v in self.factors.items()},
            "themes": {k: v.to_dict() for k, v in self.themes.items()},
        }


def merge_all(aggregates: Iterable[Aggregate]) -> Aggregate:
    """The sum of any number of aggregates (the combine step of a tree reduction)."""
    total = Aggregate()
    for a in aggregates:
        total = total + a
    return total


def _value_counts(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return dict(sorted(out.items()))


def _fixed_array(np: Any, values: Any) -> Any:
    # Round to the output's four decimals first (as _fixed does), then scale: the same integers as
    # the per-document path for every value.
    return np.array([_fixed(float(v)) for v in values], dtype=np.int64)
