"""Fixtures for the reporting tests: the probe notebook and a throwaway HMAC key."""

from __future__ import annotations

from pathlib import Path

import pytest

from stage5kit.signing import SigningKey, load_signing_key

PROBE = Path(__file__).parent / "notebooks" / "probe.ipynb"
TEST_KEY_HEX = "5e" * 16 + "c2" * 16


@pytest.fixture(scope="session")
def probe_notebook() -> Path:
    """The small notebook the reporting tests run."""
    return PROBE


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    """An HMAC key used only by these tests."""
    return load_signing_key(f"hex:{TEST_KEY_HEX}")
