"""Shared fixtures. The development data in ../shared/data is optional: tests that need it skip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("CXTEXT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="session")
def analyzer():
    from cxtext import Analyzer

    return Analyzer()


@pytest.fixture(scope="session")
def rules_analyzer():
    from cxtext import Analyzer

    return Analyzer(sentiment="rules")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip("development data (../shared/data) not present")
    return SHARED
