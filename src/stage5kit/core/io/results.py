"""The one writer of result files: CSV and JSON with the same bytes on every OS.

CSV: no index, ``"\n"`` line endings (pandas would use the OS's). JSON: keys sorted,
two-space indent, a final ``"\n"`` and non-ASCII text as UTF-8 (no ``\\u`` escapes);
numpy scalars become plain numbers, NaN, infinities and pandas' missing values become null.
Both are written atomically (temp file, fsync, rename), so a reader never sees half a file
and a rerun gives identical bytes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from stage5kit.files import atomic_write_text, sha256_file


def write_result_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV (no index, "\\n" line endings) to ``path`` atomically."""
    return atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def write_result_json(document: object, path: str | Path) -> Path:
    """Write ``document`` as sorted, indented JSON (null for NaN) to ``path`` atomically."""
    return atomic_write_text(path, format_result_json(document))


def format_result_json(document: object) -> str:
    """The exact text :func:`write_result_json` writes (for printing the same bytes)."""
    return (
        json.dumps(
            json_ready(document), indent=2, sort_keys=True, allow_nan=False, ensure_ascii=False
        )
        + "\n"
    )


def json_ready(value: object) -> object:
    """Plain JSON values: numpy scalars unwrapped, tuples as lists, NaN/inf/NA as null."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def describe_inputs(
    paths: dict[str, str | Path | None], files: dict[str, list[Path]]
) -> dict[str, object]:
    """Name and sha256 of every input file (a trade-log folder lists each of its files)."""
    out: dict[str, object] = {}
    for role, path in paths.items():
        if path is None:
            continue
        listed = files.get(role, [Path(path)])
        out[role] = {
            "path": str(path),
            "files": [{"name": str(f), "sha256": sha256_file(f)} for f in listed],
        }
    return out
