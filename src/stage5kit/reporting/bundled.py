"""The report notebooks that ship with the kit: find one by name, list them, copy them out.

A built wheel carries ``notebooks/`` and ``sample_artifacts/inputs/`` as
``stage5kit/_data/`` (``setup.py`` copies them); an editable install reads them from the
source checkout. Both keep the repository's layout, so a notebook's default
``../sample_artifacts/inputs/...`` paths resolve beside it either way.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from stage5kit.errors import ConfigError, DependencyError
from stage5kit.files import atomic_directory

NOTEBOOKS_DIR = "notebooks"
EXPECTED_OUTPUTS_DIR = "expected_outputs"
SAMPLE_INPUTS_DIR = Path("sample_artifacts") / "inputs"
_PACKAGED = Path(__file__).resolve().parents[1] / "_data"
_CHECKOUT = Path(__file__).resolve().parents[3]
_TITLE_WIDTH = 80


@dataclass(frozen=True, slots=True)
class BundledNotebook:
    """One shipped notebook: its name (``tco_analysis``), file and one-line title."""

    name: str
    path: Path
    title: str


def data_root() -> Path:
    """The folder holding ``notebooks/`` and ``sample_artifacts/inputs/`` for this install."""
    for root in (_PACKAGED, _CHECKOUT):
        if (root / NOTEBOOKS_DIR).is_dir() and (root / SAMPLE_INPUTS_DIR).is_dir():
            return root
    msg = (
        f"the kit's notebooks are missing (looked in {_PACKAGED} and {_CHECKOUT}); "
        "reinstall stage5kit from its wheel or source checkout"
    )
    raise DependencyError(msg)


def _title(path: Path) -> str:
    """The first sentence of the notebook's first markdown line (at most 80 characters)."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    lines = [
        line.strip().lstrip("#").strip()
        for cell in cells
        if cell.get("cell_type") == "markdown"
        for line in "".join(cell.get("source", "")).splitlines()
        if line.strip()
    ]
    sentence = re.split(r"(?<=[.?!:])\s", lines[0], maxsplit=1)[0] if lines else path.stem
    return sentence if len(sentence) <= _TITLE_WIDTH else sentence[: _TITLE_WIDTH - 1] + "…"


def bundled_notebooks() -> list[BundledNotebook]:
    """Every notebook shipped with the kit, sorted by name."""
    folder = data_root() / NOTEBOOKS_DIR
    return [
        BundledNotebook(name=path.stem, path=path, title=_title(path))
        for path in sorted(folder.glob("*.ipynb"))
    ]


def resolve_notebook(spec: str | Path) -> Path:
    """A notebook given as a path (an existing file) or as a shipped notebook's name."""
    path = Path(spec).expanduser()
    if path.is_file():
        return path.resolve()
    name = path.name.removesuffix(".ipynb")
    if path.parent == Path():
        for notebook in bundled_notebooks():
            if notebook.name == name:
                return notebook.path
    known = ", ".join(n.name for n in bundled_notebooks())
    msg = (
        f"{spec}: no such notebook file and no shipped notebook of that name "
        f"(shipped: {known}; `stage5kit notebooks list` shows them)"
    )
    raise ConfigError(msg)


def copy_notebooks(target: str | Path) -> list[Path]:
    """Put editable copies of the shipped notebooks and sample inputs into a new folder.

    ``target`` gets ``notebooks/`` (with ``expected_outputs/``) and
    ``sample_artifacts/inputs/``, the layout the notebooks' default paths expect. A folder
    that already holds files is refused, so nobody's edits are overwritten.
    """
    final = Path(target)
    if final.exists() and (not final.is_dir() or any(final.iterdir())):
        msg = f"{final}: exists and is not an empty folder; choose a new folder for the copies"
        raise ConfigError(msg)
    root = data_root()
    with atomic_directory(final) as folder:
        notebooks = folder / NOTEBOOKS_DIR
        notebooks.mkdir()
        for notebook in bundled_notebooks():
            shutil.copyfile(notebook.path, notebooks / notebook.path.name)
        expected = root / NOTEBOOKS_DIR / EXPECTED_OUTPUTS_DIR
        if expected.is_dir():
            shutil.copytree(expected, notebooks / EXPECTED_OUTPUTS_DIR)
        shutil.copytree(root / SAMPLE_INPUTS_DIR, folder / SAMPLE_INPUTS_DIR)
    return sorted(final.joinpath(NOTEBOOKS_DIR).glob("*.ipynb"))
