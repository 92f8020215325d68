"""`build_workshop` builds its folder whole: a failure leaves no partial folder, and no loss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stage5kit.errors import ConfigError, InputError
from stage5kit.reporting import build_workshop
from stage5kit.reporting.workshop_build import (
    ANSWER_MARKER,
    FACILITATOR_NOTEBOOK,
    PARTICIPANT_NOTEBOOK,
    build_notebooks,
    build_participant_folder,
)
from stage5kit.reporting.workshop_lab import LAB_SETTINGS_DIR

NOTEBOOK_META = {"metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _source(tmp_path: Path, answer: str, *, text: str = "", name: str = "source.ipynb") -> Path:
    """An exercise source: a markdown cell of ``text``, one answer cell solved by ``answer``."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": text},
        {"cell_type": "code", "metadata": {}, "source": f"{answer}  {ANSWER_MARKER}\n"},
    ]
    path = tmp_path / name
    path.write_text(json.dumps({"cells": cells, **NOTEBOOK_META}), encoding="utf-8")
    return path


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def breaks_halfway(tmp_path: Path) -> Path:
    """A source whose notebooks cannot be written (a lone surrogate, ``\\ud800``, in a text
    cell), so the build fails after it wrote the sample inputs."""
    return _source(tmp_path, "dzien = 1", text="Krok \ud800", name="broken.ipynb")


def test_a_build_failing_halfway_leaves_no_folder(tmp_path: Path, breaks_halfway: Path) -> None:
    """No DIR, no temp folder or lock beside it; the error names the source and the fix."""
    parent = tmp_path / "out"
    parent.mkdir()
    with pytest.raises(InputError, match=r"broken\.ipynb.*not valid Unicode"):
        build_workshop(breaks_halfway, parent / "lab")
    assert list(parent.iterdir()) == []


def test_a_build_failing_halfway_keeps_the_previous_build(
    tmp_path: Path, breaks_halfway: Path
) -> None:
    """A previous build, with the participant's saved answers, is left byte for byte."""
    folder = tmp_path / "lab"
    build_workshop(_source(tmp_path, "dzien = 1"), folder)
    (folder / PARTICIPANT_NOTEBOOK).write_text('{"cells": ["my answers"]}', encoding="utf-8")
    before = _files(folder)
    with pytest.raises(InputError):
        build_workshop(breaks_halfway, folder)
    assert _files(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ipynb", "lab", "source.ipynb"]


def test_a_rebuild_replaces_a_previous_build_and_what_lab_left(tmp_path: Path) -> None:
    """An earlier build with Lab's settings and checkpoints is replaced by fresh notebooks."""
    folder = tmp_path / "lab"
    build_workshop(_source(tmp_path, "dzien = 1"), folder)
    (folder / LAB_SETTINGS_DIR).mkdir()
    (folder / ".ipynb_checkpoints").mkdir()
    built = build_workshop(_source(tmp_path, "dzien = 2"), folder)
    assert "dzien = 2" in built.facilitator.read_text(encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [PARTICIPANT_NOTEBOOK, FACILITATOR_NOTEBOOK, "dane"]
    )


def test_a_folder_holding_other_files_is_refused_and_untouched(tmp_path: Path) -> None:
    """A workspace or the participant's own file in DIR is never replaced by a build."""
    folder = tmp_path / "lab"
    build_workshop(_source(tmp_path, "dzien = 1"), folder)
    (folder / "moje_notatki.ipynb").write_text("{}", encoding="utf-8")
    before = _files(folder)
    with pytest.raises(ConfigError, match=r"moje_notatki\.ipynb"):
        build_workshop(_source(tmp_path, "dzien = 2"), folder)
    assert _files(folder) == before


def test_an_answer_cell_that_is_not_valid_text_is_named() -> None:
    """A lone surrogate in an answer line is an InputError naming the cell, not a traceback."""
    cell = {"cell_type": "code", "metadata": {}, "source": f'x = "\ud800"  {ANSWER_MARKER}\n'}
    with pytest.raises(InputError, match=r"cell 1.*not valid Python text"):
        build_notebooks({"cells": [cell]}, where="nb.ipynb")


def test_the_participants_lab_folder_holds_no_solutions(tmp_path: Path) -> None:
    """What `workshop lab` opens has the participant notebook and inputs, never the
    facilitator's notebook with its solution lines."""
    notebook = build_participant_folder(_source(tmp_path, "dzien = 2"), tmp_path / "lab")
    assert notebook == tmp_path / "lab" / PARTICIPANT_NOTEBOOK
    assert notebook.is_file()
    assert not (tmp_path / "lab" / FACILITATOR_NOTEBOOK).exists()
    assert "dzien = 2" not in "".join(
        content.decode("utf-8", "replace") for content in _files(tmp_path / "lab").values()
    )
