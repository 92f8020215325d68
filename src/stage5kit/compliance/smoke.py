"""The decision-engine smoke test (seed 000's ``run_decision_engine_smoke.py``).

Replays a fixed scenario through the orchestrator, checks every expected decision, writes
``sample_incident.json`` and its signature ``smoke.sig`` (a DSSE envelope like any
``.sig``), and with a ticket appends the incident to the decision log as a
``stage5_incident`` entry. The incident format is in ``docs/decision_engine.md``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stage5kit.compliance.decision_log import (
    LogEntry,
    NewEntry,
    append_entry,
    check_new_entry,
    format_timestamp,
)
from stage5kit.core.decisions import (
    DecisionOrchestrator,
    ThresholdRiskEngine,
    build_incident,
    smoke_scenario,
)
from stage5kit.errors import ConfigError
from stage5kit.files import atomic_write_bytes
from stage5kit.signing import (
    SigningKey,
    VerificationKey,
    VerificationReport,
    sign_file,
    verify_file,
)

INCIDENT_NAME = "sample_incident.json"
SIGNATURE_NAME = "smoke.sig"
INCIDENT_CATEGORY = "stage5_incident"


@dataclass(frozen=True, slots=True)
class SmokeResult:
    """What the smoke run wrote and found; ``passed`` is False when an expectation failed."""

    incident: dict[str, object]
    incident_path: Path
    signature_path: Path
    log_entry: LogEntry | None

    @property
    def summary(self) -> dict[str, Any]:
        """The incident's summary: candidates, decisions by outcome, failed expectations."""
        summary = self.incident["summary"]
        return dict(summary) if isinstance(summary, dict) else {}

    @property
    def passed(self) -> bool:
        """True when every candidate got its expected decision."""
        return self.summary.get("expectations_met") is True


def incident_log_payload(incident: dict[str, object], incident_bytes: bytes) -> dict[str, object]:
    """The decision-log payload of an incident: ids, tco_kpi, each decision_path, summary."""
    candidates = incident["candidates"]
    paths = []
    if isinstance(candidates, list):
        paths = [
            {
                "order_id": candidate["order"]["order_id"],
                "decision": candidate["decision"],
                "decision_path": candidate["decision_path"],
            }
            for candidate in candidates
        ]
    return {
        "incident_id": incident["incident_id"],
        "scenario": incident["scenario"],
        "incident_sha256": hashlib.sha256(incident_bytes).hexdigest(),
        "tco_kpi": incident["tco_kpi"],
        "decision_path": paths,
        "summary": incident["summary"],
    }


def run_smoke(
    out_dir: str | Path,
    *,
    key: SigningKey,
    scenario: str = "cost_growth",
    ticket: str | None = None,
    decision_log: Path | None = None,
    log_key: SigningKey | None = None,
    actor: str = "stage5kit smoke",
    now: datetime | None = None,
    incident_id: str | None = None,
    new_log_id: str | None = None,
    clock: Callable[[], int] | None = None,
) -> SmokeResult:
    """Run the smoke scenario, write and sign the incident; log it when a ticket is given.

    The incident is written even when an expectation fails (it shows which); with a
    ticket, ``decision_log`` and ``log_key`` are required. ``incident_id`` (random by
    default), ``new_log_id`` and ``clock`` (nanoseconds that time the decisions) are fixed
    only by the sample artifacts, to rebuild the same bytes.
    """
    chosen = smoke_scenario(scenario)
    if ticket is not None:
        if decision_log is None or log_key is None:
            msg = "--ticket needs the decision log and its key"
            raise ConfigError(msg)
        check_new_entry(
            NewEntry(category=INCIDENT_CATEGORY, payload={}, actor=actor, ticket=ticket)
        )
    moment = now if now is not None else datetime.now(UTC)
    timestamp = format_timestamp(moment)
    if incident_id is None:
        incident_id = f"SMOKE-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    engine = ThresholdRiskEngine(chosen.limits)
    orchestrator = (
        DecisionOrchestrator(engine) if clock is None else DecisionOrchestrator(engine, clock=clock)
    )
    decisions = orchestrator.decide(chosen.orders, chosen.kpis)
    incident = build_incident(
        chosen, decisions, incident_id=incident_id, ticket=ticket, timestamp=timestamp
    )
    data = (json.dumps(incident, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    folder = Path(out_dir)
    incident_path = atomic_write_bytes(folder / INCIDENT_NAME, data)
    signature = sign_file(incident_path, key, signature_file=folder / SIGNATURE_NAME)
    entry = None
    if ticket is not None and decision_log is not None and log_key is not None:
        entry = append_entry(
            decision_log,
            category=INCIDENT_CATEGORY,
            payload=incident_log_payload(incident, data),
            key=log_key,
            actor=actor,
            ticket=ticket,
            now=moment,
            new_log_id=new_log_id,
        )
    return SmokeResult(
        incident=incident, incident_path=incident_path, signature_path=signature, log_entry=entry
    )


def verify_smoke(out_dir: str | Path, key: VerificationKey) -> VerificationReport:
    """Verify ``sample_incident.json`` against ``smoke.sig`` in a smoke output folder."""
    folder = Path(out_dir)
    return verify_file(folder / INCIDENT_NAME, key, signature_file=folder / SIGNATURE_NAME)
