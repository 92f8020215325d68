"""`stage5kit bundle export`, `stage5kit verify BUNDLE.zip` and `stage5kit alerts replay`."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from stage5kit.cli import main
from stage5kit.compliance.observability import ObservabilityConfig, write_bundle
from stage5kit.core import write_trades
from stage5kit.errors import InputError
from stage5kit.signing import SigningKey

from .conftest import make_trades


def _run(*args: str | Path, cwd: Path | None = None) -> Result:
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, [str(a) for a in args])
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(main, [str(a) for a in args])


def test_export_defaults_to_the_workspace_and_verifies(tmp_path: Path, key_dir: Path) -> None:
    """With --root the bundle lands in var/audit/observability/ and verifies with the public key."""
    assert _run("init", tmp_path / "ws").exit_code == 0
    result = _run("bundle", "export", "--root", tmp_path / "ws", "--key", key_dir / "ops.key")
    assert result.exit_code == 0, result.output
    bundle = tmp_path / "ws" / "var" / "audit" / "observability" / "stage5_bundle.zip"
    assert result.output.strip() == str(bundle.resolve())
    verified = _run("verify", bundle, "--public-key", key_dir / "ops.pub", "--format", "json")
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.output)["status"] == "ok"


def test_export_records_budget_and_cost_limits(tmp_path: Path, key_dir: Path) -> None:
    """--budget and --thresholds land in slo/stage5_slos.yaml; the budget period sets the rules."""
    inputs = Path(__file__).resolve().parents[3] / "sample_artifacts" / "inputs"
    out = tmp_path / "b.zip"
    result = _run(
        "bundle",
        "export",
        "--out",
        out,
        "--key",
        key_dir / "ops.key",
        "--budget",
        inputs / "budget.yaml",
        "--thresholds",
        inputs / "thresholds.yaml",
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        slos = archive.read("slo/stage5_slos.yaml").decode()
        rules = archive.read("prometheus/stage5_rules.yml").decode()
    assert "market_making: 5.0" in slos
    assert "momentum: 40000" in slos
    records = {
        r.get("record"): r["expr"] for g in yaml.safe_load(rules)["groups"] for r in g["rules"]
    }
    assert records["stage5:trade_cost:projected_period_spend_1d"].endswith(") * 30")  # month / day


def test_tampered_bundle_exits_1_and_names_the_file(tmp_path: Path, key_dir: Path) -> None:
    """A bundle re-zipped with a changed rule file: exit 1, 'modified: prometheus/...'."""
    out = tmp_path / "b.zip"
    assert _run("bundle", "export", "--out", out, "--key", key_dir / "ops.key").exit_code == 0
    tampered = tmp_path / "t.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("stage5_rules.yml"):
                data = data.replace(b"severity: page", b"severity: none")
            target.writestr(info, data)
    result = _run("verify", tampered, "--public-key", key_dir / "ops.pub")
    assert result.exit_code == 1
    assert "invalid:" in result.output
    assert "modified: prometheus/stage5_rules.yml" in result.output


def test_unsafe_bundle_exits_2_with_a_clear_message(tmp_path: Path, key_dir: Path) -> None:
    """An entry escaping the bundle: exit 2, ArchiveError naming it, no traceback, no writes."""
    unsafe = tmp_path / "evil.zip"
    with zipfile.ZipFile(unsafe, "w") as archive:
        archive.writestr("../../etc/evil.yml", b"x")
    before = set(tmp_path.rglob("*"))
    result = _run("verify", unsafe, "--public-key", key_dir / "ops.pub")
    assert result.exit_code == 2
    assert "ArchiveError:" in result.output
    assert "'../../etc/evil.yml' refused: it has a '..' component" in result.output
    assert "Traceback" not in result.output
    assert set(tmp_path.rglob("*")) == before


def test_export_with_a_bad_config_writes_nothing(tmp_path: Path, key_dir: Path) -> None:
    """A bad --config is exit 2 with the file named, and no bundle appears."""
    config = tmp_path / "observability.yaml"
    config.write_text("latency_threshold_ms: 200\n")
    out = tmp_path / "out" / "b.zip"
    result = _run(
        "bundle", "export", "--out", out, "--key", key_dir / "ops.key", "--config", config
    )
    assert result.exit_code == 2
    assert "ConfigError:" in result.output
    assert "not a histogram bucket boundary" in result.output
    assert not out.exists()


def test_export_onto_a_folder_is_refused(tmp_path: Path, signing_key: SigningKey) -> None:
    """A folder as the bundle path is an InputError with the fix, and nothing is written."""
    with pytest.raises(InputError, match="is a folder; give the bundle's file name"):
        write_bundle(tmp_path, signing_key, ObservabilityConfig())
    assert list(tmp_path.iterdir()) == []


def test_export_without_a_key_writes_nothing(tmp_path: Path) -> None:
    """No --key and no key variable: exit 2 and no bundle."""
    out = tmp_path / "b.zip"
    result = _run("bundle", "export", "--out", out)
    assert result.exit_code == 2
    assert not out.exists()


def test_alerts_replay_prints_when_each_alert_fired(tmp_path: Path) -> None:
    """On a crafted incident log the JSON lists the 14.4x alert firing 02:09 and clearing 02:35."""
    trades = make_trades(
        "2026-03-02 00:00:05", "2026-03-02 05:59:55", slow=("2026-03-02 02:00", "2026-03-02 02:30")
    )
    log = write_trades(trades, tmp_path / "trades.csv")
    result = _run("alerts", "replay", log, "--format", "json")
    assert result.exit_code == 0, result.output
    fast = [e for e in json.loads(result.output) if e["alert"] == "14.4x 1h/5m"]
    assert fast == [
        {
            "alert": "14.4x 1h/5m",
            "subject": "decision_latency",
            "severity": "page",
            "fired_at": "2026-03-02T02:09:00+00:00",
            "cleared_at": "2026-03-02T02:35:00+00:00",
        }
    ]
    text = _run("alerts", "replay", log)
    assert text.exit_code == 0
    assert text.output.startswith("3 alert episode(s)")
