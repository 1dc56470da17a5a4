"""Document-sentiment backends beyond the lexicon rules.

``model``: a linear model (logistic regression, trained with scikit-learn by ``benchmarks`` scripts or
``cxtext train``) over the tokens the analyser already has, character bigrams and the rule score. It is
stored as gzipped JSON — weights by feature name, the cxtext version and what it was trained on — so
it loads in any Python without scikit-learn and without unpickling code. Prediction is a dictionary
lookup per feature, which keeps it as fast as the rules.

``snownlp``: snownlp's naive Bayes classifier, opt-in (about 40 times slower than segmentation).
"""

from __future__ import annotations

import gzip
import json
import math
import os
from collections.abc import Iterable
from typing import Any, Protocol

from ._errors import MissingDependencyError, ModelError
from ._resources import model_path

__all__ = ["SentimentModel", "LinearModel", "SnowNLPModel", "load_backend", "default_method", "features", "MODEL_FORMAT"]

MODEL_FORMAT = "cxtext-linear-sentiment/1"
DEFAULT_MODEL = "sentiment.json.gz"
_SKIP = frozenset(" \t\r\n，,。.！!？?；;：:、~～…-—()（）[]【】\"'“”‘’《》<>/|")


class SentimentModel(Protocol):
    def score(self, text: str, tokens: list[tuple[str, int, int]], rule_raw: float, opinions: int) -> float:
        """Document score in [-1, 1]."""
        ...


def features(text: str, tokens: Iterable[tuple[str, int, int]]) -> set[str]:
    """The sparse binary features of a normalised text: ``w:`` tokens and ``c:`` character bigrams.

    Shared by training and prediction so that the two cannot disagree.
    """
    feats = {"w:" + t for t, _, _ in tokens if t not in _SKIP and not t.isspace()}
    chars = [c for c in text if c not in _SKIP]
    feats.update("c:" + chars[i] + chars[i + 1] for i in range(len(chars) - 1))
    return feats


def rule_feature(rule_raw: float, opinions: int) -> tuple[float, float]:
    """The rule score as model inputs: its squashed value, and whether the rules saw any opinion."""
    return math.tanh(rule_raw / 1.5), 1.0 if opinions else 0.0


class LinearModel:
    """Logistic regression over :func:`features` plus the rule score, loaded from portable JSON."""

    def __init__(self, data: dict[str, Any], source: str = "") -> None:
        if data.get("format") != MODEL_FORMAT:
            raise ModelError(f"{source}: not a cxtext sentiment model (format {data.get('format')!r}, expected {MODEL_FORMAT!r})")
        try:
            self.weights: dict[str, float] = {str(k): float(v) for k, v in data["weights"].items()}
            self.intercept = float(data["intercept"])
            self.rule_weight = float(data["rule_weight"])
            self.opinion_weight = float(data.get("opinion_weight", 0.0))
            self.no_opinion_scale = float(data.get("no_opinion_scale", 1.0))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{source}: model file is incomplete or corrupt ({exc})") from None
        self.meta = {k: v for k, v in data.items() if k != "weights"}

    @classmethod
    def load(cls, path: str | os.PathLike[str] | Any) -> LinearModel:
        try:
            raw = path.read_bytes() if hasattr(path, "read_bytes") else open(path, "rb").read()
        except FileNotFoundError:
            raise ModelError(f"{path}: model file not found") from None
        try:
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            data = json.loads(raw.decode("utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: not a readable model file ({exc})") from None
        return cls(data, str(path))

    def logit(self, text: str, tokens: list[tuple[str, int, int]], rule_raw: float, opinions: int) -> float:
        w = self.weights
        z = self.intercept
        for f in features(text, tokens):
            z += w.get(f, 0.0)
        r, o = rule_feature(rule_raw, opinions)
        return z + self.rule_weight * r + self.opinion_weight * o

    def score(self, text: str, tokens: list[tuple[str, int, int]], rule_raw: float, opinions: int) -> float:
        z = self.logit(text, tokens, rule_raw, opinions)
        s = 2.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))) - 1.0
        return s if opinions else s * self.no_opinion_scale


class SnowNLPModel:
    """snownlp's Bayes classifier mapped to [-1, 1]; imported on first use."""

    def __init__(self) -> None:
        try:
            from snownlp import sentiment
        except ImportError:
            raise MissingDependencyError("snownlp", "snownlp", "sentiment='snownlp'") from None
        self._classifier = sentiment.classifier

    def score(self, text: str, tokens: list[tuple[str, int, int]], rule_raw: float, opinions: int) -> float:
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
