"""Run a parameterized notebook with papermill on a real kernel that never sees a key.

A :class:`KernelSession` owns one IPython kernel started with a cleaned environment
(signing-key variables removed), connected over IPC sockets instead of TCP. A batch worker
keeps its session for many reports: between reports the kernel's variables are cleared,
its working directory moved and its execution counter restarted, so imports stay warm
but no variable leaks from one report into the next.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from stage5kit.errors import NotebookError, ResourceError
from stage5kit.reporting.record import REPORT_DIR_ENV
from stage5kit.signing import KEY_ENV_VARS

if TYPE_CHECKING:
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

KERNEL_NAME = "python3"
DEFAULT_CELL_TIMEOUT_S = 600
KERNEL_START_TIMEOUT_S = 120
# A kernel never sees the variables signing keys are read from.
SECRET_ENV_VARS = KEY_ENV_VARS
# Clears the previous report's variables (cheaper than %reset, which runs a full gc),
# moves to the new report folder and restarts the execution counter at 1.
_RESET_CODE = """\
def _s5k_reset(shell, folder, variable):
    import os

    hidden = shell.user_ns_hidden
    for name in [n for n in shell.user_ns if n not in hidden and not n.startswith("__")]:
        del shell.user_ns[name]
    shell.user_ns["Out"].clear()
    os.chdir(folder)
    os.environ[variable] = folder
    shell.execution_count = 1


_s5k_reset(get_ipython(), {cwd!r}, {env!r})
"""


def kernel_environment(
    base: Mapping[str, str], *, secrets: Iterable[bytes] = (), hidden: Iterable[str] = ()
) -> dict[str, str]:
    """Return the environment a kernel gets: no key variables, no value holding a secret."""
    drop = {*SECRET_ENV_VARS, *hidden, REPORT_DIR_ENV}
    forms = [s.decode("latin-1") for s in secrets if s]
    env = {
        name: value
        for name, value in base.items()
        if name not in drop and not any(form in value for form in forms)
    }
    env["PLOTLY_RENDERER"] = "plotly_mimetype"
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def _environment_failure(evalue: str) -> str | None:
    """The reason and fix when a cell failed on a full disk or a denied permission, else None."""
    from stage5kit.files import ENVIRONMENT_FIXES

    found = re.match(r"\[Errno (\d+)\] ([^:]+)", evalue or "")
    if found is None or int(found.group(1)) not in ENVIRONMENT_FIXES:
        return None
    return f"{found.group(2)} ({ENVIRONMENT_FIXES[int(found.group(1))]})"


def _timed_out_cell(notebook: Path, error: BaseException) -> int | None:
    """Index of the source cell whose code nbclient quotes in its timeout error."""
    import nbformat

    text = str(error)
    cells = nbformat.read(notebook, as_version=4).cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and cell.source.strip() and cell.source in text:
            return index
    return None


class KernelSession:
    """One kernel (IPC transport, cleaned environment) that runs notebooks one after another."""

    def __init__(
        self, *, env: Mapping[str, str], cell_timeout: int = DEFAULT_CELL_TIMEOUT_S
    ) -> None:
        self._env = dict(env)
        self._cell_timeout = cell_timeout
        self._socket_dir: Path | None = None
        self._km: AsyncKernelManager | None = None
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

    def _start(self) -> AsyncKernelManager:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        clients = self._clients

        class _TrackedKernelManager(AsyncKernelManager):
            """Remembers the clients papermill opens so their sockets can be closed."""

            def client(self, **kwargs: Any) -> AsyncKernelClient:  # type: ignore[override]  # noqa: ANN401 - base signature
                kernel_client = super().client(**kwargs)
                clients.append(kernel_client)
                return kernel_client

        self._socket_dir = Path(tempfile.mkdtemp(prefix="s5k-"))
        km = _TrackedKernelManager(
            kernel_name=KERNEL_NAME, transport="ipc", ip=str(self._socket_dir / "k")
        )
        run_sync(km.start_kernel)(
            env=self._env,
            cwd=str(self._socket_dir),
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
        )
        self._km = km
        return km

    def _close_clients(self) -> None:
        for kernel_client in self._clients:
            kernel_client.stop_channels()
        self._clients.clear()

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

    def _prepare(self, km: AsyncKernelManager, cwd: Path) -> None:
        import nbformat
        from nbclient import NotebookClient

        code = _RESET_CODE.format(cwd=str(cwd), env=REPORT_DIR_ENV)
        setup = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        NotebookClient(setup, km=km, timeout=KERNEL_START_TIMEOUT_S).execute()
        self._close_clients()

    def run(
        self, notebook: Path, output: Path, *, parameters: Mapping[str, object], cwd: Path
    ) -> None:
        """Execute ``notebook`` with ``parameters`` into ``output``, the kernel working in ``cwd``.

        A failing cell leaves ``output`` with the error visible and raises NotebookError
        naming the notebook, the cell and the error.
        """
        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        cwd, output = cwd.resolve(), output.resolve()
        km = self._km if self._km is not None else self._start()
        failure: NotebookError | None = None
        try:
            self._prepare(km, cwd)
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=dict(parameters),
                km=km,
                kernel_name=KERNEL_NAME,
                language="python",
                progress_bar=False,
                log_output=False,
                execution_timeout=self._cell_timeout,
                request_save_on_cell_execute=False,
                start_timeout=KERNEL_START_TIMEOUT_S,
            )
        except PapermillExecutionError as error:
            full = _environment_failure(error.evalue)
            if full is not None:
                msg = f"{notebook.name}: cell {error.cell_index + 1} could not write: {full}"
                raise ResourceError(msg) from None
            msg = (
                f"{notebook.name}: cell {error.cell_index + 1} of the executed notebook failed: "
                f"{error.ename}: {error.evalue}"
            )
            failure = NotebookError(msg, notebook=notebook, cell_index=error.cell_index)
        except (CellTimeoutError, DeadKernelError) as error:
            self.close()
            index = _timed_out_cell(notebook, error)
            where = "a cell" if index is None else f"cell {index + 1} of the source notebook"
            reason = (
                f"did not finish within {self._cell_timeout} s"
                if isinstance(error, CellTimeoutError)
                else "killed the kernel"
            )
            msg = f"{notebook.name}: {where} {reason}"
            failure = NotebookError(msg, notebook=notebook, cell_index=index)
        finally:
            self._close_clients()
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
    """Run one notebook on a fresh kernel (see :class:`KernelSession`)."""
    kernel_env = kernel_environment(os.environ if env is None else env)
    with KernelSession(env=kernel_env, cell_timeout=cell_timeout) as session:
        session.run(notebook, output, parameters=parameters, cwd=cwd)
