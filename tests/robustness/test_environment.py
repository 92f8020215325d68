"""Requests the machine cannot serve and outputs it cannot write: refused up front, exit 2 or 3."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from tests.robustness.conftest import assert_refused, run_cli

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "reporting" / "notebooks" / "probe.ipynb"


def test_stress_memory_request_is_refused_with_the_estimate(
    trades_csv: Path, tmp_path: Path
) -> None:
    """--paths 1e8 --days 1e5 is refused at once with the estimate (was a MemoryError)."""
    out = tmp_path / "out"
    started = time.perf_counter()
    outcome = run_cli(
        ["stress", str(trades_csv), "--paths", "100000000", "--days", "100000", "--out", str(out)]
    )
    assert_refused(outcome, says=("needs about 240.0 TB of memory", "this machine has", "--paths"))
    assert time.perf_counter() - started < 60  # refused before any simulation
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["tco", "{trades}", "--out", "/proc/x"],
        ["stress", "{trades}", "--paths", "20", "--days", "3", "--out", "/proc/x"],
        ["keys", "generate", "--algorithm", "hmac", "--key-id", "k", "--out", "/proc/x"],
        ["sample", "trades", "--rows", "10", "--out", "/proc/x/t.csv"],
    ],
)
def test_out_under_proc_is_an_environment_error(trades_csv: Path, args: list[str]) -> None:
    """An --out the system will not create (/proc/x) exits 3 naming the path, no traceback."""
    if not Path("/proc/self").exists():
        pytest.skip("needs a Linux /proc")
    outcome = run_cli([a.replace("{trades}", str(trades_csv)) for a in args])
    assert_refused(outcome, code=3, says=("ResourceError: ", "/proc/x"))


def test_report_out_under_proc_is_an_environment_error() -> None:
    """`report run --out /proc/x` exits 3 before a kernel starts."""
    if not Path("/proc/self").exists():
        pytest.skip("needs a Linux /proc")
    outcome = run_cli(["report", "run", str(PROBE), "--out", "/proc/x"])
    assert_refused(outcome, code=3, says=("ResourceError: ", "/proc/x"))


def _notebook(tmp_path: Path, name: str, metadata: object) -> Path:
    data = json.loads(PROBE.read_text(encoding="utf-8"))
    data["metadata"] = metadata
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("metadata", "says"),
    [
        ({"kernelspec": {"name": "rust"}}, "'display_name' is a required property"),
        ({"kernelspec": None}, "not a valid notebook"),
        (
            {"kernelspec": {"name": "ir", "display_name": "R", "language": "R"}},
            "needs the Jupyter kernel 'ir' (R)",
        ),
    ],
)
def test_notebook_with_a_broken_kernelspec_is_refused_before_a_kernel(
    tmp_path: Path, metadata: object, says: str
) -> None:
    """A kernelspec nbformat refuses, or a non-Python one, exits 2 before anything runs."""
    notebook = _notebook(tmp_path, "broken.ipynb", metadata)
    out = tmp_path / "out"
    outcome = run_cli(["report", "run", str(notebook), "--out", str(out)])
    assert_refused(outcome, says=("broken.ipynb", says))
    assert not out.exists()


@pytest.mark.slow
def test_notebook_without_a_kernelspec_runs(tmp_path: Path) -> None:
    """A notebook whose metadata has no kernelspec runs on the Python kernel (was ValueError)."""
    notebook = _notebook(tmp_path, "bare.ipynb", {})
    out = tmp_path / "out"
    outcome = run_cli(["report", "run", str(notebook), "--out", str(out), "-p", "scale", "3"])
    assert outcome.exit_code == 0, outcome.stderr
    assert "scale_squared: 9" in outcome.stdout
    assert (out / "report.html").is_file()
