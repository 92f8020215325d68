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
    """Write the participant and facilitator notebooks and their sample inputs into ``out_dir``."""
    from stage5kit.compliance.key_registry import save_registry
    from stage5kit.compliance.samples import KEY_REGISTRY, sample_key_registry
    from stage5kit.core.io import write_sample_inputs
    from stage5kit.files import atomic_write_text

    path = Path(source)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        msg = f"{path}: cannot read the exercise notebook ({error})"
        raise InputError(msg, path=str(path)) from None
    participant, facilitator = build_notebooks(document, where=str(path))
    folder = Path(out_dir)
    data = folder / DATA_DIR
    write_sample_inputs(data)
    save_registry(sample_key_registry(data / Path(KEY_REGISTRY).name))
    paths = []
    for name, notebook in (
        (PARTICIPANT_NOTEBOOK, participant),
        (FACILITATOR_NOTEBOOK, facilitator),
    ):
        target = folder / name
        atomic_write_text(target, json.dumps(notebook, ensure_ascii=False, indent=1) + "\n")
        paths.append(target)
    return WorkshopBuild(participant=paths[0], facilitator=paths[1], data=data)
