"""Run cxtext on a Dask cluster: a Dask DataFrame in, a Dask DataFrame of results out.

    import dask.dataframe as dd
    from cxtext import distributed

    reviews = dd.read_parquet("s3://bucket/reviews/")        # any Dask DataFrame with a text column
    results = distributed.analyze(reviews, text="评论")       # lazy: map_partitions, one result row per row
    totals = distributed.aggregate(results)                  # factor/theme totals, tree-reduced on the cluster
    totals.factors["service"].mean

Every partition is analysed by :class:`PartitionAnalyzer`, a plain ``pandas.DataFrame -> DataFrame``
function (the same one works with Spark's ``mapInPandas``). Each worker process unpickles the analyser
once and keeps it, so its tokenizer is built (or loaded from the user cache) once per process, not
once per partition. :func:`aggregate` turns every partition into an :class:`~cxtext._totals.Aggregate`
on the workers and merges them in a tree: only aggregates travel back to the client.

Dask is an optional extra: ``pip install 'cxtext[dask]'``. This module imports without it; its
functions then raise :class:`~cxtext.MissingDependencyError` with that line.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from typing import TYPE_CHECKING, Any

from ._totals import Aggregate, AspectStats, merge_all
from ._errors import ConfigError, MissingDependencyError

if TYPE_CHECKING:
    import pandas as pd

    from ._analyzer import Analyzer
    from ._workers import Chunk

__all__ = [
    "analyze",
    "aggregate",
    "PartitionAnalyzer",
    "result_columns",
    "Aggregate",
    "AspectStats",
    "connect",
    "DaskExecutor",
]

_FEATURE = "cxtext.distributed (and --engine dask)"


def _dask() -> Any:
    try:
        import dask
        import dask.dataframe  # noqa: F401
    except ImportError:
        raise MissingDependencyError("dask", "dask", _FEATURE) from None
    return dask


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MissingDependencyError("distributed", "dask", _FEATURE) from None
    return distributed


# --------------------------------------------------------------------------------------------------
# One analyser per worker process

_ANALYZERS: dict[str, Any] = {}
_ANALYZERS_LOCK = threading.Lock()


def _analyzer_from(key: str, payload: bytes) -> Analyzer:
    an = _ANALYZERS.get(key)
    if an is None:
        with _ANALYZERS_LOCK:
            an = _ANALYZERS.get(key)
            if an is None:
                if len(_ANALYZERS) >= 4:  # a long-lived worker that served many configurations
                    _ANALYZERS.clear()
                an = _ANALYZERS[key] = pickle.loads(payload)
    return an


def result_columns(analyzer: Analyzer) -> list[str]:
    """The result columns added to every partition, in order (see the README's output schema)."""
    from ._schema import flat_columns

    return flat_columns(analyzer.lexicon_.ids("factor"), analyzer.lexicon_.ids("theme"))


def _numeric(col: str) -> bool:
    return col == "sentiment_score" or col.startswith(("factor.", "theme."))


class PartitionAnalyzer:
    """``pandas.DataFrame -> DataFrame``: the input columns plus the flat result columns, same index.

    Picklable and cheap to ship: it carries the analyser as bytes, and each process unpickles it once
    (keyed by its digest). Result dtypes do not depend on the data: ``float64`` for the score and the
    factor and theme polarities (NaN when not mentioned), ``object`` (str) for the rest, so every
    partition matches the Dask ``meta``.
    """

    def __init__(self, analyzer: Analyzer | None = None, *, text: str, id: str | None = None) -> None:
        if analyzer is None:
            from ._analyzer import Analyzer

            analyzer = Analyzer()
        self.text = text
        self.id = id
        self.columns = result_columns(analyzer)
        self._payload = pickle.dumps(analyzer, protocol=pickle.HIGHEST_PROTOCOL)
        self._key = hashlib.sha256(self._payload).hexdigest()[:16]

    @property
    def analyzer(self) -> Analyzer:
        return _analyzer_from(self._key, self._payload)

    def __call__(self, df: pd.DataFrame) -> pd.DataFrame:
        col = df[self.text] if self.text in df.columns else None
        if col is not None and col.dtype != object:
            # Nullable string columns (what Dask makes of text) hold pd.NA for a missing cell; give the
            # analyser plain Python values, as a local DataFrame would, so the statuses agree.
            df = df.copy(deep=False)
            df[self.text] = col.astype(object).where(col.notna(), None)
        out = self.analyzer.analyze_frame(df, self.text, id=self.id)
        if col is not None:
            out[self.text] = col
        for col in self.columns:
            out[col] = out[col].astype("float64") if _numeric(col) else out[col].astype(object)
        return out


def analyze(
    ddf: Any,
    text: str,
    *,
    id: str | None = None,
    analyzer: Analyzer | None = None,
) -> Any:
    """A lazy Dask DataFrame of results: ``ddf``'s columns plus the result columns, one row per row."""
    _dask()
    if text not in ddf.columns:
        raise ConfigError(f"column {text!r} not in the Dask DataFrame; columns: {', '.join(map(str, ddf.columns))}")
    fn = PartitionAnalyzer(analyzer, text=text, id=id)
    meta = fn(ddf._meta)  # an empty frame: analysing it costs nothing and gives the exact dtypes
    return ddf.map_partitions(fn, meta=meta)


def aggregate(results: Any, *, split_every: int = 8, compute: bool = True) -> Any:
    """Factor and theme totals of a results frame, merged on the cluster in a tree of ``split_every``.

    ``results`` is what :func:`analyze` returns (or any Dask DataFrame with the flat result columns).
    Returns an :class:`Aggregate` (or a Dask ``Delayed`` of one with ``compute=False``).
    """
    dask = _dask()
    if split_every < 2:
        raise ConfigError(f"split_every must be 2 or more, got {split_every}")
    parts = [dask.delayed(Aggregate.from_frame)(p) for p in results.to_delayed()]
    if not parts:
        return Aggregate() if compute else dask.delayed(Aggregate)()
    while len(parts) > 1:
        parts = [dask.delayed(_merge)(*parts[i : i + split_every]) for i in range(0, len(parts), split_every)]
    return parts[0].compute() if compute else parts[0]


def _merge(*aggs: Aggregate) -> Aggregate:
    return merge_all(aggs)


# --------------------------------------------------------------------------------------------------
# The CLI's engine: the same chunk function as the local pool, run on a cluster


def connect(scheduler: str | None = None, *, workers: int | None = None) -> Any:
    """A ``distributed.Client``: to ``scheduler`` (``tcp://host:port``), else to a new ``LocalCluster``.

    The local cluster has ``workers`` processes (default: every core) of one thread each, since the
    analysis is pure Python and holds the GIL.
    """
    dist = _distributed()
    if scheduler:
        try:
            return dist.Client(scheduler, timeout="20s")
        except OSError as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); "
                              "check the address (tcp://HOST:PORT) and that the scheduler is running") from None
    from ._workers import default_workers

    cluster = dist.LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                                dashboard_address=None)
    client = dist.Client(cluster)
    client._cxtext_cluster = cluster  # closed with the client by DaskExecutor
    return client


class DaskExecutor:
    """Runs ``cxtext._workers.analyze_chunk`` on a Dask cluster for ``analyze --engine dask``.

    The analyser is scattered to every worker once; chunks are submitted as tasks, and the caller
    takes results in submission order, so the output file is identical to a local run's.
    """

    def __init__(self, analyzer: Analyzer, *, workers: int | None = None, scheduler: str | None = None) -> None:
        self.client = connect(scheduler, workers=workers)
        try:
            self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
            self._analyzer = self.client.scatter(analyzer, broadcast=True)
        except BaseException:
            self.close()
            raise

    def submit(self, chunk: Chunk) -> Any:
        from ._workers import analyze_chunk

        return self.client.submit(analyze_chunk, self._analyzer, chunk, pure=False)

    def close(self, cancel: bool = False) -> None:
        cluster = getattr(self.client, "_cxtext_cluster", None)
        self.client.close()
        if cluster is not None:
            cluster.close()
