"""The batch itself: prepare every report, skip verified ones, build, seal, rename, index."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from stage5kit.errors import Stage5Error
from stage5kit.reporting.batch.backends import BackendOptions, BuildJob, Outcome, backends
from stage5kit.reporting.batch.grid import BatchGrid, load_grid, report_names
from stage5kit.reporting.batch.index import write_index
from stage5kit.reporting.batch.result import BatchEntry, BatchResult, Status
from stage5kit.reporting.execute import DEFAULT_CELL_TIMEOUT_S, SECRET_ENV_VARS
from stage5kit.reporting.record import read_results
from stage5kit.reporting.runner import PreparedReport, prepare_report, seal_report

if TYPE_CHECKING:
    from stage5kit.signing import SigningKey

_BUILD_SUFFIX = ".building"


def _resumable(folder: Path, prepared: PreparedReport, key: SigningKey | None) -> bool:
    if key is None or not folder.is_dir():
        return False
    import json

    from stage5kit.signing import verify_manifest

    if not verify_manifest(folder, key.verification_key()).ok:
        return False
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return bool(manifest.get("metadata", {}).get("parameters") == prepared.parameters)


def _hidden_env(key: SigningKey | None) -> tuple[str, ...]:
    """Names of environment variables a worker must drop: key variables and key holders."""
    forms = [f.decode("latin-1") for f in (key.secret_forms() if key else ()) if f]
    holding = [n for n, v in os.environ.items() if any(form in v for form in forms)]
    return tuple(sorted({*SECRET_ENV_VARS, *holding}))


def _finish(
    job: BuildJob, error: str, seconds: float, folder: Path, key: SigningKey | None
) -> BatchEntry:
    """Seal a built report and rename it into place; a failure keeps the notebook, unsigned."""
    prepared = job.prepared
    status: Status = "failed"
    if not error:
        try:
            status = "ok" if seal_report(prepared, job.build_dir, key) else "unsigned"
        except Stage5Error as sealing:
            error = f"{type(sealing).__name__}: {sealing}"
            shutil.rmtree(job.build_dir, ignore_errors=True)
    if job.build_dir.exists():
        if folder.exists():
            shutil.rmtree(folder)
        job.build_dir.replace(folder)
    return BatchEntry(
        name=job.name,
        parameters=prepared.parameters,
        status=status,
        results=read_results(folder) if status != "failed" else {},
        error=error,
        seconds=seconds,
    )


def _remove_stale_builds(out_dir: Path) -> None:
    for stale in out_dir.glob(f".*{_BUILD_SUFFIX}"):
        shutil.rmtree(stale, ignore_errors=True)


def run_batch(
    grid: BatchGrid | str | Path,
    *,
    out_dir: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    key: SigningKey | None = None,
    pdf: bool = False,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT_S,
) -> BatchResult:
    """Run every report of ``grid`` into ``out_dir/<name>``; one failure does not stop others.

    Parameters are checked for every run before any kernel starts. Without a key the
    reports are unsigned and a rerun cannot trust them, so it rebuilds them all.
    """
    from tqdm import tqdm

    plan = grid if isinstance(grid, BatchGrid) else load_grid(grid)
    root = Path(out_dir)
    names = report_names(plan.runs)
    prepared = [
        prepare_report(
            plan.notebook, run, given_dir=plan.base_dir, source=f"grid entry {index + 1}"
        )
        for index, run in enumerate(plan.runs)
    ]
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(root)
    hidden = _hidden_env(key)
    entries: dict[str, BatchEntry] = {}
    jobs: list[BuildJob] = []
    for name, report in zip(names, prepared, strict=True):
        if _resumable(root / name, report, key):
            entries[name] = BatchEntry(
                name=name,
                parameters=report.parameters,
                status="resumed",
                results=read_results(root / name),
            )
            continue
        build_dir = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=_BUILD_SUFFIX, dir=root))
        jobs.append(BuildJob(name, report, build_dir, pdf, cell_timeout, hidden))
    by_name = {job.name: job for job in jobs}
    backend = backends.get("dask" if scheduler else "local")
    outcomes: Iterator[Outcome] = backend.run(jobs, BackendOptions(workers, scheduler))
    with tqdm(total=len(jobs), unit="report", disable=not sys.stderr.isatty()) as bar:
        for name, error, seconds in outcomes:
            entries[name] = _finish(by_name[name], error, seconds, root / name, key)
            bar.update(1)
    result = BatchResult(out_dir=root, entries=tuple(entries[name] for name in names))
    write_index(result)
    return result
