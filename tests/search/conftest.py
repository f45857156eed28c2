"""Search test fixtures: the analyzer every backend test shares (one per session: it loads the
segmentation and pinyin dictionaries once)."""

import pytest

from tests.search.contract import ContractAnalyzer


@pytest.fixture(scope="session")
def analyzer() -> ContractAnalyzer:
    return ContractAnalyzer()
