"""Aggregates of analysis results and the gap-model inputs derived from them (_aggregate, _derive)."""

from __future__ import annotations

import math
import pickle
import random

import pytest

from cxtext._aggregate import ReportAggregate, Stat, parse_day, parse_rating
from cxtext._derive import actual_score, derive, gap_from_aggregate, key_drivers
from cxtext._gap import FACTOR_IDS, THEME_IDS, GapEntry, GapConfig

TEXTS = [
    ("价格便宜，服务员很热情", "5", "2026-01-03", "一店"),
    ("排队太久了，等了一个小时", "1", "2026-01-09", "一店"),
    ("本以为很快，结果排队排了半天", "2", "2026-02-11", "二店"),
    ("比预期快很多，送货师傅很客气", "5", "2026-02-15", "二店"),
    ("态度差，爱答不理", "1", "2026-02-20", "一店"),
    ("质量很好，性价比高", "4", "2026-03-01", "二店"),
    ("隐形收费，太坑了", "1", "2026-03-05", "一店"),
    ("", "3", "2026-03-06", "二店"),
    ("会员积分清零也不通知", "2", "not a date", ""),
    ("店员很专业，讲解清楚", "五星", "2026-03-08", "二店"),
]


def records(analyzer, rows=TEXTS):
    out = []
    for i, (text, rating, time, group) in enumerate(rows):
        d = analyzer.analyze(text, id=str(i))
        rec = d.to_dict()
        rec.update(rating=rating, time=time, group=group)
        out.append(rec)
    return out


def fresh() -> ReportAggregate:
    return ReportAggregate(factor_ids=FACTOR_IDS, theme_ids=THEME_IDS)


@pytest.fixture(scope="module")
def recs(analyzer):
    return records(analyzer)


def test_counts_and_data_quality(recs):
    agg = fresh().add_all(recs)
    assert agg.rows == len(TEXTS)
    assert agg.statuses["empty"] == 1 and agg.statuses["ok"] == len(TEXTS) - 1
    assert agg.ratings_unreadable == 1  # 五星 is not a number
    assert agg.times_unreadable == 1 and agg.groups_missing == 1
    assert set(agg.groups) == {"一店", "二店"}
    assert sum(sl.docs for sl in agg.days.values()) == agg.overall.docs - 1
    assert agg.overall.rating.n == len(TEXTS) - 2  # the empty row and 五星
    assert agg.mentioned["factor"]["convenience"] >= 2
    assert ("排队太久" in agg.terms["factor"]["neg"].get("convenience", {})
            or "排队" in agg.terms["factor"]["neg"].get("convenience", {}))


def test_merge_is_associative_and_matches_one_pass(recs):
    whole = fresh().add_all(recs)
    a, b, c = fresh().add_all(recs[:3]), fresh().add_all(recs[3:7]), fresh().add_all(recs[7:])
    left = a.merge(b).merge(c)
    right = a.merge(b.merge(c))
    swapped = c.merge(a).merge(b)
    want = derive(whole, "factor", min_mentions=1).to_dict()
    for agg in (left, right, swapped, ReportAggregate.merge_all([a, b, c])):
        got = derive(agg, "factor", min_mentions=1).to_dict()
        assert _close(got, want)
        assert agg.rows == whole.rows and agg.statuses == whole.statuses
        assert {k: v.docs for k, v in agg.groups.items()} == {k: v.docs for k, v in whole.groups.items()}
    # merging leaves its inputs alone
    assert a.rows == 3


def test_merge_of_aggregates_with_different_id_orders(recs):
    a = ReportAggregate().add_all(recs[:5])  # ids in the order first seen
    b = ReportAggregate().add_all(recs[5:])
    whole = ReportAggregate().add_all(recs)
    m = a.merge(b)
    for kind in ("factor", "theme"):
        ids = whole.ids[kind]
        got = derive(m, kind, names={i: i for i in ids}, min_mentions=1)
        want = derive(whole, kind, names={i: i for i in ids}, min_mentions=1)
        assert {x.id: x.actual for x in got.aspects} == pytest.approx({x.id: x.actual for x in want.aspects})


def test_aggregate_pickles(recs):
    agg = fresh().add_all(recs)
    back = pickle.loads(pickle.dumps(agg))
    assert _close(derive(back, "factor", min_mentions=1).to_dict(), derive(agg, "factor", min_mentions=1).to_dict())


def _close(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=0.011)
    return a == b


