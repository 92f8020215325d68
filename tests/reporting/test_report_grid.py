"""Batch grids: explicit lists or products of value lists, folder names, the index files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from stage5kit.errors import ConfigError
from stage5kit.reporting.batch import (
    BatchEntry,
    BatchResult,
    load_grid,
    report_names,
    write_index,
)


def _grid(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "grid.yaml"
    path.write_text(body)
    return path


def test_product_expands_every_combination_with_fixed_parameters(tmp_path: Path) -> None:
    """'product' gives one run per combination; 'parameters' are added to every run."""
    grid = load_grid(
        _grid(
            tmp_path,
            "notebook: nb.ipynb\nparameters: {ratio: 0.5}\n"
            "product:\n  scale: [1, 2]\n  label: [a, b]\n",
        )
    )
    assert grid.notebook == (tmp_path / "nb.ipynb").resolve()
    assert grid.runs == (
        {"ratio": 0.5, "scale": 1, "label": "a"},
        {"ratio": 0.5, "scale": 1, "label": "b"},
        {"ratio": 0.5, "scale": 2, "label": "a"},
        {"ratio": 0.5, "scale": 2, "label": "b"},
    )


def test_explicit_list_is_kept_in_order(tmp_path: Path) -> None:
    """'grid' lists parameter sets as given."""
    grid = load_grid(_grid(tmp_path, "notebook: nb.ipynb\ngrid:\n  - {scale: 3}\n  - {scale: 1}\n"))
    assert grid.runs == ({"scale": 3}, {"scale": 1})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("notebook: nb.ipynb\n", "exactly one of 'grid'"),
        ("notebook: nb.ipynb\ngrid: [1]\nproduct: {a: [1]}\n", "exactly one of 'grid'"),
        ("notebook: nb.ipynb\ngrid: [1, 2]\n", "'grid' must be a list of parameter mappings"),
        ("notebook: nb.ipynb\nproduct: {a: 1}\n", "'product' must map"),
        ("grid: [{a: 1}]\n", "expected a mapping with 'notebook'"),
        ("notebook: nb.ipynb\ngrid: [{a: 1}]\nworkers: 3\n", "unknown key"),
    ],
)
def test_bad_grids_are_config_errors(tmp_path: Path, body: str, message: str) -> None:
    """Each malformed grid is refused with a message saying what is wrong."""
    with pytest.raises(ConfigError, match=message):
        load_grid(_grid(tmp_path, body))


def test_folder_names_come_from_the_varying_parameters() -> None:
    """Names use only parameters that differ between runs; paths contribute their stem."""
    runs = (
        {"ratio": 0.5, "trades_path": "/d/jan.csv", "venue": "X"},
        {"ratio": 0.5, "trades_path": "/d/feb.csv", "venue": "X"},
    )
    assert report_names(runs) == ["trades_path=jan", "trades_path=feb"]


def test_duplicate_runs_get_unique_names() -> None:
    """Two identical parameter sets still get two folders."""
    assert report_names(({"a": 1}, {"a": 1}, {"a": 2})) == ["a=1", "a=1__2", "a=2"]


def test_single_run_is_named_report() -> None:
    """A grid of one run has nothing varying; its folder is 'report'."""
    assert report_names(({"a": 1},)) == ["report"]


def test_index_lists_parameters_status_kpis_and_links(tmp_path: Path) -> None:
    """index.csv has one row per report with parameters, status, KPIs and the link."""
    entries = (
        BatchEntry(name="a=1", parameters={"a": 1}, status="ok", results={"cost": 2.5}),
        BatchEntry(name="a=2", parameters={"a": 2}, status="failed", error="NotebookError: x"),
    )
    write_index(BatchResult(out_dir=tmp_path, entries=entries))
    rows = list(csv.DictReader((tmp_path / "index.csv").read_text().splitlines()))
    assert [(r["report"], r["status"], r["a"], r["result.cost"]) for r in rows] == [
        ("a=1", "ok", "1", "2.5"),
        ("a=2", "failed", "2", ""),
    ]
    assert rows[0]["link"] == "a=1/report.html"
    page = (tmp_path / "index.html").read_text()
    assert '<a href="a=1/report.html">a=1</a>' in page
    assert "NotebookError: x" in page


def test_grid_that_is_a_folder_is_a_config_error(tmp_path: Path) -> None:
    """A grid path that cannot be read (here a folder) is a ConfigError, not a traceback."""
    with pytest.raises(ConfigError, match="cannot read the grid file"):
        load_grid(tmp_path)


def test_grid_notebook_by_shipped_name(tmp_path: Path) -> None:
    """`notebook: tco_analysis` names the shipped notebook; a path stays relative to the grid."""
    from stage5kit.reporting import resolve_notebook

    grid = load_grid(_grid(tmp_path, "notebook: tco_analysis\ngrid: [{period: week}]\n"))
    assert grid.notebook == resolve_notebook("tco_analysis")
    assert grid.notebook.name == "tco_analysis.ipynb"
    with pytest.raises(ConfigError, match="no shipped notebook of that name"):
        load_grid(_grid(tmp_path, "notebook: no_such_report\ngrid: [{a: 1}]\n"))
