"""The stress-test notebook declares the documented parameters, defaulting to the sample data."""

from __future__ import annotations

from pathlib import Path

from stage5kit.reporting import read_parameters

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "stress_test.ipynb"


def test_stress_notebook_declares_the_documented_parameters() -> None:
    """Parameters are the ones docs/stress.md lists, typed, and the paths exist."""
    parameters = read_parameters(NOTEBOOK)
    assert {name: p.type_name for name, p in parameters.items()} == {
        "trades_path": "str",
        "infra_costs_path": "str",
        "scenarios": "str",
        "paths": "int",
        "days": "int",
        "seed": "int",
        "block_length": "float",
        "include_tco": "bool",
        "budget": "float",
        "gross_edge_bps": "float",
        "currency": "str",
        "title": "str",
        "lang": "str",
    }
    for name in ("trades_path", "infra_costs_path"):
        default = parameters[name].default
        assert isinstance(default, str)
        assert (NOTEBOOK.parent / default).is_file()


def test_stress_notebook_defaults_stay_small() -> None:
    """Defaults run in seconds under nbval: at most 5000 paths of at most 60 days."""
    parameters = read_parameters(NOTEBOOK)
    assert parameters["paths"].default <= 5000
    assert parameters["days"].default <= 60
