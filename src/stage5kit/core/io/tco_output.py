"""Writing a TCO result: ``tco_report.csv`` (one row per group) and ``tco_summary.json``.

The summary holds the overall KPIs, breaches, anomalies, budget status, the
latency-slippage relation, notes, the inputs' sha256, the parameters and the kit version.
Both files are written atomically; the JSON has sorted keys, NaN as null, and no clock
reading, so the same inputs give the same bytes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from stage5kit.core.tco.analysis import TcoResult
from stage5kit.files import atomic_write_text, sha256_file

REPORT_NAME = "tco_report.csv"
SUMMARY_NAME = "tco_summary.json"


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


def summarise_tco(
    result: TcoResult, *, inputs: dict[str, object], kit_version: str
) -> dict[str, object]:
    """The JSON-ready summary of a TCO result."""
    return {
        "kit_version": kit_version,
        "inputs": inputs,
        "parameters": result.parameters,
        "overall": result.overall,
        "n_groups": len(result.kpis),
        "breaches": _records(result.breaches),
        "anomalies": _records(result.anomalies),
        "budget_status": _records(result.budget_status),
        "latency_slippage": _records(result.latency_slippage),
        "unallocated_infra": _records(result.unallocated_infra),
        "notes": list(result.notes),
    }


def write_tco_outputs(
    result: TcoResult, out_dir: str | Path, *, inputs: dict[str, object], kit_version: str
) -> tuple[Path, Path]:
    """Write the report CSV and the summary JSON into ``out_dir``; return their paths."""
    folder = Path(out_dir)
    report = atomic_write_text(
        folder / REPORT_NAME, result.kpis.to_csv(index=False, lineterminator="\n")
    )
    summary = summarise_tco(result, inputs=inputs, kit_version=kit_version)
    text = json.dumps(_plain(summary), indent=2, sort_keys=True, allow_nan=False) + "\n"
    return report, atomic_write_text(folder / SUMMARY_NAME, text)


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: object) -> object:
    """Plain JSON values: numpy scalars unwrapped, NaN and infinities as null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value
