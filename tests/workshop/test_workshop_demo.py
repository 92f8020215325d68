"""`stage5kit workshop demo`: the whole exercise headless; each signed artifact printed, valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.compliance import load_keyring, read_entries, verify_log, verify_smoke
from stage5kit.compliance.observability import verify_bundle
from stage5kit.signing import load_verification_key, verify_file


@pytest.mark.slow
def test_demo_runs_every_step_and_prints_where_each_signed_artifact_is(tmp_path: Path) -> None:
    """Smoke, report, TCO, bundle, training, audit: each printed path exists and verifies."""
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["workshop", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = dict(re.findall(r"^([^:\n]+?)(?: \(.*?\))?: (/\S+)", result.output, re.MULTILINE))
    for step in (
        "smoke test",
        "signed exercise report",
        "TCO report",
        "observability bundle",
        "training session",
        "decision log",
    ):
        assert step in printed, result.output
        assert Path(printed[step]).exists(), step
    public = load_verification_key(public_key=out / "demo-key" / "DEMO-KEY-NOT-FOR-PRODUCTION.pub")
    workspace = out / "ws"
    assert verify_smoke(workspace / "logs" / "decision_engine", public).ok
    assert verify_bundle(Path(printed["observability bundle"]), public).ok
    audit = next((workspace / "var" / "audit" / "compliance").glob("stage5_audit_*.json"))
    assert verify_file(audit, public).ok
    assert "compliance_audit_score" in result.output
    log = workspace / "audit" / "decision_logs" / "runtime.jsonl"
    keyring = load_keyring(default_key_file=workspace / "secrets" / "decision_log.key")
    assert verify_log(log, keyring=keyring).ok
    entries = read_entries(log)
    assert [e.category for e in entries] == [
        "stage5_incident",
        "stage5_training",
        "stage5_training",
    ]
    assert entries[0].ticket == "INC-DEMO-7"
    assert entries[1].payload["kind"] == "exercise"
    assert entries[1].payload["checks_passed"] == 7
    manifest = Path(printed["signed exercise report"]).parent / "manifest.json"
    head = json.loads(manifest.read_text(encoding="utf-8"))["metadata"]["decision_log_head"]
    assert head["last_seq"] == 1  # the smoke incident, written before the report was signed
