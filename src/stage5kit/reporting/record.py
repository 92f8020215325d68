"""What a notebook hands to its report: KPIs via ``record`` and data files via ``save_table``.

``record(name, value)`` keeps KPIs in the report's schema-versioned ``results.json``;
``save_table(frame, name)`` writes a CSV beside it. The runner tells the kernel where the
report is being built through the environment variable ``STAGE5KIT_REPORT_DIR`` (never
through a parameter). Outside a report run, for example in JupyterLab, both only check
their input and write nothing.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from stage5kit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

REPORT_DIR_ENV = "STAGE5KIT_REPORT_DIR"
RESULTS_FILE = "results.json"
RESULTS_SCHEMA = "stage5kit.results/1"

T = TypeVar("T")
JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


def _to_json(value: object, name: str) -> JsonValue:
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, list | dict | str):
        value = item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_to_json(v, name) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v, name) for k, v in value.items()}
    msg = f"record({name!r}, ...): {type(value).__name__} is not a number, text, list or dict"
    raise InputError(msg, column=name, value=repr(value))


def report_dir() -> Path | None:
    """Return the folder of the report being built, or None outside a report run."""
    folder = os.environ.get(REPORT_DIR_ENV)
    return Path(folder) if folder else None


def read_results(folder: str | Path) -> dict[str, JsonValue]:
    """Return the values recorded in a report folder (empty when nothing was recorded)."""
    path = Path(folder) / RESULTS_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    values = data.get("values", {})
    return values if isinstance(values, dict) else {}


def record(name: str, value: T) -> T:
    """Record a named KPI into the report's ``results.json`` and return the value unchanged."""
    converted = _to_json(value, name)
    folder = report_dir()
    if folder is not None:
        values = read_results(folder)
        values[name] = converted
        from stage5kit.core.io import write_result_json

        write_result_json({"schema": RESULTS_SCHEMA, "values": values}, folder / RESULTS_FILE)
    return value


def save_table(frame: pd.DataFrame, name: str) -> Path | None:
    """Write ``frame`` as CSV named ``name`` into the report folder; None outside a report run."""
    if Path(name).name != name or not name.endswith(".csv"):
        msg = f"save_table: {name!r} must be a plain file name ending in .csv"
        raise InputError(msg, value=name)
    folder = report_dir()
    if folder is None:
        return None
    from stage5kit.core.io import write_result_csv

    return write_result_csv(frame, folder / name)
