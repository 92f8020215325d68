"""`stage5kit demo` runs the TCO notebook on the sample data from any folder, signed."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.files import sha256_file

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report-demo")]
ROOT = Path(__file__).resolve().parents[2]


def test_demo_signs_and_verifies_the_tco_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From an unrelated folder the demo resolves the sample inputs, signs and verifies."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STAGE5KIT_SIGNING_KEY", raising=False)
    outcome = CliRunner().invoke(main, ["demo", "--out", "demo-out"])
    assert outcome.exit_code == 0, outcome.output
    assert "signature: ok" in outcome.stdout
    report = tmp_path / "demo-out" / "tco-report"
    assert f"report: {report / 'report.html'}" in outcome.stdout
    key = tmp_path / "demo-out" / "demo-key" / "DEMO-KEY-NOT-FOR-PRODUCTION.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    metadata = json.loads((report / "manifest.json").read_text())["metadata"]
    trades = ROOT / "sample_artifacts" / "inputs" / "trades.csv"
    assert metadata["inputs"]["trades_path"]["sha256"] == sha256_file(trades)
    results = json.loads((report / "results.json").read_text())["values"]
    assert results["n_trades"] == 20000
    html = (report / "report.html").read_text()
    assert html.count('class="plotly-graph-div stage5kit-figure"') == 7
    for name in ("kpis.csv", "daily_costs.csv", "breaches.csv", "budget_status.csv"):
        assert (report / name).is_file()
    rerun = CliRunner().invoke(main, ["verify", str(report), "--key", f"file:{key}"])
    assert rerun.exit_code == 0, rerun.output


def test_cell_timeout_names_the_cell(
    probe_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cell running past --cell-timeout fails the report naming that cell (25 s, so the
    quick cells before it finish in time even on a loaded machine)."""
    monkeypatch.delenv("STAGE5KIT_SIGNING_KEY", raising=False)
    outcome = CliRunner().invoke(
        main,
        [
            "report",
            "run",
            str(probe_notebook),
            "-p",
            "sleep_s",
            "60",
            "--cell-timeout",
            "25",
            "--out",
            str(tmp_path / "slow"),
        ],
    )
    assert outcome.exit_code == 1
    assert (
        "NotebookError: probe.ipynb: cell 7 of the source notebook did not finish within 25 s"
        in (outcome.stderr)
    )
