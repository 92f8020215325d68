"""Typed notebook parameters: read the ``parameters`` cell, then check and coerce given values.

Types come from the literal defaults in the cell (``x = 5`` makes ``x`` an int), so a wrong
name or type is refused before any kernel starts. Parameters whose name ends in ``_path``
are file paths: defaults are resolved against the notebook's folder, given values against
the folder they were given in, so a report runs from any working directory.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from stage5kit.errors import ConfigError, ParameterError
from stage5kit.files import read_config_file

PATH_SUFFIX = "_path"
_TYPE_NAMES: dict[type, str] = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    list: "list",
    dict: "dict",
    type(None): "any",
}
PREVIEW_CHARS = 7
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True, slots=True)
class NotebookParameter:
    """One parameter declared in a notebook's ``parameters`` cell."""

    name: str
    kind: type
    default: object
    comment: str

    @property
    def type_name(self) -> str:
        """The expected type as users write it (``int``, ``str``, ...)."""
        return _TYPE_NAMES[self.kind]

    @property
    def is_path(self) -> bool:
        """Whether the value names a file (the name ends in ``_path``)."""
        return self.name.endswith(PATH_SUFFIX) and self.kind is str


def _load_notebook_json(notebook: Path) -> dict[str, object]:
    import json

    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        msg = f"{notebook}: notebook not found"
        raise ConfigError(msg) from error
    except ValueError as error:
        msg = f"{notebook}: not a notebook (invalid JSON: {error})"
        raise ConfigError(msg) from error
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        msg = f"{notebook}: not a notebook (no cells)"
        raise ConfigError(msg)
    return data


def _parameters_source(notebook: Path) -> str:
    cells = _load_notebook_json(notebook)["cells"]
    for cell in cells if isinstance(cells, list) else []:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else str(source)
    msg = f"{notebook}: no code cell tagged 'parameters'"
    raise ConfigError(msg)


def _comment_for(lines: list[str], index: int) -> str:
    """The parameter's trailing comment, else the comment lines right above it."""
    line = lines[index]
    if "#" in line:
        return line.split("#", 1)[1].strip()
    above: list[str] = []
    while index > 0 and lines[index - 1].lstrip().startswith("#"):
        index -= 1
        above.insert(0, lines[index].lstrip().lstrip("#").strip())
    return " ".join(above)


def read_parameters(notebook: str | Path) -> dict[str, NotebookParameter]:
    """Return the parameters a notebook declares, typed from their literal defaults."""
    path = Path(notebook)
    source = _parameters_source(path)
    lines = source.splitlines()
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        msg = f"{path}: the parameters cell is not valid Python ({error.msg})"
        raise ConfigError(msg) from error
    found: dict[str, NotebookParameter] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        if not isinstance(target, ast.Name) or node.value is None:
            continue
        try:
            default = ast.literal_eval(node.value)
        except ValueError as error:
            msg = f"{path}: parameter {target.id!r} needs a literal default"
            raise ConfigError(msg) from error
        kind = type(default)
        if kind not in _TYPE_NAMES:
            msg = f"{path}: parameter {target.id!r} has a default of unsupported type {kind}"
            raise ConfigError(msg)
        comment = _comment_for(lines, node.lineno - 1)
        found[target.id] = NotebookParameter(
            name=target.id, kind=kind, default=default, comment=comment
        )
    return found


def preview(value: object) -> str:
    """A rejected value as an error may show it: never in full, since it may be a key.

    Up to :data:`PREVIEW_CHARS` characters are shown whole (too few to hold 8 key bytes in
    any form); a longer value shows its first characters and its length.
    """
    text = repr(value)
    if len(text) <= PREVIEW_CHARS:
        return text
    return f"{text[: PREVIEW_CHARS - 1]}… ({len(text)} characters)"


def _refuse(parameter: NotebookParameter, value: object, source: str) -> ParameterError:
    shown = preview(value)
    msg = f"parameter {parameter.name!r} from {source} expects {parameter.type_name}, got {shown}"
    return ParameterError(msg, column=parameter.name, value=shown)


def _coerce_text(parameter: NotebookParameter, text: str, source: str) -> object:
    kind = parameter.kind
    if kind is str:
        return text
    if kind is bool:
        lowered = text.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise _refuse(parameter, text, source)
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _refuse(parameter, text, source) from error
    return _coerce_value(parameter, value, source)


def _coerce_value(parameter: NotebookParameter, value: object, source: str) -> object:
    kind = parameter.kind
    if kind is type(None):
        return value
    if isinstance(value, bool) and kind is not bool:
        raise _refuse(parameter, value, source)
    if kind is float and isinstance(value, int):
        return float(value)
    if isinstance(value, kind):
        return value
    raise _refuse(parameter, value, source)


def coerce_parameters(
    declared: Mapping[str, NotebookParameter],
    given: Mapping[str, object],
    *,
    source: str,
) -> dict[str, object]:
    """Check given values against the declared parameters; strings from a CLI are parsed.

    Raises :class:`ParameterError` naming the parameter and its expected type for an
    unknown name or a value of the wrong type.
    """
    coerced: dict[str, object] = {}
    for name, value in given.items():
        parameter = declared.get(name)
        if parameter is None:
            known = ", ".join(sorted(declared)) or "none"
            msg = f"unknown parameter {name!r} from {source} (the notebook declares: {known})"
            raise ParameterError(msg, column=name, value=preview(value))
        if isinstance(value, str):
            coerced[name] = _coerce_text(parameter, value, source)
        else:
            coerced[name] = _coerce_value(parameter, value, source)
    return coerced


def resolve_paths(
    declared: Mapping[str, NotebookParameter],
    given: Mapping[str, object],
    *,
    notebook_dir: Path,
    given_dir: Path,
) -> dict[str, object]:
    """Return every parameter's value with ``*_path`` values made absolute.

    Defaults are resolved against the notebook's folder; given values against ``given_dir``
    (the caller's working directory, or the folder of the YAML file they came from).
    """
    resolved: dict[str, object] = {}
    for name, parameter in declared.items():
        value = given.get(name, parameter.default)
        base = given_dir if name in given else notebook_dir
        if parameter.is_path and isinstance(value, str) and value:
            value = str((base / Path(value).expanduser()).resolve())
        resolved[name] = value
    return resolved


def load_parameter_file(path: str | Path) -> dict[str, object]:
    """Read a YAML mapping of parameter values (``-f params.yaml``)."""
    file = Path(path)
    data = read_config_file(file, what="parameter file")
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        msg = f"{file}: expected a mapping of parameter names to values"
        raise ConfigError(msg)
    return data
