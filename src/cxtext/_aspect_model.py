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
            intercepts = {str(k): float(v) for k, v in data["intercepts"].items()}
            self.thresholds: dict[str, float] = {str(k): float(v) for k, v in data["thresholds"].items()}
            pairs = {str(t): [(str(k), float(w)) for k, w in ps] for t, ps in data["tokens"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"{source}: aspect model file is incomplete or corrupt ({exc})") from None
        for kind in self.thresholds:
            if kind not in KINDS or not 0.0 < self.thresholds[kind] < 1.0:
                raise ModelError(f"{source}: aspect model threshold for {kind!r} must be a probability for 'factor' or 'theme'")
        # Dense rows: one weight per id for every token, so a text's scores are column sums of its
        # tokens' rows, computed by zip and sum in C rather than a Python loop per weight.
        self.keys: tuple[str, ...] = tuple(intercepts)
        column = {k: i for i, k in enumerate(self.keys)}
        unknown = {k for ps in pairs.values() for k, _ in ps} - set(column)
        if unknown:
            raise ModelError(f"{source}: aspect model weights for ids without an intercept: {', '.join(sorted(unknown))}")
        self.intercepts = tuple(intercepts.values())
        self.rows: dict[str, tuple[float, ...]] = {}
        for t, ps in pairs.items():
            row = [0.0] * len(self.keys)
            for k, w in ps:
                row[column[k]] = w
            self.rows[t] = tuple(row)
        # comparing z with the threshold's logit spares a sigmoid per id
        self._z_min = {k: math.log(t / (1.0 - t)) for k, t in self.thresholds.items()}
        self.meta = {k: v for k, v in data.items() if k not in ("tokens", "intercepts")}

    @classmethod
    def load(cls, path: str | os.PathLike[str] | Any) -> AspectModel:
        data = read_model(path, "aspect model")
        return cls(data, str(path))

    def z(self, words: Iterable[str]) -> dict[str, float]:
        """The regressions' linear scores by key (``"theme:trust"``) for the distinct tokens ``words``."""
        rows = list(filter(None, map(self.rows.get, words)))
        sums = map(sum, zip(*rows)) if rows else (0.0 for _ in self.keys)
        return {k: b + x for k, b, x in zip(self.keys, self.intercepts, sums)}

    def detect(self, words: Iterable[str], found: dict[str, Iterable[str]], allowed: dict[str, Iterable[str]]) -> list[tuple[str, str, str]]:
        """``(kind, id, evidence_token)`` for each id of ``allowed[kind]`` not in ``found[kind]`` that
        the detector is sure of, in ``allowed``'s order; ``words`` are the text's distinct tokens and
        the evidence is the one of them that weighs most for the id."""
        words = list(words)
        z = self.z(words)
        out = []
        for kind, ids in allowed.items():
            z_min = self._z_min.get(kind)
            if z_min is None:
                continue
            have = set(found.get(kind, ()))
            for id_ in ids:
                key = f"{kind}:{id_}"
                if id_ in have or z.get(key, -math.inf) < z_min:
                    continue
                col = self.keys.index(key)
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
