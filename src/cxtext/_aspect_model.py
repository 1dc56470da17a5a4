"""The learned aspect detector: factors and themes that customers name without a lexicon term.

The lexicons find an experience factor or theme by its words (隐形收费 → trust). Customers also say
these things in their own words: 卡里莫名其妙少了三十块 speaks of trust without any of them. For each
factor and theme the detector holds a logistic regression over the text's distinct tokens, trained on
the project's hand-labelled texts (benchmarks/train_aspects.py). It only adds: an id the lexicons
found is never removed, and an id is added only when the regression is at least the model's threshold
sure (chosen by cross-validation on the training texts, for precision). The evidence of an added id is
the token that weighs most for it, with no polarity of its own; the id's polarity is the document's,
as for any aspect named without an opinion beside it.

The model is portable JSON (format ``cxtext-aspect-model/1``), gzipped, stamped with the cxtext
version and the data it was trained on, loaded on first use.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from typing import Any

from ._errors import ModelError
from ._resources import model_path, read_model

__all__ = ["AspectModel", "ASPECT_MODEL_FORMAT", "DEFAULT_ASPECT_MODEL", "shipped_aspect_model"]

ASPECT_MODEL_FORMAT = "cxtext-aspect-model/1"
DEFAULT_ASPECT_MODEL = "aspects.json.gz"
KINDS = ("factor", "theme")


class AspectModel:
    """Per-id logistic regressions over distinct tokens, keyed ``"factor:product"``, ``"theme:trust"``."""

    def __init__(self, data: dict[str, Any], source: str = "") -> None:
        if data.get("format") != ASPECT_MODEL_FORMAT:
            raise ModelError(f"{source}: not a cxtext aspect model (format {data.get('format')!r}, expected {ASPECT_MODEL_FORMAT!r})")
        try:
            self.keys: tuple[str, ...] = tuple(str(k) for k in data["keys"])
            self.intercepts: tuple[float, ...] = tuple(float(b) for b in data["intercepts"])
            self.thresholds: dict[str, float] = {str(k): float(v) for k, v in data["thresholds"].items()}
            # Dense rows, one weight per key for every token: a text's scores are the column sums of
            # its tokens' rows, computed by zip and sum in C rather than a Python loop per weight.
            self.rows: dict[str, tuple[float, ...]] = {str(t): tuple(map(float, ws)) for t, ws in data["tokens"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"{source}: aspect model file is incomplete or corrupt ({exc})") from None
        for kind in self.thresholds:
            if kind not in KINDS or not 0.0 < self.thresholds[kind] < 1.0:
                raise ModelError(f"{source}: aspect model threshold for {kind!r} must be a probability for 'factor' or 'theme'")
        n = len(self.keys)
        if len(self.intercepts) != n or any(len(r) != n for r in self.rows.values()):
            raise ModelError(f"{source}: aspect model file is incomplete or corrupt (every row must hold one weight per key, {n})")
        # comparing z with the threshold's logit spares a sigmoid per id
        self._z_min = {k: math.log(t / (1.0 - t)) for k, t in self.thresholds.items()}
        self._plans: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, int], ...]] = {}
        self.meta = {k: v for k, v in data.items() if k not in ("tokens", "intercepts", "keys")}

    @classmethod
    def load(cls, path: str | os.PathLike[str] | Any) -> AspectModel:
        data = read_model(path, "aspect model")
        return cls(data, str(path))

    def z(self, words: Iterable[str]) -> dict[str, float]:
        """The regressions' linear scores by key (``"theme:trust"``) for the distinct tokens ``words``."""
        return dict(zip(self.keys, self._z(words)))

    def _z(self, words: Iterable[str]) -> list[float]:
        rows = [r for r in map(self.rows.get, words) if r]
        if not rows:
            return list(self.intercepts)
        return [b + x for b, x in zip(self.intercepts, map(sum, zip(*rows)))]

    def _plan(self, kind: str, ids: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        """``(id, column)`` for the ids of ``kind`` the model has a regression for, in ``ids``' order."""
        key = (kind, ids)
        plan = self._plans.get(key)
        if plan is None:
            column = {k: i for i, k in enumerate(self.keys)}
            plan = tuple((i, column[f"{kind}:{i}"]) for i in ids if f"{kind}:{i}" in column)
            self._plans[key] = plan  # a race only computes the same value twice
        return plan

    def detect(self, words: Iterable[str], found: dict[str, Iterable[str]], allowed: dict[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
        """``(kind, id, evidence_token)`` for each id of ``allowed[kind]`` not in ``found[kind]`` that
        the detector is sure of, in ``allowed``'s order; ``words`` are the text's distinct tokens and
        the evidence is the one of them that weighs most for the id."""
        words = list(words)
        z = self._z(words)
        out = []
        for kind, ids in allowed.items():
            z_min = self._z_min.get(kind)
            if z_min is None:
                continue
            for id_, col in self._plan(kind, ids):
                if z[col] < z_min or id_ in found[kind]:
                    continue
                best, best_w = "", 0.0
                for w in words:
                    row = self.rows.get(w)
                    if row is not None and row[col] > best_w:
                        best, best_w = w, row[col]
                if best:
                    out.append((kind, id_, best))
        return out


def shipped_aspect_model() -> Any:
    """The shipped model file, or ``None`` when the installation has none."""
    path = model_path(DEFAULT_ASPECT_MODEL)
    return path if path.is_file() else None
