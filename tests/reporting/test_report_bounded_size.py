"""Reports of bounded size: the same report on a log 10x longer is the same size.

Each notebook is run for real by ``stage5kit report run`` (papermill, a kernel, nbconvert)
on a 20,000- and a 200,000-trade log over the same days. Tolerance: 2% of the smaller
report. A figure that carried one byte per trade would grow by 180 KB between the two
runs; 2% is about 105 KB of the ~5.3 MB HTML (4.7 MB of which is plotly.js, the same in
both) and about 6 KB of the ~320 KB executed notebook, so any per-trade growth fails while
the few bytes that numbers gain in digits (and a different random sample) pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.core import generate_trades, write_trades

ROOT = Path(__file__).resolve().parents[2]
SHORT, LONG = 20_000, 200_000
TOLERANCE = 0.02
RUNS = {
    "tco_analysis": {},
    "stress_test": {"paths": 200, "days": 10},
}


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Two synthetic logs over the same 120 days, one ten times longer."""
    folder = tmp_path_factory.mktemp("logs")
    return {
        rows: write_trades(generate_trades(rows=rows, seed=12), folder / f"trades_{rows}.parquet")
        for rows in (SHORT, LONG)
    }


def _report(notebook: str, log: Path, out: Path) -> Path:
    arguments = ["report", "run", str(ROOT / "notebooks" / f"{notebook}.ipynb"), "--out", str(out)]
    arguments += ["-p", "trades_path", str(log)]
    for key, value in RUNS[notebook].items():
        arguments += ["-p", key, str(value)]
    outcome = CliRunner().invoke(main, arguments)
    assert outcome.exit_code == 0, outcome.output
    return out


@pytest.mark.slow
@pytest.mark.parametrize("notebook", sorted(RUNS))
def test_report_size_does_not_grow_with_the_log(
    notebook: str, logs: dict[int, Path], tmp_path: Path
) -> None:
    """report.html and report.ipynb on 200k trades are within 2% of those on 20k trades."""
    short = _report(notebook, logs[SHORT], tmp_path / "short")
    long = _report(notebook, logs[LONG], tmp_path / "long")
    if notebook == "tco_analysis":
        recorded = {
            rows: json.loads((folder / "results.json").read_text(encoding="utf-8"))
            for rows, folder in ((SHORT, short), (LONG, long))
        }
        assert [recorded[rows]["values"]["n_trades"] for rows in (SHORT, LONG)] == [SHORT, LONG]
    for name in ("report.html", "report.ipynb"):
        small, big = ((folder / name).stat().st_size for folder in (short, long))
        assert abs(big - small) <= TOLERANCE * small, (name, small, big)
