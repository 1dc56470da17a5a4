"""cxtext.distributed on a real Dask LocalCluster (2 worker processes) gives the local engine's answers."""

from __future__ import annotations

import io
import sys

import pytest

from cxtext import Aggregate, MissingDependencyError
from cxtext._cli import main
from test_workers import make_csv


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.mark.dask
def test_dask_results_and_aggregates_equal_the_local_engine(client, tmp_path, rules_analyzer):
    import dask.dataframe as dd
    import pandas as pd

    from cxtext import distributed

    src = make_csv(tmp_path / "in.csv", 160)
    df = pd.read_csv(src, dtype=str, keep_default_na=False).replace({"": None})
    local = rules_analyzer.analyze_frame(df, "评论")
    cols = distributed.result_columns(rules_analyzer)

    results = distributed.analyze(dd.from_pandas(df, npartitions=5), "评论", analyzer=rules_analyzer)
    assert list(results.columns) == list(df.columns) + cols
    got = results.compute()
    assert got.index.tolist() == local.index.tolist()
    assert got["评论"].fillna("").tolist() == df["评论"].fillna("").tolist()  # input columns pass through
    for col in cols:
        a, b = got[col].tolist(), local[col].tolist()
        assert [None if x != x else x for x in a] == [None if x is None or x != x else x for x in b], col
    assert results.dtypes["sentiment_score"] == "float64" and results.dtypes["factor.service"] == "float64"

    totals = distributed.aggregate(results, split_every=2)
    assert totals == Aggregate.from_documents(rules_analyzer.analyze_many(df["评论"].tolist()))
    assert totals.rows == 160 and totals.statuses["empty"] > 0


@pytest.mark.dask
def test_cli_engine_dask_writes_the_same_file(client, tmp_path):
    src = make_csv(tmp_path / "in.csv", 120)
    common = ["analyze", str(src), "--text", "评论", "--id", "编号", "--sentiment", "rules", "--chunk-size", "25", "-q"]
    assert main([*common, "-o", str(tmp_path / "local.jsonl"), "--workers", "1"], err=io.StringIO()) == 0
    address = client.scheduler.address
    err = io.StringIO()
    code = main([*common, "-o", str(tmp_path / "dask.jsonl"), "--engine", "dask", "--scheduler", address], err=err)
    assert code == 0, err.getvalue()
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


@pytest.mark.dask
def test_aggregate_file_on_the_cluster_equals_local(client, tmp_path, rules_analyzer):
    from cxtext._batch import BatchOptions
    from cxtext._run import aggregate_file

    src = make_csv(tmp_path / "in.csv", 120)
    opts = BatchOptions(text="评论", id="编号", chunksize=25)
    local, _ = aggregate_file(rules_analyzer, src, opts, workers=1)
    remote, summary = aggregate_file(rules_analyzer, src, opts, engine="dask", scheduler=client.scheduler.address)
    assert remote == local and summary.engine == "dask" and summary.rows == 120


def test_without_dask_the_message_says_how_to_install(monkeypatch, tmp_path):
    from cxtext import distributed

    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'cxtext\[dask\]'"):
        distributed.analyze(object(), "text")
    src = make_csv(tmp_path / "in.csv", 50)
    err = io.StringIO()
    code = main(["analyze", str(src), "-o", str(tmp_path / "o.jsonl"), "--engine", "dask", "-q"], err=err)
    assert code == 2 and "pip install 'cxtext[dask]'" in err.getvalue()
    assert not list(tmp_path.glob(".o.jsonl*"))


def test_scheduler_needs_the_dask_engine(tmp_path):
    src = make_csv(tmp_path / "in.csv", 5)
    err = io.StringIO()
    code = main(["analyze", str(src), "-o", str(tmp_path / "o.jsonl"), "--scheduler", "tcp://127.0.0.1:1"], err=err)
    assert code == 2 and "--scheduler needs --engine dask" in err.getvalue()
