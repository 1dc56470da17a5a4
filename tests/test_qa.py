"""QA scoring: rule verdicts match the words, sides never mix, flagged calls rank first for the right reasons."""

from __future__ import annotations

import pytest

from cxtext import ConfigError, QAAnalyzer, Transcript
from cxtext._qa_rules import load_qa_rules


@pytest.fixture(scope="module")
def qa(analyzer):
    return QAAnalyzer(analyzer=analyzer)


def verdicts(result):
    return {v.id: v.verdict for v in result.verdicts()}


def verdict(result, rule_id):
    return next(v for v in result.verdicts() if v.id == rule_id)


GOOD = """\
客服：您好，工号2051，很高兴为您服务，请问有什么可以帮您？
客户：我的信用卡好像被盗刷了，有两笔不是我消费的，急死了。
客服：非常抱歉给您带来困扰，您先别着急。为了您的账户安全，请您报一下身份证后四位。
客户：3417。
客服：核实通过。我已经为您冻结了这张卡，两笔交易已经提交调查，三个工作日内回复您。您看这样可以吗？
客户：可以，问题解决了，谢谢你。
客服：不客气，请问还有其他问题吗？感谢您的来电，再见。
"""

# The same call as speech recognition gives it: anonymous speakers, no punctuation, fillers, stutters.
GOOD_ASR = """\
A: 您好 工号 二零五一 很高兴 为您服务 请问 有什么 可以 帮您
B: 嗯 那个 我的 信用卡 好像 被 被盗刷了 有两笔 不是我 消费的 急死了
A: 嗯 非常抱歉 给您 带来困扰 您先别着急 为了 您的 账户安全 请您 报一下 身份证 后四位
B: 三四幺七
A: 核实通过 我 已经为您 冻结了 这张卡 两笔交易 已经 提交调查 三个工作日内 回复您 您看 这样 可以吗
B: 啊 可以 可以 问题 解决了 谢谢你
A: 不客气 请问 还有 其他问题吗 感谢您的来电 再见
"""

BAD = """\
客服：喂，说。
客户：我这个月的账单多扣了两百块钱，我已经是第三次打电话了，你们到底能不能解决？
客服：扣费是系统的事，不归我管，你自己去APP上看。
客户：你们这是什么服务？再不退钱我就打12315投诉，这卡我也要销户。
客服：我说了多少遍了，你听不懂吗？随便你。
客户：还是没解决，算了。
"""


def test_good_call_passes_every_rule(qa):
    r = qa.score(Transcript.from_text(GOOD, call_id="good"))
    v = verdicts(r)
    assert v == {
        "greeting": "pass", "identity_verification": "pass", "empathy": "pass", "forbidden_phrases": "pass",
        "respectful_language": "pass", "solution_confirmation": "pass", "closing": "pass",
        "long_silence": "not_applicable", "overlap": "not_applicable", "speech_rate": "not_applicable",
        "hold": "not_applicable",
    }
    assert r.resolution == "resolved" and r.resolution_signal.hit.words == "问题解决了"
    assert r.escalation == "none" and not r.churn and not r.repeat_contact
    assert r.priority.level == "low" and r.priority.reason == "no issue found"
    # the turn that passed identity verification is the one that asked for the ID
    assert verdict(r, "identity_verification").turn == 3
    assert verdict(r, "empathy").hits[0].words == "抱歉"
    assert r.sentiment.direction == "recovered"


def test_asr_version_gets_the_same_verdicts(qa):
    clean = qa.score(Transcript.from_text(GOOD, call_id="clean"))
    asr = qa.score(Transcript.from_text(GOOD_ASR, call_id="asr"))
    assert asr.transcript.roles_inferred and asr.transcript.turns[0].role == "agent"
    assert verdicts(asr) == verdicts(clean)
    assert asr.resolution == "resolved"
    assert asr.priority.level == "low"


def test_bad_call_fails_for_what_the_agent_said(qa):
    r = qa.score(Transcript.from_text(BAD, call_id="bad"))
    v = verdicts(r)
    assert v["greeting"] == "fail"
    assert v["empathy"] == "fail"
    assert v["identity_verification"] == "fail"  # the bill (账单) needed a check the agent never made
    fb = verdict(r, "forbidden_phrases")
    assert fb.verdict == "fail" and fb.turn == 3
    assert {h.words for h in fb.hits} >= {"不归我管", "你自己去"}
    rl = verdict(r, "respectful_language")
    assert rl.verdict == "fail" and rl.turn == 5 and "说了多少遍" in {h.words for h in rl.hits}
    # every piece of evidence is quoted from the agent's own turn at its offsets
    for rv in r.rules:
        for h in rv.hits:
            turn = r.transcript.turns[h.turn - 1]
            assert turn.role == "agent" and turn.text[h.start : h.end] == h.words
    assert r.escalation == "external" and r.first("escalation_external").hit.words == "12315"
    assert r.churn and r.first("churn").hit.turn == 4
    assert r.repeat_contact and r.first("repeat_contact").hit.turn == 2
    assert r.resolution == "unresolved"
    assert r.priority.level == "high"
    assert r.priority.reason.startswith("external escalation threat (12315) @turn 4; churn risk (销户) @turn 4")


