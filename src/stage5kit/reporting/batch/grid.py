"""A batch's grid file (a notebook and its parameter sets) and the report folder names.

A ``product`` is counted before it is expanded and refused beyond ``max_reports``, and
every value is checked where it is written (fixed parameters, a grid entry, a product
list), so a bad grid stops before anything starts with a message naming the value.
A report folder is named from the parameters that vary (readable) plus a short hash of
the whole parameter set, so two different parameter sets never share a folder.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stage5kit.errors import ConfigError
from stage5kit.files import read_config_file

DEFAULT_MAX_REPORTS = 10_000
NAME_HASH_CHARS = 10
_MAX_READABLE = 100
_MAX_DEPTH = 16
_INT_LIMIT = 2**63
_SHOWN_CHARS = 80


@dataclass(frozen=True, slots=True)
class BatchGrid:
    """A notebook and its parameter sets: an explicit list, or a product expanded lazily."""

    notebook: Path
    base_dir: Path
    fixed: dict[str, object]
    listed: tuple[dict[str, object], ...] = ()
    axes: tuple[tuple[str, tuple[object, ...]], ...] = ()
    source: str = "grid"
    """The grid file, as messages name it."""

    @property
    def size(self) -> int:
        """How many reports the grid holds, counted without expanding it."""
        if self.axes:
            return math.prod(len(values) for _, values in self.axes)
        return len(self.listed)

    def iter_runs(self) -> Iterator[dict[str, object]]:
        """Each run's parameters (fixed ones, then the run's own), one at a time."""
        if not self.axes:
            for run in self.listed:
                yield {**self.fixed, **run}
            return
        names = [name for name, _ in self.axes]
        for values in itertools.product(*(values for _, values in self.axes)):
            yield {**self.fixed, **dict(zip(names, values, strict=True))}

    @property
    def runs(self) -> tuple[dict[str, object], ...]:
        """Every run's parameters, in grid order."""
        return tuple(self.iter_runs())


def _shown(value: object) -> str:
    """A value as a message shows it: repr cut to 80 characters (huge integers by size)."""
    if isinstance(value, int) and abs(value) >= _INT_LIMIT:
        return f"an integer of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else f"{text[: _SHOWN_CHARS - 3]}..."


def _scalar_problem(value: object) -> str | None:
    """Why a scalar cannot be a parameter value ('' when it can); None for containers."""
    if value is None or isinstance(value, bool | float | str):
        return ""
    if isinstance(value, int):
        if abs(value) >= _INT_LIMIT:
            return "is too large (integers must fit in 64 bits; quote it if it is text)"
        return ""
    if isinstance(value, list | dict):
        return None
    kind = type(value).__name__
    return f"is a {kind}, not a plain value (quote it to pass text, e.g. '2026-01-01')"


def _value_problem(value: object, depth: int = 0) -> str:
    """Why ``value`` cannot be a notebook parameter value, or '' when it can."""
    problem = _scalar_problem(value)
    if problem is not None:
        return problem
    if depth >= _MAX_DEPTH:
        return f"is nested more than {_MAX_DEPTH} levels deep"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return "has a key that is not text (quote the keys)"
        value = list(value.values())
    items = value if isinstance(value, list) else []
    return next((p for p in (_value_problem(v, depth + 1) for v in items) if p), "")


def _check_parameters(file: Path, where: str, parameters: object) -> dict[str, object]:
    """``parameters`` as a mapping of names to plain values, else a ConfigError naming one."""
    if not isinstance(parameters, dict):
        msg = f"{file}, {where}: expected a mapping of parameter names to values"
        raise ConfigError(msg)
    for name, value in parameters.items():
        _check_value(file, where, name, value)
    return dict(parameters)


def _check_name(file: Path, where: str, name: object) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        msg = f"{file}, {where}: {_shown(name)} is not a parameter name (use a Python name)"
        raise ConfigError(msg)
    return name


def _check_value(file: Path, where: str, name: object, value: object) -> None:
    checked = _check_name(file, where, name)
    problem = _value_problem(value)
    if problem:
        msg = f"{file}, {where}, parameter {checked!r}: {_shown(value)} {problem}"
        raise ConfigError(msg)


def _listed_runs(file: Path, listed: object) -> tuple[dict[str, object], ...]:
    if not isinstance(listed, list):
        msg = f"{file}: 'grid' must be a list of parameter mappings"
        raise ConfigError(msg)
    return tuple(
        _check_parameters(file, f"grid entry {index}", run)
        for index, run in enumerate(listed, start=1)
    )


def _product_axes(file: Path, product: object) -> tuple[tuple[str, tuple[object, ...]], ...]:
    if not isinstance(product, dict) or not all(isinstance(v, list) for v in product.values()):
        msg = f"{file}: 'product' must map parameter names to lists of values"
        raise ConfigError(msg)
    axes = []
    for name, values in product.items():
        checked = _check_name(file, "product", name)
        if not values:
            msg = f"{file}, product, parameter {checked!r}: the list of values is empty"
            raise ConfigError(msg)
        for position, value in enumerate(values, start=1):
            _check_value(file, f"product value {position}", checked, value)
        axes.append((checked, tuple(values)))
    return tuple(axes)


