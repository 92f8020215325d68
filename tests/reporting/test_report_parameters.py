"""Notebook parameters are typed from the parameters cell and checked before any kernel starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.errors import ConfigError, ParameterError
from stage5kit.reporting.parameters import (
    coerce_parameters,
    load_parameter_file,
    parameters_source,
    read_parameters,
    resolve_paths,
)
from stage5kit.reporting.runner import prepare_report

PROBE = Path(__file__).parent / "notebooks" / "probe.ipynb"
DECLARED = read_parameters(PROBE)
PAPERMILL = Path(__file__).parents[1] / "data" / "papermill"
UNTYPED = read_parameters(PAPERMILL / "simple_execute.ipynb")


def test_types_and_comments_come_from_the_parameters_cell() -> None:
    """Each literal default gives the parameter's type; the trailing comment is kept."""
    kinds = {name: p.type_name for name, p in DECLARED.items()}
    assert kinds == {
        "label": "str",
        "scale": "int",
        "ratio": "float",
        "fail": "bool",
        "echo": "str",
        "marker_path": "str",
        "sleep_s": "float",
    }
    assert DECLARED["scale"].comment == "an integer the KPIs are computed from"
    assert DECLARED["marker_path"].is_path
    assert not DECLARED["label"].is_path


def test_command_line_strings_are_parsed_to_the_declared_type() -> None:
    """'3' becomes 3 for an int, '2' becomes 2.0 for a float, 'yes' becomes True for a bool."""
    given_values = {"scale": "3", "ratio": "2", "fail": "yes", "label": "007"}
    coerced = coerce_parameters(DECLARED, given_values, source="test")
    assert coerced == {"scale": 3, "ratio": 2.0, "fail": True, "label": "007"}
    assert isinstance(coerced["ratio"], float)


def test_unknown_parameter_is_refused_by_name() -> None:
    """A name the notebook does not declare is a ParameterError naming it."""
    with pytest.raises(ParameterError, match="unknown parameter 'scael'"):
        coerce_parameters(DECLARED, {"scael": "3"}, source="test")


def test_wrong_type_names_parameter_and_expected_type() -> None:
    """A value that is not an int for an int parameter says which parameter and which type."""
    with pytest.raises(ParameterError, match="'scale' from test expects int, got 'three'"):
        coerce_parameters(DECLARED, {"scale": "three"}, source="test")


def test_bool_is_not_accepted_as_an_int() -> None:
    """YAML true for an int parameter is refused rather than read as 1."""
    with pytest.raises(ParameterError, match="expects int"):
        coerce_parameters(DECLARED, {"scale": True}, source="test")


def test_bad_bool_text_is_refused() -> None:
    """'maybe' is not a bool."""
    with pytest.raises(ParameterError, match="'fail' from test expects bool"):
        coerce_parameters(DECLARED, {"fail": "maybe"}, source="test")


def test_yaml_values_keep_their_types() -> None:
    """Typed YAML values (int for a float parameter) are accepted and widened."""
    coerced = coerce_parameters(DECLARED, {"ratio": 1, "scale": 4}, source="test")
    assert coerced == {"ratio": 1.0, "scale": 4}


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_any_integer_text_round_trips(value: int) -> None:
    """Every integer written as text comes back as the same int."""
    assert coerce_parameters(DECLARED, {"scale": str(value)}, source="t") == {"scale": value}


@given(st.text(max_size=40))
def test_text_parameters_take_any_text_verbatim(value: str) -> None:
    """A str parameter takes the text exactly as given (no YAML interpretation)."""
    assert coerce_parameters(DECLARED, {"label": value}, source="t") == {"label": value}


def test_path_defaults_resolve_against_notebook_and_given_paths_against_caller(
    tmp_path: Path,
) -> None:
    """A *_path default is relative to the notebook; a given one to the caller's folder."""
    declared = {**DECLARED}
    defaults = resolve_paths(declared, {}, notebook_dir=tmp_path / "nb", given_dir=tmp_path)
    assert defaults["marker_path"] == ""
    given_values = {"marker_path": "m.txt"}
    resolved = resolve_paths(declared, given_values, notebook_dir=Path("/x"), given_dir=tmp_path)
    assert resolved["marker_path"] == str(tmp_path / "m.txt")
    assert resolved["label"] == "probe"


def _notebook(folder: Path, parameters: str | None, *, name: str = "nb.ipynb") -> Path:
    cells = [{"cell_type": "code", "metadata": {}, "source": "x = 1"}]
    if parameters is not None:
        cells.insert(
            0, {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": parameters}
        )
    notebook = folder / name
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}}))
    return notebook


