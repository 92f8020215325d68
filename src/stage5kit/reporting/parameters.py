"""Typed notebook parameters: read the ``parameters`` cell, then check and coerce given values.

Types come from the literal defaults in the cell (``x = 5`` makes ``x`` an int), so a wrong
name or type is refused before any kernel starts. A parameter without a type (default
``None``, or an expression such as ``d = a == 3``) takes a command-line value the way
papermill's ``-p`` does: int, float, True/False/None, else the text. A value JSON cannot
hold (a date from a YAML file) is passed as its text. A notebook without a ``parameters``
cell takes no parameters (papermill would run it unchanged). Parameters whose name ends in ``_path``
are file paths: defaults are resolved against the notebook's folder, given values against
the folder they were given in, so a report runs from any working directory.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from stage5kit.config_files import parse_config_text
from stage5kit.errors import ConfigError, ParameterError, show_value
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
_NOT_LITERAL = object()
_PAPERMILL_CONSTANTS: dict[str, object] = {"True": True, "False": False, "None": None}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True, slots=True)
class NotebookParameter:
    """One parameter declared in a notebook's ``parameters`` cell.

    ``expression`` is set when the default is code rather than a literal (``d = a == 3``):
    the notebook computes it, so it is never injected and ``default`` holds its source text.
    """

    name: str
    kind: type
    default: object
    comment: str
    expression: bool = False

    @property
    def type_name(self) -> str:
        """The expected type as users write it (``int``, ``str``, ...; ``any`` when untyped)."""
        return _TYPE_NAMES[self.kind]

    @property
    def untyped(self) -> bool:
        """Whether values are parsed as papermill parses ``-p`` (default None or an expression)."""
        return self.kind is type(None)

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
    _check_notebook_schema(notebook, data)
    return data


def _check_notebook_schema(notebook: Path, data: dict[str, object]) -> None:
    """Refuse, before any kernel starts, a notebook nbformat would refuse after the run."""
    import nbformat
    from nbformat import ValidationError

    try:
        node = nbformat.from_dict(data)
        if node.get("nbformat") != 4:
            node = nbformat.convert(node, 4)
        nbformat.validate(node, relax_add_props=True)
    except (ValidationError, ValueError, KeyError, TypeError, AttributeError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        msg = (
            f"{notebook}: not a valid notebook ({show_value(first, quote=False)}); "
            "open it in Jupyter and save it again to repair it"
        )
        raise ConfigError(msg) from None


def parameters_source(notebook: str | Path) -> str | None:
    """The source of the notebook's code cell tagged ``parameters``, or None when it has none."""
    cells = _load_notebook_json(Path(notebook))["cells"]
    for cell in cells if isinstance(cells, list) else []:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else str(source)
    return None


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


def _parse_leniently(lines: list[str]) -> ast.Module:
    """Parse the cell, blanking lines Python rejects (as papermill's parameter listing skips
    them); the cell itself still fails when the notebook runs, as it does under papermill."""
    while True:
        try:
            return ast.parse("\n".join(lines))
        except SyntaxError as error:
            if error.lineno is None or not 0 < error.lineno <= len(lines):
                return ast.Module(body=[], type_ignores=[])
            lines[error.lineno - 1] = ""


def read_parameters(notebook: str | Path) -> dict[str, NotebookParameter]:
    """Return the parameters a notebook declares, typed from their literal defaults.

    A notebook without a ``parameters`` cell declares none.
    """
    path = Path(notebook)
    source = parameters_source(path)
    if source is None:
        return {}
    lines = source.splitlines()
    tree = _parse_leniently(lines)
    source = "\n".join(lines)
    found: dict[str, NotebookParameter] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        if not isinstance(target, ast.Name) or node.value is None:
            continue
        comment = _comment_for(lines, node.lineno - 1)
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            default = _NOT_LITERAL
        if type(default) not in _TYPE_NAMES:
            text = ast.get_source_segment(source, node.value) or ast.unparse(node.value)
            found[target.id] = NotebookParameter(
                name=target.id, kind=type(None), default=text, comment=comment, expression=True
            )
            continue
        found[target.id] = NotebookParameter(
            name=target.id, kind=type(default), default=default, comment=comment
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


def _papermill_value(text: str) -> object:
    """A ``-p`` value parsed as papermill parses it: True/False/None, int, float, else text."""
    if text in _PAPERMILL_CONSTANTS:
        return _PAPERMILL_CONSTANTS[text]
    for parse in (int, float):
        try:
            return parse(text)
        except ValueError:
            continue
    return text


def _json_safe(value: object) -> object:
    """``value`` unchanged when JSON can hold it, else its text (a date from YAML, a set)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _coerce_text(parameter: NotebookParameter, text: str, source: str) -> object:
    kind = parameter.kind
    if parameter.untyped:
        return _papermill_value(text)
    if kind is str:
        return text
    if kind is bool:
        lowered = text.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise _refuse(parameter, text, source)
    try:
        value = parse_config_text(text, source=f"parameter {parameter.name!r}", json_syntax=False)
    except ConfigError as error:
        raise _refuse(parameter, text, source) from error
    return _coerce_value(parameter, value, source)


def _coerce_value(parameter: NotebookParameter, value: object, source: str) -> object:
    kind = parameter.kind
    if parameter.untyped:
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
    for name, raw in given.items():
        value = _json_safe(raw)
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
        if parameter.expression and name not in given:
            continue
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
