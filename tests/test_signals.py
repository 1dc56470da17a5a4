"""Emotions, churn and escalation triggers, staff attitude, effort and levels on small Chinese inputs."""

from __future__ import annotations

import json

import pytest

from cxtext import LexiconError, Signals, load_lexicon
from cxtext._schema import flat_columns, flatten
from cxtext._signal_types import EMOTIONS, LEVELS, SIGNAL_COLUMNS

EMOTION_CASES = [
    ("气死我了，等了一个小时", "anger"),
    ("太让人失望了", "disappointment"),
    ("吃得很开心", "joy"),
    ("买得很放心", "trust"),
    ("现在很担心本金拿不回来", "fear"),
    ("吃出一根头发，恶心死了", "disgust"),
    ("没想到质量这么好", "surprise"),
    ("心累，不想再说了", "sadness"),
    ("不满意，退了", "disappointment"),
    ("不放心孩子一个人去", "fear"),
    ("惊喜！", "joy"),
    ("惊喜！", "surprise"),
    ("真是服了", "anger"),
]


@pytest.mark.parametrize(("text", "emotion"), EMOTION_CASES)
def test_emotion_found(analyzer, text, emotion):
    s = analyzer.analyze(text).signals_
    assert emotion in s.emotions, s.to_dict()["emotions"]


NOT_EMOTIONS = [
    ("一点也不生气", "anger"),
    ("不生气", "anger"),
    ("别担心，我们会处理", "fear"),
    ("不用担心", "fear"),
    ("没有失望", "disappointment"),
    ("满不满意？", "disappointment"),
    ("恐怕要下雨", "fear"),
    ("买了意外险", "surprise"),
    ("系统崩溃了", "sadness"),
    ("住在里面一点安全感也没有", "trust"),
    ("本以为会很开心", "joy"),
    ("服务员很不耐烦", "anger"),
    ("早餐品种少的可怜", "sadness"),
]


@pytest.mark.parametrize(("text", "emotion"), NOT_EMOTIONS)
def test_negated_blocked_or_expected_emotions_are_not_felt(analyzer, text, emotion):
    assert emotion not in analyzer.analyze(text).signals_.emotions


def test_degree_scales_intensity(analyzer):
    def anger(t):
        return analyzer.analyze(t).signals_.emotions["anger"].intensity

    assert anger("非常生气") > anger("生气") > anger("有点生气") > 0
    assert anger("非常生气") <= 1.0


def test_dominant_emotion_and_evidence_offsets(analyzer):
    text = "等了两个小时，太失望了，有点生气"
    doc = analyzer.analyze(text)
    s = doc.signals_
    assert s.emotion == "disappointment"
    for score in s.emotions.values():
        for m in score.evidence:
            assert text[m.start : m.end] == m.term


def test_clause_emotions_and_aspect_emotions(analyzer):
    doc = analyzer.analyze("服务员态度太差了，气死我了")
    assert any(dict(c.emotions).get("anger") for c in doc.clauses)
    assert "anger" in doc.signals_.aspect_emotions["factors"]["service"]
    d = doc.to_dict()
    assert any("anger" in c["emotions"] for c in d["clauses"])


CHURN = [
    "太差了，再也不来了",
    "以后不会再住这家了",
    "准备销户",
    "这次真的要携号转网了",
    "下次换一家",
    "已经退订了会员",
]
NOT_CHURN = [
    "下次还会再来",
    "客服问我会不会再来，我说当然会",
    "我不是想退订，只是问问",
    "回T退订",
    "不会再去别家了，就认准这家",
    "会员怎么退订？",
]


@pytest.mark.parametrize("text", CHURN)
def test_churn_caught_with_trigger(analyzer, text):
    s = analyzer.analyze(text).signals_
    assert s.churn, text
    for t in s.churn:
        assert text[t.start : t.end] == t.term


@pytest.mark.parametrize("text", NOT_CHURN)
def test_churn_false_alarms_avoided(analyzer, text):
    assert not analyzer.analyze(text).signals_.churn


