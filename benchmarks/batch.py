"""Batch of TCO reports: the kit's run_batch beside a shell loop of papermill + nbconvert.

Both sides run the same notebook (notebooks/tco_analysis.ipynb on the sample data) for the
same N parameter sets, in the same run. The reference is what people do by hand: a bash
loop calling the ``papermill`` CLI, then ``jupyter nbconvert --to html``, per report.
The kit runs a local process pool whose workers keep a warm kernel, renders the HTML in
process, and also scans and signs every report. Target: total wall >= 4x faster.
The per-report overhead is each side's seconds per report beyond the notebook's own
compute (the summed cell durations papermill records).

Usage: ``python benchmarks/batch.py [--reports N] [--workers W]`` (default 16 reports).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

from stage5kit.reporting import run_batch
from stage5kit.signing import load_signing_key

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "tco_analysis.ipynb"
TARGET_RATIO = 4.0
BENCH_KEY = "hex:" + "be" * 32


def notebook_compute_seconds(executed: Path) -> float:
    """Sum of the cell durations papermill recorded in an executed notebook."""
    notebook = nbformat.read(executed, as_version=4)
    return sum(
        float(cell.metadata.get("papermill", {}).get("duration") or 0.0) for cell in notebook.cells
    )


def titles(reports: int) -> list[str]:
    """One distinct title per report, so every report is its own parameter set."""
    return [f"TCO report {index + 1}" for index in range(reports)]


def run_kit(work: Path, reports: int, workers: int) -> tuple[float, list[Path]]:
    """Time run_batch over the grid; return wall seconds and the executed notebooks."""
    grid = work / "grid.yaml"
    runs = [{"title": title} for title in titles(reports)]
    grid.write_text(yaml.safe_dump({"notebook": str(NOTEBOOK), "grid": runs}))
    key = load_signing_key(BENCH_KEY)
    start = time.perf_counter()
    result = run_batch(grid, out_dir=work / "kit", workers=workers, key=key)
    wall = time.perf_counter() - start
    assert not result.failed, result.failed
    return wall, [work / "kit" / e.name / "report.ipynb" for e in result.entries]


def run_shell_loop(work: Path, reports: int) -> tuple[float, list[Path]]:
    """Time a bash loop of papermill then nbconvert per report; return wall and notebooks."""
    out = work / "loop"
    out.mkdir()
    bin_dir = Path(sys.executable).parent
    lines = []
    for index, title in enumerate(titles(reports)):
        target = out / f"report_{index + 1}.ipynb"
        lines.append(
            f"{bin_dir / 'papermill'} --no-progress-bar --cwd {shlex.quote(str(NOTEBOOK.parent))} "
            f"{shlex.quote(str(NOTEBOOK))} {shlex.quote(str(target))} "
            f"-p title {shlex.quote(title)} >/dev/null 2>&1 && "
            f"{bin_dir / 'jupyter'} nbconvert --to html --no-input {shlex.quote(str(target))} "
            ">/dev/null 2>&1 || exit 1"
        )
    script = "set -e\n" + "\n".join(lines) + "\n"
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1"}
    start = time.perf_counter()
    subprocess.run(["bash", "-c", script], check=True, env=env)
    wall = time.perf_counter() - start
    return wall, sorted(out.glob("report_*.ipynb"))


def main() -> None:
    """Run both sides on the same notebooks and print walls, ratio and per-report overhead."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="s5k-bench-") as folder:
        work = Path(folder)
        kit_wall, kit_notebooks = run_kit(work, options.reports, options.workers)
        loop_wall, loop_notebooks = run_shell_loop(work, options.reports)
        kit_compute = sum(map(notebook_compute_seconds, kit_notebooks)) / options.reports
        loop_compute = sum(map(notebook_compute_seconds, loop_notebooks)) / options.reports
    reports = options.reports
    kit_per_report = kit_wall * options.workers / reports
    loop_per_report = loop_wall / reports
    print(f"reports: {reports} x {NOTEBOOK.name} on the sample data")
    print(f"kit run_batch ({options.workers} workers, signed): {kit_wall:8.2f} s wall")
    print(f"shell loop papermill + nbconvert (serial):     {loop_wall:8.2f} s wall")
    ratio = loop_wall / kit_wall
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"speed-up: {ratio:.2f}x ({verdict} the {TARGET_RATIO:.0f}x target)")
    print(
        f"kit:  {kit_per_report:6.2f} worker-s per report, notebook compute {kit_compute:5.2f} s, "
        f"overhead {kit_per_report - kit_compute:5.2f} s"
    )
    print(
        f"loop: {loop_per_report:6.2f} s per report, notebook compute {loop_compute:5.2f} s, "
        f"overhead {loop_per_report - loop_compute:5.2f} s"
    )


if __name__ == "__main__":
    main()
