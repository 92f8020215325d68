"""`stage5kit sample trades` writes the same bytes for the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.core import load_trades


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_same_seed_writes_identical_bytes(tmp_path: Path, suffix: str) -> None:
    """Two runs with one seed give byte-identical files that load as valid logs."""
    runner = CliRunner()
    paths = [tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"]
    for path in paths:
        result = runner.invoke(
            main, ["sample", "trades", "--rows", "800", "--seed", "9", "--out", str(path)]
        )
        assert result.exit_code == 0, result.output
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert len(load_trades(paths[0])) == 800


def test_committed_samples_match_the_command(tmp_path: Path) -> None:
    """sample_artifacts/inputs/ is exactly what `stage5kit sample inputs` writes."""
    out = tmp_path / "inputs"
    result = CliRunner().invoke(main, ["sample", "inputs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    committed = Path(__file__).resolve().parents[2] / "sample_artifacts" / "inputs"
    for name in ("trades.csv", "infra_costs.csv", "thresholds.yaml", "budget.yaml"):
        assert (out / name).read_bytes() == (committed / name).read_bytes(), name


def test_sample_trades_matches_sample_inputs(tmp_path: Path) -> None:
    """`sample trades --rows 20000 --seed 5` writes the committed trades.csv."""
    out = tmp_path / "trades.csv"
    args = ["sample", "trades", "--rows", "20000", "--seed", "5", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    committed = Path(__file__).resolve().parents[2] / "sample_artifacts" / "inputs" / "trades.csv"
    assert out.read_bytes() == committed.read_bytes()