@pytest.mark.parametrize(
    "values, min_n, expected",
    [
        ([1.0, 1.0, 1.0], 3, 10.0),
        ([-1.0, -1.0, -1.0], 3, 0.0),
        ([0.5, -0.5, 0.2, 0.2], 4, 5.5),
        ([0.5, 0.5], 3, None),  # too few: no number
    ],
)
def test_actual_score(values, min_n, expected):
    s = Stat()
    for v in values:
        s.add(v)
    score, ci = actual_score(s, min_n)
    if expected is None:
        assert score is None and ci is None
    else:
        assert score == pytest.approx(expected)
        assert ci is not None and 0.0 <= ci[0] <= score <= ci[1] <= 10.0


def test_too_few_mentions_give_no_actual_but_keep_n(recs):
    d = derive(fresh().add_all(recs), "factor", min_mentions=50)
    assert all(a.actual is None and a.too_few for a in d.aspects)
    assert any(a.n > 0 for a in d.aspects)
    gap, _ = gap_from_aggregate(fresh().add_all(recs), min_mentions=50)
    assert all(r.actual is None and r.weight is None for r in gap.factors.rows)


def test_expectation_estimated_from_expectation_language(analyzer):
    rows = [("本以为很快，结果排队排了两个小时", "1", "2026-01-01", "a")] * 3 + [
        ("比预期快很多，方便", "5", "2026-01-02", "a")] * 3
    d = derive(fresh().add_all(records(analyzer, rows)), "factor", min_mentions=1, min_expectations=1)
    conv = d.aspect("convenience")
    assert conv.expectation_basis == "own" and conv.expectation_n >= 4
    assert conv.expectation is not None and 0 <= conv.expectation <= 10
    gap, _ = gap_from_aggregate(fresh().add_all(records(analyzer, rows)), min_mentions=1)
    row = gap.factors.row("convenience")
    assert row.expectation_source in ("estimate", "met")


def _gram(x, y):
    import numpy as np

    z = np.column_stack([np.ones(len(y)), x, y])
    return z.T @ z


def test_key_drivers_match_a_direct_fit():
    np = pytest.importorskip("numpy")
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LinearRegression

    rng = random.Random(7)
    n = 400
    x = np.array([[rng.choice([0.0, rng.uniform(-1, 1)]) for _ in range(3)] for _ in range(n)])
    y = 3.0 + 2.0 * x[:, 0] + 0.5 * x[:, 1] + np.array([rng.gauss(0, 0.3) for _ in range(n)])
    found = key_drivers(_gram(x, y), ["a", "b", "c"], {"a", "b", "c"}, target="rating")
    assert not isinstance(found, str), found
    xs = (x - x.mean(0)) / x.std(0)
    ys = (y - y.mean()) / y.std()
    direct = LinearRegression(positive=True).fit(xs, ys)
    assert [found.coefficients[i] for i in "abc"] == pytest.approx(list(direct.coef_), abs=1e-6)
    assert found.r2 == pytest.approx(direct.score(xs, ys), abs=1e-6)
    assert found.values["a"] == pytest.approx(10.0)
    assert 0 < found.values["b"] < 10 and found.values["c"] == pytest.approx(0.0, abs=0.5)
    assert found.method == "regression" and found.n == n and found.target == "rating"


def test_key_drivers_refuse_thin_or_flat_data():
    np = pytest.importorskip("numpy")
    x = np.array([[1.0, 0.0]] * 10)
    assert "fewer than" in key_drivers(_gram(x, np.arange(10.0)), ["a", "b"], {"a", "b"})
    x = np.array([[float(i % 3), float(i % 5)] for i in range(100)])
    assert "does not vary" in key_drivers(_gram(x, np.ones(100)), ["a", "b"], {"a", "b"})
    noise = np.array([((i * 7919) % 13) / 13.0 for i in range(100)])
    assert "explains too little" in key_drivers(_gram(x, noise), ["a", "b"], {"a", "b"})


def test_importance_falls_back_to_mention_share_on_thin_data(recs):
    d = derive(fresh().add_all(recs), "factor", min_mentions=1)
    assert d.importance.method == "mention_share" and d.importance.reason
    values = [v for v in d.importance.values.values() if v is not None]
    assert max(values) == pytest.approx(10.0)


def test_config_values_win_over_derived(recs):
    cfg = GapConfig(factors={"convenience": GapEntry(actual=5, expectation=7, importance=9)})
    gap, _ = gap_from_aggregate(fresh().add_all(recs), config=cfg, min_mentions=1)
    row = gap.factors.row("convenience")
    assert (row.actual, row.expectation, row.importance) == (5, 7, 9)
    assert row.actual_source == "config" and row.weight == -18
    assert gap.factors.key_experience == ("convenience",)


