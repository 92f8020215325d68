"""Batch grids: explicit lists or products of value lists, folder names, the index files."""

from __future__ import annotations

import csv
import re
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
from stage5kit.reporting.batch import grid as grid_module


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
        ("notebook: nb.ipynb\ngrid: [1, 2]\n", "grid entry 1: expected a mapping"),
        ("notebook: nb.ipynb\ngrid: {a: 1}\n", "'grid' must be a list of parameter mappings"),
        ("notebook: nb.ipynb\nproduct: {a: 1}\n", "'product' must map"),
        ("grid: [{a: 1}]\n", "expected a mapping with 'notebook'"),
        ("notebook: nb.ipynb\ngrid: [{a: 1}]\nworkers: 3\n", "unknown key"),
    ],
)
def test_bad_grids_are_config_errors(tmp_path: Path, body: str, message: str) -> None:
    """Each malformed grid is refused with a message saying what is wrong."""
    with pytest.raises(ConfigError, match=message):
        load_grid(_grid(tmp_path, body))


def _readable(names: list[str]) -> list[str]:
    """The names without their hash suffix."""
    return [name.rsplit("__", 1)[0] for name in names]


def test_folder_names_come_from_the_varying_parameters() -> None:
    """Names use only parameters that differ between runs; paths contribute their stem."""
    runs = (
        {"ratio": 0.5, "trades_path": "/d/jan.csv", "venue": "X"},
        {"ratio": 0.5, "trades_path": "/d/feb.csv", "venue": "X"},
    )
    assert _readable(report_names(runs)) == ["trades_path=jan", "trades_path=feb"]


def test_folder_names_end_in_a_hash_of_the_whole_parameter_set() -> None:
    """The suffix is a hash of every parameter, fixed ones included, whatever the key order."""
    names = report_names(({"a": 1, "b": 2}, {"a": 3, "b": 2}))
    assert names[0] == f"a=1__{grid_module.parameters_digest({'b': 2, 'a': 1})}"
    assert len(names[0].rsplit("__", 1)[1]) == 10
    assert report_names(({"a": 1, "b": 5}, {"a": 3, "b": 5}))[0] != names[0]


def test_values_that_read_alike_get_different_folders() -> None:
    """Old naming gave 'label=a__3' twice (the third run's suffix); hashes keep them apart."""
    runs = ({"label": "p/a"}, {"label": "a__3"}, {"label": "q/a"})
    names = report_names(runs)
    assert len(set(names)) == 3
    assert _readable(names) == ["label=a", "label=a__3", "label=a"]


def test_a_short_hash_collision_falls_back_to_the_full_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Even if two parameter sets shared the short hash, their folders differ."""
    monkeypatch.setattr(grid_module, "NAME_HASH_CHARS", 0)
    names = report_names(({"a": 1}, {"a": 2}, {"a": 3}))
    assert len(set(names)) == 3


def test_duplicate_runs_are_refused_naming_both_entries() -> None:
    """The issue's grid: two runs with the same parameters would share one report."""
    with pytest.raises(ConfigError, match="grid entries 1 and 3 have the same parameters"):
        report_names(({"label": "a"}, {"label": "a__3"}, {"label": "a"}))


def test_single_run_is_named_report() -> None:
    """A grid of one run has nothing varying; its folder is 'report' plus the hash."""
    assert _readable(report_names(({"a": 1},))) == ["report"]


def test_a_huge_product_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    """9 parameters x 10 values (10^9 reports) is counted, not built, and refused."""
    axes = "".join(f"  p{i}: [{', '.join(str(v) for v in range(10))}]\n" for i in range(9))
    path = _grid(tmp_path, f"notebook: nb.ipynb\nproduct:\n{axes}")
    with pytest.raises(ConfigError, match=r"1,000,000,000 reports .*limit of 10,000"):
        load_grid(path)
    grid = load_grid(path, max_reports=10**9)
    assert grid.size == 10**9
    assert next(grid.iter_runs()) == {f"p{i}": 0 for i in range(9)}


def test_max_reports_counts_a_listed_grid_too(tmp_path: Path) -> None:
    """A grid list longer than max_reports is refused as well."""
    path = _grid(tmp_path, "notebook: nb.ipynb\ngrid: [{a: 1}, {a: 2}, {a: 3}]\n")
    with pytest.raises(ConfigError, match=r"3 reports .*--max-reports"):
        load_grid(path, max_reports=2)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "grid:\n  - {scale: 1}\n  - {scale: " + "7" * 5000 + "}\n",
            "line 4: '7777",
        ),
        (
            "grid:\n  - {scale: " + "9" * 30 + "}\n",
            "grid entry 1, parameter 'scale': an integer of 30 digits is too large",
        ),
        ("product:\n  day: [1, 2026-01-05]\n", "product value 2, parameter 'day': datetime.date"),
        ("grid:\n  - {1: a}\n", "grid entry 1: 1 is not a parameter name"),
        ("grid:\n  - {a: {1: x}}\n", "parameter 'a': {1: 'x'} has a key that is not text"),
        ("parameters: {a: 2026-01-01}\ngrid: [{b: 1}]\n", "'parameters', parameter 'a'"),
        ("grid:\n  - [1, 2]\n", "grid entry 1: expected a mapping"),
        ("product:\n  a: []\n", "parameter 'a': the list of values is empty"),
        ("grid:\n  - {a: " + "[" * 20 + "]" * 20 + "}\n", "nested more than 16 levels"),
    ],
)
def test_every_grid_value_is_checked_with_a_precise_message(
    tmp_path: Path, body: str, message: str
) -> None:
    """A bad value names the file, where it is written, the parameter and the problem."""
    path = _grid(tmp_path, "notebook: nb.ipynb\n" + body)
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_grid(path)
    assert str(path) in str(caught.value)
    assert len(str(caught.value)) < 400


def test_a_huge_integer_in_a_json_grid_is_a_config_error(tmp_path: Path) -> None:
    """JSON grids too: a 5000-digit number is a ConfigError, not a ValueError traceback."""
    path = tmp_path / "grid.json"
    path.write_text('{"notebook": "nb.ipynb", "grid": [{"a": ' + "7" * 5000 + "}]}")
    with pytest.raises(ConfigError, match="more than 4300 digits"):
        load_grid(path)


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


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("Zofia Łęcka", "zofia-lecka"),
        ("Żaneta Źrebięta-Ćwik", "zaneta-zrebieta-cwik"),
        ("Łukasz Ślusarczyk", "lukasz-slusarczyk"),
        ("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż", "acelnoszz-acelnoszz"),
    ],
)
def test_folder_names_transliterate_polish_letters(value: str, fragment: str) -> None:
    """Polish letters become their base letters (lower case), never dropped."""
    names = report_names(({"participant": value, "seed": 13}, {"participant": "x", "seed": 13}))
    assert _readable(names)[0] == f"participant={fragment}"