def check_grid_size(grid: BatchGrid, *, max_reports: int) -> None:
    """Refuse a grid of more than ``max_reports`` reports, before anything is expanded."""
    if grid.size > max_reports:
        how = " x ".join(str(len(values)) for _, values in grid.axes) or "listed"
        msg = (
            f"{grid.source}: the grid holds {grid.size:,} reports ({how}), more than the limit "
            f"of {max_reports:,}; split the grid or raise --max-reports"
        )
        raise ConfigError(msg)


def load_grid(path: str | Path, *, max_reports: int = DEFAULT_MAX_REPORTS) -> BatchGrid:
    """Read a grid YAML: ``notebook``, optional ``parameters`` and ``grid`` or ``product``.

    ``notebook`` is a path relative to the grid file, or a shipped notebook's name (no
    ``.ipynb`` suffix, no folder, e.g. ``tco_analysis``).
    """
    file = Path(path)
    data = read_config_file(file, what="grid file")
    if not isinstance(data, dict) or not isinstance(data.get("notebook"), str):
        msg = f"{file}: expected a mapping with 'notebook' and 'grid' or 'product'"
        raise ConfigError(msg)
    unknown = set(data) - {"notebook", "parameters", "grid", "product"}
    if unknown:
        msg = f"{file}: unknown key(s) {', '.join(sorted(map(str, unknown)))}"
        raise ConfigError(msg)
    listed, product = data.get("grid"), data.get("product")
    if (listed is None) == (product is None):
        msg = f"{file}: give exactly one of 'grid' (a list) or 'product' (lists of values)"
        raise ConfigError(msg)
    grid = BatchGrid(
        notebook=_grid_notebook(file, Path(data["notebook"])),
        base_dir=file.parent.resolve(),
        fixed=_check_parameters(file, "'parameters'", data.get("parameters") or {}),
        listed=_listed_runs(file, listed) if listed is not None else (),
        axes=_product_axes(file, product) if product is not None else (),
        source=str(file),
    )
    check_grid_size(grid, max_reports=max_reports)
    return grid


# Letters NFKD does not split into a base letter and a mark (Polish ł, German ß, ...).
_UNSPLIT_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d"})


def transliterate(text: str) -> str:
    """``text`` in ASCII letters: accents dropped, never the letter (``Łęcka`` -> ``Lecka``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNSPLIT_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _slug(value: object) -> str:
    """A folder-name fragment: transliterated, lower case, runs of other characters as '-'."""
    text = Path(value).stem if isinstance(value, str) and "/" in value else str(value)
    ascii_text = transliterate(text).lower()
    return re.sub(r"[^a-z0-9._-]+", "-", ascii_text).strip("-.") or "x"


def _canonical(parameters: dict[str, object]) -> str:
    return json.dumps(parameters, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def parameters_digest(parameters: dict[str, object], *, chars: int = NAME_HASH_CHARS) -> str:
    """A short hash of a whole parameter set (key order does not matter)."""
    return hashlib.sha256(_canonical(parameters).encode("utf-8")).hexdigest()[:chars]


def report_names(runs: tuple[dict[str, object], ...], *, source: str = "grid") -> list[str]:
    """Name each run's folder: the parameters that vary, then a hash of all its parameters.

    The hash makes names unique by construction (a collision of the short hash falls back
    to the full one); two runs with the same parameters would build the same report twice,
    so they are refused, naming both grid entries.
    """
    varying = [
        name
        for name in dict.fromkeys(k for run in runs for k in run)
        if len({json.dumps(run.get(name), sort_keys=True) for run in runs}) > 1
    ]
    names: list[str] = []
    entries: dict[str, int] = {}
    for index, run in enumerate(runs, start=1):
        canonical = _canonical(run)
        if canonical in entries:
            msg = (
                f"{source}: grid entries {entries[canonical]} and {index} have the same "
                "parameters; remove one (each parameter set is one report)"
            )
            raise ConfigError(msg)
        entries[canonical] = index
        readable = "__".join(f"{name}={_slug(run.get(name))}" for name in varying if name in run)
        name = f"{readable[:_MAX_READABLE] or 'report'}__{parameters_digest(run)}"
        if name in names:
            name = f"{readable[:_MAX_READABLE] or 'report'}__{parameters_digest(run, chars=64)}"
        names.append(name)
    return names


def _grid_notebook(grid_file: Path, spec: Path) -> Path:
    """The grid's notebook: a path beside the grid file, or a shipped notebook by name."""
    from stage5kit.reporting.bundled import resolve_notebook

    is_name = not spec.suffix and len(spec.parts) == 1 and not (grid_file.parent / spec).exists()
    return resolve_notebook(spec) if is_name else (grid_file.parent / spec).resolve()
