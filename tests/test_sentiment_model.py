"""The sentiment backends: the shipped linear model, training one, snownlp as an opt-in."""

from __future__ import annotations

import gzip
import json
import math

import pytest

from cxtext import Analyzer, ModelError
from cxtext._resources import model_path
from cxtext._sentiment import MODEL_FORMAT, LinearModel


def test_shipped_model_is_portable_and_stamped():
    raw = model_path("sentiment.json.gz").read_bytes()
    data = json.loads(gzip.decompress(raw))
    assert data["format"] == MODEL_FORMAT
    assert data["cxtext_version"]
    assert data["trained_on"], "the training data must be recorded"
    assert all(isinstance(v, float) for v in data["weights"].values())
    assert {"r:total", "r:pos", "r:neg"} <= set(data["weights"])


def test_default_method_is_the_shipped_model():
    assert Analyzer().method_ == "model"
    assert Analyzer(sentiment="rules").method_ == "rules"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "not a readable model file"),
        (json.dumps({"format": "something-else"}).encode(), "not a cxtext sentiment model"),
        (json.dumps({"format": MODEL_FORMAT, "weights": {}}).encode(), "incomplete or corrupt"),
    ],
)
def test_bad_model_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "m.json"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=message):
        LinearModel.load(path)


def test_missing_model_file(tmp_path):
    an = Analyzer(sentiment="model", model=tmp_path / "nope.json.gz")
    with pytest.raises(ModelError, match="model file not found"):
        an.analyze("很好")


def test_train_save_load_round_trip(tmp_path):
    pytest.importorskip("sklearn")
    from cxtext._train import fit_linear, save_model

    pos = ["这个耳机音质清澈", "耳机音质清澈，佩戴舒服", "音质清澈通透", "清澈的音质，推荐"] * 3
    neg = ["这个耳机杂音很重", "耳机杂音重，戴着疼", "杂音太重了", "全是杂音，退货"] * 3
    an = Analyzer(sentiment="rules")
    model = fit_linear(an, pos + neg, [1] * len(pos) + [0] * len(neg), C=10.0, min_df=1, trained_on=["fixture"])
    path = tmp_path / "m.json.gz"
    save_model(model, path)
    trained = Analyzer(sentiment="model", model=path)
    assert trained.analyze("音质清澈").score > trained.analyze("杂音很重").score
    assert LinearModel.load(path).meta["trained_on"] == ["fixture"]


def test_snownlp_is_an_opt_in_backend():
    pytest.importorskip("snownlp")
    from snownlp import SnowNLP

    an = Analyzer(sentiment="snownlp")
    text = "质量很好，非常满意，推荐购买"
    doc = an.analyze(text)
    assert an.method_ == "snownlp"
    assert doc.score == pytest.approx(2 * SnowNLP(text).sentiments - 1)
    assert doc.factors  # factors and themes still come from the lexicons


def _fixture_model_with_detector():
    from cxtext._train import fit_linear

    pos = ["这个耳机音质清澈", "耳机音质清澈，佩戴舒服", "音质清澈通透", "清澈的音质，推荐", "第二天就到了，耳机音质清澈"] * 3
    # complaints told as facts: no opinion word the rules know
    neg = ["这个耳机杂音很重", "耳机杂音重，戴着疼", "耳机等了三天才发货", "充电盒没给", "耳机充电盒没给，等了三天"] * 3
    neutral = ["请问耳机什么时候发货？", "耳机订单号 A1234", "请问充电盒单独卖吗？", "您好，在吗？",
               "麻烦帮我查一下订单号", "耳机是哪天下单的？"] * 2
    an = Analyzer(sentiment="rules")
    return fit_linear(an, pos + neg, [1] * len(pos) + [0] * len(neg), C=10.0, min_df=1,
                      trained_on=["fixture"], neutral_texts=neutral, neutral_C=10.0)


