"""JupyterLab on the participant notebook with nothing in the way: `make lab` and its test.

The one place that says how the workshop's Lab starts, so ``make lab`` (through
``stage5kit workshop lab``) and the browser test of the participant's journey start the
same Lab: in the built workshop folder, opening the participant notebook, with the news
question ("Would you like to get notified about official Jupyter news?") and the update
check switched off. The switches are settings overrides in a folder of the workshop's own
(``LabApp.app_settings_dir``), so neither the Python environment nor the participant's own
JupyterLab settings change. The notebook names the ``python3`` kernel, which is the kit's
own Python when Lab runs from the kit's environment, so Lab asks for no kernel.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from stage5kit.errors import DependencyError
from stage5kit.reporting.workshop_build import PARTICIPANT_NOTEBOOK

LAB_SETTINGS_DIR = ".jupyterlab-settings"
# What Lab leaves in the workshop folder: the kit's settings overrides, Jupyter's checkpoints.
LAB_FILES = (LAB_SETTINGS_DIR, ".ipynb_checkpoints")
ALLOW_ROOT = "--allow-root"
LAB_OVERRIDES: dict[str, dict[str, object]] = {
    "@jupyterlab/apputils-extension:notification": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}


def effective_uid() -> int | None:
    """This process's effective user id; None where the system has none (Windows)."""
    return os.geteuid() if hasattr(os, "geteuid") else None


def root_arguments(extra_args: Sequence[str], *, euid: int | None) -> tuple[str, ...]:
    """What Lab needs to start as user ``euid``: ``--allow-root`` as root, unless given.

    JupyterLab refuses to start as root (uid 0, as in most containers) without it; any
    other user, or a system without uids (``None``), needs nothing.
    """
    return (ALLOW_ROOT,) if euid == 0 and ALLOW_ROOT not in extra_args else ()


def prepare_lab(folder: str | Path, *, extra_args: Sequence[str] = ()) -> list[str]:
    """Write the Lab settings overrides into ``folder``; return the command that starts Lab.

    ``extra_args`` go to ``jupyter lab`` as they are (``--port=8899``, ``--no-browser``).
    """
    from stage5kit.files import atomic_write_text

    if importlib.util.find_spec("jupyterlab") is None:
        msg = "JupyterLab is not installed; install the kit's lab extra: pip install stage5kit[lab]"
        raise DependencyError(msg)
    root = Path(folder).resolve()
    settings = root / LAB_SETTINGS_DIR
    settings.mkdir(parents=True, exist_ok=True)
    atomic_write_text(settings / "overrides.json", json.dumps(LAB_OVERRIDES, indent=2) + "\n")
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        str(root / PARTICIPANT_NOTEBOOK),
        f"--ServerApp.root_dir={root}",
        f"--LabApp.app_settings_dir={settings}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *extra_args,
    ]