def test_notebook_without_parameters_cell_declares_none(tmp_path: Path) -> None:
    """No cell tagged 'parameters': no parameters, and the notebook still prepares to run."""
    notebook = _notebook(tmp_path, None)
    assert parameters_source(notebook) is None
    assert read_parameters(notebook) == {}
    assert prepare_report(notebook, {}).parameters == {}


def test_parameters_for_a_notebook_without_parameters_cell_are_refused(tmp_path: Path) -> None:
    """-p on such a notebook is refused with the reason, before any kernel starts."""
    notebook = _notebook(tmp_path, None)
    with pytest.raises(ParameterError, match=r"has no cell tagged 'parameters'.*given: msg"):
        prepare_report(notebook, {"msg": "hi"})


@given(st.text(max_size=30))
def test_untyped_parameters_parse_text_exactly_as_papermill_does(text: str) -> None:
    """A None default takes -p text as papermill's own CLI parser (_resolve_type) does."""
    from papermill.cli import _resolve_type

    coerced = coerce_parameters(UNTYPED, {"msg": text}, source="-p")["msg"]
    expected = _resolve_type(text)
    assert type(coerced) is type(expected)
    assert repr(coerced) == repr(expected)  # repr: NaN equals NaN here


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01", "2024-01-01"),
        ("yes", "yes"),
        ("null", "null"),
        ("[1, 2]", "[1, 2]"),
        ("None", None),
        ("True", True),
        ("7", 7),
        ("0.5", 0.5),
    ],
)
def test_untyped_parameter_cases_from_papermill(text: str, expected: object) -> None:
    """The cases the issue names: dates, yes, null and lists stay text, as in papermill."""
    assert coerce_parameters(UNTYPED, {"msg": text}, source="-p") == {"msg": expected}


def test_values_json_cannot_hold_are_passed_as_text(tmp_path: Path) -> None:
    """A date or time from a YAML parameter file becomes its ISO text, for any declared type."""
    file = tmp_path / "params.yaml"
    file.write_text("msg: 2024-01-01\nlabel: 2024-01-02 10:30:00\n")
    values = load_parameter_file(file)
    declared = {**DECLARED, **UNTYPED}
    coerced = coerce_parameters(declared, values, source=str(file))
    assert coerced == {"msg": "2024-01-01", "label": "2024-01-02T10:30:00"}
    json.dumps(coerced)


def test_expression_defaults_are_listed_but_never_injected(tmp_path: Path) -> None:
    """A non-literal default is read as untyped code; it runs in the notebook, not injected."""
    notebook = _notebook(tmp_path, "a = 2.5\nd = a == 3  # computed\ns = {1, 2}\n")
    declared = read_parameters(notebook)
    assert declared["d"].expression
    assert declared["d"].default == "a == 3"
    assert declared["d"].comment == "computed"
    assert declared["s"].expression
    resolved = prepare_report(notebook, {}).parameters
    assert resolved == {"a": 2.5}
    given_values = prepare_report(notebook, {"d": "True"}).parameters
    assert given_values == {"a": 2.5, "d": True}


def test_broken_lines_of_the_parameters_cell_are_skipped_like_papermill() -> None:
    """papermill's complex_parameters.ipynb has a line Python rejects; the rest is listed."""
    declared = read_parameters(PAPERMILL / "complex_parameters.ipynb")
    assert list(declared) == ["msg", "a", "b", "c", "d"]
    assert declared["a"].type_name == "float"
    assert declared["a"].comment == "Variable a"
    assert declared["b"].default == ["Hello", "World"]
    assert declared["c"].comment == "Interesting c variable"
    assert declared["d"].expression


def test_parameter_file_must_be_a_mapping(tmp_path: Path) -> None:
    """A YAML list is not a parameter file."""
    file = tmp_path / "params.yaml"
    file.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_parameter_file(file)


def test_prepare_report_resolves_the_title_and_parameters() -> None:
    """prepare_report returns every parameter (defaults filled in) and a title."""
    prepared = prepare_report(PROBE, {"scale": "5"})
    assert prepared.parameters["scale"] == 5
    assert prepared.parameters["label"] == "probe"
    assert prepared.title == "probe"


def test_parameter_file_that_is_a_folder_is_a_config_error(tmp_path: Path) -> None:
    """A -f path that cannot be read (here a folder) is a ConfigError, not a traceback."""
    with pytest.raises(ConfigError, match="cannot read the parameter file"):
        load_parameter_file(tmp_path)
