"""Run a parameterized notebook with papermill on a real kernel that never sees a key.

A :class:`KernelSession` owns one kernel started through
:mod:`~stage5kit.reporting.kernel_launch` (parent-death signal; Landlock confinement to the
kernel's own install prefix, the notebook's folder, its inputs, the working folder, the
report folder and a private temp folder where Linux offers it) with an allow-listed
environment. A Python kernel is connected over IPC sockets where the system has them
and over TCP on loopback otherwise (Windows, or a socket path too long for macOS), the
reason logged. A batch worker keeps its session for many reports: between reports the
kernel's variables are cleared, its working directory moved and its execution counter
restarted, so imports stay warm but no variable leaks from one report into the next.

The kernel is the one the notebook's own kernelspec names, when it is installed; a
notebook is never run on another language's kernel. A kernel in another language than
Python gets a fresh kernel per report (its state cannot be reset from Python) over TCP on
loopback, the transport every Jupyter kernel implements.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from stage5kit.errors import DependencyError, NotebookError, ResourceError
from stage5kit.reporting.kernel_launch import launch_command
from stage5kit.reporting.kernel_sandbox import (
    CONFINEMENT_UNAVAILABLE,
    KERNEL_ENV_ALLOWED,
    SECRET_ENV_VARS,
    confinement_available,
    kernel_environment,
    private_folders,
    python_environment_paths,
)
from stage5kit.reporting.kernels import (
    KERNEL_NAME,
    PYTHON_KERNEL,
    NotebookKernel,
    kernel_program,
    notebook_kernel,
)
from stage5kit.reporting.record import REPORT_DIR_ENV
from stage5kit.reporting.run_failures import (
    environment_failure,
    failed_cell_text,
    kernel_start_failure,
    timed_out_cell,
)

if TYPE_CHECKING:
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

__all__ = [
    "CONFINEMENT_UNAVAILABLE",
    "DEFAULT_CELL_TIMEOUT_S",
    "KERNEL_ENV_ALLOWED",
    "KERNEL_NAME",
    "KERNEL_START_TIMEOUT_S",
    "LOOPBACK",
    "MAX_IPC_PATH",
    "PYTHON_KERNEL",
    "SECRET_ENV_VARS",
    "KernelSession",
    "NotebookKernel",
    "confinement_available",
    "execute_notebook",
    "kernel_environment",
    "kernel_program",
    "kernel_transport",
    "notebook_kernel",
    "python_environment_paths",
]

LOOPBACK = "127.0.0.1"
# Longest Unix socket path (macOS allows 104 bytes with the final NUL; Linux 108).
MAX_IPC_PATH = 103
_logger = logging.getLogger(__name__)
DEFAULT_CELL_TIMEOUT_S = 600
KERNEL_START_TIMEOUT_S = 120
# Clears the previous report's variables (cheaper than %reset, which runs a full gc),
# moves to the new report folder and restarts the execution counter at 1.
_RESET_CODE = """\
def _s5k_reset(shell, cwd, variable, report):
    import os

    hidden = shell.user_ns_hidden
    for name in [n for n in shell.user_ns if n not in hidden and not n.startswith("__")]:
        del shell.user_ns[name]
    shell.user_ns["Out"].clear()
    os.chdir(cwd)
    os.environ[variable] = report
    shell.execution_count = 1


