"""Source notebooks are committed stripped and declare documented, typed parameters."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from stage5kit.reporting import read_parameters

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(
    [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("tests/reporting/notebooks/*.ipynb")]
)
CHECKED = "# NBVAL_CHECK_OUTPUT"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    """No code cell of a source notebook carries outputs or an execution count."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [], f"{path.name} cell {index + 1} has outputs"
        assert cell.execution_count is None, f"{path.name} cell {index + 1} has a count"


@pytest.mark.parametrize("path", sorted(ROOT.glob("notebooks/*.ipynb")), ids=lambda p: p.name)
def test_checked_cells_have_expected_outputs_beside_the_notebook(path: Path) -> None:
    """Every NBVAL_CHECK_OUTPUT cell has its expected output in notebooks/expected_outputs/."""
    sidecar = ROOT / "notebooks" / "expected_outputs" / f"{path.stem}.json"
    expected = json.loads(sidecar.read_text()) if sidecar.is_file() else {}
    notebook = nbformat.read(path, as_version=4)
    checked = {cell.id for cell in notebook.cells if cell.source.startswith(CHECKED)}
    assert checked == set(expected), f"{path.name}: checked cells and expected outputs differ"
    for outputs in expected.values():
        assert outputs, f"{path.name}: an expected output is empty"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_parameter_has_a_comment(path: Path) -> None:
    """Each notebook has a parameters cell and every parameter in it is explained."""
    parameters = read_parameters(path)
    assert parameters
    for parameter in parameters.values():
        assert parameter.comment, f"{path.name}: parameter {parameter.name} has no comment"


def test_tco_notebook_declares_the_documented_parameters() -> None:
    """The TCO notebook takes the parameters the issue lists, defaulting to the sample data."""
    parameters = read_parameters(ROOT / "notebooks" / "tco_analysis.ipynb")
    assert set(parameters) == {
        "trades_path",
        "infra_costs_path",
        "period",
        "group_by",
        "thresholds_path",
        "budget_path",
        "currency",
        "title",
        "lang",
    }
    for name in ("trades_path", "infra_costs_path", "thresholds_path", "budget_path"):
        default = parameters[name].default
        assert isinstance(default, str)
        assert (ROOT / "notebooks" / default).is_file()
