"""The sample compliance artifacts of the workshop: smoke incident, decision log, key registry.

``sample_artifacts/`` shows every step of the Stage5 exercise on finished files. This
module writes the steps that are signed or dated: a decision-engine smoke incident
(``smoke/sample_incident.json`` + ``smoke.sig``), a decision log holding its
``stage5_incident`` entry and a participant's ``stage5_training`` entry (with its signed
head), and a key rotation registry whose keys are ``ok``, ``due`` and ``overdue`` on
:data:`SAMPLE_DAY`. Times, the incident id and the log id are fixed here (never in the
commands people run), so rebuilding the folder gives the same bytes; the keys are the
public demo keys of :mod:`stage5kit.signing.demo_key`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from stage5kit.compliance.decision_log import append_entry, lock_path
from stage5kit.compliance.key_registry import (
    DEFAULT_INTERVAL_DAYS,
    DEFAULT_WARNING_DAYS,
    KeyRecord,
    KeyRegistry,
    save_registry,
)
from stage5kit.compliance.smoke import run_smoke
from stage5kit.compliance.training import TRAINING_CATEGORY
from stage5kit.signing import SigningKey

# The day the samples describe: the day after the sample trade log ends (2026-04-30).
SAMPLE_DAY = date(2026, 5, 1)
SMOKE_TIME = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
TRAINING_TIME = datetime(2026, 5, 1, 15, 30, tzinfo=UTC)
SAMPLE_INCIDENT_ID = "SMOKE-20260501T090000Z-000001"
SAMPLE_LOG_ID = "5a3f1e00" * 4
SAMPLE_TICKET = "INC-SAMPLE-1"
SAMPLE_PARTICIPANT = "Anna Przykładowa"
# The sample's decisions are timed by a clock that advances 1 ms per reading (not measured).
SAMPLE_CLOCK_STEP_NS = 1_000_000
SMOKE_DIR = "smoke"
DECISION_LOG = "decision_log/runtime.jsonl"
KEY_REGISTRY = "keys/key_rotation.json"
# (bundle, purpose, days since the last rotation on SAMPLE_DAY): two keys in each state.
SAMPLE_KEYS = (
    ("core-oem", "hmac", 30),
    ("core-oem", "mtls", 80),
    ("core-oem", "api", 97),
    ("stage5-observability", "hmac", 10),
    ("stage5-observability", "mtls", 120),
    ("stage5-observability", "api", 88),
)


@dataclass(frozen=True, slots=True)
class SampleCompliance:
    """Where the sample compliance artifacts were written."""

    incident: Path
    signature: Path
    decision_log: Path
    key_registry: Path


def sample_key_registry(path: Path) -> KeyRegistry:
    """The sample rotation registry: six active keys, two each ok, due and overdue."""
    keys = tuple(
        KeyRecord(
            bundle=bundle,
            purpose=purpose,  # type: ignore[arg-type]  # one of PURPOSES by construction
            key_id=f"{bundle}-{purpose}-demo",
            algorithm="ed25519" if purpose == "mtls" else "hmac",
            state="active",
            created=SAMPLE_DAY - timedelta(days=age),
            last_rotated=SAMPLE_DAY - timedelta(days=age),
            interval_days=DEFAULT_INTERVAL_DAYS,
            warning_days=DEFAULT_WARNING_DAYS,
        )
        for bundle, purpose, age in SAMPLE_KEYS
    )
    return KeyRegistry(path=path, key_dir=None, keys=keys)


def write_sample_compliance(
    folder: Path, *, key: SigningKey, log_key: SigningKey
) -> SampleCompliance:
    """Write the smoke incident, the decision log and the key registry below ``folder``."""
    log = folder / DECISION_LOG
    smoke = run_smoke(
        folder / SMOKE_DIR,
        key=key,
        ticket=SAMPLE_TICKET,
        decision_log=log,
        log_key=log_key,
        now=SMOKE_TIME,
        incident_id=SAMPLE_INCIDENT_ID,
        new_log_id=SAMPLE_LOG_ID,
        clock=itertools.count(0, SAMPLE_CLOCK_STEP_NS).__next__,
    )
    append_entry(
        log,
        category=TRAINING_CATEGORY,
        payload={
            "kind": "exercise",
            "participant": SAMPLE_PARTICIPANT,
            "seed": 7,
            "checks_passed": 7,
            "report": "cwiczenie-7",
        },
        key=log_key,
        actor=SAMPLE_PARTICIPANT,
        now=TRAINING_TIME,
    )
    lock_path(log).unlink(missing_ok=True)
    registry = sample_key_registry(folder / KEY_REGISTRY)
    registry.path.parent.mkdir(parents=True, exist_ok=True)
    save_registry(registry)
    return SampleCompliance(
        incident=smoke.incident_path,
        signature=smoke.signature_path,
        decision_log=log,
        key_registry=registry.path,
    )
