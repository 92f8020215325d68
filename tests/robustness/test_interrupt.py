"""Ctrl-C during `report run`: exit 130, kernel stopped, temp folder removed, no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "reporting" / "notebooks" / "probe.ipynb"


def _children(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads child processes from /proc")
@pytest.mark.parametrize("whole_group", [True, False], ids=["terminal-ctrl-c", "sigint-to-cli"])
def test_sigint_during_report_run_exits_130_cleanly(tmp_path: Path, whole_group: bool) -> None:
    """SIGINT while a cell runs: 130, no asyncio noise, kernel gone, nothing left behind.

    A terminal's Ctrl-C reaches the whole process group (the kernel too); ``kill -INT``
    reaches the CLI alone. Both must end the same way.
    """
    out = tmp_path / "report"
    command = [sys.executable, "-m", "stage5kit", "report", "run", str(PROBE)]
    process = subprocess.Popen(
        [*command, "-p", "sleep_s", "60", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert _wait_for(lambda: _children(process.pid), 120), "no kernel started"
        kernels = _children(process.pid)
        # The parameters and imports run first; the sleeping cell follows within seconds.
        time.sleep(6)
        if whole_group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "Task exception was never retrieved" not in stderr
    assert "interrupted" in stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report.")] == []
    assert _wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in kernels), 30)
