"""Batches: parallel reports, one failure isolated, resume after kill -9, a real Dask cluster."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
import yaml

from stage5kit.files import file_lock
from stage5kit.reporting import BatchEntry, run_batch
from stage5kit.signing import SigningKey, verify_manifest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report-batch")]


BATCH_LOCK = ".batch.lock"


def _write_grid(folder: Path, notebook: Path, runs: list[dict[str, object]]) -> Path:
    grid = folder / "grid.yaml"
    grid.write_text(yaml.safe_dump({"notebook": str(notebook), "grid": runs}))
    return grid


def _markers(path: Path) -> list[str]:
    """The labels reports wrote into a marker file, or into every marker file of a folder."""
    files = sorted(path.glob("marker-*.txt")) if path.is_dir() else [path]
    return [line for f in files if f.exists() for line in f.read_text().splitlines()]


def _folder(out: Path, readable: str) -> Path:
    """The one report folder named ``readable`` plus its parameter hash."""
    (found,) = out.glob(f"{readable}__" + "?" * 10)
    return found


@pytest.fixture(scope="module")
def local_batch(
    tmp_path_factory: pytest.TempPathFactory, probe_notebook: Path, signing_key: SigningKey
) -> tuple[Path, Path, Path]:
    """A three-report batch on a two-process pool; the middle report fails on purpose."""
    folder = tmp_path_factory.mktemp("batch")
    # One marker per report: a file is an input whose sha256 a resume compares, so a file
    # shared by reports that all write to it would make every earlier report stale.
    markers = {label: folder / f"marker-{label}.txt" for label in ("one", "two", "three")}
    for marker in markers.values():
        marker.touch()  # a confined kernel may write only to path parameters that exist
    runs: list[dict[str, object]] = [
        {"label": "one", "scale": 1, "marker_path": str(markers["one"])},
        {"label": "two", "scale": 2, "fail": True, "marker_path": str(markers["two"])},
        {"label": "three", "scale": 3, "marker_path": str(markers["three"])},
    ]
    grid = _write_grid(folder, probe_notebook, runs)
    run_batch(grid, out_dir=folder / "out", workers=2, key=signing_key)
    return grid, folder / "out", folder


def test_batch_reports_verify_and_the_failure_stays_alone(
    local_batch: tuple[Path, Path, Path], signing_key: SigningKey
) -> None:
    """Good reports are signed and verify; the failing one keeps its notebook, unsigned."""
    _, out, _ = local_batch
    for name in (
        "label=one__marker_path=marker-one__scale=1",
        "label=three__marker_path=marker-three__scale=3",
    ):
        assert verify_manifest(_folder(out, name), signing_key.verification_key()).ok
    failed = _folder(out, "label=two__marker_path=marker-two__scale=2__fail=true")
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
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        result = run_batch(
            grid, out_dir=tmp_path / "out", scheduler=cluster.scheduler_address, key=signing_key
        )
    assert [e.status for e in result.entries] == ["ok", "ok"]
    assert [e.results["scale_squared"] for e in result.entries] == [16, 25]
    for entry in result.entries:
        assert verify_manifest(tmp_path / "out" / entry.name, signing_key.verification_key()).ok


def _finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for a process; its exit code and stderr (pipes closed)."""
    _, stderr = process.communicate(timeout=600)
    return process.returncode, stderr


def _descendants(pid: int) -> dict[psutil.Process, str]:
    """Every live descendant of ``pid`` (workers, kernels, resource tracker) and its command."""
    found = {}
    for child in psutil.Process(pid).children(recursive=True):
        try:
            found[child] = " ".join(child.cmdline())
        except psutil.NoSuchProcess:
            continue
    return found


def _alive(processes: dict[psutil.Process, str]) -> list[str]:
    """The commands of those processes still running (zombies count as gone)."""
    alive = []
    for process, command in processes.items():
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(command[:120])
        except psutil.NoSuchProcess:
            continue
    return alive