ESCALATION = ["我要投诉", "已经向12315举报了", "准备找律师起诉", "再不解决就去工信部投诉", "联系媒体曝光", "已经报警了",
              "打了投诉电话"]
NOT_ESCALATION = ["没有投诉的意思", "不会投诉的，放心", "怎么投诉？", "投诉处理得很及时", "不想投诉", "订单号123156",
                  "315期间买的冰箱，很满意", "相机曝光准确"]


@pytest.mark.parametrize("text", ESCALATION)
def test_escalation_caught(analyzer, text):
    assert analyzer.analyze(text).signals_.escalation, text


@pytest.mark.parametrize("text", NOT_ESCALATION)
def test_escalation_false_alarms_avoided(analyzer, text):
    assert not analyzer.analyze(text).signals_.escalation, analyzer.analyze(text).signals_.escalation


STAFF = ["服务员爱答不理的", "前台态度很差", "服务员的态度真的太差了", "快递员还骂人", "客服直接挂我电话",
         "导购一听我不买马上变脸", "前台态度怎么这么差？"]
NOT_STAFF = ["服务员态度很好", "客服态度特别好，很耐心", "房间很干净", "服务员一点也不凶"]


@pytest.mark.parametrize("text", STAFF)
def test_staff_attitude_flagged(analyzer, text):
    assert analyzer.analyze(text).signals_.staff_attitude, text


@pytest.mark.parametrize("text", NOT_STAFF)
def test_staff_attitude_not_flagged(analyzer, text):
    assert not analyzer.analyze(text).signals_.staff_attitude


def test_effort_in_document(analyzer):
    s = analyzer.analyze("排队排了一个多小时，打了三次电话，手续太麻烦了").signals_
    e = s.effort
    assert e.wait_minutes == 90 and e.contacts == 3
    assert e.high and [c.term for c in e.cues] == ["太麻烦"]
    assert {m.kind for m in e.evidence} == {"wait", "contacts"}


@pytest.mark.parametrize("text", ["本以为要排一个小时，结果很快", "要排两个小时吗？", "来了三次，每次都很满意，很开心"])
def test_effort_not_counted_in_expectations_questions_or_loyal_visits(analyzer, text):
    e = analyzer.analyze(text).signals_.effort
    assert e.wait_minutes is None and e.visits is None


def test_effort_without_anything_is_not_high(analyzer):
    assert not analyzer.analyze("菜很好吃").signals_.effort.high


@pytest.mark.parametrize(
    ("text", "id", "level"),
    [("菜很好吃", "product", "functional"), ("价格太贵了", "price", "functional"),
     ("停车很不方便", "convenience", "convenience"), ("服务员很热情", "service", "emotional_interpersonal"),
     ("前台爱答不理", "respect", "emotional_interpersonal"), ("很有面子", "identity", "emotional_shallow")],
)
def test_levels(analyzer, text, id, level):
    levels = [m for m in analyzer.analyze(text).signals_.levels if id in m.factors + m.themes]
    assert levels and all(m.level == level for m in levels), analyzer.analyze(text).signals_.levels
    for m in levels:
        assert text[m.start : m.end] == m.term


def test_short_wait_is_not_a_negative_opinion(rules_analyzer):
    assert rules_analyzer.analyze("排队不到十分钟").factors["convenience"].polarity == 0
    assert rules_analyzer.analyze("排队排了四十分钟").factors["convenience"].polarity < 0


