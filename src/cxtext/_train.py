"""Fitting the linear sentiment model with scikit-learn and saving it in the portable format.

Training reuses the analyser's own preparation (normalisation, segmentation, rule score), so the
features a model is trained on are exactly the ones it sees at prediction time.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from . import __version__
from ._errors import InputError, MissingDependencyError
from ._resources import model_path, read_model
from ._sentiment import MODEL_FORMAT, features
from ._types import NEUTRAL_BAND

if TYPE_CHECKING:
    from ._analyzer import Analyzer

__all__ = ["featurise", "fit_linear", "fit_no_opinion", "shipped_no_opinion", "fit_rows", "save_model", "read_labelled", "parse_label", "cross_validate", "CVScores", "LabelledData"]

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
    neutral_texts: Sequence[str] = (),
    neutral_C: float = 1.0,
) -> dict[str, Any]:
    """Fit logistic regression on texts with labels 1 (positive) / 0 (negative); return the model dict.

    With ``neutral_texts`` (texts that state no opinion) a no-opinion detector is fitted too (see
    :func:`fit_no_opinion`): a text is neutral when the detector says so. Without them, a text with
    no opinion word gets a polar label only when the model is at least ``no_opinion_min`` sure
    (|2p − 1|). A neutral text's score is scaled by ``no_opinion_scale`` into
    the neutral band.
    """
    rows = featurise(analyzer, texts)
    weights, intercept = fit_rows(rows, labels, C=C, min_df=min_df, class_weight=class_weight)
    neutral = None
    if neutral_texts:
        neutral = fit_no_opinion(rows, featurise(analyzer, neutral_texts), C=neutral_C)
    model = {
        "format": MODEL_FORMAT,
        "cxtext_version": __version__,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "trained_on": list(trained_on),
        "n_train": len(texts),
        "lexicon_fingerprint": analyzer.lexicon_.fingerprint,
        "params": {"C": C, "min_df": min_df, "class_weight": class_weight},
        "intercept": intercept,
        "no_opinion_min": no_opinion_min,
        "no_opinion_scale": no_opinion_scale,
        "weights": weights,
    }
    if neutral is not None:
        model["neutral"] = neutral
        model["n_neutral"] = len(neutral_texts)
    return model


def shipped_no_opinion() -> dict[str, Any] | None:
    """The no-opinion detector of the shipped model (same feature format), or ``None``."""
    from ._sentiment import DEFAULT_MODEL

    path = model_path(DEFAULT_MODEL)
    if not path.is_file():
        return None
    data = read_model(path)
    if data.get("format") != MODEL_FORMAT or "neutral" not in data:
        return None
    return dict(data["neutral"], source=f"shipped model of cxtext {data.get('cxtext_version', '?')}")


def fit_no_opinion(
    opinion_rows: Sequence[dict[str, float]],
    neutral_rows: Sequence[dict[str, float]],
    *,
    C: float = 1.0,
    threshold: float = 0.7,
    threshold_opinion: float = 0.8,
) -> dict[str, Any]:
    """The no-opinion detector: reviews (which state an opinion) against texts that state none.

    Reviews include short complaints told as facts (送了两个小时, 鲜花饼没给); texts that state none are
    questions, requests, order facts and numbers, some with an opinion word in them (这个好吃吗？).
    Classes are balanced. A text is neutral from a probability of "no opinion" of ``threshold``, or
    of ``threshold_opinion`` when the rules found an opinion word in it. The defaults were chosen on
    the leave-one-domain-out review sets and the project's neutral texts (benchmarks/accuracy.py).
    """
    polar = list(opinion_rows)
    if not polar or not neutral_rows:
        raise InputError("the no-opinion detector needs reviews and texts that state no opinion")
    weights, intercept = fit_rows(list(neutral_rows) + polar, [1] * len(neutral_rows) + [0] * len(polar),
                                  C=C, min_df=2, class_weight="balanced")
    return {"intercept": intercept, "weights": weights, "threshold": threshold, "threshold_opinion": threshold_opinion,
            "n_no_opinion": len(neutral_rows), "n_reviews": len(polar)}


def fit_rows(
    rows: Sequence[dict[str, float]],
    labels: Sequence[int],
    *,
    C: float = 1.0,
    min_df: int = 2,
    class_weight: str | None = "balanced",
) -> tuple[dict[str, float], float]:
    """Fit on feature rows (see :func:`featurise`); return ``(weights by feature name, intercept)``.

    Kept apart from featurising so that cross-validation featurises each text once and refits per fold.
    """
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise MissingDependencyError("scikit-learn", "train", "training a sentiment model") from None
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
    return weights, float(clf.intercept_[0])


def save_model(model: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write gzipped JSON with sorted keys, so the same model gives the same bytes."""
    data = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    tmp = f"{os.fspath(path)}.part"
    with open(tmp, "wb") as fh:  # written beside the target and renamed: never a half-written model
        fh.write(gzip.compress(data, mtime=0))
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------------------
# Labelled files and cross-validation (``cxtext train``)

