"""Compliance tests: no key variables set; helpers for keys, rings, small logs and registries."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
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
    "STAGE5KIT_ARCHIVE_PASSPHRASE",
    "METRICS_SERVICE_AUTH_TOKEN",
    "CORE_SCHEDULER_TOKEN",
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


def _key_record(
    key_id: str, *, age_days: int, today: date, bundle: str = "core-oem", purpose: str = "hmac"
) -> dict[str, object]:
    """A registry entry for an active key last rotated ``age_days`` before ``today``."""
    rotated = (today - timedelta(days=age_days)).isoformat()
    return {
        "bundle": bundle,
        "purpose": purpose,
        "key_id": key_id,
        "algorithm": "ed25519" if purpose == "mtls" else "hmac",
        "state": "active",
        "created": rotated,
        "last_rotated": rotated,
        "interval_days": 90,
        "warning_days": 14,
    }


@pytest.fixture
def key_record() -> Callable[..., dict[str, object]]:
    """Build a registry entry for an active key last rotated ``age_days`` before ``today``."""
    return _key_record


@pytest.fixture
def write_registry(tmp_path: Path) -> Callable[..., Path]:
    """Write a registry (keys in ``tmp_path/secrets/keys``) and the key files of its keys."""

    def write(records: list[dict[str, object]], *, with_key_files: bool = True) -> Path:
        path = tmp_path / "var" / "security" / "key_rotation.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        key_dir = tmp_path / "secrets" / "keys"
        key_dir.mkdir(parents=True, exist_ok=True)
        if with_key_files:
            from stage5kit.signing import generate_keypair

            for record in records:
                generate_keypair(
                    algorithm=record["algorithm"],  # type: ignore[arg-type]
                    key_id=str(record["key_id"]),
                    out_dir=key_dir,
                )
        document = {
            "format": "stage5kit.key_rotation/v1",
            "key_dir": "../../secrets/keys",
            "keys": records,
        }
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        return path

    return write