def test_no_opinion_detector_keeps_facts_polar_and_questions_neutral(tmp_path):
    pytest.importorskip("sklearn")
    from cxtext._sentiment import features
    from cxtext._train import save_model

    model = _fixture_model_with_detector()
    assert model["neutral"]["n_no_opinion"] == 12 and model["neutral"]["n_reviews"] > 0
    path = tmp_path / "m.json.gz"
    save_model(model, path)
    an = Analyzer(sentiment="model", model=path)
    assert an.analyze("充电盒没给").label == "neg"  # a complaint told as a fact stays a complaint
    assert an.analyze("请问耳机什么时候发货？").label == "neu"
    assert an.analyze("订单号 A1234").label == "neu"
    # a model without the detector (older files) still loads and falls back to the threshold rule:
    # with no opinion word, only a sure model score is polar
    del model["neutral"]
    save_model(model, path)
    older = LinearModel.load(path)
    an = Analyzer(sentiment="rules")
    for text in ("耳机是蓝色的", "请问耳机什么时候发货？", "订单号 A1234"):
        norm, tokens, results, _, opinions = an.prepare(text)
        assert opinions == 0
        sure = 2 / (1 + math.exp(-older._polarity.z_features(features(norm.text, tokens, results)))) - 1
        got = older.score(norm.text, tokens, results, opinions)
        assert got == pytest.approx(sure if abs(sure) >= 0.5 else sure * 0.1)


def test_corrupt_no_opinion_detector_is_a_clear_error(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"format": MODEL_FORMAT, "weights": {}, "intercept": 0.0, "neutral": {"weights": 3}}))
    with pytest.raises(ModelError, match="no-opinion detector is incomplete or corrupt"):
        LinearModel.load(path)


def test_fast_score_equals_dictionary_score_with_a_detector():
    pytest.importorskip("sklearn")
    from cxtext._sentiment import features

    model = LinearModel(_fixture_model_with_detector())
    an = Analyzer(sentiment="rules")
    for text in ("充电盒没给", "请问耳机什么时候发货？", "音质清澈，推荐", "耳机订单号 A1234?", "等了三天"):
        norm, tokens, results, _, opinions = an.prepare(text)
        assert model.score(norm.text, tokens, results, opinions) == model.score_features(features(norm.text, tokens, results), opinions)


def test_a_text_of_words_the_model_never_saw_and_no_opinion_is_neutral():
    an = Analyzer()
    model = an._sentiment_model()
    norm, tokens, results, _, opinions = an.prepare("zqxv wkjh")
    assert opinions == 0 and not any(model._polarity.knows(t) for t, _, _ in tokens)
    assert model.score(norm.text, tokens, results, opinions) == 0.0
    assert an.analyze("zqxv wkjh").label == "neu"
    # an opinion word the rules know still counts, whatever the model knows
    assert an.analyze("zqxv 很好").label == "pos"


def test_fast_and_dictionary_scores_agree_on_unknown_words():
    from cxtext._sentiment import features

    an = Analyzer()
    model = an._sentiment_model()
    for text in ("zqxv wkjh", "zqxv 很好", "送了两个小时"):
        norm, tokens, results, _, opinions = an.prepare(text)
        assert model.score(norm.text, tokens, results, opinions) == model.score_features(features(norm.text, tokens, results), opinions)


@pytest.mark.parametrize(("text", "label"), [
    ("请问可以退款吗？", "neu"),  # a question
    ("订单号 123456", "neu"),  # a number
    ("好的，收到", "neu"),  # an acknowledgement (a bare 好的 still reads as praise)
    ("麻烦帮我改一下地址", "neu"),  # a request
    ("送了两个小时", "neg"),  # a complaint told as a fact: no opinion word, still a complaint
    ("鲜花饼没给", "neg"),
    ("服务很好，谢谢", "pos"),
])
def test_shipped_model_tells_statements_without_opinion_from_complaints(text, label):
    assert Analyzer().analyze(text).label == label


def test_format_1_models_score_binary_features():
    """Models saved before features were scaled (format 1) still load and score as they were trained."""
    from cxtext._sentiment import features

    weights = {"w:满意": 1.5, "w:发货": -0.4, "c:满意": 0.3, "r:total": 1.0}
    old = LinearModel({"format": "cxtext-linear-sentiment/1", "weights": weights, "intercept": 0.1})
    new = LinearModel({"format": MODEL_FORMAT, "weights": weights, "intercept": 0.1})
    an = Analyzer(sentiment="rules")
    norm, tokens, results, _, opinions = an.prepare("很满意，发货快")
    binary = features(norm.text, tokens, results, legacy=True)
    assert set(binary[k] for k in binary if k[:2] in ("w:", "c:")) == {1.0}
    assert old.score(norm.text, tokens, results, opinions) == old.score_features(binary, opinions)
    # format 2 gives every token 1/sqrt(n) and has no bigrams, so the same weights move the score less
    assert 0 < new.score(norm.text, tokens, results, opinions) < old.score(norm.text, tokens, results, opinions)
