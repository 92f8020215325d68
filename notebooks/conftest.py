"""nbval over the source notebooks: expected outputs live beside them, not inside them.

Source notebooks are committed without any output. The output that nbval (``--nbval-lax``)
compares a ``# NBVAL_CHECK_OUTPUT`` cell against is kept in
``notebooks/expected_outputs/<notebook stem>.json`` as ``{cell id: [outputs]}`` and put
into the collected cell here; a checked cell without an expected output is an error.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

EXPECTED_OUTPUTS = Path(__file__).resolve().parent / "expected_outputs"


def load_expected_outputs(notebook: Path) -> dict[str, list[dict[str, object]]]:
    """Return the expected outputs of a notebook's checked cells, by cell id."""
    sidecar = EXPECTED_OUTPUTS / f"{notebook.stem}.json"
    if not sidecar.is_file():
        return {}
    loaded: dict[str, list[dict[str, object]]] = json.loads(sidecar.read_text(encoding="utf-8"))
    return loaded


def pytest_itemcollected(item: pytest.Item) -> None:
    """Give each nbval cell marked NBVAL_CHECK_OUTPUT its expected output from the sidecar."""
    cell = getattr(item, "cell", None)
    options = getattr(item, "options", {})
    if cell is None or not options.get("check"):
        return
    notebook = Path(str(item.path))
    expected = load_expected_outputs(notebook)
    if cell.get("id") not in expected:
        msg = (
            f"{notebook.name}: cell {cell.get('id')} is marked NBVAL_CHECK_OUTPUT but "
            f"{EXPECTED_OUTPUTS.name}/{notebook.stem}.json has no output for it"
        )
        raise pytest.UsageError(msg)
    cell.outputs = [nbformat.from_dict(output) for output in expected[cell["id"]]]
    cell.execution_count = 1  # nbval refuses outputs on a cell it sees as never run
