"""Run a parameterized notebook with papermill on a real kernel that never sees a key.

A :class:`KernelSession` owns one IPython kernel started through
:mod:`~stage5kit.reporting.kernel_launch` (parent-death signal; Landlock confinement to the
Python environment, the notebook's folder, its inputs, the report folder and a private
temp folder where Linux offers it) with an allow-listed environment, connected over IPC
sockets instead of TCP. A batch worker
keeps its session for many reports: between reports the kernel's variables are cleared,
its working directory moved and its execution counter restarted, so imports stay warm
but no variable leaks from one report into the next.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from stage5kit.errors import NotebookError
from stage5kit.reporting.kernel_launch import landlock_abi, launch_command
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


# Variables a kernel may inherit: what Python, Jupyter, the OS and numeric libraries read.
KERNEL_ENV_ALLOWED = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TERM",
        "PYTHONHASHSEED",
        "PYTHONUTF8",
        "PYTHONIOENCODING",
        "PYTHONWARNINGS",
        "VIRTUAL_ENV",
        "CONDA_PREFIX",
        "CONDA_DEFAULT_ENV",
        "SOURCE_DATE_EPOCH",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_MAX_THREADS",
        "SYSTEMROOT",
        "SYSTEMDRIVE",
        "WINDIR",
        "COMSPEC",
        "PATHEXT",
        "USERPROFILE",
        "APPDATA",
        "LOCALAPPDATA",
        "PROGRAMDATA",
    }
)
KERNEL_ENV_ALLOWED_PREFIXES = ("LC_",)
# Never passed on, even when allow-listed: names that suggest a secret, values that are key specs.
_SECRET_NAME = re.compile(r"KEY|SECRET|TOKEN|PASSW|CREDENTIAL", re.IGNORECASE)
_KEY_SPEC_VALUE = re.compile(r"\s*(hex|base64|file|env):", re.IGNORECASE)


def _allowed_variable(name: str, value: str) -> bool:
    listed = name in KERNEL_ENV_ALLOWED or name.startswith(KERNEL_ENV_ALLOWED_PREFIXES)
    return listed and not _SECRET_NAME.search(name) and not _KEY_SPEC_VALUE.match(value)


def kernel_environment(
    base: Mapping[str, str], *, secrets: Iterable[bytes] = (), hidden: Iterable[str] = ()
) -> dict[str, str]:
    """Return the environment a kernel gets: allow-listed names only, no value holding a secret.

    A variable that names or holds a key never passes, whatever it is called: only the
    names in :data:`KERNEL_ENV_ALLOWED` (and ``LC_*``) are kept.
    """
    drop = {*SECRET_ENV_VARS, *hidden, REPORT_DIR_ENV}
    forms = [s.decode("latin-1") for s in secrets if s]
    env = {
        name: value
        for name, value in base.items()
        if name not in drop
        and _allowed_variable(name, value)
        and not any(form in value for form in forms)
    }
    env["PLOTLY_RENDERER"] = "plotly_mimetype"
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def kernel_temp_folder() -> Path:
    """The temp folder this user's kernels share (0700), so caches kept there persist.

    Libraries cache in the temp folder (lark, which jsonschema loads via nbformat, spends
    ~30 s building a grammar a cache file saves); a fresh folder per kernel would lose it.
    """
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no USER/LOGNAME and no passwd entry (some containers)
        user = "user"
    folder = Path(tempfile.gettempdir()) / f"stage5kit-kernels-{user}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _private_folders(base: Path) -> dict[str, str]:
    """Variables that point a kernel's temp files, caches and config into its own folders."""
    env = {"TMPDIR": str(kernel_temp_folder())}
    folders = {
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "XDG_CACHE_HOME": "cache",
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
    }
    for variable, name in folders.items():
        folder = base / name
        folder.mkdir(mode=0o700)
        env[variable] = str(folder)
    return env


def python_environment_paths(kernel_executable: str) -> list[str]:
    """Folders a Python kernel reads its interpreter, standard library and packages from."""
    candidates = [
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        str(Path(sys.executable).resolve().parent.parent),
        str(Path(kernel_executable).parent.parent),
        str(Path(kernel_executable).resolve().parent.parent),
        str(Path(__file__).resolve().parents[2]),
        *(entry for entry in sys.path if entry and Path(entry).is_absolute()),
    ]
    cwd = str(Path.cwd())
    return [p for p in dict.fromkeys(candidates) if p != cwd and Path(p).exists()]


def confinement_available() -> bool:
    """Whether kernels are confined with Landlock here (Linux 5.13+ with Landlock enabled)."""
    return landlock_abi() > 0


CONFINEMENT_UNAVAILABLE = (
    "note: Landlock is not available here, so the notebook kernel is not confined from key "
    "files; keep keys in environment variables or outside what the notebook can read "
    "(see docs/security.md)"
)


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
    """One kernel (IPC transport, cleaned environment) that runs notebooks one after another.

    ``readable`` and ``writable`` are the folders and files the kernel may open besides the
    Python environment, system libraries and its own temp folder; they are enforced with
    Landlock where Linux offers it (see :func:`confinement_available`).
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str],
        cell_timeout: int = DEFAULT_CELL_TIMEOUT_S,
        readable: Sequence[Path] = (),
        writable: Sequence[Path] = (),
    ) -> None:
        self._env = dict(env)
        self._cell_timeout = cell_timeout
        self._readable = tuple(readable)
        self._writable = tuple(writable)
        self._socket_dir: Path | None = None
        self._km: AsyncKernelManager | None = None
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

    def _start(self) -> AsyncKernelManager:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        clients = self._clients
        self._socket_dir = Path(tempfile.mkdtemp(prefix="s5k-"))
        private = _private_folders(self._socket_dir)
        readable = [*map(str, self._readable)]
        writable = [str(self._socket_dir), private["TMPDIR"], *map(str, self._writable)]

        class _TrackedKernelManager(AsyncKernelManager):
            """Starts the kernel through the confining wrapper; remembers papermill's clients."""

            def client(self, **kwargs: Any) -> AsyncKernelClient:  # type: ignore[override]  # noqa: ANN401 - base signature
                kernel_client = super().client(**kwargs)
                clients.append(kernel_client)
                return kernel_client

            def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
                argv = super().format_kernel_cmd(extra_arguments)
                return launch_command(
                    argv,
                    readable=[*python_environment_paths(argv[0]), *readable],
                    writable=writable,
                    landlock=confinement_available(),
                )

        km = _TrackedKernelManager(
            kernel_name=KERNEL_NAME,
            transport="ipc",
            ip=str(self._socket_dir / "k"),
            connection_file=str(self._socket_dir / "kernel.json"),
        )
        self._launching = km
        run_sync(km.start_kernel)(
            env={**self._env, **private},
            cwd=str(self._socket_dir),
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
        )
        self._km = km
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
                progress_bar=False,
                log_output=False,
                execution_timeout=self._cell_timeout,
                request_save_on_cell_execute=False,
                start_timeout=KERNEL_START_TIMEOUT_S,
            )
        except PapermillExecutionError as error:
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
    with KernelSession(
        env=kernel_env,
        cell_timeout=cell_timeout,
        readable=(notebook.resolve().parent,),
        writable=(cwd.resolve(), output.resolve().parent),
    ) as session:
        session.run(notebook, output, parameters=parameters, cwd=cwd)
