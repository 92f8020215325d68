"""Where a batch's reports are built: a registry of backends, like papermill's engines.

A backend receives build jobs and yields each outcome as it completes; it only executes
and renders (the key never reaches it). :class:`BatchBackend` holds the template
(:meth:`~BatchBackend.run`: submit, collect, turn a broken task into a failed report);
a subclass says only how to submit (:meth:`~BatchBackend.submit`). ``backends`` is the
registry: ``backends.register(name, backend)``, ``backends.get(name)``.
"""

from __future__ import annotations

import abc
import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from stage5kit.errors import ConfigError, Stage5Error
from stage5kit.reporting.execute import KernelSession, kernel_environment
from stage5kit.reporting.runner import PreparedReport, build_report

Outcome = tuple[int, str, float]
"""A finished job: its position in the grid, its error ("" when built) and its seconds."""


@dataclass(frozen=True, slots=True)
class BuildJob:
    """One report for a worker to build: the notebook and parameters, and where to build it."""

    index: int
    name: str
    prepared: PreparedReport
    build_dir: Path
    pdf: bool
    cell_timeout: int
    hidden_env: tuple[str, ...]
    readable: tuple[Path, ...] = ()
    writable: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class BackendOptions:
    """How many local workers, or which Dask scheduler, a batch asked for."""

    workers: int | None = None
    scheduler: str | None = None


class _Future(Protocol):
    def result(self) -> Outcome: ...


Submitted = Iterator[tuple[BuildJob, _Future]]


def _outcome(job: BuildJob, future: _Future) -> Outcome:
    """A task's result; a worker that died or raised unexpectedly fails only its report."""
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - one broken report must not stop the batch
        return job.index, f"{type(error).__name__}: {error}", 0.0


class BatchBackend(abc.ABC):
    """Builds a batch's reports somewhere; a subclass implements :meth:`submit`."""

    def run(self, jobs: list[BuildJob], options: BackendOptions) -> Iterator[Outcome]:
        """Build every job and yield each outcome as it completes (the template method)."""
        if not jobs:
            return
        with self.submit(jobs, options) as completed:
            for job, future in completed:
                yield _outcome(job, future)

    @abc.abstractmethod
    def submit(
        self, jobs: list[BuildJob], options: BackendOptions
    ) -> contextlib.AbstractContextManager[Submitted]:
        """Start every job; the context yields (job, future) pairs in completion order."""


class BatchBackends:
    """The registry of batch backends by name (``local``, ``dask``)."""

    def __init__(self) -> None:
        self._backends: dict[str, BatchBackend] = {}

    def register(self, name: str, backend: BatchBackend) -> None:
        """Make ``backend`` available as ``name`` (replacing any backend of that name)."""
        self._backends[name] = backend

    def get(self, name: str) -> BatchBackend:
        """The backend registered as ``name``; a ConfigError lists the known ones."""
        try:
            return self._backends[name]
        except KeyError:
            known = ", ".join(sorted(self._backends))
            msg = f"unknown batch backend {name!r} (known: {known})"
            raise ConfigError(msg) from None


def _failure(error: Stage5Error) -> str:
    return f"{type(error).__name__}: {error}"


_SESSION: dict[str, KernelSession] = {}


def _exit_with_parent() -> None:
    """Watch the batch process; when it dies (even by kill -9) kill the kernel and exit."""
    import multiprocessing
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        session = _SESSION.get("kernel")
        if session is not None:
            session.kill()
        os._exit(1)

    threading.Thread(target=watch, name="stage5kit-parent-watch", daemon=True).start()


def _worker_init(hidden_env: tuple[str, ...]) -> None:
    """Pool initializer: non-dumpable, key variables dropped from its environment, and a
    watch on the parent (its /proc environ still holds what it was started with)."""
    from stage5kit.reporting.kernel_launch import make_non_dumpable

    make_non_dumpable()
    for name in hidden_env:
        os.environ.pop(name, None)
    _exit_with_parent()


def _warm_session(job: BuildJob) -> KernelSession:
    from multiprocessing import util

    session = _SESSION.get("kernel")
    if session is None:
        session = KernelSession(
            env=kernel_environment(os.environ),
            cell_timeout=job.cell_timeout,
            readable=job.readable,
            writable=job.writable,
        )
        _SESSION["kernel"] = session
        util.Finalize(session, session.close, exitpriority=10)
    return session


def _build_pooled(job: BuildJob) -> Outcome:
    """Process-pool task: build one report on this worker's warm kernel; return any error."""
    started = time.perf_counter()
    try:
        build_report(job.prepared, job.build_dir, session=_warm_session(job), pdf=job.pdf)
    except Stage5Error as error:
        return job.index, _failure(error), time.perf_counter() - started
    return job.index, "", time.perf_counter() - started


def _build_dask(job: BuildJob) -> Outcome:
    """Dask task: build one report on a fresh kernel whose environment holds no key."""
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    started = time.perf_counter()
    env = kernel_environment(os.environ, hidden=job.hidden_env)
    try:
        with KernelSession(
            env=env, cell_timeout=job.cell_timeout, readable=job.readable, writable=job.writable
        ) as session:
            build_report(job.prepared, job.build_dir, session=session, pdf=job.pdf)
    except Stage5Error as error:
        return job.index, _failure(error), time.perf_counter() - started
    finally:
        # Close the loop nbclient left on this worker thread, unless something still runs it
        # (a threaded Dask worker may hand the task a thread whose loop is live).
        loop = ensure_event_loop()
        if not loop.is_running():
            loop.close()
            asyncio.set_event_loop(None)
    return job.index, "", time.perf_counter() - started


class LocalPoolBackend(BatchBackend):
    """Spawned worker processes on this machine, each keeping one kernel warm."""

    @contextlib.contextmanager
    def submit(self, jobs: list[BuildJob], options: BackendOptions) -> Iterator[Submitted]:
        """Start a pool of ``options.workers`` (default: CPU count, at most one per job)."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        workers = max(1, min(options.workers or os.cpu_count() or 1, len(jobs)))
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_worker_init,
            initargs=(jobs[0].hidden_env,),
        ) as pool:
            futures = {pool.submit(_build_pooled, job): job for job in jobs}
            yield ((futures[future], future) for future in as_completed(futures))


class DaskBackend(BatchBackend):
    """A ``distributed`` cluster at ``options.scheduler``; one fresh kernel per report."""

    @contextlib.contextmanager
    def submit(self, jobs: list[BuildJob], options: BackendOptions) -> Iterator[Submitted]:
        """Connect to the scheduler and submit every job."""
        try:
            from distributed import Client, as_completed
        except ImportError as error:
            msg = "--scheduler needs Dask: pip install 'stage5kit[dask]'"
            raise ConfigError(msg) from error
        with Client(options.scheduler) as client:
            futures = {client.submit(_build_dask, job, pure=False): job for job in jobs}
            yield ((futures[future], future) for future in as_completed(futures))


backends = BatchBackends()
backends.register("local", LocalPoolBackend())
backends.register("dask", DaskBackend())
