"""`stage5kit stress`: results CSV and summary JSON, reproducible, bad scenarios exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.files import sha256_file

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "sample_artifacts" / "inputs"
TRADES = INPUTS / "trades.csv"
BAD_SCENARIOS = ROOT / "tests" / "data" / "bad_scenarios"
SMALL = ["--paths", "300", "--days", "10", "--seed", "4"]


def _stress(*arguments: str):
    return CliRunner().invoke(main, ["stress", str(TRADES), *SMALL, *arguments])


def test_writes_results_csv_and_summary_json(tmp_path: Path) -> None:
    """A run writes one CSV row per scenario and a JSON summary naming the input's sha256."""
    out = tmp_path / "out"
    result = _stress("--out", str(out))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "stress_results.csv")
    assert list(table["scenario"])[:2] == ["baseline", "fee_hike_50"]
    assert len(table) == 7
    assert {"var95_daily_cost", "es975_daily_cost", "delta_cost_bps"} <= set(table.columns)
    summary = json.loads((out / "stress_summary.json").read_text())
    assert summary["schema"] == "stage5kit.stress/1"
    assert summary["inputs"]["trades"]["files"] == [
        {"name": str(TRADES), "sha256": sha256_file(TRADES)}
    ]
    assert summary["parameters"]["paths"] == 300
    assert [r["scenario"]["name"] for r in summary["results"]] == list(table["scenario"])
    assert "baseline costs" in summary["reading"]
    assert "fee_hike_50" in result.stdout


def test_json_format_prints_the_summary(tmp_path: Path) -> None:
    """--format json prints the same summary that is written to stress_summary.json."""
    out = tmp_path / "out"
    result = _stress("--scenarios", "fee_hike_50", "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == json.loads((out / "stress_summary.json").read_text())
    assert [r["scenario"]["name"] for r in printed["results"]] == ["baseline", "fee_hike_50"]


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    """Two runs with one seed write byte-identical results."""
    for name in ("a", "b"):
        assert _stress("--out", str(tmp_path / name)).exit_code == 0
    first, second = (tmp_path / n / "stress_results.csv" for n in ("a", "b"))
    assert first.read_bytes() == second.read_bytes()


def test_two_workers_give_the_same_results_as_one(tmp_path: Path) -> None:
    """--workers 2 writes the same numbers as one worker."""
    arguments = ["--scenarios", "liquidity_crunch", "--paths", "2100"]
    assert _stress(*arguments, "--out", str(tmp_path / "one")).exit_code == 0
    result = _stress(*arguments, "--workers", "2", "--out", str(tmp_path / "two"))
    assert result.exit_code == 0, result.output
    one = pd.read_csv(tmp_path / "one" / "stress_results.csv")
    two = pd.read_csv(tmp_path / "two" / "stress_results.csv")
    pd.testing.assert_frame_equal(one, two)


def test_tco_view_with_infra_costs_and_budget_file(tmp_path: Path) -> None:
    """--include-tco adds infra to the TCO; a budget file is scaled to the horizon."""
    out = tmp_path / "out"
    result = _stress(
        "--include-tco",
        "--infra-costs",
        str(INPUTS / "infra_costs.csv"),
        "--budget",
        str(INPUTS / "budget.yaml"),
        "--gross-edge-bps",
        "8",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "stress_results.csv")
    summary = json.loads((out / "stress_summary.json").read_text())
    infra = summary["parameters"]["infra_cost_per_day"] * 10
    assert infra > 0
    assert table.loc[0, "expected_tco"] == pytest.approx(
        table.loc[0, "expected_period_cost"] + infra
    )
    assert summary["parameters"]["budget"] > 0
    assert table["p_budget_breach"].between(0, 1).all()
    assert table["p_net_pnl_negative"].notna().all()


def test_custom_scenario_file_runs_after_baseline(tmp_path: Path) -> None:
    """A YAML file of custom scenarios is simulated after baseline."""
    scenarios = tmp_path / "mine.yaml"
    scenarios.write_text("scenarios:\n  - name: kraken_down\n    outage_venue: kraken\n")
    out = tmp_path / "out"
    result = _stress("--scenarios", str(scenarios), "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "stress_results.csv")
    assert list(table["scenario"]) == ["baseline", "kraken_down"]
    assert table.loc[1, "delta_expected_notional"] < 0


@pytest.mark.parametrize("path", sorted(BAD_SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_scenario_file_exits_2_and_writes_nothing(tmp_path: Path, path: Path) -> None:
    """Each bad scenario file gives exit 2, its message on stderr, and no output folder."""
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expected: ")
    out = tmp_path / "out"
    result = _stress("--scenarios", str(path), "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith("ConfigError: ")
    assert expected in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["--scenarios", "fee_hike_5"], "unknown scenario 'fee_hike_5'"),
        (["--infra-costs", str(INPUTS / "infra_costs.csv")], "only used with --include-tco"),
        (["--budget", "lots"], "neither an amount nor a budget file"),
        (["--budget", "-5"], "budget must be a positive amount"),
        (["--budget", str(INPUTS / "budget.yaml")], "turn on --include-tco"),
        (["--scenarios", "missing.yaml"], "missing.yaml: cannot read the scenario file"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, arguments: list[str], fragment: str) -> None:
    """Each bad option combination is a ConfigError with exit 2 and nothing written."""
    out = tmp_path / "out"
    result = _stress(*arguments, "--out", str(out))
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert not out.exists()


def test_bad_trade_log_exits_2(tmp_path: Path) -> None:
    """A trade log with a negative quantity is an InputError with exit 2 and nothing written."""
    lines = TRADES.read_text().splitlines()[:3]
    header = lines[0].split(",")
    row = lines[2].split(",")
    row[header.index('"quantity"')] = "-1"
    bad = tmp_path / "trades.csv"
    bad.write_text("\n".join([lines[0], lines[1], ",".join(row)]) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["stress", str(bad), *SMALL, "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("InputError: ")
    assert "row 3" in result.stderr
    assert not out.exists()


def test_key_signs_both_files(tmp_path: Path) -> None:
    """--key signs stress_results.csv and stress_summary.json; both verify."""
    from stage5kit.signing import load_verification_key, verify_file

    spec = "hex:" + "ab" * 32
    out = tmp_path / "out"
    result = _stress(
        "--scenarios", "fee_hike_50", "--key", spec, "--key-id", "t", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    key = load_verification_key(spec, key_id="t")
    for name in ("stress_results.csv", "stress_summary.json"):
        assert verify_file(out / name, key).status == "ok"
    assert "ab" * 32 not in result.output
