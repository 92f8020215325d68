"""`stage5kit audit`: scores and findings on crafted workspaces, and the signed report."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.compliance import NewEntry, append_entries, init_workspace
from stage5kit.compliance.log_keys import load_log_key
from stage5kit.compliance.smoke import run_smoke
from stage5kit.compliance.training import TrainingSession, record_session
from stage5kit.signing import generate_keypair, load_signing_key, sign_file, verify_file

TODAY = datetime.now(UTC).date()
ARTIFACT_KEY = "hex:" + "5a" * 32


@pytest.fixture
def good(tmp_path, write_registry, key_record):
    """A workspace where every stage5 check passes (no observability bundle yet)."""
    init_workspace(tmp_path, with_key=True)
    signer = load_signing_key(ARTIFACT_KEY, key_id="audit-demo")
    tco = tmp_path / "var" / "audit" / "tco" / "2026-11"
    tco.mkdir(parents=True)
    (tco / "tco_report.csv").write_text("strategy,cost_bps\nmomentum,4.2\n")
    (tco / "tco_summary.json").write_text('{"overall": {"cost_bps": 4.2}}\n')
    for name in ("tco_report.csv", "tco_summary.json"):
        sign_file(tco / name, signer)
    log_key = load_log_key(f"file:{tmp_path / 'secrets' / 'decision_log.key'}")
    log = tmp_path / "audit" / "decision_logs" / "runtime.jsonl"
    append_entries(
        log,
        [
            NewEntry(category="tco_report", payload={"cost_bps": 4.2}, actor="ops"),
            NewEntry(category="stage5_training", payload={"kind": "session"}, actor="Anna"),
        ],
        key=log_key,
    )
    write_registry([key_record("core-oem-hmac-1", age_days=10, today=TODAY)])
    run_smoke(
        tmp_path / "logs" / "decision_engine",
        key=signer,
        ticket="INC-1042",
        decision_log=log,
        log_key=log_key,
    )
    generate_keypair(algorithm="hmac", key_id="stage5_training", out_dir=tmp_path / "secrets")
    training_key = load_signing_key(f"file:{tmp_path / 'secrets' / 'stage5_training.key'}")
    record_session(
        TrainingSession(
            facilitator="Anna Kowalska",
            location="Sala 3A",
            training_date=TODAY,
            participants=("Ewa Wiśniewska",),
        ),
        training_dir=tmp_path / "var" / "audit" / "training",
        key=training_key,
    )
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "thresholds.yaml").write_text("max_cost_bps: 12\n")
    return tmp_path


def _audit(root, *extra: str):
    result = CliRunner().invoke(
        main,
        [
            "audit",
            "--root",
            str(root),
            "--key",
            ARTIFACT_KEY,
            "--training-key-file",
            str(root / "secrets" / "stage5_training.key"),
            "--format",
            "json",
            *extra,
        ],
    )
    return result.exit_code, json.loads(result.stdout)


def _check(report, check_id):
    return next(c for c in report["checks"] if c["id"] == check_id)


def test_everything_good_scores_100_and_ok(good):
    """All checks ok (the bundle not configured and left out of the score) → 100, exit 0."""
    code, report = _audit(good)
    assert (code, report["status"], report["compliance_audit_score"]) == (0, "ok", 100)
    assert report["issues"] == []
    assert report["warnings"] == []
    assert _check(report, "observability_bundle")["status"] == "not_checked"
    assert "not configured" in _check(report, "observability_bundle")["message"]


def test_the_report_is_written_under_var_audit_and_signed(good):
    """The JSON report lands in var/audit/compliance/ and its .sig verifies."""
    _, report = _audit(good)
    written = good / "var" / "audit" / "compliance"
    (path,) = written.glob("stage5_audit_*.json")
    assert json.loads(path.read_text())["compliance_audit_score"] == 100
    key = load_signing_key(ARTIFACT_KEY, key_id="audit-demo").verification_key()
    assert verify_file(path, key).ok
    assert report["report_path"] == str(path)


def test_one_overdue_key_is_a_warning(good, write_registry, key_record):
    """An overdue key makes key_rotation warn: status warn, score 92 (82.5 of 90), exit 1."""
    write_registry([key_record("core-oem-hmac-1", age_days=91, today=TODAY)], with_key_files=False)
    code, report = _audit(good)
    assert (code, report["status"], report["compliance_audit_score"]) == (1, "warn", 92)
    (warning,) = report["warnings"]
    assert warning.startswith("key_rotation: core-oem-hmac-1 (core-oem hmac) overdue, 91 days")


def test_a_tampered_tco_report_fails_naming_the_file(good):
    """One changed byte in the signed TCO report is a fail that names the file."""
    report_csv = good / "var" / "audit" / "tco" / "2026-11" / "tco_report.csv"
    report_csv.write_text("strategy,cost_bps\nmomentum,1.2\n")
    code, report = _audit(good)
    assert (code, report["status"]) == (1, "fail")
    (issue,) = report["issues"]
    assert "var/audit/tco/2026-11/tco_report.csv: signed file was modified" in issue
    assert report["compliance_audit_score"] == 78  # 70 of the 90 weight that ran


def test_an_edited_decision_log_fails_naming_the_line(good):
    """Editing line 2 of the decision log is a fail that names line 2."""
    log = good / "audit" / "decision_logs" / "runtime.jsonl"
    lines = log.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"Anna"', b'"Anne"')
    log.write_bytes(b"\n".join(lines))
    code, report = _audit(good)
    assert (code, report["status"]) == (1, "fail")
    check = _check(report, "decision_log")
    assert (check["status"], check["line"]) == ("fail", 2)
    assert "audit/decision_logs/runtime.jsonl, line 2:" in check["message"]


def test_an_edited_training_register_fails_naming_the_line(good):
    """A participant's name changed in the register fails the training check at line 1."""
    register = good / "var" / "audit" / "training" / "stage5_training_log.jsonl"
    register.write_bytes(register.read_bytes().replace("Wiśniewska".encode(), b"Wisniewska"))
    _, report = _audit(good)
    check = _check(report, "training")
    assert (check["status"], check["line"]) == ("fail", 1)