def test_quotes_are_bounded_real_sentences(analyzer):
    rows = [(f"排队太久了，等了{i}个小时，真的很烦", "1", "2026-01-01", "a") for i in range(2, 40)]
    agg = ReportAggregate(factor_ids=FACTOR_IDS, theme_ids=THEME_IDS, max_quotes=4).add_all(records(analyzer, rows))
    quotes = agg.quotes_for("factor", "neg", "convenience")
    assert 0 < len(quotes) <= 4
    texts = {r[0] for r in rows}
    assert all(any(q.rstrip("。") in t for t in texts) for q in quotes)
    assert all(len(v) <= 4 * 4 for v in agg.quotes["factor"]["neg"].values())


@pytest.mark.parametrize(
    "value, day",
    [("2026-01-05", "2026-01-05"), ("2026/1/5 10:00", "2026-01-05"), ("2026年1月5日", "2026-01-05"),
     ("20260105", "2026-01-05"), ("2026-02", "2026-02-01"), ("2026-02-30", None), ("昨天", None), (None, None)],
)
def test_parse_day(value, day):
    assert parse_day(value) == day


@pytest.mark.parametrize("value, rating", [("4", 4.0), (4, 4.0), ("4.5星", 4.5), ("五星", None), ("", None), (True, None)])
def test_parse_rating(value, rating):
    assert parse_rating(value) == rating


# --------------------------------------------------------------------------------------------------
# 2d importance from churn or escalation when there is no rating
# --------------------------------------------------------------------------------------------------


def _with_signals(analyzer, texts, extra=None):
    from cxtext._schema import record
    from cxtext._signal_summary import SignalSummary

    agg, signals = ReportAggregate(factor_ids=FACTOR_IDS, theme_ids=THEME_IDS), SignalSummary()
    for i, text in enumerate(texts):
        doc = analyzer.analyze(text, id=str(i))
        agg.add(record(doc, dict(extra or {})))
        signals.add(doc)
    return agg, signals


CHURN = ["服务员态度差，爱答不理，再也不来了"] * 12 + ["排队太久了，很麻烦"] * 10 + ["价格便宜，很实惠"] * 10
ESCALATE = ["服务员态度差，爱答不理，我要投诉"] * 12 + ["排队太久了，很麻烦"] * 10


def test_churn_is_the_outcome_for_importance_without_a_rating(rules_analyzer):
    agg, signals = _with_signals(rules_analyzer, CHURN)
    assert signals.outcome_docs["churn"] == 12
    gap, derived = gap_from_aggregate(agg, min_mentions=3, signals=signals)
    imp = derived["factor"].importance
    assert imp.method == "outcome" and imp.target == "churn" and imp.n == 12
    expected = signals.outcome_importance("churn", "factors")
    assert max(v for v in expected.values() if v is not None) == 10.0
    for ident, value in expected.items():
        assert imp.values[ident] == value
        assert derived["factor"].aspect(ident).importance == value
    # the gap model gets them: the step table shows the outcome's importance
    rows = {r.id: r for r in gap.factors.rows}
    assert all(rows[i].importance == v for i, v in expected.items() if v is not None)
    # without the signals, the existing fallbacks
    _, plain = gap_from_aggregate(agg, min_mentions=3)
    assert plain["factor"].importance.method in ("regression", "mention_share")


def test_escalation_when_churn_is_too_rare(rules_analyzer):
    agg, signals = _with_signals(rules_analyzer, ESCALATE)
    assert signals.outcome_docs["churn"] < 10 <= signals.outcome_docs["escalation"]
    _, derived = gap_from_aggregate(agg, min_mentions=3, signals=signals)
    imp = derived["factor"].importance
    assert imp.method == "outcome" and imp.target == "escalation"


def test_a_rating_column_or_too_few_outcomes_keep_the_key_driver_analysis(rules_analyzer):
    agg, signals = _with_signals(rules_analyzer, CHURN, extra={"rating": 3})
    _, derived = gap_from_aggregate(agg, min_mentions=3, signals=signals)
    assert derived["factor"].importance.method != "outcome"
    agg, signals = _with_signals(rules_analyzer, CHURN[5:])  # 7 churn documents
    _, derived = gap_from_aggregate(agg, min_mentions=3, signals=signals)
    imp = derived["factor"].importance
    assert imp.method in ("regression", "mention_share")
    if imp.method == "mention_share":
        assert "7 documents with churn" in imp.reason