def test_batch_killed_midway_leaves_nothing_running_and_resumes_once(
    tmp_path: Path, probe_notebook: Path, signing_key: SigningKey
) -> None:
    """kill -9 of the batch alone (not its group): workers and kernels follow within seconds;
    the rerun builds every unfinished report exactly once and none of the finished ones."""
    marker = tmp_path / "marker.txt"
    marker.touch()  # a confined kernel may write only to path parameters that exist
    labels = ["a", "b", "c", "d", "e"]
    runs = [{"label": x, "sleep_s": 1.5, "marker_path": str(marker)} for x in labels]
    grid = _write_grid(tmp_path, probe_notebook, runs)
    out = tmp_path / "out"
    key_env = {**os.environ, "STAGE5KIT_SIGNING_KEY": f"file:{tmp_path / 'k.hex'}"}
    (tmp_path / "k.hex").write_text(signing_key.secret_forms()[1].decode())
    (tmp_path / "k.hex").chmod(0o600)
    command = [sys.executable, "-m", "stage5kit", "report", "batch", str(grid), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--workers", "2"],
        env=key_env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not list(out.glob("*/manifest.json.sig")) and process.poll() is None:
            time.sleep(0.05)
        children = _descendants(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    kernels = [command for command in children.values() if "ipykernel" in command]
    assert kernels, "the batch was killed before any kernel ran"
    deadline = time.monotonic() + 10
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(children) == []
    finished = {p.parent.name: p.read_bytes() for p in out.glob("*/manifest.json")}
    assert 1 <= len(finished) < len(labels)
    before = _markers(marker)
    rerun = subprocess.run([*command, "--workers", "2"], env=key_env, check=False)
    assert rerun.returncode == 0
    rebuilt = _markers(marker)[len(before) :]
    unfinished = [x for x in labels if not any(n.startswith(f"label={x}__") for n in finished)]
    assert sorted(rebuilt) == unfinished
    for name, manifest in finished.items():
        assert (out / name / "manifest.json").read_bytes() == manifest
    for x in labels:
        assert verify_manifest(_folder(out, f"label={x}"), signing_key.verification_key()).ok
    assert not list(out.glob(".*.building"))


def test_values_that_once_shared_a_folder_get_one_whole_report_each(
    tmp_path: Path, probe_notebook: Path, signing_key: SigningKey
) -> None:
    """Labels 'p/a', 'a__3' and 'q/a' once shared 'label=a__3' (a signed empty folder, a lost
    report); now each has its own folder holding every file, and the index lists three."""
    runs: list[dict[str, object]] = [{"label": "p/a"}, {"label": "a__3"}, {"label": "q/a"}]
    grid = _write_grid(tmp_path, probe_notebook, runs)
    out = tmp_path / "out"
    result = run_batch(grid, out_dir=out, workers=1, key=signing_key)
    assert [e.status for e in result.entries] == ["ok", "ok", "ok"]
    assert len({e.name for e in result.entries}) == 3
    for entry, run in zip(result.entries, runs, strict=True):
        folder = out / entry.name
        assert verify_manifest(folder, signing_key.verification_key()).ok
        assert {"report.ipynb", "report.html", "results.json", "data.csv"} <= {
            p.name for p in folder.iterdir()
        }
        assert entry.results["label"] == run["label"]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    rows = list(csv.DictReader((out / "index.csv").read_text().splitlines()))
    assert sorted(r["label"] for r in rows) == ["a__3", "p/a", "q/a"]


def test_resume_needs_the_same_notebook_and_inputs_and_says_why_not(
    tmp_path: Path, probe_notebook: Path, signing_key: SigningKey
) -> None:
    """An edited notebook or input file is rebuilt with a reason; an unchanged one resumes."""
    notebook = tmp_path / "probe.ipynb"
    shutil.copy(probe_notebook, notebook)
    marker = tmp_path / "marker.txt"
    marker.touch()  # a confined kernel may write only to path parameters that exist
    grid = _write_grid(tmp_path, notebook, [{"label": "x", "marker_path": str(marker)}])
    out = tmp_path / "out"

    def batch() -> BatchEntry:
        (entry,) = run_batch(grid, out_dir=out, workers=1, key=signing_key).entries
        return entry

    assert (batch().status, _markers(marker)) == ("ok", ["x"])
    assert (batch().status, _markers(marker)) == ("resumed", ["x"])
    document = json.loads(notebook.read_text())
    document["cells"][0]["source"] = ["# Probe report, edited\n"]
    notebook.write_text(json.dumps(document))
    edited = batch()
    assert (edited.status, edited.note) == (
        "ok",
        "notebook probe.ipynb changed since the signed report",
    )
    assert _markers(marker) == ["x", "x"]
    marker.write_text("edited by hand\n")
    changed = batch()
    assert (changed.status, changed.note) == (
        "ok",
        "input marker_path changed since the signed report",
    )
    rows = list(csv.DictReader((out / "index.csv").read_text().splitlines()))
    assert rows[0]["note"] == "input marker_path changed since the signed report"
    assert batch().status == "resumed"


def test_wait_lets_a_second_batch_run_after_the_first(
    tmp_path: Path, probe_notebook: Path, signing_key: SigningKey
) -> None:
    """With wait the second batch blocks on the lock, then resumes what the first built."""
    grid = _write_grid(tmp_path, probe_notebook, [{"scale": 1}, {"scale": 2}])
    out = tmp_path / "out"
    lock = out / BATCH_LOCK
    held = threading.Event()

    def hold() -> None:
        with file_lock(lock):
            held.set()
            time.sleep(1.5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    started = time.monotonic()
    result = run_batch(grid, out_dir=out, workers=1, key=signing_key, wait=True)
    holder.join()
    assert time.monotonic() - started >= 1.0
    assert [e.status for e in result.entries] == ["ok", "ok"]
    assert not lock.exists()


@pytest.mark.parametrize("attempt", range(3))
def test_two_batches_racing_into_one_out_never_mix(
    tmp_path: Path, probe_notebook: Path, signing_key: SigningKey, attempt: int
) -> None:
    """Two CLI batches start together: one runs, the other exits 3 (or runs after and
    resumes); every finished folder verifies and holds the files of one run only."""
    grid = _write_grid(tmp_path, probe_notebook, [{"scale": s} for s in (1, 2, 3)])
    out = tmp_path / "out"
    key_env = {**os.environ, "STAGE5KIT_SIGNING_KEY": f"file:{tmp_path / 'k.hex'}"}
    (tmp_path / "k.hex").write_text(signing_key.secret_forms()[1].decode())
    (tmp_path / "k.hex").chmod(0o600)
    command = [sys.executable, "-m", "stage5kit", "report", "batch", str(grid), "--out", str(out)]
    racers = [
        subprocess.Popen(
            [*command, "--workers", "1"],
            env=key_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = sorted(_finished(p) for p in racers)
    codes = [code for code, _ in outcomes]
    assert codes in ([0, 0], [0, 3]), outcomes
    if codes == [0, 3]:
        assert "LockHeldError" in outcomes[1][1]
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 3
    for folder in folders:
        assert verify_manifest(folder, signing_key.verification_key()).ok
        listed = json.loads((folder / "manifest.json").read_text())["files"]
        assert {f["path"] for f in listed} == {p.name for p in folder.iterdir()} - {
            "manifest.json",
            "manifest.json.sig",
        }
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
