"""cxtext: customer-experience insight from Chinese customer text.

The public API is small and stable; everything else lives in private modules. Names are loaded on
first use (a module ``__getattr__``), so ``import cxtext`` stays light: jieba, pandas and scikit-learn
are imported only when an analysis needs them.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Analyzer",
    "Document",
    "Clause",
    "Match",
    "AspectScore",
    "Status",
    "Lexicon",
    "load_lexicon",
    "Aggregate",
    "AspectStats",
    "CxtextError",
    "LexiconError",
    "ConfigError",
    "InputError",
    "ModelError",
    "MissingDependencyError",
    "__version__",
]

_LAZY = {
    "Analyzer": "._analyzer",
    "Document": "._types",
    "Clause": "._types",
    "Match": "._types",
    "AspectScore": "._types",
    "Status": "._types",
    "Lexicon": "._lexicon",
    "load_lexicon": "._lexicon",
    "Aggregate": "._aggregate",
    "AspectStats": "._aggregate",
    "CxtextError": "._errors",
    "LexiconError": "._errors",
    "ConfigError": "._errors",
    "InputError": "._errors",
    "ModelError": "._errors",
    "MissingDependencyError": "._errors",
}

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from ._aggregate import Aggregate, AspectStats
    from ._analyzer import Analyzer
    from ._errors import (
        ConfigError,
        CxtextError,
        InputError,
        LexiconError,
        MissingDependencyError,
        ModelError,
    )
    from ._lexicon import Lexicon, load_lexicon
    from ._types import AspectScore, Clause, Document, Match, Status


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cxtext' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
