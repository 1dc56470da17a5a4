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
    "GapModel",
    "GapConfig",
    "GapEntry",
    "GapResult",
    "GapReport",
    "load_gap_config",
    "ReportAggregate",
    "gap_from_aggregate",
    "Aggregate",
    "AspectStats",
    "CxtextError",
    "LexiconError",
    "ConfigError",
    "InputError",
    "ModelError",
    "MissingDependencyError",
    "Transcript",
    "QAAnalyzer",
    "Signals",
    "SignalSummary",
    "summarize_signals",
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
    "GapModel": "._gap",
    "GapConfig": "._gap",
    "GapEntry": "._gap",
    "GapResult": "._gap",
    "GapReport": "._gap",
    "load_gap_config": "._gap",
    "ReportAggregate": "._aggregate",
    "gap_from_aggregate": "._derive",
    "Aggregate": "._totals",
    "AspectStats": "._totals",
    "CxtextError": "._errors",
    "LexiconError": "._errors",
    "ConfigError": "._errors",
    "InputError": "._errors",
    "ModelError": "._errors",
    "MissingDependencyError": "._errors",
    "Transcript": "._transcript",
    "QAAnalyzer": "._qa",
    "Signals": "._signal_types",
    "SignalSummary": "._signal_summary",
    "summarize_signals": "._signal_summary",
}

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from ._aggregate import ReportAggregate
    from ._totals import Aggregate, AspectStats
    from ._analyzer import Analyzer
    from ._derive import gap_from_aggregate
    from ._errors import (
        ConfigError,
        CxtextError,
        InputError,
        LexiconError,
        MissingDependencyError,
        ModelError,
    )
    from ._gap import GapConfig, GapEntry, GapModel, GapReport, GapResult, load_gap_config
    from ._lexicon import Lexicon, load_lexicon
    from ._qa import QAAnalyzer
    from ._transcript import Transcript
    from ._signal_summary import SignalSummary, summarize_signals
    from ._signal_types import Signals
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
