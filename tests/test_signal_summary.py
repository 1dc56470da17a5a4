"""Signals aggregated over many documents: views, merging, outcome importance, and `cxtext signals`."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from cxtext import SignalSummary, summarize_signals
from cxtext._cli import main

TEXTS = [
    "排队排了一个多小时，服务员还爱答不理，气死我了，再也不来了",
    "菜很好吃，服务员很热情，吃得很开心",
    "等了三十分钟才上菜，太失望了",
    "打了三次电话都没人管，我要投诉",
    "价格太贵了，性价比不高，不会再来了",
    None,
    "环境不错，很满意",
]


@pytest.fixture(scope="module")
def docs(analyzer):
    return [analyzer.analyze(t, id=f"r{i}") for i, t in enumerate(TEXTS)]


def test_counts_and_skipped(docs):
    s = summarize_signals(docs)
    assert s.documents == 6 and s.skipped == 1
    risks = s.risks()
    assert risks["churn"]["documents"] == 2
    assert risks["escalation"]["documents"] == 1
    assert risks["staff_attitude"]["documents"] == 1
    assert [q["id"] for q in risks["churn"]["quotes"]] == ["r0", "r4"]
    assert risks["churn"]["quotes"][0]["trigger"] == "再也不来了"
    assert dict(risks["churn"]["triggers"]) == {"再也不来了": 1, "不会再来了": 1}


def test_effort_view(docs):
    e = summarize_signals(docs).effort()
    assert e["with_wait"] == 2 and e["median_wait_minutes"] == 60.0  # 90 and 30
    assert e["p75_wait_minutes"] == 90.0
    assert e["repeat_contacts"] == 1 and e["contacts"] == {"documents": 1, "median": 3.0}
    assert e["high_effort"] == 3  # the two waits of 30+ minutes and the three calls
    assert e["quotes"][0]["id"] == "r0"


def test_emotion_views(docs):
    s = summarize_signals(docs)
    emotions = s.emotions()
    assert emotions["anger"]["documents"] == 1 and emotions["joy"]["documents"] == 2
    assert emotions["joy"]["share"] == pytest.approx(2 / 6, abs=1e-4)
    by_factor = s.emotion_view("factors")
    assert by_factor["service"]["emotions"]["anger"]["documents"] == 1  # 气死我了 speaks of the clause before it
    assert by_factor["product"]["dominant"] == "joy"
    with pytest.raises(ValueError, match="allowed: factors, themes"):
        s.emotion_view("factor")


def test_levels_view(docs):
    levels = summarize_signals(docs).levels()
    assert set(levels) == {"functional", "convenience", "emotional_shallow", "emotional_interpersonal"}
    assert levels["convenience"]["mentions"] >= 2 and levels["convenience"]["mean_polarity"] < 0
    assert sum(v["share"] for v in levels.values()) == pytest.approx(1.0, abs=1e-3)


def test_merge_is_the_same_as_one_pass(docs):
    whole = summarize_signals(docs, max_quotes=2).to_dict()
    a = summarize_signals(docs[:3], max_quotes=2)
    b = summarize_signals(docs[3:5], max_quotes=2)
    c = summarize_signals(docs[5:], max_quotes=2)
    assert a.merge(b).merge(c).to_dict() == whole
    assert a.merge(b.merge(c)).to_dict() == whole
    assert SignalSummary().merge(summarize_signals(docs)).documents == 6


def test_outcome_importance(analyzer):
    texts = ["服务员态度差，再也不来了"] * 5 + ["价格太贵了"] * 5 + ["价格有点贵，服务员态度也差，不会再来了"]
    s = summarize_signals(analyzer.analyze(t) for t in texts)
    imp = s.outcome_importance("churn", min_documents=5)
    assert imp["service"] == 10.0
    assert imp["price"] == pytest.approx(10.0 * (1 / 6) / 1.0, abs=0.01)
    assert s.outcome_importance("churn", min_documents=50)["service"] is None
    with pytest.raises(ValueError, match="allowed: churn"):
        s.outcome_importance("rating")


def test_to_dict_is_json(docs):
    d = summarize_signals(docs).to_dict()
    json.dumps(d, ensure_ascii=False)
    assert set(d) >= {"emotions", "emotion_by_factor", "emotion_by_theme", "effort", "risks", "levels",
                      "importance_by_churn", "importance_by_effort"}


def test_long_quotes_are_cut_around_the_trigger(analyzer):
    text = "房间还可以。" * 30 + "服务员态度恶劣，再也不来了。" + "早餐一般。" * 30
    s = summarize_signals([analyzer.analyze(text)])
    q = s.risks()["churn"]["quotes"][0]["text"]
    assert "再也不来了" in q and len(q) <= 122 and q.startswith("…") and q.endswith("…")


# ------------------------------------------------------------------------------------------------
# CLI


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    return main(list(args), err=err), err.getvalue()


def test_cli_signals_writes_a_summary(tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"评论": TEXTS}).to_csv(src, index=False)
    out = tmp_path / "signals.json"
    code, err = run("signals", str(src), "-o", str(out), "--quotes", "1")
    assert code == 0  # one empty row: counted, not a failure
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["documents"] == 6 and d["skipped"] == 1
    assert d["risks"]["churn"]["documents"] == 2 and len(d["risks"]["churn"]["quotes"]) == 1
    assert "churn 2" in err and "1 empty" in err


def test_cli_signals_usage_errors(tmp_path):
    code, err = run("signals", str(tmp_path / "missing.csv"), "-q")
    assert code == 2 and "error" in err
    src = tmp_path / "in.csv"
    pd.DataFrame({"评论": ["很好"]}).to_csv(src, index=False)
    code, err = run("signals", str(src), "--quotes", "-1")
    assert code == 2 and "--quotes" in err


def test_cli_analyze_flat_output_has_signal_columns(tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"评论": TEXTS}).to_csv(src, index=False)
    for suffix in (".csv", ".parquet"):
        out = tmp_path / f"out{suffix}"
        code, _ = run("analyze", str(src), "-o", str(out), "-q")
        assert code == 0
        df = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
        assert len(df) == len(TEXTS)
        assert df.loc[0, "emotion"] == "anger" and df.loc[0, "effort.wait_minutes"] == 90
        assert df.loc[0, "churn"] == "再也不来了"
        assert bool(df.loc[0, "effort.high"]) is True


def test_quotes_keep_each_text_once_and_merge_the_same(analyzer):
    texts = ["再也不来了，太差了"] * 6 + ["排队两小时，不会再来了", "客服态度恶劣，销户"] + ["再也不来了，太差了"] * 2
    docs = [analyzer.analyze(t, id=str(i)) for i, t in enumerate(texts)]
    whole = summarize_signals(docs, max_quotes=2)
    quotes = [q["text"] for q in whole.risks()["churn"]["quotes"]]
    assert quotes == ["再也不来了，太差了", "排队两小时，不会再来了"]  # the first two distinct, in input order
    for cut in (1, 3, 6, 7):
        merged = summarize_signals(docs[:cut], max_quotes=2).merge(summarize_signals(docs[cut:], max_quotes=2))
        assert merged.to_dict() == whole.to_dict()
