"""Why a notebook run failed, in words a person can act on: the cell, the disk, the kernel."""

from __future__ import annotations

import json
import re
from pathlib import Path

from stage5kit.reporting.kernel_sandbox import confinement_available
from stage5kit.reporting.kernels import NotebookKernel


def failed_cell_text(output: Path) -> tuple[int, str] | None:
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


def environment_failure(evalue: str) -> str | None:
    """The reason and fix when a cell failed on a full disk or a denied permission, else None."""
    from stage5kit.files import ENVIRONMENT_FIXES

    found = re.match(r"\[Errno (\d+)\] ([^:]+)", evalue or "")
    if found is None or int(found.group(1)) not in ENVIRONMENT_FIXES:
        return None
    return f"{found.group(2)} ({ENVIRONMENT_FIXES[int(found.group(1))]})"


def timed_out_cell(notebook: Path, error: BaseException) -> int | None:
    """Index of the source cell whose code nbclient quotes in its timeout error."""
    import nbformat

    text = str(error)
    cells = nbformat.read(notebook, as_version=4).cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and cell.source.strip() and cell.source in text:
            return index
    return None


def kernel_start_failure(notebook: Path, kernel: NotebookKernel, error: Exception) -> str:
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
