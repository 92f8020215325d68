"""Shipped notebooks: found by name, listed, copied out, their parameters shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.errors import ConfigError
from stage5kit.reporting import bundled_notebooks, copy_notebooks, read_parameters
from stage5kit.reporting.bundled import data_root, resolve_notebook

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {
    "decision_engine",
    "observability",
    "stress_test",
    "tco_analysis",
    "workshop_exercise",
}


def test_an_editable_install_reads_the_checkouts_notebooks() -> None:
    """From the source checkout the repository's notebooks/ is the one source of truth."""
    assert data_root() == ROOT
    assert {n.name for n in bundled_notebooks()} == SHIPPED
    assert {n.path.parent for n in bundled_notebooks()} == {ROOT / "notebooks"}


@pytest.mark.parametrize("spec", ["tco_analysis", "tco_analysis.ipynb"])
def test_a_shipped_notebook_is_found_by_name_from_any_folder(
    spec: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tco_analysis` (with or without .ipynb) resolves wherever the command runs."""
    monkeypatch.chdir(tmp_path)
    assert resolve_notebook(spec) == ROOT / "notebooks" / "tco_analysis.ipynb"


def test_a_path_wins_over_a_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An existing file named like a shipped notebook is the one used."""
    own = tmp_path / "tco_analysis.ipynb"
    own.write_text("{}")
    monkeypatch.chdir(tmp_path)
    assert resolve_notebook("tco_analysis.ipynb") == own


def test_an_unknown_name_lists_the_shipped_notebooks() -> None:
    """A typo is refused naming what exists."""
    shipped = "decision_engine, observability, stress_test, tco_analysis, workshop_exercise"
    with pytest.raises(ConfigError, match=f"shipped: {shipped}"):
        resolve_notebook("tco_analysys")
    with pytest.raises(ConfigError, match="no such notebook file"):
        resolve_notebook("some/folder/tco_analysis.ipynb")


def test_copies_keep_the_layout_the_default_paths_expect(tmp_path: Path) -> None:
    """Copied notebooks' `../sample_artifacts/inputs/...` defaults resolve to copied inputs."""
    target = tmp_path / "mine"
    copied = copy_notebooks(target)
    assert {p.stem for p in copied} == SHIPPED
    assert (target / "notebooks" / "expected_outputs" / "tco_analysis.json").is_file()
    notebook = target / "notebooks" / "tco_analysis.ipynb"
    assert notebook.read_bytes() == (ROOT / "notebooks" / notebook.name).read_bytes()
    default = read_parameters(notebook)["trades_path"].default
    assert isinstance(default, str)
    copied_input = (notebook.parent / default).resolve()
    assert copied_input.read_bytes() == (ROOT / "sample_artifacts/inputs/trades.csv").read_bytes()
    assert not (target / "notebooks" / "conftest.py").exists()


def test_copy_refuses_a_folder_that_holds_files(tmp_path: Path) -> None:
    """Nobody's edited notebooks are overwritten; nothing is written."""
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    outcome = CliRunner().invoke(main, ["notebooks", "copy", str(target)])
    assert outcome.exit_code == 2
    assert "exists and is not an empty folder" in outcome.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_notebooks_list_and_copy_commands(tmp_path: Path) -> None:
    """`notebooks list` names each notebook with its title; `copy` prints what it wrote."""
    listed = CliRunner().invoke(main, ["notebooks", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert {row["name"] for row in rows} == SHIPPED
    tco = next(row for row in rows if row["name"] == "tco_analysis")
    assert tco["title"].startswith("The total cost of ownership (TCO)")
    text = CliRunner().invoke(main, ["notebooks", "list"])
    assert "tco_analysis       The total cost of ownership" in text.stdout
    copied = CliRunner().invoke(main, ["notebooks", "copy", str(tmp_path / "lab")])
    assert copied.exit_code == 0, copied.output
    assert str(tmp_path / "lab" / "notebooks" / "stress_test.ipynb") in copied.stdout


def test_report_params_lists_name_type_default_and_comment() -> None:
    """`report params tco_analysis` shows every parameter; --format json the same facts."""
    as_json = CliRunner().invoke(main, ["report", "params", "tco_analysis", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    rows = {row["name"]: row for row in json.loads(as_json.stdout)}
    assert list(rows) == list(read_parameters(ROOT / "notebooks" / "tco_analysis.ipynb"))
    assert rows["period"] == {
        "name": "period",
        "type": "str",
        "default": "month",
        "expression": False,
        "comment": "period of the KPI table and the breach checks: day, week or month",
    }
    text = CliRunner().invoke(main, ["report", "params", "tco_analysis"])
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["name", "type", "default", "comment"]
    assert any(line.split()[:3] == ["period", "str", '"month"'] for line in lines)


def test_report_params_of_a_notebook_without_parameters(tmp_path: Path) -> None:
    """No parameters cell: said so, and an empty JSON list."""
    notebook = Path(__file__).parents[1] / "data" / "papermill" / "no_parameters.ipynb"
    text = CliRunner().invoke(main, ["report", "params", str(notebook)])
    assert "no parameters (no cell tagged 'parameters')" in text.stdout
    as_json = CliRunner().invoke(main, ["report", "params", str(notebook), "--format", "json"])
    assert json.loads(as_json.stdout) == []
