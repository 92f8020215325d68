"""Shared helpers of the robustness tests: a small valid trade log and a strict CLI check."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stage5kit.cli import main
from stage5kit.core import generate_trades, write_trades

# An error message is a few lines, never a dump of the input.
MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a CLI run left behind: exit code, stdout, stderr."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli(args: list[str]) -> Outcome:
    """Run ``stage5kit ARGS`` in-process; an exception that escaped the CLI fails the test."""
    result: Result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


def assert_refused(outcome: Outcome, *, code: int = 2, says: tuple[str, ...] = ()) -> None:
    """The run ended in ``code`` with a short message holding every text in ``says``."""
    assert outcome.exit_code == code, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert len(outcome.stderr) < MAX_MESSAGE_CHARS, outcome.stderr[:300]
    for text in says:
        assert text in outcome.stderr, outcome.stderr


@pytest.fixture
def trades_csv(tmp_path: Path) -> Path:
    """A valid 200-trade CSV log."""
    return write_trades(generate_trades(rows=200, seed=11, days=10), tmp_path / "trades.csv")


def edit_csv(source: Path, target: Path, cells: dict[tuple[int, str], str]) -> Path:
    """Copy a CSV with some cells replaced: ``(editor row, column) -> text`` (header is row 1)."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for (row, column), text in cells.items():
        rows[row - 1][header.index(column)] = text
    with target.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return target