# Label spellings an analyst's file may use; anything else is an error that lists these.
POSITIVE = ("1", "pos", "positive", "正面", "正向", "积极", "好评", "满意")
NEGATIVE = ("0", "neg", "negative", "负面", "负向", "消极", "差评", "不满意", "-1")
NEUTRAL = ("neu", "neutral", "中性", "中评", "一般", "2")


def parse_label(value: Any, *, stars: bool = False) -> int | None:
    """1 positive, 0 negative, ``None`` for a neutral or blank label; raises ``ValueError`` otherwise.

    With ``stars`` the value is a 1–5 rating: 4–5 positive, 1–2 negative, 3 neutral.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().lower()
    if text == "":
        return None
    if stars:
        num = float(text)  # ValueError for a non-number, reported by the caller
        if not 1 <= num <= 5:
            raise ValueError(text)
        return 1 if num >= 4 else 0 if num <= 2 else None
    if text.endswith(".0"):
        text = text[:-2]
    if text in POSITIVE:
        return 1
    if text in NEGATIVE:
        return 0
    if text in NEUTRAL:
        return None
    raise ValueError(text)


@dataclass(frozen=True, slots=True)
class LabelledData:
    """Texts and 1/0 labels read from a file, with what was left out and why."""

    texts: list[str]
    labels: list[int]
    skipped_neutral: int
    skipped_empty: int
    text_column: str


def read_labelled(
    path: str | os.PathLike[str],
    text: str | None,
    label: str,
    *,
    stars: bool = False,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int = 1,
) -> LabelledData:
    """Read a labelled file with the same readers as ``analyze``; a bad label names its line."""
    from ._io import pick_text_column, read_chunks

    texts: list[str] = []
    labels: list[int] = []
    neutral = empty = 0
    text_col = text
    for chunk in read_chunks(path, encoding=encoding, sheet=sheet, header_row=header_row):
        columns = [str(c) for c in chunk.columns if c != "__line__"]
        if text_col is None:
            text_col = pick_text_column(columns, chunk)
        for option, col in (("text", text_col), ("label", label)):
            if col not in columns:
                raise InputError(f"{path}: no column {col!r} (given with --{option}); the columns are: {', '.join(columns)}")
        for value, raw, line in zip(chunk[text_col].tolist(), chunk[label].tolist(), chunk["__line__"].tolist(), strict=True):
            try:
                y = parse_label(raw, stars=stars)
            except ValueError:
                allowed = ("a rating from 1 to 5" if stars else
                           f"positive {'/'.join(POSITIVE)}; negative {'/'.join(NEGATIVE)}; neutral (skipped) "
                           f"{'/'.join(NEUTRAL)} or blank; use --stars for 1–5 ratings")
                raise InputError(f"{path}:{line}: column {label!r}: label {raw!r} is not allowed; allowed: {allowed}") from None
            if not isinstance(value, str) or not value.strip():
                empty += 1
                continue
            if y is None:
                neutral += 1
                continue
            texts.append(value)
            labels.append(y)
    return LabelledData(texts, labels, neutral, empty, text_col or "")


@dataclass(frozen=True, slots=True)
class CVScores:
    """Cross-validated scores of the linear model (and of the lexicon rules on the same rows)."""

    folds: int
    C: float
    accuracy: float
    accuracy_sd: float
    macro_f1: float
    rules_accuracy: float
    rules_macro_f1: float
    by_C: dict[float, float]  # macro-F1 of every C tried

    def to_dict(self) -> dict[str, Any]:
        return {"folds": self.folds, "C": self.C, "accuracy": round(self.accuracy, 4),
                "accuracy_sd": round(self.accuracy_sd, 4), "macro_f1": round(self.macro_f1, 4),
                "rules_accuracy": round(self.rules_accuracy, 4), "rules_macro_f1": round(self.rules_macro_f1, 4),
                "macro_f1_by_C": {str(k): round(v, 4) for k, v in self.by_C.items()}}


def _label(score: float) -> int:
    # The analyser's neutral band: a neutral answer counts as wrong on two-class data.
    return 1 if score >= NEUTRAL_BAND else 0 if score <= -NEUTRAL_BAND else -1


def macro_f1(gold: Sequence[int], pred: Sequence[int]) -> float:
    f1s = []
    for c in (0, 1):
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / 2


def cross_validate(
    rows: Sequence[dict[str, float]],
    labels: Sequence[int],
    *,
    folds: int = 5,
    Cs: Sequence[float] = (0.03,),
    min_df: int = 2,
    seed: int = 0,
    neutral: dict[str, Any] | None = None,
) -> CVScores:
    """Stratified k-fold scores of the model as the analyser uses it (neutral band included).

    With several ``Cs`` the one with the best mean macro-F1 is chosen; its figures come from the same
    folds, so they are slightly optimistic (say so when reporting them). ``neutral`` is the
    no-opinion detector the saved model will carry, so the folds are scored as the model will be.
    """
    from ._sentiment import LinearModel, MODEL_FORMAT as _FORMAT

    try:
        from sklearn.model_selection import StratifiedKFold
    except ImportError:
        raise MissingDependencyError("scikit-learn", "train", "training a sentiment model") from None
    n_min = min(sum(1 for y in labels if y == 1), sum(1 for y in labels if y == 0))
    if n_min < folds:
        raise InputError(
            f"{folds}-fold cross-validation needs at least {folds} texts of each class; "
            f"found {sum(labels)} positive and {len(labels) - sum(labels)} negative"
        )
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(list(range(len(labels))), list(labels)))
    results: dict[float, tuple[list[float], list[float]]] = {}
    for C in Cs:
        accs, f1s = [], []
        for train, test in splits:
            weights, intercept = fit_rows([rows[i] for i in train], [labels[i] for i in train], C=C, min_df=min_df)
            model = LinearModel({"format": _FORMAT, "weights": weights, "intercept": intercept,
                                 **({"neutral": neutral} if neutral is not None else {})})
            gold = [labels[i] for i in test]
            pred = [_label(model.score_features(rows[i], int(rows[i].get("r:opinion", 0.0)))) for i in test]
            accs.append(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold))
            f1s.append(macro_f1(gold, pred))
        results[C] = (accs, f1s)
    best = max(results, key=lambda c: sum(results[c][1]))
    accs, f1s = results[best]
    mean = sum(accs) / len(accs)
    sd = (sum((a - mean) ** 2 for a in accs) / len(accs)) ** 0.5
    rule_pred = [_label(row.get("r:total", 0.0)) for row in rows]
    return CVScores(folds, best, mean, sd, sum(f1s) / len(f1s),
                    sum(g == p for g, p in zip(labels, rule_pred, strict=True)) / len(labels),
                    macro_f1(labels, rule_pred), {c: sum(v[1]) / len(v[1]) for c, v in results.items()})
