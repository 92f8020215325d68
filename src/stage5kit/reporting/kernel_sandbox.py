"""What a kernel may see: an allow-listed environment, folders of its own, what it may read."""

from __future__ import annotations

import getpass
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from stage5kit.reporting.kernel_launch import landlock_abi
from stage5kit.reporting.record import REPORT_DIR_ENV
from stage5kit.signing import KEY_ENV_VARS

# A kernel never sees the variables signing keys are read from.
SECRET_ENV_VARS = KEY_ENV_VARS
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


def private_folders(base: Path) -> dict[str, str]:
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
