"""The public API is exactly what __all__ says, and importing cxtext stays light."""

from __future__ import annotations

import subprocess
import sys

import cxtext

EXPECTED = {
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
}


def test_all_is_exactly_the_public_api():
    assert set(cxtext.__all__) == EXPECTED
    for name in cxtext.__all__:
        assert getattr(cxtext, name) is not None


def test_unknown_attribute_raises_attribute_error():
    try:
        cxtext.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_import_is_light():
    code = (
        "import sys, cxtext; "
        "heavy = [m for m in ('jieba', 'pandas', 'sklearn', 'snownlp', 'jinja2', 'opencc', 'numpy') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert out.stderr == ""


def test_errors_subclass_builtins():
    assert issubclass(cxtext.LexiconError, ValueError)
    assert issubclass(cxtext.InputError, ValueError)
    assert issubclass(cxtext.ConfigError, ValueError)
    assert issubclass(cxtext.MissingDependencyError, ImportError)
    assert issubclass(cxtext.LexiconError, cxtext.CxtextError)
