"""Batches: parallel reports, one failure isolated, resume after kill -9, a real Dask cluster."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from stage5kit.reporting import run_batch
from stage5kit.signing import SigningKey, verify_manifest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report-batch")]


def _write_grid(folder: Path, notebook: Path, runs: list[dict[str, object]]) -> Path:
    grid = folder / "grid.yaml"
    grid.write_text(yaml.safe_dump({"notebook": str(notebook), "grid": runs}))
    return grid


def _markers(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@pytest.fixture(scope="module")
def local_batch(
    tmp_path_factory: pytest.TempPathFactory, probe_notebook: Path, signing_key: SigningKey
) -> tuple[Path, Path, Path]:
    """A three-report batch on a two-process pool; the middle report fails on purpose."""
    folder = tmp_path_factory.mktemp("batch")
    marker = folder / "marker.txt"
    marker.touch()  # a confined kernel may write only to path parameters that exist
    runs: list[dict[str, object]] = [
        {"label": "one", "scale": 1, "marker_path": str(marker)},
        {"label": "two", "scale": 2, "fail": True, "marker_path": str(marker)},
        {"label": "three", "scale": 3, "marker_path": str(marker)},
    ]
    grid = _write_grid(folder, probe_notebook, runs)
    run_batch(grid, out_dir=folder / "out", workers=2, key=signing_key)
    return grid, folder / "out", marker


def test_batch_reports_verify_and_the_failure_stays_alone(
    local_batch: tuple[Path, Path, Path], signing_key: SigningKey
) -> None:
    """Good reports are signed and verify; the failing one keeps its notebook, unsigned."""
    _, out, _ = local_batch
    for name in ("label=one__scale=1", "label=three__scale=3"):
        assert verify_manifest(out / name, signing_key.verification_key()).ok
    failed = out / "label=two__scale=2__fail=True"
    assert (failed / "report.ipynb").is_file()
    assert not (failed / "manifest.json").exists()


def test_index_lists_every_report_with_status_and_kpis(
    local_batch: tuple[Path, Path, Path],
) -> None:
    """index.csv has a row per report with its status, parameters and recorded KPIs."""
    _, out, _ = local_batch
    rows = list(csv.DictReader((out / "index.csv").read_text().splitlines()))
    summary = [(r["label"], r["status"], r["result.scale_squared"]) for r in rows]
    assert summary == [("one", "ok", "1"), ("two", "failed", ""), ("three", "ok", "9")]
    assert "NotebookError" in rows[1]["error"]
    assert (out / "index.html").is_file()


def test_rerun_skips_verified_reports_and_retries_the_failed_one(
    local_batch: tuple[Path, Path, Path], signing_key: SigningKey
) -> None:
    """A second run executes only the report that failed; verified ones are resumed."""
    grid, out, marker = local_batch
    before = _markers(marker)
    result = run_batch(grid, out_dir=out, workers=1, key=signing_key)
    assert [e.status for e in result.entries] == ["resumed", "failed", "resumed"]
    assert _markers(marker) == before
    assert sorted(before) == ["one", "three"]


def test_batch_runs_on_a_dask_cluster(
    tmp_path: Path, probe_notebook: Path, signing_key: SigningKey
) -> None:
    """With a scheduler address the reports are built by a real Dask LocalCluster."""
    from distributed import LocalCluster

    grid = _write_grid(tmp_path, probe_notebook, [{"scale": 4}, {"scale": 5}])
    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        result = run_batch(
            grid, out_dir=tmp_path / "out", scheduler=cluster.scheduler_address, key=signing_key
        )
    assert [e.status for e in result.entries] == ["ok", "ok"]
    assert [e.results["scale_squared"] for e in result.entries] == [16, 25]
    for entry in result.entries:
        assert verify_manifest(tmp_path / "out" / entry.name, signing_key.verification_key()).ok


def test_batch_killed_midway_resumes_without_rerunning_finished_reports(
    tmp_path: Path, probe_notebook: Path, signing_key: SigningKey
) -> None:
    """kill -9 after the first report lands; a rerun completes, all verify, none ran twice."""
    marker = tmp_path / "marker.txt"
    marker.touch()  # a confined kernel may write only to path parameters that exist
    labels = ["a", "b", "c", "d"]
    runs = [{"label": x, "sleep_s": 1.0, "marker_path": str(marker)} for x in labels]
    grid = _write_grid(tmp_path, probe_notebook, runs)
    out = tmp_path / "out"
    key_env = {**os.environ, "STAGE5KIT_SIGNING_KEY": f"file:{tmp_path / 'k.hex'}"}
    (tmp_path / "k.hex").write_text(signing_key.secret_forms()[1].decode())
    (tmp_path / "k.hex").chmod(0o600)
    command = [sys.executable, "-m", "stage5kit", "report", "batch", str(grid), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--workers", "1"],
        env=key_env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not list(out.glob("*/manifest.json.sig")) and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = {p.parent.name: p.read_bytes() for p in out.glob("*/manifest.json")}
    assert 1 <= len(finished) < len(labels)
    completed_labels = _markers(marker)
    rerun = subprocess.run([*command, "--workers", "2"], env=key_env, check=False)
    assert rerun.returncode == 0
    for name in (f"label={x}" for x in labels):
        assert verify_manifest(out / name, signing_key.verification_key()).ok
    for name, manifest in finished.items():
        assert (out / name / "manifest.json").read_bytes() == manifest
    counts = {x: _markers(marker).count(x) for x in labels}
    for name in finished:
        assert counts[name.removeprefix("label=")] == 1
    assert all(counts[x] >= 1 for x in labels)
    assert set(completed_labels) <= set(labels)
    assert not list(out.glob(".*.building"))
