"""Document-sentiment backends beyond the lexicon rules.

``model``: two logistic regressions (trained with scikit-learn by ``benchmarks`` scripts or
``cxtext train``) over the tokens the analyser already has, a question mark and summaries of the
rule analysis: one for polarity, one that tells texts stating no opinion (questions, requests,
order numbers) from reviews. They are stored as gzipped JSON — weights by feature name, the cxtext
version and what they were trained on — so they load in any Python without scikit-learn and without
unpickling code. Prediction is a dictionary lookup per token, which keeps it near the rules' speed.

``snownlp``: snownlp's naive Bayes classifier, opt-in (about 40 times slower than segmentation).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ._errors import MissingDependencyError, ModelError
from ._resources import model_path, read_model
from ._types import NEUTRAL_BAND

if TYPE_CHECKING:
    from ._rules import ClauseResult

__all__ = ["SentimentModel", "LinearModel", "SnowNLPModel", "load_backend", "default_method", "features", "rule_features", "MODEL_FORMAT"]

MODEL_FORMAT = "cxtext-linear-sentiment/2"
_LEGACY = "cxtext-linear-sentiment/1"  # binary token and character-bigram features
DEFAULT_MODEL = "sentiment.json.gz"
_SKIP = frozenset(" \t\r\n，,。.！!？?；;：:、~～…-—()（）[]【】\"'“”‘’《》<>/|")
_DROP = str.maketrans(dict.fromkeys(_SKIP))  # str.translate table deleting the characters of _SKIP


class SentimentModel(Protocol):
    def score(self, text: str, tokens: list[tuple[str, int, int]], clauses: Sequence[ClauseResult], opinions: int) -> float:
        """Document score in [-1, 1]."""
        ...


def features(text: str, tokens: Iterable[tuple[str, int, int]], clauses: Sequence[ClauseResult], *, legacy: bool = False) -> dict[str, float]:
    """The sparse features of a normalised text, shared by training and prediction.

    ``w:`` tokens, ``s:q`` for a question mark, and ``r:`` summaries of the rule analysis
    (real-valued, domain-independent: they carry most of the weight on unseen domains). The token
    features of a text together have unit length, 1/√n each: a long review no longer outvotes its
    rule summaries by its number of words, which made the model lean on the vocabulary of its
    training domains. ``legacy`` gives format 1's features: binary tokens and character bigrams.
    """
    words = [t for t in dict.fromkeys([t for t, _, _ in tokens]) if t not in _SKIP and not t.isspace()]
    if legacy:
        feats = dict.fromkeys(["w:" + t for t in words], 1.0)
        feats.update(dict.fromkeys(["c:" + b for b in _bigrams(text)], 1.0))
    else:
        feats = dict.fromkeys(["w:" + t for t in words], _unit_value(len(words)))
    if _is_question(text):
        feats["s:q"] = 1.0
    feats.update(rule_features(clauses))
    return feats


def _bigrams(text: str) -> dict[str, None]:
    """The distinct character bigrams of a text in first-occurrence order, punctuation left out (format 1)."""
    chars = text.translate(_DROP)
    return dict.fromkeys(map(str.__add__, chars, chars[1:]))


def _unit_value(n: int) -> float:
    return 1.0 / math.sqrt(n) if n else 0.0


def _is_question(text: str) -> bool:
    # The question mark itself is dropped with the other punctuation, yet it is what most sets a
    # question ("好吃吗？") apart from an opinion; it is kept as one feature.
    return "？" in text or "?" in text


def rule_features(clauses: Sequence[ClauseResult]) -> dict[str, float]:
    """Summaries of the rule analysis: overall, positive and negative mass, the last opinion."""
    total = pos = neg = 0.0
    last = 0.0
    opinions = 0
    for c in clauses:
        v = c.score * c.weight
        total += v
        if v > 0:
            pos += v
        else:
            neg += v
        if c.opinions:
            last = c.score
            opinions += c.opinions
    return {
        "r:total": math.tanh(total / 1.5),
        "r:pos": math.tanh(pos),
        "r:neg": math.tanh(neg),
        "r:last": math.tanh(last),
        "r:opinion": 1.0 if opinions else 0.0,
    }


class LinearModel:
    """Logistic regression over :func:`features` plus the rule score, loaded from portable JSON."""

    def __init__(self, data: dict[str, Any], source: str = "") -> None:
        if data.get("format") not in (MODEL_FORMAT, _LEGACY):
            raise ModelError(f"{source}: not a cxtext sentiment model (format {data.get('format')!r}, expected {MODEL_FORMAT!r})")
        self.legacy = data["format"] == _LEGACY
        try:
            self.weights: dict[str, float] = {str(k): float(v) for k, v in data["weights"].items()}
            self.intercept = float(data["intercept"])
            self.no_opinion_scale = float(data.get("no_opinion_scale", 0.1))
            self.no_opinion_min = float(data.get("no_opinion_min", 0.5))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{source}: model file is incomplete or corrupt ({exc})") from None
        self.meta = {k: v for k, v in data.items() if k not in ("weights", "neutral")}
        self._polarity = _Linear(self.weights, self.intercept)
        # The no-opinion detector: a second logistic regression over the same features, trained to
        # tell texts that state no opinion (questions, requests, facts, order numbers) from reviews.
        # Models without one fall back to the older rule (see :meth:`_squash`).
        self._neutral: _Linear | None = None
        neutral = data.get("neutral")
        if neutral is not None:
            try:
                self._neutral = _Linear({str(k): float(v) for k, v in neutral["weights"].items()}, float(neutral["intercept"]))
                self.neutral_min = float(neutral.get("threshold", 0.5))
                # texts with opinion words ("这个好吃吗？") need a surer detector; absent: never neutral
                self.neutral_min_opinion = float(neutral.get("threshold_opinion", 2.0))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ModelError(f"{source}: the model's no-opinion detector is incomplete or corrupt ({exc})") from None

    @classmethod
    def load(cls, path: str | os.PathLike[str] | Any) -> LinearModel:
        data = read_model(path, "model")
        return cls(data, str(path))

    def score(self, text: str, tokens: list[tuple[str, int, int]], clauses: Sequence[ClauseResult], opinions: int) -> float:
        """``score_features(features(text, tokens, clauses), opinions)`` without building the features."""
        # every distinct token, punctuation included: it has no weight, so the sums skip it; the
        # loops run in C (set difference, map), which keeps the model near the rules' speed
        words = dict.fromkeys([t for t, _, _ in tokens])
        if self.legacy:
            bigrams: Iterable[str] = _bigrams(text)
            a = 1.0
        else:
            bigrams = ()
            kept = words.keys() - _SKIP
            a = _unit_value(len(kept) - sum(map(str.isspace, kept)))
        if not opinions and self._neutral is not None and not any(map(self._polarity.knows, words)):
            # nothing the model has seen and no opinion word: no evidence either way (models with a
            # no-opinion detector; older ones score as they were trained)
            return 0.0
        question = _is_question(text)
        rules = rule_features(clauses)
        z = self._polarity.z(words, bigrams, a, question, rules)
        neutral = None if self._neutral is None else self._neutral.z(words, bigrams, a, question, rules)
        return self._squash(z, opinions, neutral)

    def score_features(self, feats: dict[str, float], opinions: int) -> float:
        """The score of one feature row (training's cross-validation scores held-out rows this way)."""
        if not opinions and self._neutral is not None and not any(self._polarity.knows(f[2:]) for f in feats if f.startswith("w:")):
            return 0.0
        z = self._polarity.z_features(feats)
        neutral = None if self._neutral is None else self._neutral.z_features(feats)
        return self._squash(z, opinions, neutral)

    def _squash(self, z: float, opinions: int, neutral_z: float | None = None) -> float:
        s = 2.0 * _sigmoid(z) - 1.0
        if self._neutral is not None and neutral_z is not None:
            if _sigmoid(neutral_z) < (self.neutral_min_opinion if opinions else self.neutral_min):
                # The detector says the text states an opinion: it takes a side, however mixed
                # (neutral means "no opinion", not "praise and complaint in equal measure").
                return math.copysign(max(abs(s), NEUTRAL_BAND), s)
        elif opinions or abs(s) >= self.no_opinion_min:
            return s
        # The detector (or, without one, no opinion word and a weak model score) says the text
        # states no opinion: a question, a fact, an order number. The score keeps its sign for
        # ranking but stays inside the neutral band.
        return s * self.no_opinion_scale


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


class _Linear:
    """One logistic regression over :func:`features`: weights by feature name and an intercept."""

    __slots__ = ("weights", "intercept", "_words", "_bigrams", "_question")

    def __init__(self, weights: dict[str, float], intercept: float) -> None:
        self.weights = weights
        self.intercept = intercept
        # The weights of token and bigram features keyed by the bare token or bigram, so scoring
        # looks each up without building its feature name (see :meth:`z`); tokens that features()
        # never emits are left out, so scoring need not test for them.
        self._words = {k[2:]: v for k, v in weights.items()
                       if k.startswith("w:") and k[2:] not in _SKIP and not k[2:].isspace()}
        self._bigrams = {k[2:]: v for k, v in weights.items() if k.startswith("c:")}
        self._question = weights.get("s:q", 0.0)

    def knows(self, word: str) -> bool:
        """Whether the regression has a weight for token ``word``."""
        return word in self._words

    def z(self, words: Iterable[str], bigrams: Iterable[str], a: float, question: bool, rules: dict[str, float]) -> float:
        """``z_features(features(text, tokens, clauses))`` from the parts :func:`features` is built of.

        Both paths add the token and bigram weights in the order :func:`features` lists them (each
        at its first occurrence; a missing weight adds nothing), scale the sum by the units' common
        value, then add the question mark and the rule summaries: the same float operations in the
        same order, so the score is exactly that of the dictionary path.
        """
        units = sum(filter(None, map(self._words.get, words))) + sum(filter(None, map(self._bigrams.get, bigrams)))
        z = self.intercept + units * a
        if question:
            z += self._question
        w = self.weights
        for f, x in rules.items():
            z += w.get(f, 0.0) * x
        return z

    def z_features(self, feats: dict[str, float]) -> float:
        w = self.weights
        a = 0.0
        words: list[float] = []
        bigrams: list[float] = []
        z_rest = []
        for f, v in feats.items():
            kind = f[:2]
            if kind == "w:" or kind == "c:":
                a = v
                (words if kind == "w:" else bigrams).append(w.get(f, 0.0))
            else:
                z_rest.append(w.get(f, 0.0) * v)
        z = self.intercept + (sum(filter(None, words)) + sum(filter(None, bigrams))) * a
        for x in z_rest:
            z += x
        return z


class SnowNLPModel:
    """snownlp's Bayes classifier mapped to [-1, 1]; imported on first use."""

    def __init__(self) -> None:
        try:
            from snownlp import sentiment
        except ImportError:
            raise MissingDependencyError("snownlp", "snownlp", "sentiment='snownlp'") from None
        self._classifier = sentiment.classifier

    def score(self, text: str, tokens: list[tuple[str, int, int]], clauses: Sequence[ClauseResult], opinions: int) -> float:
        return 2.0 * self._classifier.classify(text) - 1.0


def _shipped() -> Any:
    path = model_path(DEFAULT_MODEL)
    return path if path.is_file() else None


def default_method(model: str | os.PathLike[str] | None = None) -> str:
    """``model`` when a model file is given or shipped, else ``rules``."""
    return "model" if model is not None or _shipped() is not None else "rules"


def load_backend(method: str, model: str | os.PathLike[str] | None = None) -> SentimentModel:
    if method == "snownlp":
        return SnowNLPModel()
    if method == "model":
        path = model if model is not None else _shipped()
        if path is None:
            raise ModelError("sentiment='model' but no model is shipped or given; train one with benchmarks/train_sentiment.py")
        return LinearModel.load(path)
    raise ModelError(f"unknown sentiment method {method!r}")
