"""One exercise source, two notebooks: the participant's (answers to fill) and the facilitator's.

The source is the facilitator's notebook (``notebooks/workshop_exercise.ipynb``): every line
of an answer ends with the marker ``# ROZWIĄZANIE``. The participant version replaces each
answer cell with ``NAME = ...`` for every name the cell assigns, so the notebook still runs
and its self-checks say what is missing; the facilitator version only drops the markers.
Both get the sample inputs and the sample key registry they read in ``dane/`` beside them.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from stage5kit.errors import InputError

ANSWER_MARKER = "# ROZWIĄZANIE"
PARTICIPANT_NOTEBOOK = "cwiczenie_uczestnik.ipynb"
FACILITATOR_NOTEBOOK = "cwiczenie_prowadzacy.ipynb"
DATA_DIR = "dane"
SOURCE_DATA_PREFIXES = ("../sample_artifacts/inputs/", "../sample_artifacts/keys/")
PLACEHOLDER = "...  # Twoja odpowiedź"


@dataclass(frozen=True, slots=True)
class WorkshopBuild:
    """Where the built notebooks and their data are."""

    participant: Path
    facilitator: Path
    data: Path


def _is_answer(cell: dict[str, object]) -> bool:
    return cell.get("cell_type") == "code" and ANSWER_MARKER in _text(cell)


def _text(cell: dict[str, object]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _assigned_names(text: str, where: str) -> list[str]:
    """The names an answer cell assigns, in order (the participant fills each one)."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        msg = f"{where}: the answer cell is not valid Python ({error.msg}, line {error.lineno})"
        raise InputError(msg) from None
    except ValueError as error:
        msg = f"{where}: the answer cell is not valid Python text ({error}); retype the line"
        raise InputError(msg) from None
    names = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]
    if not names:
        msg = f"{where}: an answer cell must assign its answer to a name (e.g. dzien = ...)"
        raise InputError(msg)
    return names


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _strip_markers(text: str) -> str:
    return "\n".join(line.replace(f"  {ANSWER_MARKER}", "").rstrip() for line in text.split("\n"))


def _rewrite_data_paths(text: str) -> str:
    for prefix in SOURCE_DATA_PREFIXES:
        text = text.replace(prefix, f"{DATA_DIR}/")
    return text


def build_notebooks(source: object, *, where: str) -> tuple[dict[str, object], ...]:
    """The participant and facilitator notebooks (as JSON documents) from the source."""
    if not isinstance(source, dict):
        msg = f"{where}: not a notebook (a JSON object with a 'cells' list)"
        raise InputError(msg)
    cells = source.get("cells")
    if not isinstance(cells, list) or not all(
        isinstance(cell, dict) and isinstance(cell.get("cell_type"), str) for cell in cells
    ):
        msg = f"{where}: not a notebook (no 'cells' list of cells with a 'cell_type')"
        raise InputError(msg)
    participant_cells, facilitator_cells = [], []
    answers = 0
    for index, cell in enumerate(cells, start=1):
        text = _rewrite_data_paths(_text(cell))
        base = (
            {**cell, "outputs": [], "execution_count": None}
            if cell.get("cell_type") == "code"
            else dict(cell)
        )
        facilitator_cells.append({**base, "source": _lines(_strip_markers(text))})
        if _is_answer(cell):
            answers += 1
            names = _assigned_names(text, f"{where}, cell {index}")
            blank = "\n".join(f"{name} = {PLACEHOLDER}" for name in names)
            participant_cells.append({**base, "source": _lines(blank)})
        else:
            participant_cells.append({**base, "source": _lines(_strip_markers(text))})
    if answers == 0:
        msg = f"{where}: no answer cells (lines ending with {ANSWER_MARKER!r})"
        raise InputError(msg)
    return (
        {**source, "cells": participant_cells},
        {**source, "cells": facilitator_cells},
    )


def build_workshop(source: str | Path, out_dir: str | Path) -> WorkshopBuild:
    """Build the participant and facilitator notebooks and their sample inputs as ``out_dir``.

    See :func:`_write_workshop` for how ``out_dir`` is written.
    """
    _write_workshop(source, out_dir, solutions=True)
    folder = Path(out_dir)
    return WorkshopBuild(
        participant=folder / PARTICIPANT_NOTEBOOK,
        facilitator=folder / FACILITATOR_NOTEBOOK,
        data=folder / DATA_DIR,
    )


def build_participant_folder(source: str | Path, out_dir: str | Path) -> Path:
    """Build ``out_dir`` for participants' JupyterLab: their notebook and its inputs, without
    the facilitator's solutions beside it; return the participant notebook's path."""
    _write_workshop(source, out_dir, solutions=False)
    return Path(out_dir) / PARTICIPANT_NOTEBOOK


def _write_workshop(source: str | Path, out_dir: str | Path, *, solutions: bool) -> None:
    """Write the built notebooks (the facilitator's only with ``solutions``) and sample inputs.

    All or nothing: the folder is built beside ``out_dir`` and renamed into place, so a
    failure (a bad source, a full disk) leaves no partial folder and any previous build as
    it was. An existing ``out_dir`` is replaced whole (fresh notebooks, as a rebuild always
    gave) when it holds only what a build and JupyterLab leave there; one holding anything
    else (a workspace, the participant's own files) is refused and not touched.
    """
    from stage5kit.compliance.key_registry import save_registry
    from stage5kit.compliance.samples import KEY_REGISTRY, sample_key_registry
    from stage5kit.core.io import write_sample_inputs
    from stage5kit.files import atomic_write_bytes, output_directory
    from stage5kit.reporting.workshop_lab import LAB_FILES

    path = Path(source)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        msg = f"{path}: cannot read the exercise notebook ({error})"
        raise InputError(msg, path=str(path)) from None
    participant, facilitator = build_notebooks(document, where=str(path))
    folder = Path(out_dir)
    built = (PARTICIPANT_NOTEBOOK, FACILITATOR_NOTEBOOK, DATA_DIR)
    with output_directory(folder, owned=(*built, *LAB_FILES)) as building:
        write_sample_inputs(building / DATA_DIR)
        save_registry(sample_key_registry(building / DATA_DIR / Path(KEY_REGISTRY).name))
        notebooks = [(PARTICIPANT_NOTEBOOK, participant)]
        if solutions:
            notebooks.append((FACILITATOR_NOTEBOOK, facilitator))
        for name, notebook in notebooks:
            atomic_write_bytes(building / name, _notebook_bytes(notebook, name, path))


def _notebook_bytes(notebook: dict[str, object], name: str, source: Path) -> bytes:
    """A built notebook as UTF-8 JSON; text that is not valid Unicode names the source."""
    try:
        return (json.dumps(notebook, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    except UnicodeEncodeError as error:
        msg = (
            f"{source}: {name} cannot be written: the notebook holds text that is not valid "
            f"Unicode ({error.reason}, e.g. a lone \\ud800 escape); fix the source notebook"
        )
        raise InputError(msg, path=str(source)) from None
