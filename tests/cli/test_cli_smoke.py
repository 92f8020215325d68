"""`stage5kit smoke` and `stage5kit decide` through the CLI; `--root` on tco."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.compliance import (
    init_workspace,
    load_keyring,
    read_entries,
    verify_log,
    verify_smoke,
)
from stage5kit.core.decisions import SmokeScenario, smoke_scenario
from stage5kit.signing import load_verification_key

ROOT = Path(__file__).resolve().parents[2]
KEY = "hex:" + "ab" * 32
LOG_KEY = "hex:" + "cd" * 32
INCIDENT_KEYS = {
    "format", "incident_id", "ticket", "timestamp", "scenario", "limits", "tco_kpi",
    "candidates", "summary",
}  # fmt: skip


@pytest.fixture(autouse=True)
def no_key_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key variables leak in."""
    for name in ("STAGE5KIT_DECISION_LOG_KEY", "LIVE_DECISION_LOG_HMAC", "STAGE5KIT_SIGNING_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An initialised workspace."""
    init_workspace(tmp_path / "ws")
    return tmp_path / "ws"


def test_smoke_writes_a_signed_incident_in_the_workspace(root: Path) -> None:
    """smoke writes logs/decision_engine/sample_incident.json and smoke.sig, which verifies."""
    result = CliRunner().invoke(main, ["smoke", "--root", str(root), "--key", KEY])
    assert result.exit_code == 0, result.output
    assert "8 orders: 2 approve, 1 reduce, 3 reject, 2 escalate" in result.output
    folder = root / "logs" / "decision_engine"
    incident = json.loads((folder / "sample_incident.json").read_text())
    assert set(incident) == INCIDENT_KEYS
    assert incident["ticket"] is None
    assert incident["summary"]["expectations_met"] is True
    first = incident["candidates"][0]
    assert set(first) >= {"order", "decision", "decision_path", "expected"}
    assert set(first["decision_path"][0]) == {"check", "value", "limit", "passed"}
    assert verify_smoke(folder, load_verification_key(KEY)).status == "ok"


def test_an_edited_incident_no_longer_verifies(root: Path) -> None:
    """Changing one decision in sample_incident.json breaks smoke.sig."""
    CliRunner().invoke(main, ["smoke", "--root", str(root), "--key", KEY])
    folder = root / "logs" / "decision_engine"
    path = folder / "sample_incident.json"
    path.write_text(path.read_text().replace('"reject"', '"approve"', 1))
    report = verify_smoke(folder, load_verification_key(KEY))
    assert (report.status, report.message) == ("invalid", "signed file was modified")


def test_smoke_with_a_ticket_logs_a_stage5_incident(root: Path) -> None:
    """--ticket appends a stage5_incident entry with tco_kpi, decision_path and the ticket."""
    result = CliRunner().invoke(
        main,
        ["smoke", "--root", str(root), "--key", KEY, "--ticket", "INC-77", "--log-key", LOG_KEY],
    )
    assert result.exit_code == 0, result.output
    (entry,) = read_entries(root / "audit" / "decision_logs" / "runtime.jsonl")
    assert (entry.category, entry.ticket) == ("stage5_incident", "INC-77")
    assert {"tco_kpi", "decision_path", "incident_id", "incident_sha256"} <= set(entry.payload)
    incident = json.loads((root / "logs/decision_engine/sample_incident.json").read_text())
    assert entry.payload["incident_id"] == incident["incident_id"]
    ring = load_keyring(LOG_KEY)
    assert verify_log(root / "audit" / "decision_logs" / "runtime.jsonl", keyring=ring).ok


def test_an_unexpected_decision_exits_1_and_is_recorded(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a decision differs from the scenario's expectation, smoke exits 1 and says which."""
    real = smoke_scenario("cost_growth")
    wrong = SmokeScenario(
        name=real.name,
        description=real.description,
        limits=real.limits,
        kpis=real.kpis,
        orders=real.orders,
        expected={**real.expected, "SMK-004": "approve"},
    )
    monkeypatch.setattr("stage5kit.compliance.smoke.smoke_scenario", lambda name: wrong)
    result = CliRunner().invoke(main, ["smoke", "--root", str(root), "--key", KEY])
    assert result.exit_code == 1
    assert "UNEXPECTED SMK-004: reject (expected approve)" in result.output
    incident = json.loads((root / "logs/decision_engine/sample_incident.json").read_text())
    assert incident["summary"]["failed_expectations"] == [
        {"order_id": "SMK-004", "expected": "approve", "decision": "reject"}
    ]


def test_smoke_without_a_key_exits_2_writing_nothing(root: Path) -> None:
    """No signing key: exit 2 and no incident file."""
    result = CliRunner().invoke(main, ["smoke", "--root", str(root)])
    assert result.exit_code == 2
    assert not (root / "logs" / "decision_engine" / "sample_incident.json").exists()


def test_smoke_with_a_bad_ticket_exits_2_writing_nothing(root: Path) -> None:
    """A ticket with a newline is refused before anything is written."""
    result = CliRunner().invoke(
        main,
        ["smoke", "--root", str(root), "--key", KEY, "--ticket", "A\nB", "--log-key", LOG_KEY],
    )
    assert result.exit_code == 2
    assert not (root / "logs" / "decision_engine" / "sample_incident.json").exists()


def test_decide_writes_each_decision_with_its_path(tmp_path: Path) -> None:
    """decide reads orders, limits and a tco folder, prints counts and writes the decisions."""
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,strategy,venue,symbol,side,quantity,price\n"
        "a,momentum,okx,BTC-USDT,buy,1,60000\nb,momentum,okx,BTC-USDT,buy,100,60000\n"
    )
    limits = tmp_path / "limits.yaml"
    limits.write_text("max_cost_bps: 50\nmax_order_notional: 1000000\n")
    out = tmp_path / "decisions.json"
    result = CliRunner().invoke(
        main,
        ["decide", str(orders), "--kpis", str(ROOT / "sample_artifacts" / "tco"),
         "--limits", str(limits), "--out", str(out), "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"approve": 1, "reduce": 1, "reject": 0, "escalate": 0}
    document = json.loads(out.read_text())
    assert document["decisions"][1]["approved_quantity"] == pytest.approx(1_000_000 / 60_000)
    assert "by_strategy_venue" in document["tco_kpi"]


def test_decide_with_a_bad_order_file_exits_2(tmp_path: Path) -> None:
    """A bad candidate row exits 2 naming file, row and column, and writes nothing."""
    orders = tmp_path / "orders.csv"
    orders.write_text("strategy,venue,symbol,side,quantity,price\nm,b,X,buy,1,0\n")
    limits = tmp_path / "limits.yaml"
    limits.write_text("max_cost_bps: 5\n")
    out = tmp_path / "decisions.json"
    result = CliRunner().invoke(
        main,
        ["decide", str(orders), "--kpis", str(ROOT / "sample_artifacts" / "tco"),
         "--limits", str(limits), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "orders.csv, row 2, column 'price': '0' is not a price > 0" in result.stderr
    assert not out.exists()


def test_tco_with_root_writes_into_var_audit_tco(root: Path) -> None:
    """`stage5kit tco --root` without --out writes the seed's var/audit/tco/."""
    trades = ROOT / "sample_artifacts" / "inputs" / "trades.csv"
    result = CliRunner().invoke(main, ["tco", str(trades), "--root", str(root), "--by", "strategy"])
    assert result.exit_code == 0, result.output
    assert (root / "var" / "audit" / "tco" / "tco_summary.json").is_file()


@pytest.mark.parametrize("given", ["smoke.sig", "sample_incident.json"])
def test_verify_checks_the_incident_against_smoke_sig(root: Path, given: str) -> None:
    """`stage5kit verify` takes smoke.sig (or the incident) and checks the pair."""
    runner = CliRunner()
    assert runner.invoke(main, ["smoke", "--root", str(root), "--key", KEY]).exit_code == 0
    folder = root / "logs" / "decision_engine"
    result = runner.invoke(main, ["verify", str(folder / given), "--key", KEY])
    assert result.exit_code == 0, result.output
    assert f"ok: {folder / 'sample_incident.json'}: signature verifies" in result.output


@pytest.mark.parametrize("given", ["smoke.sig", "sample_incident.json"])
def test_verify_reports_an_edited_incident_against_smoke_sig(root: Path, given: str) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["smoke", "--root", str(root), "--key", KEY]).exit_code == 0
    folder = root / "logs" / "decision_engine"
    incident = folder / "sample_incident.json"
    incident.write_text(incident.read_text().replace('"reject"', '"approve"', 1))
    result = runner.invoke(main, ["verify", str(folder / given), "--key", KEY])
    assert result.exit_code == 1, result.output
    assert "signed file was modified" in result.output
    assert "modified: sample_incident.json" in result.output


def test_verify_reports_a_forged_smoke_sig(root: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["smoke", "--root", str(root), "--key", KEY]).exit_code == 0
    folder = root / "logs" / "decision_engine"
    other = "hex:" + "ef" * 32
    result = runner.invoke(main, ["verify", str(folder / "smoke.sig"), "--key", other])
    assert result.exit_code == 1, result.output
    assert "invalid" in result.output
