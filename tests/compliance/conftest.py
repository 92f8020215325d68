"""Compliance tests: no key variables set, and helpers to make keys, rings and small logs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stage5kit.compliance import KeyRing, NewEntry, append_entries
from stage5kit.signing import SigningKey, load_signing_key

KEY_VARIABLES = (
    "STAGE5KIT_DECISION_LOG_KEY",
    "STAGE5KIT_DECISION_LOG_KEY_ID",
    "LIVE_DECISION_LOG_HMAC",
    "LIVE_DECISION_LOG_HMAC_ID",
    "STAGE5KIT_SIGNING_KEY",
    "STAGE5KIT_SIGNING_KEY_ID",
    "BOT_CORE_SECURITY_AUDIT_KEY",
    "BOT_CORE_SECURITY_AUDIT_KEY_ID",
)


@pytest.fixture(autouse=True)
def no_key_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test with none of the key variables set."""
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def make_key(byte: str, key_id: str) -> SigningKey:
    """An HMAC key of 32 repeated bytes with an explicit id."""
    return load_signing_key("hex:" + byte * 32, key_id=key_id)


def ring_of(*keys: SigningKey) -> KeyRing:
    """A key ring holding the verification halves of ``keys``."""
    return KeyRing(keys={key.key_id: key.verification_key() for key in keys})


@pytest.fixture
def log_key() -> SigningKey:
    """The key the test logs are signed with (id 'k1')."""
    return make_key("ab", "k1")


@pytest.fixture
def write_log(log_key: SigningKey) -> Callable[[Path, int], Path]:
    """Write a log of N entries (payloads with floats, one ticket) and return its path."""

    def write(path: Path, count: int) -> Path:
        drafts = [
            NewEntry(
                category="stage5_incident" if n % 2 else "stage5_training",
                payload={"n": n, "tco_kpi": {"cost_bps": 1.5 + n}, "note": 'a "quoted" ł'},
                actor="tester",
                ticket=f"INC-{n}" if n % 3 == 0 else None,
            )
            for n in range(1, count + 1)
        ]
        append_entries(path, drafts, key=log_key)
        return path

    return write
