"""The learned aspect detector: portable file, training, and what it may add to the lexicons' finds."""

from __future__ import annotations

import gzip
import json
import pickle

import pytest

from cxtext import Analyzer, ConfigError, ModelError
from cxtext._aspect_model import ASPECT_MODEL_FORMAT, AspectModel
from cxtext._resources import model_path
from cxtext._train import save_model
from cxtext._train_aspects import THRESHOLDS, fit_aspects

# Trust told in the customer's own words (money gone from an account), which no lexicon term names,
# against texts about other things; a detector trained on them should learn 账户 + 少了.
_TRUST = [f"{w}发现账户里少了{n}块钱" for w in ("月底", "今天", "昨天", "上周", "刚才", "早上")
          for n in ("二十", "三十", "五十", "一百", "八十")]
_OTHER = [f"{w}的{x}{y}" for w in ("门店", "这家", "楼下") for x in ("面条", "包子", "咖啡", "米饭")
          for y in ("很好吃", "上得很快")]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    records = [{"text": t, "themes": {"trust": -1}} for t in _TRUST] + [{"text": t, "themes": {}} for t in _OTHER]
    model = fit_aspects(Analyzer(aspects="lexicon"), records, trained_on=["test texts"])
    path = tmp_path_factory.mktemp("m") / "aspects.json.gz"
    save_model(model, path)
    return model, path


def test_training_records_what_it_learned_and_from_what(trained):
    model, path = trained
    data = json.loads(gzip.decompress(path.read_bytes()))
    assert data == model
    assert data["format"] == ASPECT_MODEL_FORMAT and data["cxtext_version"]
    assert data["trained_on"] == ["test texts"] and data["n_train"] == {"theme": len(_TRUST) + len(_OTHER)}
    assert data["thresholds"]["theme"] in THRESHOLDS and "factor" not in data["thresholds"]
    cv = data["cross_validated"]["theme"]
    assert cv["combined_f1"] > cv["lexicon_f1"]  # the lexicons cannot see these texts; the detector can


def test_the_detector_adds_an_id_with_evidence_and_the_documents_polarity(trained):
    _, path = trained
    text = "周末发现账户里少了六十块钱，气死我了"
    plain = Analyzer(aspects="lexicon").analyze("周末发现账户里少了六十块钱")
    assert "trust" not in plain.themes
    doc = Analyzer(aspect_model=path).analyze(text)
    trust = doc.themes["trust"]
    assert trust.polarity == doc.score < 0
    (ev,) = trust.evidence
    assert ev.polarity == 0.0 and text[ev.start : ev.end] == ev.term and ev.term in {"账户", "少", "少了", "发现"}
    # unrelated text: nothing added
    assert "trust" not in Analyzer(aspect_model=path).analyze("楼下的包子很好吃").themes


def test_lexicon_mode_and_ids_found_by_the_lexicons_are_left_alone(trained):
    _, path = trained
    text = "隐形收费太多了，账户里少了五十块钱"
    lexicon = Analyzer(aspects="lexicon", aspect_model=path).analyze(text)
    learned = Analyzer(aspect_model=path).analyze(text)
    assert lexicon.themes["trust"] == learned.themes["trust"]  # found by 隐形收费: kept as the lexicon gave it
    assert list(learned.themes) == [i for i in Analyzer().lexicon_.ids("theme") if i in learned.themes]


def test_shipped_detector_is_portable_and_stamped():
    data = json.loads(gzip.decompress(model_path("aspects.json.gz").read_bytes()))
    assert data["format"] == ASPECT_MODEL_FORMAT and data["cxtext_version"] and data["trained_on"]
    assert set(data["thresholds"]) == {"factor", "theme"}
    AspectModel(data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not a readable aspect model file"),
        (json.dumps({"format": "cxtext-linear-sentiment/2"}).encode(), "not a cxtext aspect model"),
        (json.dumps({"format": ASPECT_MODEL_FORMAT, "intercepts": []}).encode(), "incomplete or corrupt"),
        (json.dumps({"format": ASPECT_MODEL_FORMAT, "keys": ["theme:trust"], "intercepts": [0.0], "tokens": {},
                     "thresholds": {"theme": 1.5}}).encode(), "must be a probability"),
        (json.dumps({"format": ASPECT_MODEL_FORMAT, "keys": ["theme:trust"], "intercepts": [0.0],
                     "tokens": {"坑": [1.0, 2.0]}, "thresholds": {"theme": 0.7}}).encode(), "one weight per key"),
    ],
)
def test_bad_detector_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "a.json"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=message):
        Analyzer(aspect_model=path).analyze("服务很好")


def test_unknown_aspect_method_is_a_clear_error():
    with pytest.raises(ConfigError, match="aspects='words' is not a method; allowed: auto, lexicon"):
        Analyzer(aspects="words")


def test_training_needs_an_analyser_without_a_detector():
    with pytest.raises(ConfigError, match="aspects='lexicon'"):
        fit_aspects(Analyzer(), [{"text": "很好", "themes": {"trust": 1}}])


def test_training_rejects_ids_the_catalogue_does_not_define():
    with pytest.raises(Exception, match="trustworthiness"):
        fit_aspects(Analyzer(aspects="lexicon"), [{"text": "很好", "themes": {"trustworthiness": 1}}])


def test_the_choice_survives_pickling(trained):
    _, path = trained
    an = Analyzer(aspect_model=path)
    clone = pickle.loads(pickle.dumps(an))
    assert clone.aspect_model == path and clone.aspects == "auto"
    text = "今天发现账户里少了二十块钱"
    assert clone.analyze(text) == an.analyze(text)


def test_the_aspect_method_in_use_is_visible(monkeypatch, trained):
    _, path = trained
    assert Analyzer().aspects_ == "auto"
    assert Analyzer(aspects="lexicon").aspects_ == "lexicon"
    assert Analyzer(aspect_model=path).aspects_ == "auto"
    # an installation without the detector file falls back to the lexicons, and says so
    import cxtext._aspect_model as aspect_model

    monkeypatch.setattr(aspect_model, "shipped_aspect_model", lambda: None)
    an = Analyzer()
    assert an.aspects_ == "lexicon"
    assert an.analyze("服务很好").factors  # still analyses, with the lexicons alone


def test_a_resume_does_not_mix_aspect_methods():
    from cxtext._batch import BatchOptions
    from cxtext._run import _settings

    options = BatchOptions(text="t")
    assert _settings(Analyzer(), options, "csv") != _settings(Analyzer(aspects="lexicon"), options, "csv")