_s5k_reset(get_ipython(), {cwd!r}, {env!r}, {report!r})
"""


def kernel_transport(kernel: NotebookKernel, socket_dir: Path) -> dict[str, str]:
    """IPC sockets in ``socket_dir`` where usable, else TCP on loopback (the reason is logged)."""
    address = socket_dir / "k"
    reason = None
    if not kernel.is_python:
        reason = f"the {kernel.language} kernel {kernel.name!r} is only known to speak TCP"
    elif sys.platform == "win32":
        reason = "Jupyter's IPC transport needs Unix sockets, which Windows kernels lack"
    elif len(os.fsencode(address)) + 6 > MAX_IPC_PATH:
        reason = f"the socket path {address} is too long for a Unix socket"
    if reason is None:
        return {"transport": "ipc", "ip": str(address)}
    _logger.info("kernel transport: TCP on %s, because %s", LOOPBACK, reason)
    return {"transport": "tcp", "ip": LOOPBACK}


class KernelSession:
    """One kernel (cleaned environment) that runs notebooks one after another.

    ``readable`` and ``writable`` are the folders and files the kernel may open besides the
    Python environment, system libraries and its own temp folder; they are enforced with
    Landlock where Linux offers it (see :func:`confinement_available`). A kernel of another
    language may also read its own install prefix and kernelspec folder.
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str],
        cell_timeout: int = DEFAULT_CELL_TIMEOUT_S,
        readable: Sequence[Path] = (),
        writable: Sequence[Path] = (),
        progress: bool = False,
    ) -> None:
        self._env = dict(env)
        self._progress = progress
        self._cell_timeout = cell_timeout
        self._readable = tuple(readable)
        self._writable = tuple(writable)
        self._socket_dir: Path | None = None
        self._km: AsyncKernelManager | None = None
        self._kernel = PYTHON_KERNEL
        self._launching: AsyncKernelManager | None = None
        self._clients: list[AsyncKernelClient] = []

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _start(
        self, kernel: NotebookKernel, *, cwd: Path | None = None, report_dir: Path | None = None
    ) -> AsyncKernelManager:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        clients = self._clients
        self._socket_dir = Path(tempfile.mkdtemp(prefix="s5k-"))
        private = private_folders(self._socket_dir)
        readable = [*map(str, self._readable)]
        writable = [str(self._socket_dir), private["TMPDIR"], *map(str, self._writable)]
        search_path = self._env.get("PATH")

        class _TrackedKernelManager(AsyncKernelManager):
            """Starts the kernel through the confining wrapper; remembers papermill's clients."""

            def client(self, **kwargs: Any) -> AsyncKernelClient:  # type: ignore[override]  # noqa: ANN401 - base signature
                kernel_client = super().client(**kwargs)
                clients.append(kernel_client)
                return kernel_client

            def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
                argv = super().format_kernel_cmd(extra_arguments)
                argv[0] = kernel_program(kernel, argv[0], search_path)
                spec = self.kernel_spec
                own = [spec.resource_dir] if spec is not None and not kernel.is_python else []
                return launch_command(
                    argv,
                    readable=[*python_environment_paths(argv[0]), *own, *readable],
                    writable=writable,
                    landlock=confinement_available(),
                )

        km = _TrackedKernelManager(
            kernel_name=kernel.name,
            connection_file=str(self._socket_dir / "kernel.json"),
            **kernel_transport(kernel, self._socket_dir),
        )
        self._launching = km
        env = {**self._env, **private}
        if report_dir is not None:
            env[REPORT_DIR_ENV] = str(report_dir)
        run_sync(km.start_kernel)(
            env=env,
            cwd=str(cwd or self._socket_dir),
            extra_arguments=["--HistoryManager.hist_file=:memory:"] if kernel.is_python else [],
        )
        self._km, self._kernel = km, kernel
        return km

    def _close_clients(self) -> None:
        for kernel_client in self._clients:
            kernel_client.stop_channels()
        self._clients.clear()

    def kill(self) -> None:
        """Kill the kernel process at once, from any thread (the caller is about to exit)."""
        km = self._km or self._launching
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None:
            process.kill()

    def close(self) -> None:
        """Shut the kernel down and remove its socket folder."""
        from jupyter_core.utils import run_sync

        self._close_clients()
        if self._km is not None:
            run_sync(self._km.shutdown_kernel)(now=True)
            self._km = None
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None

    def _prepare(self, km: AsyncKernelManager, cwd: Path, report_dir: Path) -> None:
        import nbformat
        from nbclient import NotebookClient

        code = _RESET_CODE.format(cwd=str(cwd), env=REPORT_DIR_ENV, report=str(report_dir))
        setup = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        NotebookClient(setup, km=km, timeout=KERNEL_START_TIMEOUT_S).execute()
        self._close_clients()

    def _kernel_for(
        self, kernel: NotebookKernel, cwd: Path, report_dir: Path
    ) -> AsyncKernelManager:
        """A kernel ready to run in ``cwd``: the warm Python one reset, else a fresh one."""
        if self._km is not None and (self._kernel != kernel or not kernel.is_python):
            self.close()
        if not kernel.is_python:
            return self._start(kernel, cwd=cwd, report_dir=report_dir)
        km = self._km if self._km is not None else self._start(kernel)
        self._prepare(km, cwd, report_dir)
        return km

    def run(
        self,
        notebook: Path,
        output: Path,
        *,
        parameters: Mapping[str, object],
        cwd: Path,
        kernel: NotebookKernel = PYTHON_KERNEL,
    ) -> None:
        """Execute ``notebook`` with ``parameters`` into ``output``, the kernel working in ``cwd``.

        ``record``/``save_table`` write to the folder of ``output`` whatever ``cwd`` is.
        A failing cell leaves ``output`` with the error visible and raises NotebookError
        naming the notebook, the cell and the error (or, when the error has no text, the
        cell's last output).
        """
        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        cwd, output = cwd.resolve(), output.resolve()
        failure: NotebookError | None = None
        try:
            km = self._kernel_for(kernel, cwd, output.parent)
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=dict(parameters),
                km=km,
                kernel_name=kernel.name,
                language=kernel.language,
                progress_bar=self._progress,
                log_output=False,
                execution_timeout=self._cell_timeout,
                request_save_on_cell_execute=False,
                start_timeout=KERNEL_START_TIMEOUT_S,
            )
        except PapermillExecutionError as error:
            full = environment_failure(error.evalue)
            if full is not None:
                msg = f"{notebook.name}: cell {error.cell_index + 1} could not write: {full}"
                raise ResourceError(msg) from None
            index, detail = error.cell_index, f"{error.ename}: {error.evalue}"
            found = None if error.evalue.strip() else failed_cell_text(output)
            if found is not None:
                index, detail = found
            msg = f"{notebook.name}: cell {index + 1} of the executed notebook failed: {detail}"
            failure = NotebookError(msg, notebook=notebook, cell_index=index)
        except (CellTimeoutError, DeadKernelError) as error:
            self.close()
            index = timed_out_cell(notebook, error)
            where = "a cell" if index is None else f"cell {index + 1} of the source notebook"
            reason = (
                f"did not finish within {self._cell_timeout} s"
                if isinstance(error, CellTimeoutError)
                else "killed the kernel"
            )
            msg = f"{notebook.name}: {where} {reason}"
            failure = NotebookError(msg, notebook=notebook, cell_index=index)
        except RuntimeError as error:
            if kernel.is_python:
                raise
            raise DependencyError(kernel_start_failure(notebook, kernel, error)) from None
        finally:
            self._close_clients()
            if not kernel.is_python:
                self.close()
        if failure is not None:
            raise failure


def execute_notebook(
    notebook: Path,
    output: Path,
    *,
    parameters: Mapping[str, object],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT_S,
) -> None:
    """Run one notebook on a fresh kernel of its own kernelspec (see :class:`KernelSession`)."""
    kernel_env = kernel_environment(os.environ if env is None else env)
    with KernelSession(
        env=kernel_env,
        cell_timeout=cell_timeout,
        readable=(notebook.resolve().parent,),
        writable=(cwd.resolve(), output.resolve().parent),
    ) as session:
        session.run(
            notebook, output, parameters=parameters, cwd=cwd, kernel=notebook_kernel(notebook)
        )
