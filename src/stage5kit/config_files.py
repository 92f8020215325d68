"""One safe parser for every YAML and JSON config file the kit reads.

Config files come from people and from other tools, so the parser refuses what would
make a small file expensive or ambiguous, each with a message naming the file, the line,
the value (at most 80 characters of it) and the fix:

- YAML aliases (``*name``): a 500-byte "billion laughs" file expands to gigabytes;
- a key given twice in one mapping (which one wins is easy to get wrong);
- nesting deeper than :data:`MAX_CONFIG_DEPTH` levels;
- numbers beyond the float range (``1e400``), integers of more than 4300 digits, and
  JSON's ``NaN``/``Infinity``;
- files larger than :data:`MAX_CONFIG_BYTES`.

YAML follows 1.2 for exponent floats: ``1e3`` is the number 1000.0, not the text "1e3".
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from stage5kit.errors import ConfigError, show_value

MAX_CONFIG_BYTES = 16 << 20
MAX_CONFIG_DEPTH = 64
MAX_INT_DIGITS = 4300
_EXPONENT_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")


class _ConfigRefusedError(Exception):
    """Raised inside the YAML loader; turned into a ConfigError naming the file."""

    def __init__(self, message: str, *, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _line_of(node: yaml.Node | yaml.Event) -> int | None:
    mark = getattr(node, "start_mark", None)
    return None if mark is None else int(mark.line) + 1


class _SafeConfigLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases, duplicate keys, deep nesting or huge numbers."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """Compose one node, refusing aliases and nesting beyond MAX_CONFIG_DEPTH."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML is untyped
            msg = (
                f"YAML alias '*{show_value(event.anchor, quote=False)}' is not allowed "
                "(write the value out in full instead of referring to an anchor)"
            )
            raise _ConfigRefusedError(msg, line=_line_of(event))
        self._depth += 1
        if self._depth > MAX_CONFIG_DEPTH:
            msg = f"nested more than {MAX_CONFIG_DEPTH} levels deep (flatten the structure)"
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _ConfigRefusedError(msg, line=_line_of(event))
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping, refusing a key that appears twice."""
        seen: dict[Hashable, int | None] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                continue
            if key in seen:
                msg = (
                    f"key {show_value(key)} appears twice in one mapping (first on line "
                    f"{seen[key]}; keep one of them)"
                )
                raise _ConfigRefusedError(msg, line=_line_of(key_node))
            seen[key] = _line_of(key_node)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """An integer, refused beyond 4300 digits or beyond the float range."""
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > MAX_INT_DIGITS:
            msg = (
                f"{show_value(node.value)} has {digits} digits, more than {MAX_INT_DIGITS} "
                "(write a number in the float range, such as 1e12)"
            )
            raise _ConfigRefusedError(msg, line=_line_of(node))
        value = super().construct_yaml_int(node)
        if abs(value) > sys.float_info.max:
            raise _ConfigRefusedError(_beyond_float(node.value), line=_line_of(node))
        return int(value)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        """A float, refused when the text overflows to infinity (``1e400``)."""
        value = float(super().construct_yaml_float(node))
        if math.isinf(value) and "inf" not in str(node.value).lower():
            raise _ConfigRefusedError(_beyond_float(node.value), line=_line_of(node))
        return value


def _construct_dict(loader: _SafeConfigLoader, node: yaml.MappingNode) -> Any:  # noqa: ANN401 - PyYAML constructors yield
    """Like SafeConstructor.construct_yaml_map, through the duplicate-refusing mapping builder."""
    return loader.construct_mapping(node, deep=True)


_SafeConfigLoader.add_constructor("tag:yaml.org,2002:int", _SafeConfigLoader.construct_yaml_int)
_SafeConfigLoader.add_constructor("tag:yaml.org,2002:float", _SafeConfigLoader.construct_yaml_float)
_SafeConfigLoader.add_constructor("tag:yaml.org,2002:map", _construct_dict)
_SafeConfigLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", _EXPONENT_FLOAT, list("-+0123456789")
)


def _beyond_float(text: object) -> str:
    return f"{show_value(text)} is beyond the float range (about ±1.8e308; write a smaller number)"


def parse_config_text(text: str, *, source: str | Path, json_syntax: bool) -> object:
    """Parse config text (JSON when ``json_syntax``, else YAML); errors name file and line."""
    if json_syntax:
        return _parse_json(text, source)
    try:
        loader = _SafeConfigLoader(text)
    except yaml.YAMLError as error:
        msg = f"{source}: not valid YAML ({getattr(error, 'reason', None) or error})"
        raise ConfigError(msg) from None
    try:
        return loader.get_single_data()
    except _ConfigRefusedError as error:
        where = f", line {error.line}" if error.line is not None else ""
        msg = f"{source}{where}: {error}"
        raise ConfigError(msg) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "parse error"
        msg = f"{source}{where}: not valid YAML (check indentation and colons): {problem}"
        raise ConfigError(msg) from None
    finally:
        loader.dispose()


def _parse_json(text: str, source: str | Path) -> object:
    def refuse_constant(name: str) -> float:
        msg = f"{source}: {name} is not a JSON number (write a finite number, or null)"
        raise ConfigError(msg)

    def parse_float(token: str) -> float:
        value = float(token)
        if math.isinf(value):
            raise ConfigError(f"{source}: {_beyond_float(token)}")
        return value

    def parse_int(token: str) -> int:
        if len(token.lstrip("-")) > MAX_INT_DIGITS:
            msg = (
                f"{source}: {show_value(token)} has more than {MAX_INT_DIGITS} digits "
                "(write a number in the float range, such as 1e12)"
            )
            raise ConfigError(msg)
        value = int(token)
        if abs(value) > sys.float_info.max:
            raise ConfigError(f"{source}: {_beyond_float(token)}")
        return value

    def unique_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, value in pairs:
            if key in out:
                msg = f"{source}: key {show_value(key)} appears twice in one object (keep one)"
                raise ConfigError(msg)
            out[key] = value
        return out

    _check_json_depth(text, source)
    try:
        return json.loads(
            text,
            object_pairs_hook=unique_pairs,
            parse_float=parse_float,
            parse_int=parse_int,
            parse_constant=refuse_constant,
        )
    except json.JSONDecodeError as error:
        msg = f"{source}, line {error.lineno}: not valid JSON ({error.msg})"
        raise ConfigError(msg) from None


def _check_json_depth(text: str, source: str | Path) -> None:
    """Refuse JSON nested deeper than MAX_CONFIG_DEPTH before the recursive parser sees it."""
    if text.count("[") + text.count("{") <= MAX_CONFIG_DEPTH:
        return
    depth = 0
    in_string = escaped = False
    line = 1
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_CONFIG_DEPTH:
                msg = (
                    f"{source}, line {line}: nested more than {MAX_CONFIG_DEPTH} levels deep "
                    "(flatten the structure)"
                )
                raise ConfigError(msg)
        elif char in "]}":
            depth -= 1


def read_config_file(path: str | Path, *, what: str) -> object:
    """Parse a YAML file (JSON if it ends in .json); a ConfigError names the file and the line.

    ``what`` names the file in the message ("scenario file", "grid file", ...).
    """
    source = Path(path)
    try:
        with source.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        msg = f"{source}: cannot read the {what} ({error.strerror or type(error).__name__})"
        raise ConfigError(msg) from None
    if len(data) > MAX_CONFIG_BYTES:
        msg = (
            f"{source}: the {what} is larger than {MAX_CONFIG_BYTES >> 20} MiB "
            "(a config file holds settings, not data; check the path)"
        )
        raise ConfigError(msg)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"{source}: cannot read the {what} (not UTF-8 text; save it as UTF-8)"
        raise ConfigError(msg) from None
    return parse_config_text(text, source=source, json_syntax=source.suffix.lower() == ".json")