def test_customer_words_never_judge_the_agent(qa):
    # the customer uses every forbidden and rude phrase; the agent is flawless
    text = (
        "客服：您好，工号1001，很高兴为您服务，请问有什么可以帮您？\n"
        "客户：我也不知道怎么办，你们客服上次说不归我管，你自己看，听不懂吗，说了多少遍了，随便你！\n"
        "客服：非常抱歉，给您带来不便了。我已经为您登记，两个工作日内回电给您，您看可以吗？\n"
        "客户：好吧。\n"
        "客服：感谢您的来电，再见。\n"
    )
    r = qa.score(Transcript.from_text(text))
    assert verdict(r, "forbidden_phrases").verdict == "pass"
    assert verdict(r, "respectful_language").verdict == "pass"


def test_agent_words_never_count_as_customer_signals(qa):
    text = (
        "客服：您好，工号1001，请问有什么可以帮您？\n"
        "客户：我想查一下积分。\n"
        "客服：好的。如果您对处理结果不满意，可以拨打12315或者投诉，也可以销户或者携号转网，问题解决了吗？\n"
        "客户：嗯。\n"
    )
    r = qa.score(Transcript.from_text(text))
    assert r.signals == ()
    assert r.escalation == "none" and not r.churn and r.resolution == "unknown"


@pytest.mark.parametrize(
    "agent_line, expected",
    [
        ("不知道您还有什么问题吗？感谢您的来电。", "pass"),  # 不知道您… is polite, an except phrase
        ("这个我不知道。", "fail"),
        ("这是规定，我也没办法。", "fail"),
        ("您放心，我帮您处理。", "pass"),
    ],
)
def test_forbidden_phrase_exceptions(qa, agent_line, expected):
    r = qa.score(Transcript.from_text(f"客服：您好，工号1001\n客户：我想问个事\n客服：{agent_line}"))
    assert verdict(r, "forbidden_phrases").verdict == expected


@pytest.mark.parametrize(
    "customer_line, empathy",
    [
        ("我想查一下这个月的流量。", "not_applicable"),  # not upset: no empathy needed
        ("你们太过分了，气死我了！", "fail"),  # upset, and the agent does not acknowledge it
    ],
)
def test_empathy_applies_only_when_the_customer_is_upset(qa, customer_line, empathy):
    text = f"客服：您好，工号1001，请问有什么可以帮您？\n客户：{customer_line}\n客服：好的，请讲一下具体情况。\n"
    r = qa.score(Transcript.from_text(text))
    assert verdict(r, "empathy").verdict == empathy


def test_identity_verification_applies_only_to_account_operations(qa):
    info = qa.score(Transcript.from_text("客服：您好，工号1001\n客户：你们网点几点开门？\n客服：早上九点。"))
    assert verdict(info, "identity_verification").verdict == "not_applicable"
    loss = qa.score(Transcript.from_text("客服：您好，工号1001\n客户：我要挂失银行卡\n客服：好的，已经为您挂失。"))
    v = verdict(loss, "identity_verification")
    assert v.verdict == "fail" and v.turn == 2 and "required by turn 2" in v.reason


@pytest.mark.parametrize(
    "customer_turns, status",
    [
        (["我的快递丢了", "好的，问题解决了"], "resolved"),
        (["我的快递丢了", "好的谢谢"], "resolved"),
        (["我的快递丢了", "还是没解决", "好的谢谢"], "unresolved"),  # thanks after a complaint is politeness
        (["问题解决了吗？"], "unknown"),  # a question is not a resolution
        (["问题解决了吗？还没解决了"], "unresolved"),  # 没解决 is not 解决了
        (["我的快递丢了", "那我等你们消息"], "pending"),
        (["好的谢谢", "算了，我要投诉你们"], "unresolved"),  # a complaint after thanks: still open
        (["我的快递丢了"], "unknown"),
    ],
)
def test_resolution(qa, customer_turns, status):
    lines = ["客服：您好，工号1001"]
    for c in customer_turns:
        lines += [f"客户：{c}", "客服：好的。"]
    assert qa.score(Transcript.from_text("\n".join(lines))).resolution == status


