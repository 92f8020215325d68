"""The batch itself: prepare every report, skip current ones, build, seal, rename, index.

One batch at a time writes into an output folder: it holds ``.batch.lock`` there for the
whole run (a second batch exits 3 naming the holder's pid, or waits with ``wait``).
A signed report is resumed only when its manifest verifies and records the same
parameters, the same notebook sha256 and the same sha256 for every input file; any other
report is rebuilt and its entry says why.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from stage5kit.errors import Stage5Error
from stage5kit.files import file_lock, sha256_file
from stage5kit.reporting.batch.backends import BackendOptions, BuildJob, backends
from stage5kit.reporting.batch.grid import (
    DEFAULT_MAX_REPORTS,
    BatchGrid,
    check_grid_size,
    load_grid,
    report_names,
)
from stage5kit.reporting.batch.index import write_index
from stage5kit.reporting.batch.result import BatchEntry, BatchResult, Status
from stage5kit.reporting.execute import DEFAULT_CELL_TIMEOUT_S, SECRET_ENV_VARS
from stage5kit.reporting.record import read_results
from stage5kit.reporting.runner import (
    PreparedReport,
    prepare_report,
    report_inputs,
    seal_report,
    working_folders,
)
from stage5kit.reporting.secrets_scan import find_secret_leaks, redact_names, redact_value

if TYPE_CHECKING:
    from stage5kit.signing import DeferredSigningKey, SigningKey

_log = logging.getLogger(__name__)
BATCH_LOCK = ".batch.lock"
_BUILD_SUFFIX = ".building"
_MANIFEST = "manifest.json"


class _InputHashes:
    """sha256 of input files, each file hashed once per batch however many reports use it."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def of(self, prepared: PreparedReport) -> dict[str, str]:
        """The sha256 of every parameter of ``prepared`` that names an existing file."""
        found = {}
        for name, value in sorted(prepared.parameters.items()):
            if isinstance(value, str) and value and Path(value).is_file():
                if value not in self._known:
                    self._known[value] = sha256_file(value)
                found[name] = self._known[value]
        return found


def _recorded_inputs(metadata: Mapping[str, object]) -> dict[str, object]:
    inputs = metadata.get("inputs")
    if not isinstance(inputs, dict):
        return {}
    return {
        str(name): entry.get("sha256") if isinstance(entry, dict) else None
        for name, entry in inputs.items()
    }


def _unverified_reason(folder: Path, key: SigningKey | None) -> str | None:
    """Why the earlier report in ``folder`` cannot be trusted, or None when it verifies."""
    if not folder.is_dir():
        return ""
    if key is None:
        return "no key to verify the earlier report"
    if not (folder / _MANIFEST).is_file():
        return "the earlier report is not signed"
    from stage5kit.signing import verify_manifest

    if not verify_manifest(folder, key.verification_key()).ok:
        return "the earlier report does not verify"
    return None


def _stale_reason(
    folder: Path,
    prepared: PreparedReport,
    key: SigningKey | None,
    *,
    notebook_sha256: str,
    inputs: _InputHashes,
) -> str | None:
    """None when the signed report in ``folder`` is current, else why it is rebuilt.

    The reason is '' when there is no earlier report at all (nothing to explain).
    """
    unverified = _unverified_reason(folder, key)
    if unverified is not None:
        return unverified
    manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
    metadata = manifest.get("metadata") if isinstance(manifest, dict) else None
    metadata = metadata if isinstance(metadata, dict) else {}
    notebook = metadata.get("notebook")
    recorded, current = _recorded_inputs(metadata), inputs.of(prepared)
    changed = [
        n for n in sorted(recorded.keys() | current.keys()) if recorded.get(n) != current.get(n)
    ]
    if metadata.get("parameters") != prepared.parameters:
        return "parameters changed since the signed report"
    if not isinstance(notebook, dict) or notebook.get("sha256") != notebook_sha256:
        return f"notebook {prepared.notebook.name} changed since the signed report"
    if changed:
        return f"input {', '.join(changed)} changed since the signed report"
    return None


def _hidden_env(key: SigningKey | None) -> tuple[str, ...]:
    """Names of environment variables a worker must drop: key variables and key holders."""
    forms = [f.decode("latin-1") for f in (key.secret_forms() if key else ()) if f]
    holding = [n for n, v in os.environ.items() if any(form in v for form in forms)]
    return tuple(sorted({*SECRET_ENV_VARS, *holding}))


def _finish(
    job: BuildJob,
    error: str,
    seconds: float,
    *,
    folder: Path,
    key: SigningKey | None,
    note: str,
    decision_log: Path | None,
) -> BatchEntry:
    """Seal a built report and rename it into place; a failure keeps the notebook, unsigned.

    The head of ``decision_log`` is read here, in the signing process, as the report is sealed.
    """
    prepared = job.prepared
    status: Status = "failed"
    if not error:
        try:
            recording = dataclasses.replace(prepared, decision_log=decision_log)
            sealed = seal_report(recording, job.build_dir, key, pdf=job.pdf)
            status = "ok" if sealed else "unsigned"
        except Stage5Error as sealing:
            error = f"{type(sealing).__name__}: {sealing}"
            shutil.rmtree(job.build_dir, ignore_errors=True)
    elif key is not None and find_secret_leaks(job.build_dir, (key.secret_material(),)):
        # A failed report is kept only when it holds no key material.
        error += "; key material found in its files, so the failed report was not kept"
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
        note=note,
    )


