"""Analysis behaviour on small Chinese inputs whose right answer a CX analyst would agree on."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

from cxtext import Analyzer, Document, Status
from cxtext._normalize import normalize_term

# (text, kind, id, sign): the sign of the polarity the analyser must give that factor or theme.
ASPECTS = [
    ("价格不贵，性价比很高", "factor", "price", 1),
    ("东西太贵了，不值这个价", "factor", "price", -1),
    ("停车很不方便", "factor", "convenience", -1),
    ("交通很方便，离地铁站很近", "factor", "convenience", 1),
    ("排队排了一个多小时", "factor", "convenience", -1),
    ("服务员一点也不热情", "factor", "service", -1),
    ("服务员态度很好，很耐心", "factor", "service", 1),
    ("菜很好吃，但是价格太贵了", "factor", "product", 1),
    ("菜很好吃，但是价格太贵了", "factor", "price", -1),
    ("房间很干净但是前台态度很差", "factor", "product", 1),
    ("房间很干净但是前台态度很差", "factor", "service", -1),
    ("会员积分莫名其妙清零了，老客户一点优惠都没有", "factor", "relationship", -1),
    ("老字号，口碑一直很好", "factor", "brand", 1),
    ("广告吹得天花乱坠，实际差远了", "factor", "brand", -1),
    ("客服爱答不理的", "theme", "respect", -1),
    ("隐形收费太多了，感觉被坑了", "theme", "trust", -1),
    ("说好的三天送到，结果等了一个星期", "theme", "commitment", -1),
    ("默认开通了增值业务，还无法取消", "theme", "autonomy", -1),
    ("款式很多，选择很丰富", "theme", "choice", 1),
    ("店员讲解很专业，解释得很清楚", "theme", "knowledge", 1),
    ("食材新鲜健康，对孩子好", "theme", "benefit", 1),
    ("手续太繁琐了，跑了好几趟", "theme", "convenience", -1),
    ("這家店的服務態度非常好", "factor", "service", 1),
    # an opinion in a clause of its own speaks of the aspect clause nearest to it in the sentence,
    # also across a clause with neither (说了不需要…) and also before it (烦死了，…)
    ("结账的时候店员非要我办卡，说了不需要还一直推销，烦死了", "factor", "service", -1),
    ("烦死了，这个店员一直跟着我", "factor", "service", -1),
    # 不用 negates a complaint; a negator does not reach past 还 (说了不用还一直推销)
    ("自助收银机很好用，扫一下就走，不用排长队了", "factor", "convenience", 1),
    ("说了不用还一直推销", "theme", "autonomy", -1),
]


@pytest.mark.parametrize(("text", "kind", "id", "sign"), ASPECTS)
def test_aspect_polarity(analyzer, text, kind, id, sign):
    doc = analyzer.analyze(text)
    found = doc.factors if kind == "factor" else doc.themes
    assert id in found, f"{id} not detected in {text!r}: {doc.to_dict()}"
    assert found[id].polarity * sign > 0, f"{id} polarity {found[id].polarity} in {text!r}"


def test_an_aspect_without_an_opinion_of_its_own_takes_the_documents(analyzer):
    # 信号 is named in a complaint with no opinion word beside it: the complaint is about it
    doc = analyzer.analyze("地下室一点信号都没有")
    assert doc.label == "neg"
    assert doc.factors["product"].evidence[0].polarity == 0.0  # the mention itself stays neutral
    assert doc.factors["product"].polarity == doc.score
    # an aspect with an opinion of its own keeps it, whatever the document says
    doc = analyzer.analyze("服务很好，但是菜太难吃了，再也不来了")
    assert doc.label == "neg" and doc.factors["service"].polarity > 0.5
    # a neutral document leaves its aspects neutral
    doc = analyzer.analyze("请问你们的停车场在哪里？")
    assert doc.label == "neu" and doc.factors["convenience"].polarity == 0.0


DOCUMENTS = [
    ("东西很好，物流也快，下次还来", "pos"),
    ("太差了，再也不来了", "neg"),
    ("不是很满意", "neg"),
    ("虽然价格有点贵，但是味道真的很棒", "pos"),
    ("环境不错，但是服务太差了，不会再来", "neg"),
    ("本以为会很好吃，结果非常难吃", "neg"),
    ("没想到这么好用，超出预期", "pos"),
    ("请问周末几点开门？", "neu"),
    ("订单号20261103，周三下单", "neu"),
]


@pytest.mark.parametrize(("text", "label"), DOCUMENTS)
def test_document_label(analyzer, text, label):
    doc = analyzer.analyze(text)
    assert doc.label == label, doc.to_dict()
    assert -1.0 <= doc.score <= 1.0


@pytest.mark.parametrize(("text", "label"), DOCUMENTS[:7])
def test_rules_alone_get_clear_cases_right(rules_analyzer, text, label):
    assert rules_analyzer.analyze(text).label == label


def test_negation_degree_and_contrast_move_the_score(rules_analyzer):
    score = lambda t: rules_analyzer.analyze(t).score  # noqa: E731
    assert score("满意") > 0 > score("不满意")
    assert score("很满意") > score("满意") > score("有点满意") > 0
    assert score("很不满意") < score("不是很满意") < 0
    # the clause after 但是 outweighs the one before
    assert score("服务很好，但是菜很难吃") < 0 < score("菜很难吃，但是服务很好")


def test_what_was_not_given_or_answered_is_a_complaint_at_the_clause_end(rules_analyzer):
    label = lambda t: rules_analyzer.analyze(t).label  # noqa: E731
    assert label("外卖还没到") == label("鲜花饼没给") == label("客服到现在没回") == "neg"
    assert label("还没到期") == "neu"  # not at the end of the clause: no complaint
    assert label("请问会员卡什么时候到期") == "neu"


def test_what_came_is_not_what_was_ordered(rules_analyzer):
    label = lambda t: rules_analyzer.analyze(t).label  # noqa: E731
    assert label("买的是黑色的，发来的是白色的") == label("订的大床房，给的却是标间") == "neg"
    assert label("我要的是疙瘩汤，送来的是西红柿鸡蛋汤") == "neg"
    # no order named, a gift (送的是), or a delivery that is not a swap: no complaint
    assert label("送来的是一份汤") == label("这是我买的第二个了，送的是小样") == "neu"
    assert label("点的外卖，送来的时候") == "neu"


def test_something_owed_and_not_given_mid_clause_is_a_complaint(rules_analyzer):
    label = lambda t: rules_analyzer.analyze(t).label  # noqa: E731
    assert label("买的套餐没给饮料") == label("没给我们餐具") == label("点的馒头片没有送") == "neg"
    # a review held back is not something owed
    assert label("没给差评") != "neg"
    assert label("没给他们打分") == "neu"


def test_lateness_told_by_the_clock_is_a_wait(rules_analyzer):
    doc = rules_analyzer.analyze("11点的餐，1点多才到")
    assert doc.label == "neg" and doc.factors["convenience"].polarity < 0
    # 快 before a clock time is "almost", not praise of speed
    assert rules_analyzer.analyze("快1点才送到").score < 0
    assert rules_analyzer.analyze("晚了半个多小时").label == "neg"


def test_hao_before_an_opinion_word_is_a_degree_adverb(rules_analyzer):
    score = lambda t: rules_analyzer.analyze(t).score  # noqa: E731
    assert score("好慢") < 0  # not 好 (+) and 慢 (-) cancelling out
    assert score("好难吃") < score("难吃") < 0
    assert score("好棒") > score("棒") > 0
    assert score("服务好") > 0  # 好 on its own is still praise


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("容量很大", 1), ("续航时间短", -1), ("噪音大", -1), ("发热量小", 1), ("体积小", 1),
        ("发热量稍微有点大", -1), ("价格偏高", -1), ("价格很低", 1), ("分量很足", 1), ("毛病多", -1),
        ("发热量不大", 1), ("问题不大", 1),  # 不大 after an attribute: less of it
        ("送餐时间还是比较久", -1), ("噪音依然很大", -1),  # an adverb may stand between
        ("时间有点久", -1), ("营业时间很长", 1), ("待机时间长", 1),  # 时间 alone is a wait
    ],
)
def test_a_magnitude_after_an_attribute_is_an_opinion(rules_analyzer, text, sign):
    assert rules_analyzer.analyze(text).score * sign > 0


def test_a_magnitude_alone_is_no_opinion(rules_analyzer):
    assert rules_analyzer.analyze("这个箱子很大").label == "neu"  # 箱子 is not an attribute
    assert rules_analyzer.analyze("价格不大好").score < 0  # 不大 before an opinion word still negates it


def test_a_neutral_phrase_keeps_its_opinion_word_from_matching(rules_analyzer):
    # 还没用 "not used yet" has weight 0 in sentiment.tsv; 没用 "useless" is negative
    assert rules_analyzer.analyze("还没用，不知道效果").label == "neu"
    assert rules_analyzer.analyze("这东西没用").label == "neg"


def test_negation_reaches_only_what_it_is_about(rules_analyzer):
    score = lambda t: rules_analyzer.analyze(t).score  # noqa: E731
    # a distant negator does not flip a word that carries its own negation: 不用 is "no need"
    assert score("不用尝了不好吃") < 0
    assert score("不是不好") > 0  # adjacent: a double negation
    # 不如 "not as … as" negates what follows
    assert score("不如以前的好吃") < 0


@pytest.mark.parametrize("text", ["17:45", "1", "。。。", "2023-01-02", "!!!"])
def test_digits_and_punctuation_alone_are_neutral(analyzer, text):
    doc = analyzer.analyze(text)
    assert doc.status == "ok" and doc.label == "neu" and doc.score == 0.0


def test_a_wordless_text_with_a_lexicon_opinion_keeps_it(analyzer):
    assert analyzer.analyze("666").label == analyzer.analyze("👍👍").label == "pos"


def test_a_business_reply_after_the_review_is_not_read(analyzer):
    review = "面前就是高架，实在是太吵了，一晚上没睡！"
    reply = "宾馆反馈2008年7月7日：您好！感谢您的宝贵意见，我们的隔音效果还是很好的，欢迎再次光临"
    doc = analyzer.analyze(review + reply)
    alone = analyzer.analyze(review)
    assert doc.text == review + reply  # the original is kept whole
    assert doc.label == "neg" and doc.score == pytest.approx(alone.score)
    assert all(c.end <= len(review) for c in doc.clauses)
    assert analyzer.analyze("东西一般。【商家回复】亲，感谢您的支持").score == pytest.approx(analyzer.analyze("东西一般。").score)
    # the customer praising the reply, and a text that is only a reply, are read as they are
    assert len(analyzer.analyze("商家回复很及时，好评").clauses) == 2
    assert analyzer.analyze("宾馆反馈：谢谢您的点评").clauses


def test_a_negator_after_the_word_negates_it_only_at_the_clause_end(rules_analyzer):
    score = lambda t: rules_analyzer.analyze(t).score  # noqa: E731
    assert score("优惠都没有了") < 0  # 没有 closes the clause: no discount
    assert score("老板热情都没变") > 0  # 没 negates 变, not 热情
    assert score("服务热情一直没变") > 0


def test_evidence_offsets_point_into_the_original_text(analyzer):
    text = "這家店！！！服務態度很差，價格  也貴，ＡＰＰ更新後總是閃退"
    doc = analyzer.analyze(text)
    assert doc.factors
    for agg in list(doc.factors.values()) + list(doc.themes.values()):
        for m in agg.evidence:
            assert 0 <= m.start < m.end <= len(text)
            assert normalize_term(text[m.start : m.end]) == m.term
    for c in doc.clauses:
        assert 0 <= c.start < c.end <= len(text)


def test_multiword_phrases_stay_whole(analyzer):
    doc = analyzer.analyze("收银员爱答不理，还有隐形收费")
    terms = {m.term for a in doc.themes.values() for m in a.evidence}
    assert {"爱答不理", "隐形收费"} <= terms


def test_touchpoints_and_stages(analyzer):
    doc = analyzer.analyze("打客服热线一直没人接，申请退货也不给处理")
    assert "call_centre" in {m.id for m in doc.touchpoints}
    assert "after_sales" in {m.id for m in doc.stages}


@pytest.mark.parametrize(
    ("value", "status"),
    [(None, Status.EMPTY), ("", Status.EMPTY), ("   \n", Status.EMPTY), (float("nan"), Status.EMPTY),
     (12345, Status.NOT_TEXT), (3.5, Status.NOT_TEXT), ("12345", Status.OK), ("👍👍", Status.OK)],
)
def test_odd_values_get_a_status_not_an_exception(analyzer, value, status):
    doc = analyzer.analyze(value)
    assert doc.status == status
    assert doc.label in ("pos", "neg", "neu")


def test_to_dict_schema_is_stable_and_json(analyzer):
    d = analyzer.analyze("菜很好吃，但是排队太久了", id="r1").to_dict()
    # the original keys keep their names and order; signals add keys after them, never rename
    assert list(d)[:9] == ["id", "text", "status", "sentiment", "factors", "themes", "touchpoints", "stages", "clauses"]
    assert list(d)[9:] == ["emotion", "emotions", "aspect_emotions", "effort", "churn", "escalation",
                           "staff_attitude", "levels"]
    assert set(d["sentiment"]) == {"label", "score"}
    for agg in d["factors"].values():
        assert set(agg) == {"polarity", "mentions", "evidence"}
        for ev in agg["evidence"]:
            assert set(ev) == {"term", "start", "end", "polarity"}
    for c in d["clauses"]:
        assert {"text", "start", "end", "sentiment", "factors", "themes"} <= set(c)
    json.dumps(d, ensure_ascii=False)


def test_only_mentioned_factors_appear(analyzer):
    d = analyzer.analyze("菜很好吃").to_dict()
    assert "product" in d["factors"] and "relationship" not in d["factors"]


def test_results_are_frozen(analyzer):
    doc = analyzer.analyze("很好")
    with pytest.raises(AttributeError):
        doc.label = "neg"  # type: ignore[misc]


def test_analyze_many_is_lazy_and_ordered(analyzer):
    def gen():
        yield "很好"
        yield None
        yield "很差"

    it = analyzer.analyze_many(gen(), ids=["a", "b", "c"])
    first = next(it)
    assert isinstance(first, Document) and first.id == "a"
    rest = list(it)
    assert [d.id for d in rest] == ["b", "c"]
    assert [d.status for d in rest] == [Status.EMPTY, Status.OK]


def test_analyze_frame_keeps_rows_and_index():
    import pandas as pd

    an = Analyzer()
    df = pd.DataFrame({"评论": ["菜很好吃", None, "服务太差", 42]}, index=[10, 11, 12, 13])
    out = an.analyze_frame(df, text="评论")
    assert list(out.index) == [10, 11, 12, 13]
    assert list(out["status"]) == ["ok", "empty", "ok", "not_text"]
    assert out.loc[10, "factor.product"] > 0
    assert pd.isna(out.loc[10, "factor.relationship"])
    assert out.loc[12, "sentiment_label"] == "neg"


def test_pickle_round_trip_gives_the_same_results(analyzer):
    clone = pickle.loads(pickle.dumps(analyzer))
    text = "价格不贵，服务员很热情，就是排队太久了"
    assert clone.analyze(text) == analyzer.analyze(text)


def test_thread_safe(analyzer):
    texts = [t for t, *_ in ASPECTS] + [t for t, _ in DOCUMENTS]
    expected = [analyzer.analyze(t) for t in texts]
    fresh = Analyzer()
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(fresh.analyze, texts * 4))
    assert got == expected * 4


def test_unknown_sentiment_method_is_a_clear_error():
    from cxtext import ConfigError

    with pytest.raises(ConfigError, match="allowed: auto, rules, model, snownlp"):
        Analyzer(sentiment="bert")


def test_no_printing():
    import subprocess
    import sys

    code = "import cxtext; cxtext.Analyzer().analyze('第一次运行会建立分词词典')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "" and out.stderr == ""
