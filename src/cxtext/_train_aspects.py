"""Fitting the learned aspect detector (see :mod:`cxtext._aspect_model`) with scikit-learn.

Training reuses the analyser's segmentation, so the tokens the detector is trained on are the ones
it sees at prediction time. Each id's threshold is not a guess: it is the one that gives the best
micro-F1 of lexicon and detector together in k-fold cross-validation on the training texts.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from . import __version__
from ._aspect_model import ASPECT_MODEL_FORMAT, KINDS
from ._errors import ConfigError, InputError
from ._sentiment import _SKIP  # the punctuation that features() leaves out
from ._train import fit_rows

if TYPE_CHECKING:
    from ._analyzer import Analyzer

__all__ = ["fit_aspects", "THRESHOLDS"]

THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def _words(analyzer: Analyzer, text: str) -> list[str]:
    _, tokens, _, _, _ = analyzer.prepare(text)
    return [t for t in dict.fromkeys(t for t, _, _ in tokens) if t not in _SKIP and not t.isspace()]


def _fit(rows: list[list[str]], labels: list[int], C: float, min_df: int) -> tuple[dict[str, float], float]:
    if sum(labels) == 0:
        return {}, -10.0  # no positive example: the id is never added
    return fit_rows([dict.fromkeys(row, 1.0) for row in rows], labels, C=C, min_df=min_df, class_weight="balanced")


def _prob(weights: dict[str, float], intercept: float, row: list[str]) -> float:
    z = intercept + sum(weights.get(w, 0.0) for w in row)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _micro_f1(gold: list[set[str]], pred: list[set[str]]) -> float:
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold, pred, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold, pred, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fit_aspects(
    analyzer: Analyzer,
    records: Sequence[Mapping[str, Any]],
    *,
    C: float = 3.0,
    min_df: int = 2,
    folds: int = 5,
    seed: int = 0,
    trained_on: Sequence[str] = (),
) -> dict[str, Any]:
    """Fit the detector on records ``{"text": ..., "factors": {id: pol}, "themes": {id: pol}}``.

    A record counts for a kind only when it has that kind's key (a set labelled for themes alone
    says nothing about factors). ``analyzer`` gives the tokens and the lexicon's own detections,
    against which each kind's threshold is cross-validated. Returns the model dict.
    """
    if analyzer.aspects != "lexicon":
        raise ConfigError("fit_aspects needs Analyzer(aspects='lexicon'): the detector is measured against the lexicons alone")
    ids = {"factor": analyzer.lexicon_.ids("factor"), "theme": analyzer.lexicon_.ids("theme")}
    weights: dict[str, dict[str, float]] = {}  # key -> token -> weight
    intercepts: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    cv: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    for kind in KINDS:
        recs = [r for r in records if isinstance(r.get(kind + "s"), Mapping)]
        if not recs:
            continue
        counts[kind] = len(recs)
        rows = [_words(analyzer, str(r["text"])) for r in recs]
        gold = [set(r[kind + "s"]) for r in recs]
        lexicon = [set(getattr(analyzer.analyze(str(r["text"])), kind + "s")) for r in recs]
        unknown = set().union(*gold) - set(ids[kind])
        if unknown:
            raise InputError(f"training texts name {kind} ids the catalogue does not define: {', '.join(sorted(unknown))}")
        # k-fold: probabilities of every held-out text, for every id
        order = list(range(len(recs)))
        random.Random(seed).shuffle(order)
        probs: list[dict[str, float]] = [{} for _ in recs]
        for f in range(folds):
            test = set(order[f::folds])
            train = [i for i in order if i not in test]
            for id_ in ids[kind]:
                w, b = _fit([rows[i] for i in train], [int(id_ in gold[i]) for i in train], C, min_df)
                for i in test:
                    probs[i][id_] = _prob(w, b, rows[i])
        scores = {t: _micro_f1(gold, [lex | {k for k, p in pr.items() if p >= t} for lex, pr in zip(lexicon, probs, strict=True)])
                  for t in THRESHOLDS}
        best = max(THRESHOLDS, key=lambda t: (scores[t], t))
        thresholds[kind] = best
        cv[kind] = {"lexicon_f1": round(_micro_f1(gold, lexicon), 4), "combined_f1": round(scores[best], 4)}
        for id_ in ids[kind]:
            w, b = _fit(rows, [int(id_ in g) for g in gold], C, min_df)
            key = f"{kind}:{id_}"
            intercepts[key] = round(b, 4)
            weights[key] = w
    if not thresholds:
        raise InputError("no training text is labelled with factors or themes")
    return {
        "format": ASPECT_MODEL_FORMAT,
        "cxtext_version": __version__,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "trained_on": list(trained_on),
        "n_train": counts,
        "lexicon_fingerprint": analyzer.lexicon_.fingerprint,
        "params": {"C": C, "min_df": min_df, "folds": folds},
        "cross_validated": cv,
        "thresholds": thresholds,
        "keys": list(intercepts),
        "intercepts": list(intercepts.values()),
        # one row per token, a weight for every key (0 where the regression dropped it)
        "tokens": {t: [weights[k].get(t, 0.0) for k in intercepts] for t in sorted(set().union(*weights.values()))},
    }
