"""Shared fixtures. Loading spaCy takes seconds, so one Extractor serves the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat import Extractor

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "saidwhat" / "examples"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLES / "council_housing.txt"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the clone (seed article, corpora); tests that need it skip without."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not present (only beside the project's own clone)")
    return SHARED
