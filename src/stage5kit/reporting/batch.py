"""Run a grid of reports: a local process pool by default, a Dask cluster when asked.

Workers only execute and render; the key stays in this process, which scans, signs and
renames each report into place. Every report is built in a temporary folder beside its
final one and renamed only once complete and signed, so a batch killed at any moment
resumes: a rerun skips every report whose signed manifest verifies for the same
parameters and rebuilds the rest. ``index.csv`` and ``index.html`` list every report.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from stage5kit.errors import ConfigError, Stage5Error
from stage5kit.files import atomic_write_text, read_config_file
from stage5kit.reporting.bundled import resolve_notebook
from stage5kit.reporting.execute import (
    DEFAULT_CELL_TIMEOUT_S,
    SECRET_ENV_VARS,
    KernelSession,
    kernel_environment,
)
from stage5kit.reporting.record import JsonValue, read_results
from stage5kit.reporting.runner import (
    REPORT_HTML,
    PreparedReport,
    build_report,
    prepare_report,
    seal_report,
)

if TYPE_CHECKING:
    from stage5kit.signing import SigningKey

Status = Literal["ok", "unsigned", "resumed", "failed"]
INDEX_CSV = "index.csv"
INDEX_HTML = "index.html"
_BUILD_SUFFIX = ".building"
_MAX_NAME = 120


@dataclass(frozen=True, slots=True)
class BatchGrid:
    """A notebook and the parameter sets to run it with (``grid`` list or ``product`` lists)."""

    notebook: Path
    runs: tuple[dict[str, object], ...]
    base_dir: Path


@dataclass(frozen=True, slots=True)
class BatchEntry:
    """One report of a batch: its folder, parameters, status and recorded KPIs."""

    name: str
    parameters: dict[str, object]
    status: Status
    results: dict[str, JsonValue] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Every report of a batch, in grid order, and where the index files are."""

    out_dir: Path
    entries: tuple[BatchEntry, ...]

    @property
    def failed(self) -> tuple[BatchEntry, ...]:
        """The reports that did not complete."""
        return tuple(e for e in self.entries if e.status == "failed")


def load_grid(path: str | Path) -> BatchGrid:
    """Read a grid YAML: ``notebook``, optional ``parameters`` and ``grid`` or ``product``.

    ``notebook`` is a path relative to the grid file, or a shipped notebook's name (no
    ``.ipynb`` suffix, no folder, e.g. ``tco_analysis``).
    """
    file = Path(path)
    data = read_config_file(file, what="grid file")
    if not isinstance(data, dict) or not isinstance(data.get("notebook"), str):
        msg = f"{file}: expected a mapping with 'notebook' and 'grid' or 'product'"
        raise ConfigError(msg)
    unknown = set(data) - {"notebook", "parameters", "grid", "product"}
    if unknown:
        msg = f"{file}: unknown key(s) {', '.join(sorted(unknown))}"
        raise ConfigError(msg)
    fixed = data.get("parameters") or {}
    if not isinstance(fixed, dict):
        msg = f"{file}: 'parameters' must be a mapping"
        raise ConfigError(msg)
    runs = [{**fixed, **run} for run in _grid_runs(file, data)]
    spec = Path(data["notebook"])
    is_name = not spec.suffix and len(spec.parts) == 1 and not (file.parent / spec).exists()
    return BatchGrid(
        notebook=resolve_notebook(spec) if is_name else (file.parent / spec).resolve(),
        runs=tuple(runs),
        base_dir=file.parent.resolve(),
    )


def _grid_runs(file: Path, data: dict[str, object]) -> list[dict[str, object]]:
    listed, product = data.get("grid"), data.get("product")
    if (listed is None) == (product is None):
        msg = f"{file}: give exactly one of 'grid' (a list) or 'product' (lists of values)"
        raise ConfigError(msg)
    if listed is not None:
        if not isinstance(listed, list) or not all(isinstance(r, dict) for r in listed):
            msg = f"{file}: 'grid' must be a list of parameter mappings"
            raise ConfigError(msg)
        return [dict(r) for r in listed]
    if not isinstance(product, dict) or not all(isinstance(v, list) for v in product.values()):
        msg = f"{file}: 'product' must map parameter names to lists of values"
        raise ConfigError(msg)
    names = list(product)
    return [
        dict(zip(names, values, strict=True)) for values in itertools.product(*product.values())
    ]


def _slug(value: object) -> str:
    text = Path(value).stem if isinstance(value, str) and "/" in value else str(value)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"


def report_names(runs: tuple[dict[str, object], ...]) -> list[str]:
    """Name each run's folder from the parameters that vary across the grid (unique names)."""
    varying = [
        name
        for name in dict.fromkeys(k for run in runs for k in run)
        if len({repr(run.get(name)) for run in runs}) > 1
    ]
    names: list[str] = []
    for index, run in enumerate(runs):
        parts = [f"{name}={_slug(run.get(name))}" for name in varying if name in run]
        name = "__".join(parts)[:_MAX_NAME] or "report"
        if name in names:
            name = f"{name}__{index + 1}"
        names.append(name)
    return names


@dataclass(frozen=True, slots=True)
class _Job:
    name: str
    prepared: PreparedReport
    build_dir: Path
    pdf: bool
    cell_timeout: int
    hidden_env: tuple[str, ...]


