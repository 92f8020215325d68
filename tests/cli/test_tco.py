"""`stage5kit tco`: bad logs exit 2 writing nothing; good runs write, sign and grade breaches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.core import load_trades
from stage5kit.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad_trades"
EXPECTED = json.loads((BAD / "expected.json").read_text())
INPUTS = ROOT / "sample_artifacts" / "inputs"
HEX_KEY = "hex:" + "ab" * 32


def test_there_are_at_least_25_bad_files() -> None:
    """The bad-trade corpus holds at least 25 files, each with an expected error."""
    files = {p.name for p in BAD.iterdir() if p.name != "expected.json"}
    assert len(files) >= 25
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_exits_2_and_writes_nothing(tmp_path: Path, name: str) -> None:
    """Each malformed log makes `stage5kit tco` exit 2, name file/row/column, write nothing."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["tco", str(BAD / name), "--out", str(out)])
    expected = EXPECTED[name]
    assert result.exit_code == 2, result.output
    assert not out.exists()
    assert result.stderr.startswith("InputError: ")
    assert name in result.stderr
    assert expected["message"] in result.stderr
    if expected["problems"] > 1:
        assert f"{expected['problems']} problem(s) in input" in result.stderr
    if expected["row"] is not None:
        assert f"row {expected['row']}" in result.stderr
    if expected["column"] is not None:
        assert f"column '{expected['column']}'" in result.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_error_locates_the_first_problem(name: str) -> None:
    """load_trades raises InputError whose first problem is the expected file, row, column."""
    with pytest.raises(InputError) as caught:
        load_trades(BAD / name)
    expected = EXPECTED[name]
    assert caught.value.path is not None
    assert Path(caught.value.path).name == name
    assert caught.value.row == expected["row"]
    assert caught.value.column == expected["column"]
    assert len(caught.value.problems) == min(expected["problems"], 50)


def _run(tmp_path: Path, *extra: str) -> tuple[int, Path, str]:
    out = tmp_path / "out"
    args = ["tco", str(INPUTS / "trades.csv"), "--out", str(out), *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, out, result.output


def test_sample_run_writes_report_and_summary(tmp_path: Path) -> None:
    """A run on the samples writes one CSV row per group and a summary with sha256 and version."""
    code, out, _ = _run(
        tmp_path,
        "--infra-costs",
        str(INPUTS / "infra_costs.csv"),
        "--budget",
        str(INPUTS / "budget.yaml"),
        "--thresholds",
        str(INPUTS / "thresholds.yaml"),
    )
    assert code == 0
    summary = json.loads((out / "tco_summary.json").read_text())
    report = (out / "tco_report.csv").read_text().splitlines()
    assert len(report) - 1 == summary["n_groups"]
    assert summary["overall"]["n_trades"] == 20_000
    assert summary["kit_version"]
    files = summary["inputs"]["trades"]["files"]
    assert len(files[0]["sha256"]) == 64
    assert summary["parameters"]["by"] == ["strategy", "venue", "day"]
    assert {b["status"] for b in summary["budget_status"]} >= {"ok", "over"}
    assert summary["breaches"]


def test_same_inputs_give_identical_outputs(tmp_path: Path) -> None:
    """Two runs on the same inputs write byte-identical report and summary files."""
    first = _run(tmp_path / "a", "--by", "strategy,month")[1]
    second = _run(tmp_path / "b", "--by", "strategy,month")[1]
    for name in ("tco_report.csv", "tco_summary.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_fail_on_breach_exits_1_after_writing(tmp_path: Path) -> None:
    """With --fail-on-breach a breached limit exits 1, and the files are still written."""
    code, out, _ = _run(
        tmp_path, "--thresholds", str(INPUTS / "thresholds.yaml"), "--fail-on-breach"
    )
    assert code == 1
    assert (out / "tco_summary.json").is_file()


def test_no_breach_exits_0_with_fail_on_breach(tmp_path: Path) -> None:
    """Without limits or budgets, --fail-on-breach has nothing to fail on."""
    code, _, _ = _run(tmp_path, "--by", "strategy", "--fail-on-breach")
    assert code == 0


def test_key_signs_both_files(tmp_path: Path) -> None:
    """--key writes a verifying .sig beside each output file."""
    from stage5kit.signing import load_verification_key, verify_file

    code, out, _ = _run(tmp_path, "--by", "strategy", "--key", HEX_KEY)
    assert code == 0
    for name in ("tco_report.csv", "tco_summary.json"):
        assert (out / f"{name}.sig").is_file()
        verify_file(out / name, load_verification_key(HEX_KEY))


def test_json_format_prints_the_summary(tmp_path: Path) -> None:
    """--format json prints the summary JSON on stdout."""
    code, _, output = _run(tmp_path, "--by", "venue", "--format", "json")
    assert code == 0
    assert json.loads(output)["parameters"]["by"] == ["venue"]


def test_bad_group_key_is_a_usage_error(tmp_path: Path) -> None:
    """An unknown --by key exits 2 with ConfigError and writes nothing."""
    code, out, _ = _run(tmp_path, "--by", "strategy,colour")
    assert code == 2
    assert not out.exists()


def test_folder_of_parquet_is_one_log(tmp_path: Path) -> None:
    """A folder of Parquet files is analysed as one log and each file's sha256 is listed."""
    from stage5kit.core import generate_trades, write_trades

    log = generate_trades(rows=3_000, seed=6)
    folder = tmp_path / "log"
    write_trades(log.iloc[:1_000], folder / "part-0.parquet")
    write_trades(log.iloc[1_000:], folder / "part-1.parquet")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["tco", str(folder), "--out", str(out), "--by", "venue"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "tco_summary.json").read_text())
    assert summary["overall"]["n_trades"] == 3_000
    names = [Path(f["name"]).name for f in summary["inputs"]["trades"]["files"]]
    assert names == ["part-0.parquet", "part-1.parquet"]


def test_progress_total_is_rows_for_parquet_and_bytes_for_csv(tmp_path: Path) -> None:
    """The bar's total: the Parquet files' row count, or the CSV's size advanced per line."""
    from stage5kit.cli.tco import _progress_scale
    from stage5kit.core import generate_trades, write_trades

    trades = generate_trades(rows=300, seed=1)
    parquet = [write_trades(trades, tmp_path / f"{i}.parquet") for i in range(2)]
    assert _progress_scale(parquet) == (600.0, " trades", 1.0)
    csv = write_trades(trades, tmp_path / "t.csv")
    total, unit, per_trade = _progress_scale([csv])
    assert (total, unit) == (csv.stat().st_size, "B")
    assert 300 * per_trade == pytest.approx(csv.stat().st_size, rel=0.05)