def test_a_forged_smoke_signature_fails(good):
    """A changed sample_incident.json no longer matches smoke.sig."""
    incident = good / "logs" / "decision_engine" / "sample_incident.json"
    incident.write_text(incident.read_text().replace("INC-1042", "INC-1043"))
    _, report = _audit(good)
    assert _check(report, "smoke_test")["status"] == "fail"
    assert "signed file was modified" in _check(report, "smoke_test")["message"]


def test_an_unsigned_bundle_fails_and_a_signed_one_passes(good):
    """A bundle zip without its signed manifest fails; an exported bundle verifies (every
    file against its signed manifest); one file changed inside fails naming it."""
    import zipfile

    from stage5kit.compliance.observability import ObservabilityConfig, write_bundle

    bundle = good / "var" / "audit" / "observability" / "stage5_bundle.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("dashboard.json", "{}")
    _, report = _audit(good)
    assert _check(report, "observability_bundle")["status"] == "fail"
    write_bundle(bundle, load_signing_key(ARTIFACT_KEY, key_id="audit-demo"), ObservabilityConfig())
    code, report = _audit(good)
    assert (code, _check(report, "observability_bundle")["status"]) == (0, "ok")
    with zipfile.ZipFile(bundle) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    first = next(name for name in sorted(contents) if not name.startswith("manifest"))
    contents[first] += b"\n"
    with zipfile.ZipFile(bundle, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    _, report = _audit(good)
    check = _check(report, "observability_bundle")
    assert check["status"] == "fail"
    assert first in check["message"]


def test_an_empty_workspace_fails_every_check_with_a_fix(tmp_path):
    """Nothing recorded yet: each stage5 check fails and says what to run; score 0."""
    init_workspace(tmp_path, with_key=True)
    generate_keypair(algorithm="hmac", key_id="stage5_training", out_dir=tmp_path / "secrets")
    code, report = _audit(tmp_path)
    assert (code, report["status"], report["compliance_audit_score"]) == (1, "fail", 0)
    assert len(report["issues"]) == 6


@pytest.fixture
def stage4_env(monkeypatch):
    """The three variables seed 001 wants present."""
    for name in ("METRICS_SERVICE_AUTH_TOKEN", "CORE_SCHEDULER_TOKEN"):
        monkeypatch.setenv(name, "token-value-never-printed")


def _stage4(root, monkeypatch, *extra: str):
    monkeypatch.setenv("LIVE_DECISION_LOG_HMAC", f"file:{root / 'secrets' / 'decision_log.key'}")
    result = CliRunner().invoke(
        main,
        [
            "audit",
            "--profile",
            "stage4",
            "--mtls-bundle-name",
            "core-oem",
            "--root",
            str(root),
            "--key",
            ARTIFACT_KEY,
            "--format",
            "json",
            *extra,
        ],
    )
    assert "token-value-never-printed" not in result.output
    return result.exit_code, json.loads(result.stdout)


def test_stage4_profile_ok_with_rbac_and_live_mtls_not_checked(good, stage4_env, monkeypatch):
    """Registry ok, log verifies with LIVE_DECISION_LOG_HMAC, tickets and variables present."""
    code, report = _stage4(good, monkeypatch)
    assert (code, report["status"], report["compliance_audit_score"]) == (0, "ok", 100)
    assert _check(report, "rbac")["status"] == "not_checked"
    assert _check(report, "mtls_live")["status"] == "not_checked"


def test_stage4_warns_when_a_rotation_is_due(
    good, stage4_env, monkeypatch, write_registry, key_record
):
    """Seed 001's exercise: a rotation due gives warn."""
    write_registry([key_record("core-oem-hmac-1", age_days=80, today=TODAY)], with_key_files=False)
    code, report = _stage4(good, monkeypatch)
    assert (code, report["status"]) == (1, "warn")
    assert _check(report, "key_rotation")["status"] == "warn"


def test_stage4_fails_on_a_missing_variable_and_an_incident_without_ticket(good, monkeypatch):
    """Missing variables are named (never their values); an incident without ticket fails."""
    log_key = load_log_key(f"file:{good / 'secrets' / 'decision_log.key'}")
    append_entries(
        good / "audit" / "decision_logs" / "runtime.jsonl",
        [NewEntry(category="stage5_incident", payload={}, actor="ops")],
        key=log_key,
    )
    code, report = _stage4(good, monkeypatch)
    assert code == 1
    env = _check(report, "environment")
    assert env["status"] == "fail"
    assert "METRICS_SERVICE_AUTH_TOKEN, CORE_SCHEDULER_TOKEN" in env["message"]
    tickets = _check(report, "incident_tickets")
    assert (tickets["status"], tickets["line"]) == ("fail", 4)


@pytest.mark.slow
def test_workshop_flow_with_the_real_commands_scores_100(tmp_path, write_registry, key_record):
    """init, tco, smoke --ticket, training log, then audit: every stage5 check ok, 100."""
    from pathlib import Path

    root = tmp_path
    samples = Path(__file__).resolve().parents[2] / "sample_artifacts" / "inputs"
    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(main, [*args])
        assert result.exit_code == 0, result.output

    run("init", str(root), "--with-key")
    write_registry([key_record("core-oem-hmac-1", age_days=1, today=TODAY)])
    run("tco", str(samples / "trades.csv"), "--root", str(root), "--key", ARTIFACT_KEY)
    run("smoke", "--root", str(root), "--key", ARTIFACT_KEY, "--ticket", "INC-7")
    generate_keypair(algorithm="hmac", key_id="stage5_training", out_dir=root / "secrets")
    run(
        "training",
        "log",
        "--facilitator",
        "Anna Kowalska",
        "--location",
        "Sala 3A",
        "--training-date",
        TODAY.isoformat(),
        "--participant",
        "Zofia Łęcka",
        "--log-hmac-key-file",
        str(root / "secrets" / "stage5_training.key"),
        "--root",
        str(root),
    )
    (root / "config").mkdir()
    (root / "config" / "thresholds.yaml").write_bytes((samples / "thresholds.yaml").read_bytes())
    code, report = _audit(root)
    assert (code, report["status"], report["compliance_audit_score"]) == (0, "ok", 100), report


def test_a_broken_thresholds_file_fails_naming_it(good):
    """A thresholds file with an unknown limit fails the thresholds check, naming the file."""
    (good / "config" / "thresholds.yaml").write_text("max_cost: twelve\n")
    _, report = _audit(good)
    check = _check(report, "thresholds")
    assert check["status"] == "fail"
    assert "config/thresholds.yaml" in check["message"]


def test_without_the_training_key_the_register_is_only_a_warning(good):
    """No --training-key-file: sessions are counted, MACs not checked → warn."""
    result = CliRunner().invoke(
        main, ["audit", "--root", str(good), "--key", ARTIFACT_KEY, "--format", "json"]
    )
    report = json.loads(result.stdout)
    assert _check(report, "training")["status"] == "warn"
    assert "MACs not checked" in _check(report, "training")["message"]
