"""A batch's grid file (a notebook and its parameter sets) and the report folder names."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from stage5kit.errors import ConfigError
from stage5kit.files import read_config_file

_MAX_NAME = 120


@dataclass(frozen=True, slots=True)
class BatchGrid:
    """A notebook and the parameter sets to run it with (``grid`` list or ``product`` lists)."""

    notebook: Path
    runs: tuple[dict[str, object], ...]
    base_dir: Path


def load_grid(path: str | Path) -> BatchGrid:
    """Read a grid YAML: ``notebook``, optional ``parameters`` and ``grid`` or ``product``."""
    file = Path(path)
    data = read_config_file(file, what="grid file")
    if not isinstance(data, dict) or not isinstance(data.get("notebook"), str):
        msg = f"{file}: expected a mapping with 'notebook' and 'grid' or 'product'"
        raise ConfigError(msg)
    unknown = set(data) - {"notebook", "parameters", "grid", "product"}
    if unknown:
        msg = f"{file}: unknown key(s) {', '.join(sorted(unknown))}"
        raise ConfigError(msg)
    fixed = data.get("parameters") or {}
    if not isinstance(fixed, dict):
        msg = f"{file}: 'parameters' must be a mapping"
        raise ConfigError(msg)
    runs = [{**fixed, **run} for run in _grid_runs(file, data)]
    return BatchGrid(
        notebook=(file.parent / data["notebook"]).resolve(),
        runs=tuple(runs),
        base_dir=file.parent.resolve(),
    )


def _grid_runs(file: Path, data: dict[str, object]) -> list[dict[str, object]]:
    listed, product = data.get("grid"), data.get("product")
    if (listed is None) == (product is None):
        msg = f"{file}: give exactly one of 'grid' (a list) or 'product' (lists of values)"
        raise ConfigError(msg)
    if listed is not None:
        if not isinstance(listed, list) or not all(isinstance(r, dict) for r in listed):
            msg = f"{file}: 'grid' must be a list of parameter mappings"
            raise ConfigError(msg)
        return [dict(r) for r in listed]
    if not isinstance(product, dict) or not all(isinstance(v, list) for v in product.values()):
        msg = f"{file}: 'product' must map parameter names to lists of values"
        raise ConfigError(msg)
    names = list(product)
    return [
        dict(zip(names, values, strict=True)) for values in itertools.product(*product.values())
    ]


def _slug(value: object) -> str:
    text = Path(value).stem if isinstance(value, str) and "/" in value else str(value)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"


def report_names(runs: tuple[dict[str, object], ...]) -> list[str]:
    """Name each run's folder from the parameters that vary across the grid (unique names)."""
    varying = [
        name
        for name in dict.fromkeys(k for run in runs for k in run)
        if len({repr(run.get(name)) for run in runs}) > 1
    ]
    names: list[str] = []
    for index, run in enumerate(runs):
        parts = [f"{name}={_slug(run.get(name))}" for name in varying if name in run]
        name = "__".join(parts)[:_MAX_NAME] or "report"
        if name in names:
            name = f"{name}__{index + 1}"
        names.append(name)
    return names
