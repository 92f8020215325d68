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

import getpass
import json
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from stage5kit.errors import DependencyError, NotebookError, ResourceError
from stage5kit.reporting.kernel_launch import landlock_abi, launch_command
from stage5kit.reporting.record import REPORT_DIR_ENV
from stage5kit.signing import KEY_ENV_VARS

if TYPE_CHECKING:
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

KERNEL_NAME = "python3"
LOOPBACK = "127.0.0.1"
# Longest Unix socket path (macOS allows 104 bytes with the final NUL; Linux 108).
MAX_IPC_PATH = 103
_logger = logging.getLogger(__name__)
_KERNEL_HINTS = {
    "python": "install it in the environment the notebook needs with "
    "`python -m ipykernel install --user --name {name}`",
    "r": "install R and IRkernel: in R, `install.packages('IRkernel'); IRkernel::installspec()`",
}
DEFAULT_CELL_TIMEOUT_S = 600
KERNEL_START_TIMEOUT_S = 120
# A kernel never sees the variables signing keys are read from.
SECRET_ENV_VARS = KEY_ENV_VARS
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


@dataclass(frozen=True, slots=True)
class NotebookKernel:
    """The installed kernel a notebook runs on: its kernelspec name and language."""

    name: str
    language: str

    @property
    def is_python(self) -> bool:
        """Whether this is an IPython kernel (warm reuse and IPC sockets are possible)."""
        return self.language == "python"


PYTHON_KERNEL = NotebookKernel(name=KERNEL_NAME, language="python")


def notebook_kernel(notebook: Path) -> NotebookKernel:
    """The kernel the notebook's kernelspec names; DependencyError when it is not installed.

    A notebook naming no kernel runs on Python unless its metadata names another
    language; ``python`` means ``python3`` (as in jupyter_client). An installed kernel of
    another language than the notebook's is refused, never used.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata") or {}
    spec = metadata.get("kernelspec") or {}
    info = metadata.get("language_info") or {}
    written_in = str(spec.get("language") or info.get("name") or "")
    declared = written_in.lower()
    name = str(spec.get("name") or (KERNEL_NAME if declared in {"", "python"} else ""))
    if not name:
        msg = (
            f"{notebook}: names no kernel and is written in {written_in}; open it in Jupyter, "
            f"choose its {written_in} kernel and save it"
        )
        raise DependencyError(msg)
    name = KERNEL_NAME if name == "python" else name
    manager = KernelSpecManager()
    try:
        installed = manager.get_kernel_spec(name)
    except NoSuchKernel:
        known = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        hint = _KERNEL_HINTS.get(declared, "install that Jupyter kernel").format(name=name)
        msg = (
            f"{notebook}: needs the Jupyter kernel {name!r} ({written_in or 'language not given'})"
            f", which is not installed here (installed: {known}); {hint}. The kit does not "
            "run a notebook on another kernel"
        )
        raise DependencyError(msg) from None
    language = installed.language.lower()
    if declared and language != declared:
        msg = (
            f"{notebook}: is written in {written_in} but the installed kernel {name!r} runs "
            f"{installed.language}; install a {written_in} kernel under another name, select it"
        )
        raise DependencyError(msg)
    return NotebookKernel(name=name, language=language)


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


def _failed_cell_text(output: Path) -> tuple[int, str] | None:
    """The failed cell of an executed notebook and the last line of its last output."""
    try:
        cells = json.loads(output.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    for index, cell in enumerate(cells):
        if not (cell.get("metadata", {}).get("papermill", {}).get("exception")):
            continue
        for item in reversed(cell.get("outputs", [])):
            text = item.get("text") or item.get("data", {}).get("text/plain") or ""
            if item.get("output_type") == "error":
                text = f"{item.get('ename', '')}: {item.get('evalue', '')}"
            lines = [line for line in "".join(text).splitlines() if line.strip()]
            if lines:
                return index, lines[-1].strip()[:200]
        return index, "no output"
    return None


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


def kernel_program(kernel: NotebookKernel, program: str, search_path: str | None) -> str:
    """The kernel's program as an absolute path (the launch wrapper execs it without PATH)."""
    found = shutil.which(program, path=search_path)
    if found is None:
        msg = (
            f"the Jupyter kernel {kernel.name!r} starts {program!r}, which is not found on PATH; "
            "install it or fix the kernelspec's argv (jupyter kernelspec list shows where it is)"
        )
        raise DependencyError(msg)
    return str(Path(found).absolute())


def _kernel_start_failure(notebook: Path, kernel: NotebookKernel, error: Exception) -> str:
    """Why a kernel of another language stopped while starting, and what to do."""
    msg = f"{notebook.name}: the {kernel.language} kernel {kernel.name!r} did not start ({error})"
    if not confinement_available():
        return msg
    return (
        f"{msg}; kernels run confined by Landlock and may read only the system folders, their "
        "install prefix, their kernelspec folder, the notebook's folder, its inputs and the "
        "working and report folders, so install the kernel's libraries (e.g. R packages) "
        "under its install prefix rather than in your home folder"
    )


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
        private = _private_folders(self._socket_dir)
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
            full = _environment_failure(error.evalue)
            if full is not None:
                msg = f"{notebook.name}: cell {error.cell_index + 1} could not write: {full}"
                raise ResourceError(msg) from None
            index, detail = error.cell_index, f"{error.ename}: {error.evalue}"
            found = None if error.evalue.strip() else _failed_cell_text(output)
            if found is not None:
                index, detail = found
            msg = f"{notebook.name}: cell {index + 1} of the executed notebook failed: {detail}"
            failure = NotebookError(msg, notebook=notebook, cell_index=index)
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
        except RuntimeError as error:
            if kernel.is_python:
                raise
            raise DependencyError(_kernel_start_failure(notebook, kernel, error)) from None
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
