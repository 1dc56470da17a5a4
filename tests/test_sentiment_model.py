"""The sentiment backends: the shipped linear model, training one, snownlp as an opt-in."""

from __future__ import annotations

import gzip
import json

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