@pytest.mark.parametrize(
    "customer_line, kind",
    [
        ("我已经打了三次电话了", "repeat_contact"),
        ("这是第二次打过来了", "repeat_contact"),
        ("我要去消协投诉你们", "escalation_external"),
        ("我要打幺二三幺五", "escalation_external"),  # 12315 as speech recognition writes it
        ("叫你们领导来", "escalation"),
        ("我要携号转网", "churn"),
        ("我不投诉了", None),  # negated
        ("这个月花了3150块", None),  # 315 inside a number is not 3·15
    ],
)
def test_customer_signals(qa, customer_line, kind):
    r = qa.score(Transcript.from_text(f"客服：您好\n客户：{customer_line}"))
    kinds = {s.kind for s in r.signals}
    if kind is None:
        assert not kinds & {"escalation", "escalation_external", "churn", "repeat_contact"}
    else:
        assert kind in kinds


TIMED = """\
[00:00:00-00:00:05] 客服：您好，工号1001，很高兴为您服务，请问有什么可以帮您？
[00:00:06-00:00:14] 客户：我的宽带从昨天开始就上不了网了。
[00:00:12-00:00:16] 客服：请您稍等，我帮您查一下。
[00:01:40-00:01:48] 客服：感谢您的等待，是线路故障，已经为您报修，今天下午修好，您看可以吗？
[00:01:49-00:01:52] 客户：好的，谢谢。
[00:02:10-00:02:14] 客服：感谢您的来电，再见。
"""


def test_timing_rules(qa):
    r = qa.score(Transcript.from_text(TIMED))
    v = {x.id: x for x in r.timing}
    assert v["overlap"].verdict == "fail" and v["overlap"].turn == 3  # started 2 s before the customer finished
    assert v["hold"].verdict == "fail" and v["hold"].turn == 3 and v["hold"].value == pytest.approx(84)
    assert v["long_silence"].verdict == "fail" and v["long_silence"].turn == 6  # 18 s of dead air
    assert v["speech_rate"].verdict == "pass"


def test_timing_thresholds_are_configurable(analyzer, tmp_path):
    rules = tmp_path / "qa.yaml"
    rules.write_text("timing:\n  hold: {max_seconds: 120}\n  long_silence: {max_seconds: 30}\n"
                     "  overlap: {min_overlap_seconds: 3}\n", encoding="utf-8")
    r = QAAnalyzer(rules=rules, analyzer=analyzer).score(Transcript.from_text(TIMED))
    assert {x.id: x.verdict for x in r.timing} == {"long_silence": "pass", "overlap": "pass", "speech_rate": "pass",
                                                   "hold": "pass"}


def test_customer_factors_come_from_customer_turns_with_evidence(qa):
    text = "客服：我们的价格很便宜，服务也很好。\n客户：你们的网速太慢了，客服态度也很差。"
    r = qa.score(Transcript.from_text(text))
    assert "price" not in r.factors  # only the agent spoke of price
    assert r.factors["service"].polarity < 0
    for asp in list(r.factors.values()) + list(r.themes.values()):
        for hit, _ in asp.evidence:
            assert hit.turn == 2 and r.transcript.turns[1].text[hit.start : hit.end] == hit.words


def test_flagged_calls_rank_first_for_the_right_reasons(qa):
    calls = {
        "good": GOOD,
        "good_asr": GOOD_ASR,
        "bad": BAD,
        "polite_but_churn": (
            "客服：您好，工号1001，很高兴为您服务，请问有什么可以帮您？\n客户：我想把宽带退订了，以后不用你们家的了。\n"
            "客服：非常抱歉，请问是有什么不满意的地方吗？\n客户：网速太慢了，换一家。\n"
            "客服：好的，已经为您登记退订，您看可以吗？感谢您的来电，再见。"
        ),
        "info": "客服：您好，工号1001，请问有什么可以帮您？\n客户：你们营业厅周末开门吗？\n"
                "客服：周末照常营业，您看还有其他问题吗？\n客户：明白了，谢谢。\n客服：感谢您的来电，再见。",
        "rude_agent_only": (
            "客服：您好，工号1001，请问有什么可以帮您？\n客户：我想问一下积分怎么兑换。\n"
            "客服：你自己不会看吗？APP上写得清清楚楚。\n客户：哦，好的。\n客服：再见。"
        ),
    }
    results = [qa.score(Transcript.from_text(t, call_id=k)) for k, t in calls.items()]
    ranked = [r.call_id for r in sorted(results, key=lambda r: -r.priority.points)]
    assert ranked[0] == "bad"
    assert set(ranked[1:3]) == {"polite_but_churn", "rude_agent_only"}
    assert set(ranked[3:]) == {"good", "good_asr", "info"}
    by_id = {r.call_id: r for r in results}
    assert "churn risk (退订)" in by_id["polite_but_churn"].priority.reason
    assert "文明用语" in by_id["rude_agent_only"].priority.reason
    assert by_id["rude_agent_only"].escalation == "none"


