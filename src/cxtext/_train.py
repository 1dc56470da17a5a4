"""Fitting the linear sentiment model with scikit-learn and saving it in the portable format.

Training reuses the analyser's own preparation (normalisation, segmentation, rule score), so the
features a model is trained on are exactly the ones it sees at prediction time.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from . import __version__
from ._errors import MissingDependencyError
from ._sentiment import MODEL_FORMAT, features

if TYPE_CHECKING:
    from ._analyzer import Analyzer

__all__ = ["featurise", "fit_linear", "save_model"]

def featurise(analyzer: Analyzer, texts: Sequence[str]) -> list[dict[str, float]]:
    """Feature dictionaries for texts, exactly as the model sees them at prediction time."""
    rows = []
    for text in texts:
        norm, tokens, clauses, _, _ = analyzer.prepare(text)
        rows.append(features(norm.text, tokens, clauses))
    return rows


def fit_linear(
    analyzer: Analyzer,
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    C: float = 1.0,
    min_df: int = 2,
    class_weight: str | None = "balanced",
    trained_on: Sequence[str] = (),
    no_opinion_min: float = 0.5,
    no_opinion_scale: float = 0.1,
) -> dict[str, Any]:
    """Fit logistic regression on texts with labels 1 (positive) / 0 (negative); return the model dict.

    ``no_opinion_min``: a text in which the rules find no opinion word gets a polar label only when
    the model is at least this sure (|2p − 1|); otherwise its score is scaled by ``no_opinion_scale``
    into the neutral band.
    """
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise MissingDependencyError("scikit-learn", "train", "training a sentiment model") from None
    rows = featurise(analyzer, texts)
    counts: dict[str, int] = {}
    for row in rows:
        for f in row:
            counts[f] = counts.get(f, 0) + 1
    keep = {f for f, c in counts.items() if c >= min_df or f.startswith("r:")}
    rows = [{f: v for f, v in row.items() if f in keep} for row in rows]
    vec = DictVectorizer()
    X = vec.fit_transform(rows).tocsr()
    X.indices = X.indices.astype("int32")  # liblinear accepts only 32-bit sparse indices
    X.indptr = X.indptr.astype("int32")
    clf = LogisticRegression(C=C, max_iter=2000, class_weight=class_weight, solver="liblinear")
    clf.fit(X, list(labels))
    coef = clf.coef_[0]
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 5) for n, w in zip(names, coef, strict=True) if abs(w) >= 1e-4}
    return {
        "format": MODEL_FORMAT,
        "cxtext_version": __version__,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "trained_on": list(trained_on),
        "n_train": len(texts),
        "lexicon_fingerprint": analyzer.lexicon_.fingerprint,
        "params": {"C": C, "min_df": min_df, "class_weight": class_weight},
        "intercept": float(clf.intercept_[0]),
        "no_opinion_min": no_opinion_min,
        "no_opinion_scale": no_opinion_scale,
        "weights": weights,
    }


def save_model(model: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write gzipped JSON with sorted keys, so the same model gives the same bytes."""
    data = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as fh:
        fh.write(gzip.compress(data, mtime=0))