def _remove_stale_builds(out_dir: Path) -> None:
    """Remove what a killed batch left half-built (safe: this batch holds the folder's lock)."""
    for stale in out_dir.glob(f".*{_BUILD_SUFFIX}"):
        shutil.rmtree(stale, ignore_errors=True)


def run_batch(
    grid: BatchGrid | str | Path,
    *,
    out_dir: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    key: SigningKey | DeferredSigningKey | None = None,
    pdf: bool = False,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT_S,
    max_reports: int = DEFAULT_MAX_REPORTS,
    wait: bool = False,
    progress: bool = False,
    decision_log: Path | None = None,
) -> BatchResult:
    """Run every report of ``grid`` into ``out_dir/<name>``; one failure does not stop others.

    A grid of more than ``max_reports`` reports and bad parameters are refused before
    anything starts. Another batch running into ``out_dir`` raises LockHeldError (exit 3)
    unless ``wait``. Without a key the reports are unsigned and a rerun cannot trust them,
    so it rebuilds them all. ``progress`` draws a bar of finished reports on stderr.
    The head of ``decision_log`` (when the log exists) is recorded in each signed manifest;
    workers never see the log, its head or the key.
    """
    plan = grid if isinstance(grid, BatchGrid) else load_grid(grid, max_reports=max_reports)
    check_grid_size(plan, max_reports=max_reports)
    runs = plan.runs
    # Resuming verifies old reports, so the batch (the signing process) reads the key now.
    signing_key = _loaded(key)
    secrets = (signing_key.secret_material(),) if signing_key is not None else ()
    names = redact_names(report_names(runs, source=plan.source), secrets)
    prepared = [
        prepare_report(plan.notebook, run, given_dir=plan.base_dir, source=f"grid entry {index}")
        for index, run in enumerate(runs, start=1)
    ]
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    with file_lock(root / BATCH_LOCK, wait=wait):
        try:
            return _run_locked(
                plan,
                names,
                prepared,
                root,
                key=signing_key,
                pdf=pdf,
                cell_timeout=cell_timeout,
                options=BackendOptions(workers, scheduler),
                progress=progress,
                decision_log=decision_log,
            )
        finally:
            # Safe while held: a batch that opened the old file rechecks the path.
            (root / BATCH_LOCK).unlink(missing_ok=True)


def _run_locked(
    plan: BatchGrid,
    names: list[str],
    prepared: list[PreparedReport],
    root: Path,
    *,
    key: SigningKey | None,
    pdf: bool,
    cell_timeout: int,
    options: BackendOptions,
    progress: bool,
    decision_log: Path | None,
) -> BatchResult:
    """The batch once it holds the output folder's lock: resume, build, seal, index."""
    from tqdm import tqdm

    _remove_stale_builds(root)
    hidden = _hidden_env(key)
    notebook_sha256 = sha256_file(plan.notebook)
    inputs = _InputHashes()
    entries: dict[int, BatchEntry] = {}
    jobs: dict[int, tuple[BuildJob, str]] = {}
    # issue 9: one confinement for every kernel of the batch (a warm kernel serves many reports)
    readable = (plan.notebook.parent,)
    used = (p for r in prepared for p in (*working_folders(r), *report_inputs(r)))
    writable = (root.resolve(), *dict.fromkeys(used))
    for index, (name, report) in enumerate(zip(names, prepared, strict=True)):
        reason = _stale_reason(
            root / name, report, key, notebook_sha256=notebook_sha256, inputs=inputs
        )
        if reason is None:
            entries[index] = BatchEntry(
                name=name,
                parameters=report.parameters,
                status="resumed",
                results=read_results(root / name),
            )
            continue
        build = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=_BUILD_SUFFIX, dir=root))
        job = BuildJob(index, name, report, build, pdf, cell_timeout, hidden, readable, writable)
        jobs[index] = (job, reason)
    backend = backends.get("dask" if options.scheduler else "local")
    outcomes = backend.run([job for job, _ in jobs.values()], options)
    with tqdm(total=len(jobs), unit="report", file=sys.stderr, disable=not progress) as bar:
        for index, error, seconds in outcomes:
            job, reason = jobs[index]
            entries[index] = _finish(
                job,
                error,
                seconds,
                folder=root / job.name,
                key=key,
                note=reason,
                decision_log=decision_log,
            )
            _log.info("report %s: %s", job.name, entries[index].status)
            bar.update(1)
    result = BatchResult(out_dir=root, entries=tuple(entries[i] for i in range(len(names))))
    result = _redacted(result, (key.secret_material(),) if key is not None else ())
    write_index(result)
    return result


def _loaded(key: SigningKey | DeferredSigningKey | None) -> SigningKey | None:
    from stage5kit.signing import DeferredSigningKey

    return key.load() if isinstance(key, DeferredSigningKey) else key


def _redacted(result: BatchResult, secrets: tuple[bytes, ...]) -> BatchResult:
    """The batch result with key material redacted from every parameter, result and error:
    nothing of the key reaches index.csv/html, stdout or an error message."""
    if not secrets:
        return result
    entries = tuple(
        dataclasses.replace(
            entry,
            parameters={k: redact_value(v, secrets) for k, v in entry.parameters.items()},
            results={k: redact_value(v, secrets) for k, v in entry.results.items()},  # type: ignore[misc]
            error=str(redact_value(entry.error, secrets)),
        )
        for entry in result.entries
    )
    return dataclasses.replace(result, entries=entries)