def test_empty_call_keeps_its_place(qa):
    r = qa.score(Transcript.from_turns([("客服", ""), ("客户", "  ")], call_id="blank"))
    assert r.status == "empty" and r.to_dict()["status"] == "empty"
    assert qa.score(Transcript("none", ())).status == "empty"


def test_to_dict_is_json_ready(qa):
    import json

    d = qa.score(Transcript.from_text(BAD, call_id="bad")).to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["outcome"]["escalation"] == {"level": "external", "turn": 4, "words": "12315"}
    assert d["agent"]["failed"] >= 5 and 0 <= d["agent"]["pass_rate"] < 0.5
    assert d["priority"]["triggers"][0]["signal"].startswith("external escalation")


# --------------------------------------------------------------------------------------------------
# The rule book


def test_user_rules_lay_over_the_defaults(analyzer, tmp_path):
    rules = tmp_path / "qa.yaml"
    rules.write_text(
        "agent_rules:\n"
        "  forbidden_phrases:\n    phrases: [亲]\n"  # replaces the phrase list
        "  closing:\n    enabled: false\n"
        "  upsell:\n    name: 推荐业务\n    check: require\n    scope: any\n    phrases: [流量包]\n",
        encoding="utf-8",
    )
    qa2 = QAAnalyzer(rules=rules, analyzer=analyzer)
    ids = [r.id for r in qa2.rules_.agent_rules]
    assert "closing" not in ids and ids[-1] == "upsell" and "greeting" in ids
    r = qa2.score(Transcript.from_text("客服：亲，您好\n客户：我不知道\n客服：不知道就算了，推荐您办个流量包"))
    assert verdict(r, "forbidden_phrases").hits[0].words == "亲"
    assert verdict(r, "upsell").verdict == "pass"


def test_defaults_false_starts_empty(tmp_path):
    rules = tmp_path / "qa.yaml"
    rules.write_text("defaults: false\nagent_rules:\n  hello:\n    phrases: [您好]\n", encoding="utf-8")
    book = load_qa_rules(rules)
    assert [r.id for r in book.agent_rules] == ["hello"] and book.timing == ()


@pytest.mark.parametrize(
    "text, message",
    [
        ("agent_rules:\n  greeting:\n    check: maybe\n", r"qa\.yaml:3: agent_rules\.greeting\.check: 'maybe' is not allowed; allowed: require, forbid"),
        ("timing:\n  hold:\n    max_seconds: -5\n", r"qa\.yaml:3: timing\.hold\.max_seconds: -5 is out of range"),
        ("timing:\n  pause: {max_seconds: 3}\n", r"qa\.yaml:2: timing\.pause: unknown key; allowed: long_silence, overlap"),
        ("agent_rules:\n  x:\n    patterns: ['[unclosed']\n", r"qa\.yaml:3: agent_rules\.x\.patterns\.0: '\[unclosed' is not a regular expression"),
        ("agent_rules:\n  x:\n    phrases: 您好\n", r"qa\.yaml:3: agent_rules\.x\.phrases: '您好' is not a list"),
        ("agent_rules:\n  greeting: [\n", r"qa\.yaml:3: invalid YAML"),
        ("outcome:\n  churn: {phrases: [a]}\n  churn: {phrases: [b]}\n", r"qa\.yaml:3: outcome\.churn: duplicate key"),
        ("customer:\n  upset_score: low\n", r"qa\.yaml:2: customer\.upset_score: 'low' is not a number"),
    ],
)
def test_bad_rules_name_file_line_and_field(tmp_path, text, message):
    path = tmp_path / "qa.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_qa_rules(path)


def test_rules_file_not_utf8(tmp_path):
    path = tmp_path / "qa.yaml"
    path.write_bytes("agent_rules:\n  x:\n    phrases: [您好]\n".encode("gbk"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_qa_rules(path)
