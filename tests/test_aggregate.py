"""Aggregates merge associatively: any split of the rows, merged in any tree, gives the same totals."""

from __future__ import annotations

import csv
from functools import reduce
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxtext import Aggregate, AspectStats
from cxtext._totals import merge_all

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "reviews.csv"


@pytest.fixture(scope="module")
def docs(rules_analyzer):
    with open(EXAMPLES, encoding="utf-8") as fh:
        texts = [r["评论"] for r in csv.DictReader(fh)][:120]
    return list(rules_analyzer.analyze_many(texts + ["", None, 42]))


def test_aspect_stats_by_hand():
    s = AspectStats.of(0.5) + AspectStats.of(-0.25) + AspectStats.of(0.0)
    assert (s.count, s.positive, s.negative, s.opinionated) == (3, 1, 1, 2)
    assert s.mean == pytest.approx(0.125)
    assert s.std == pytest.approx(0.375)
    assert s.to_dict()["polarity_sum"] == pytest.approx(0.25)


def test_counts_follow_the_documents(docs):
    agg = Aggregate.from_documents(docs)
    assert agg.rows == len(docs)
    from collections import Counter

    assert agg.statuses == dict(sorted(Counter(d.status for d in docs).items()))
    assert agg.statuses["not_text"] == 1
    assert sum(agg.labels.values()) == agg.analysed == agg.statuses["ok"]
    mentioning = [d for d in docs if "service" in d.factors]
    assert agg.factors["service"].count == len(mentioning)
    assert agg.factors["service"].negative == sum(1 for d in mentioning if round(d.factors["service"].polarity, 4) < 0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(0, 123), max_size=8), seed=st.randoms(use_true_random=False))
def test_any_split_merged_in_any_order_equals_the_whole(docs, cuts, seed):
    bounds = [0, *sorted(cuts), len(docs)]
    parts = [Aggregate.from_documents(docs[a:b]) for a, b in zip(bounds, bounds[1:])]
    whole = Aggregate.from_documents(docs)
    assert merge_all(parts) == whole
    shuffled = parts[:]
    seed.shuffle(shuffled)
    assert reduce(lambda a, b: b + a, shuffled, Aggregate()) == whole  # commutative too
    # A tree: merge neighbours pairwise until one is left.
    level = parts
    while len(level) > 1:
        level = [merge_all(level[i : i + 2]) for i in range(0, len(level), 2)]
    assert level[0] == whole


def test_from_frame_equals_from_documents(rules_analyzer, docs):
    import pandas as pd

    texts = [d.text if d.status == "ok" else None for d in docs]
    frame = rules_analyzer.analyze_frame(pd.DataFrame({"t": texts}), "t")
    assert Aggregate.from_frame(frame) == Aggregate.from_documents(rules_analyzer.analyze_many(texts))


def test_to_dict_is_plain_json(docs):
    import json

    d = Aggregate.from_documents(docs).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) == {"rows", "statuses", "labels", "score_sum", "score_sq", "mean_score", "factors", "themes"}


def test_aggregate_file_equals_the_documents(tmp_path, rules_analyzer):
    import json

    from cxtext._batch import BatchOptions
    from cxtext._run import aggregate_file, run_file
    from test_workers import make_csv

    src = make_csv(tmp_path / "in.csv", 150)
    opts = BatchOptions(text="评论", id="编号", chunksize=40)
    total, summary = aggregate_file(rules_analyzer, src, opts, workers=1)
    run_file(rules_analyzer, src, tmp_path / "out.jsonl", opts)
    recs = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] if r["status"] != "empty" else None for r in recs]
    assert total == Aggregate.from_documents(rules_analyzer.analyze_many(texts))
    assert summary.rows == total.rows == 150 and summary.statuses == total.statuses
