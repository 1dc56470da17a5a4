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

import gzip
import json
import math
import os
from collections.abc import Iterable
from typing import Any

from ._errors import ModelError
from ._resources import model_path

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
            self.intercepts: dict[str, float] = {str(k): float(v) for k, v in data["intercepts"].items()}
            self.thresholds: dict[str, float] = {str(k): float(v) for k, v in data["thresholds"].items()}
            # token -> ((key, weight), ...): one lookup per token scores every id at once
            self.tokens: dict[str, tuple[tuple[str, float], ...]] = {
                str(t): tuple((str(k), float(w)) for k, w in pairs) for t, pairs in data["tokens"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"{source}: aspect model file is incomplete or corrupt ({exc})") from None
        for kind in self.thresholds:
            if kind not in KINDS or not 0.0 < self.thresholds[kind] < 1.0:
                raise ModelError(f"{source}: aspect model threshold for {kind!r} must be a probability for 'factor' or 'theme'")
        # comparing z with the threshold's logit spares a sigmoid per id
        self._z_min = {k: math.log(t / (1.0 - t)) for k, t in self.thresholds.items()}
        self.meta = {k: v for k, v in data.items() if k not in ("tokens", "intercepts")}

    @classmethod
    def load(cls, path: str | os.PathLike[str] | Any) -> AspectModel:
        try:
            raw = path.read_bytes() if hasattr(path, "read_bytes") else open(path, "rb").read()
        except FileNotFoundError:
            raise ModelError(f"{path}: aspect model file not found") from None
        try:
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            data = json.loads(raw.decode("utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: not a readable aspect model file ({exc})") from None
        return cls(data, str(path))

    def z(self, words: Iterable[str]) -> dict[str, float]:
        """The regression's linear score per id for the distinct tokens ``words``."""
        z = dict(self.intercepts)
        get = self.tokens.get
        for w in words:
            pairs = get(w)
            if pairs:
                for k, v in pairs:
                    z[k] += v
        return z

    def detect(self, words: Iterable[str], kind: str, found: Iterable[str], allowed: Iterable[str]) -> list[tuple[str, str]]:
        """``(id, evidence_token)`` for each id of ``kind`` in ``allowed`` and not ``found`` that the
        detector is sure of, in ``allowed``'s order; ``words`` are the text's distinct tokens."""
        if kind not in self._z_min:
            return []
        words = list(words)
        z = self.z(words)
        z_min = self._z_min[kind]
        found = set(found)
        out = []
        for id_ in allowed:
            key = f"{kind}:{id_}"
            if id_ in found or z.get(key, -math.inf) < z_min:
                continue
            best, best_w = "", 0.0
            for w in words:
                for k, v in self.tokens.get(w, ()):
                    if k == key and v > best_w:
                        best, best_w = w, v
            if best:
                out.append((id_, best))
        return out


def shipped_aspect_model() -> Any:
    """The shipped model file, or ``None`` when the installation has none."""
    path = model_path(DEFAULT_ASPECT_MODEL)
    return path if path.is_file() else None
