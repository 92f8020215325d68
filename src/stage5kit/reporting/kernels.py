"""Which installed Jupyter kernel a notebook runs on, and the program that kernel starts."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from stage5kit.errors import DependencyError

KERNEL_NAME = "python3"
_KERNEL_HINTS = {
    "python": "install it in the environment the notebook needs with "
    "`python -m ipykernel install --user --name {name}`",
    "r": "install R and IRkernel: in R, `install.packages('IRkernel'); IRkernel::installspec()`",
}


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
