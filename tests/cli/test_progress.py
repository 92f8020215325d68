"""Progress bars: on a terminal (a real pty) every long command draws a bar with a total and
an ETA; ``--format json``, ``stage5kit --quiet`` and a stderr that is no terminal draw none.
``-v`` turns on the library's logging."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "reporting" / "notebooks" / "probe.ipynb"
# tqdm's "n/total [elapsed<remaining" : a total and an ETA
BAR = re.compile(r"\d+/(\d+) \[\d\d:\d\d<\d\d:\d\d")
STOP_AFTER_S = 600


def _run(arguments: Sequence[str], *, cwd: Path, terminal: bool) -> tuple[int, str, str]:
    """Run ``stage5kit ARGUMENTS``; stderr on a pseudo-terminal when ``terminal``."""
    command = [sys.executable, "-m", "stage5kit", *arguments]
    env = {**os.environ, "COLUMNS": "120"}
    if not terminal:
        done = subprocess.run(
            command,
            check=False,
            cwd=cwd,
            capture_output=True,
            text=True,
            env=env,
            timeout=STOP_AFTER_S,
        )
        return done.returncode, done.stdout, done.stderr
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    with subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=slave, env=env
    ) as process:
        os.close(slave)
        chunks = []
        while True:
            ready, _, _ = select.select([master], [], [], STOP_AFTER_S)
            if not ready:
                process.kill()
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the pty closes when the command exits
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout = process.stdout.read().decode() if process.stdout else ""
        code = process.wait(timeout=STOP_AFTER_S)
    os.close(master)
    return code, stdout, b"".join(chunks).decode(errors="replace")


def _totals(stderr: str) -> set[int]:
    return {int(total) for total in BAR.findall(stderr)}


@pytest.fixture(scope="module")
def trades(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small trade log (enough history for the stress test)."""
    folder = tmp_path_factory.mktemp("trades")
    code, _, stderr = _run(
        ["sample", "trades", "--rows", "3000", "--days", "40", "--out", "trades.csv"],
        cwd=folder,
        terminal=False,
    )
    assert code == 0, stderr
    return folder / "trades.csv"


def _no_bar(stderr: str) -> bool:
    """No tqdm bar at all: no n/total, no rate (a bar without a total still shows one)."""
    return not BAR.search(stderr) and "/s]" not in stderr


def _assert_quiet_modes(
    arguments: list[str], cwd: Path, *, json_arguments: list[str] | None
) -> None:
    """No bar with --quiet, with a piped stderr, and (if the command has it) --format json."""
    code, _, stderr = _run(["--quiet", *arguments], cwd=cwd, terminal=True)
    assert code == 0, stderr
    assert _no_bar(stderr), stderr
    code, _, stderr = _run(arguments, cwd=cwd, terminal=False)
    assert code == 0, stderr
    assert _no_bar(stderr), stderr
    assert "\r" not in stderr
    if json_arguments is not None:
        code, stdout, stderr = _run(json_arguments, cwd=cwd, terminal=True)
        assert code == 0, stderr
        assert _no_bar(stderr), stderr
        assert stdout.lstrip().startswith("{")


def test_stress_bar_counts_chunks_of_paths(trades: Path, tmp_path: Path) -> None:
    """3,000 paths are 3 chunks of 1,024; two scenarios make a total of 6 chunks."""
    arguments = [
        "stress",
        str(trades),
        "--scenarios",
        "baseline,fee_hike_50",
        "--paths",
        "3000",
        "--days",
        "5",
        "--out",
        "out",
    ]
    code, _, stderr = _run(arguments, cwd=tmp_path, terminal=True)
    assert code == 0, stderr
    assert _totals(stderr) == {6}, stderr
    assert "6/6" in stderr
    _assert_quiet_modes(arguments, tmp_path, json_arguments=[*arguments, "--format", "json"])


def test_sample_trades_bar_counts_rows(tmp_path: Path) -> None:
    """Writing a sample log shows rows written out of the rows asked for."""
    arguments = ["sample", "trades", "--rows", "250000", "--out", "t.csv"]
    code, _, stderr = _run(arguments, cwd=tmp_path, terminal=True)
    assert code == 0, stderr
    assert "250k/250k" in stderr, stderr
    assert BAR.search(stderr.replace("k", "")), stderr
    _assert_quiet_modes(arguments, tmp_path, json_arguments=None)


def test_tco_bar_and_quiet_modes(trades: Path, tmp_path: Path) -> None:
    """tco shows a bar on a terminal and none under --quiet, a pipe or --format json."""
    arguments = ["tco", str(trades), "--out", "out"]
    code, _, stderr = _run(arguments, cwd=tmp_path, terminal=True)
    assert code == 0, stderr
    # A total to count against: trades for Parquet, bytes read for CSV.
    assert re.search(r"tco: .*\| *[0-9.]+/[0-9.]+", stderr), stderr
    _assert_quiet_modes(arguments, tmp_path, json_arguments=[*arguments, "--format", "json"])


def test_verbose_logs_each_layer(trades: Path, tmp_path: Path) -> None:
    """-v prints the library's log records on stderr; without it there are none."""
    arguments = ["stress", str(trades), "--scenarios", "baseline", "--paths", "10", "--days", "5"]
    code, _, stderr = _run(["-v", *arguments, "--out", "a"], cwd=tmp_path, terminal=False)
    assert code == 0, stderr
    assert "INFO stage5kit.core.stress.engine: scenario baseline simulated" in stderr
    code, _, stderr = _run([*arguments, "--out", "b"], cwd=tmp_path, terminal=False)
    assert "INFO" not in stderr


@pytest.mark.slow
def test_sample_artifacts_bar_counts_steps(tmp_path: Path) -> None:
    """Rebuilding the sample artifacts shows its 5 steps (inputs to bundle)."""
    arguments = ["sample", "artifacts", "--out", "artifacts"]
    code, _, stderr = _run(arguments, cwd=tmp_path, terminal=True)
    assert code == 0, stderr
    assert _totals(stderr) == {5}, stderr
    code, _, stderr = _run(["--quiet", *arguments], cwd=tmp_path, terminal=True)
    assert code == 0, stderr
    assert _no_bar(stderr)


@pytest.mark.slow
def test_report_run_bar_counts_cells(tmp_path: Path) -> None:
    """report run shows executed cells out of the notebook's cells."""
    arguments = ["report", "run", str(PROBE), "--out", "report"]
    code, _, stderr = _run(arguments, cwd=tmp_path, terminal=True)
    assert code == 0, stderr
    assert _totals(stderr), stderr
    assert max(_totals(stderr)) >= 7
    _assert_quiet_modes(arguments, tmp_path, json_arguments=[*arguments, "--format", "json"])


@pytest.mark.slow
def test_report_batch_bar_counts_reports(tmp_path: Path) -> None:
    """report batch shows finished reports out of the reports it builds."""
    grid = tmp_path / "grid.yaml"
    runs = [{"label": "a", "scale": 1}, {"label": "b", "scale": 2}]
    grid.write_text(yaml.safe_dump({"notebook": str(PROBE), "grid": runs}))
    arguments = ["report", "batch", str(grid), "--workers", "1", "--out", "out"]
    code, _, stderr = _run(arguments, cwd=tmp_path, terminal=True)
    assert code == 0, stderr
    assert _totals(stderr) == {2}, stderr
    _assert_quiet_modes(arguments, tmp_path, json_arguments=[*arguments, "--format", "json"])