_SESSION: dict[str, KernelSession] = {}


def _worker_init(hidden_env: tuple[str, ...]) -> None:
    """Pool initializer: drop key variables from this worker's environment."""
    for name in hidden_env:
        os.environ.pop(name, None)


def _warm_session(cell_timeout: int) -> KernelSession:
    from multiprocessing import util

    session = _SESSION.get("kernel")
    if session is None:
        session = KernelSession(env=kernel_environment(os.environ), cell_timeout=cell_timeout)
        _SESSION["kernel"] = session
        util.Finalize(session, session.close, exitpriority=10)
    return session


def _build_pooled(job: _Job) -> tuple[str, str, float]:
    """Process-pool task: build one report on this worker's warm kernel; return any error."""
    started = time.perf_counter()
    try:
        build_report(
            job.prepared, job.build_dir, session=_warm_session(job.cell_timeout), pdf=job.pdf
        )
    except Stage5Error as error:
        return job.name, f"{type(error).__name__}: {error}", time.perf_counter() - started
    return job.name, "", time.perf_counter() - started


def _build_dask(job: _Job) -> tuple[str, str, float]:
    """Dask task: build one report on a fresh kernel whose environment holds no key."""
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    started = time.perf_counter()
    env = kernel_environment(os.environ, hidden=job.hidden_env)
    try:
        with KernelSession(env=env, cell_timeout=job.cell_timeout) as session:
            build_report(job.prepared, job.build_dir, session=session, pdf=job.pdf)
    except Stage5Error as error:
        return job.name, f"{type(error).__name__}: {error}", time.perf_counter() - started
    finally:
        ensure_event_loop().close()
        asyncio.set_event_loop(None)
    return job.name, "", time.perf_counter() - started


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


class _Future(Protocol):
    def result(self) -> tuple[str, str, float]: ...


def _outcome(name: str, future: _Future) -> tuple[str, str, float]:
    """A task's result; a worker that died or raised unexpectedly fails only its report."""
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - one broken report must not stop the batch
        return name, f"{type(error).__name__}: {error}", 0.0


def _run_pool(jobs: list[_Job], workers: int) -> Iterator[tuple[str, str, float]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    hidden = jobs[0].hidden_env if jobs else ()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_init, initargs=(hidden,)
    ) as pool:
        futures = {pool.submit(_build_pooled, job): job.name for job in jobs}
        for future in as_completed(futures):
            yield _outcome(futures[future], future)


def _run_dask(jobs: list[_Job], scheduler: str) -> Iterator[tuple[str, str, float]]:
    try:
        from distributed import Client, as_completed
    except ImportError as error:
        msg = "--scheduler needs Dask: pip install 'stage5kit[dask]'"
        raise ConfigError(msg) from error
    with Client(scheduler) as client:
        futures = {client.submit(_build_dask, job, pure=False): job.name for job in jobs}
        for future in as_completed(futures):
            yield _outcome(futures[future], future)


def _finish(
    job: _Job, error: str, seconds: float, folder: Path, key: SigningKey | None
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
    jobs: list[_Job] = []
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
        jobs.append(_Job(name, report, build_dir, pdf, cell_timeout, hidden))
    by_name = {job.name: job for job in jobs}
    worker_count = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    outcomes: Iterator[tuple[str, str, float]] = iter(())
    if jobs:
        outcomes = _run_dask(jobs, scheduler) if scheduler else _run_pool(jobs, worker_count)
    with tqdm(total=len(jobs), unit="report", disable=not sys.stderr.isatty()) as bar:
        for name, error, seconds in outcomes:
            entries[name] = _finish(by_name[name], error, seconds, root / name, key)
            bar.update(1)
    result = BatchResult(out_dir=root, entries=tuple(entries[name] for name in names))
    write_index(result)
    return result


def _index_rows(result: BatchResult) -> tuple[list[str], list[list[str]]]:
    parameters = list(dict.fromkeys(k for e in result.entries for k in e.parameters))
    kpis = list(dict.fromkeys(k for e in result.entries for k in e.results))
    header = [
        "report",
        "status",
        *parameters,
        *[f"result.{k}" for k in kpis],
        "seconds",
        "error",
        "link",
    ]
    rows = []
    for entry in result.entries:
        link = f"{entry.name}/{REPORT_HTML}" if entry.status != "failed" else f"{entry.name}/"
        rows.append(
            [
                entry.name,
                entry.status,
                *[str(entry.parameters.get(p, "")) for p in parameters],
                *[str(entry.results.get(k, "")) for k in kpis],
                f"{entry.seconds:.2f}",
                entry.error,
                link,
            ]
        )
    return header, rows


def write_index(result: BatchResult) -> None:
    """Write ``index.csv`` and ``index.html`` (atomically) listing every report of a batch."""
    header, rows = _index_rows(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    atomic_write_text(result.out_dir / INDEX_CSV, buffer.getvalue())
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = [f"<td>{html.escape(v)}</td>" for v in row[:-1]]
        link = html.escape(row[-1], quote=True)
        cells.append(f'<td><a href="{link}">{html.escape(row[0])}</a></td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>stage5kit batch</title><style>body{font-family:sans-serif}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
        "</style></head><body><h1>Reports</h1>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        "</body></html>\n"
    )
    atomic_write_text(result.out_dir / INDEX_HTML, page)
