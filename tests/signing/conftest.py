"""Signing tests start with none of the default key variables set."""

from __future__ import annotations

import pytest

KEY_VARIABLES = (
    "STAGE5KIT_SIGNING_KEY",
    "STAGE5KIT_SIGNING_KEY_ID",
    "BOT_CORE_SECURITY_AUDIT_KEY",
    "BOT_CORE_SECURITY_AUDIT_KEY_ID",
)


@pytest.fixture(autouse=True)
def no_key_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test with none of the default key variables set."""
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
