"""Writing a TCO result: ``tco_report.csv`` (one row per group) and ``tco_summary.json``.

The summary holds the overall KPIs, breaches, anomalies, budget status, the
latency-slippage relation, notes, the inputs' sha256, the parameters and the kit version,
and no clock reading, so the same inputs give the same bytes. Both files go through the
one result writer (:mod:`stage5kit.core.io.results`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stage5kit.core.io.results import write_result_csv, write_result_json
from stage5kit.core.tco.analysis import TcoResult

REPORT_NAME = "tco_report.csv"
SUMMARY_NAME = "tco_summary.json"


def summarise_tco(
    result: TcoResult, *, inputs: dict[str, object], kit_version: str
) -> dict[str, object]:
    """The summary of a TCO result, as ``tco_summary.json`` holds it."""
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
    summary = summarise_tco(result, inputs=inputs, kit_version=kit_version)
    return (
        write_result_csv(result.kpis, folder / REPORT_NAME),
        write_result_json(summary, folder / SUMMARY_NAME),
    )


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]