def test_json_and_flat_schema(analyzer):
    doc = analyzer.analyze("等了两个小时，服务员还爱答不理，再也不来了，我要投诉！气死了")
    d = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    assert d["emotion"] == "anger"
    assert set(d["emotions"]["anger"]) == {"intensity", "mentions", "evidence"}
    assert d["effort"]["wait_minutes"] == 120 and d["effort"]["high"] is True
    assert [t["term"] for t in d["churn"]] == ["再也不来了"]
    assert [t["term"] for t in d["escalation"]] == ["我要投诉"]
    assert d["staff_attitude"] and all(set(t) == {"term", "start", "end"} for t in d["staff_attitude"])
    assert {lv["level"] for lv in d["levels"]} <= set(LEVELS)
    ids = analyzer.lexicon_.ids("factor"), analyzer.lexicon_.ids("theme")
    row = flatten(doc, *ids)
    assert list(row) == flat_columns(*ids)
    assert flat_columns(*ids)[-len(SIGNAL_COLUMNS):] == list(SIGNAL_COLUMNS)
    assert row["emotion"] == "anger" and row["emotion.anger"] > 0 and row["emotion.joy"] is None
    assert row["effort.wait_minutes"] == 120 and row["effort.high"] is True
    assert row["churn"] == "再也不来了" and row["escalation"] == "我要投诉"


def test_rows_not_analysed_have_empty_signals(analyzer):
    d = analyzer.analyze(None).to_dict()
    assert d["emotion"] is None and d["emotions"] == {} and d["churn"] == [] and d["effort"]["high"] is False
    assert set(EMOTIONS) == {"joy", "trust", "anger", "sadness", "fear", "disgust", "surprise", "disappointment"}
    assert isinstance(analyzer.analyze(None).signals_, Signals)


# ------------------------------------------------------------------------------------------------
# Lexicons


def test_shipped_signal_lexicons(analyzer):
    lex = analyzer.lexicon_
    emotions = [e for entries in lex.emotions.values() for e, _ in entries]
    assert len(emotions) >= 500
    for e in EMOTIONS:
        assert emotions.count(e) >= 40, e
    assert sum(len(t) >= 3 for t in lex.emotions) >= 200  # phrases, not only words
    types = [t for entries in lex.signals.values() for t in entries]
    for t, n in (("churn", 80), ("escalation", 60), ("staff", 80), ("effort", 60), ("person", 40)):
        assert types.count(t) >= n, t
    assert lex.emotions["没有投诉" if "没有投诉" in lex.emotions else "恐怕"] == ()
    assert lex.signals["没有投诉"] == ()


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("emotions.tsv", "term\temotion\tintensity\n好爽\tecstasy\t2\n", "emotions.tsv:2: emotion 'ecstasy' is not allowed"),
        ("emotions.tsv", "term\temotion\tintensity\n好爽\tjoy\t5\n", "emotions.tsv:2: intensity '5' is not allowed"),
        ("signals.tsv", "term\ttype\n退群\tleave\n", "signals.tsv:2: type 'leave' is not allowed; allowed: churn"),
        ("signals.tsv", "term\n退群\n", "signals.tsv:1: expected the header line"),
    ],
)
def test_bad_signal_lexicon_lines(tmp_path, name, body, message):
    (tmp_path / name).write_text(body, encoding="utf-8")
    with pytest.raises(LexiconError) as exc:
        load_lexicon(tmp_path)
    assert message in str(exc.value)


def test_user_signal_lexicon_adds_removes_and_blocks(tmp_path):
    from cxtext import Analyzer

    (tmp_path / "signals.tsv").write_text("term\ttype\n退群\tchurn\n投诉\t-\n不想退群\tnone\n", encoding="utf-8")
    (tmp_path / "emotions.tsv").write_text("term\temotion\tintensity\n芭比Q了\tsadness\t3\n", encoding="utf-8")
    an = Analyzer(lexicons=tmp_path, sentiment="rules")
    assert [t.term for t in an.analyze("明天就退群").signals_.churn] == ["退群"]
    assert not an.analyze("我不想退群").signals_.churn
    assert not an.analyze("找领导投诉").signals_.escalation
    assert an.analyze("这下芭比q了").signals_.emotions["sadness"].intensity == 1.0


@pytest.mark.parametrize(("text", "churn"), [
    ("有了这家店再也不用担心吃饭了", False),  # relief, not leaving
    ("再也不用排队了", False),
    ("这个APP再也不用了", True),
])
def test_zai_ye_bu_yong_is_churn_only_when_the_service_is_dropped(analyzer, text, churn):
    assert bool(analyzer.analyze(text).signals_.churn) is churn
