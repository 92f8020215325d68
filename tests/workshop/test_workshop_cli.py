"""`stage5kit workshop answers` and `workshop build` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.reporting import Exercise


def test_answers_match_the_exercise_of_each_seed() -> None:
    args = ["workshop", "answers", "--seeds", "2,4", "--rows", "2000", "--days", "60"]
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    key = json.loads(result.output)
    assert sorted(key) == ["2", "4"]
    exercise = Exercise(seed=4, rows=2000, days=60)
    assert key["4"]["dzien_zmiany"] == exercise.expected(1)
    assert key["4"]["strategia"] == exercise.expected(3)


@pytest.mark.parametrize("seeds", ["5-1", "a-3", "1-2-3"])
def test_bad_seed_range_is_a_usage_error(seeds: str) -> None:
    result = CliRunner().invoke(main, ["workshop", "answers", "--seeds", seeds])
    assert result.exit_code == 2
    assert "--seeds" in result.output


def test_build_names_a_missing_source(tmp_path: Path) -> None:
    args = ["workshop", "build", "--out", str(tmp_path / "o"), "--source", str(tmp_path / "x")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "cannot read the exercise notebook" in result.output
    assert not (tmp_path / "o").exists()
