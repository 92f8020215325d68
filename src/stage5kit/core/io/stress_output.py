"""Writing a stress result: ``stress_results.csv`` (one row per scenario) and its summary JSON.

The summary holds every scenario's definition and metrics, the simulation parameters,
every input file's sha256 (trade log, infra costs, budget file), the plain-language
reading and the kit version; NaN becomes null. Both files are written atomically.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

from stage5kit.core.stress.engine import StressResult
from stage5kit.core.stress.reading import describe_stress_result
from stage5kit.files import atomic_write_text

RESULTS_NAME = "stress_results.csv"
SUMMARY_NAME = "stress_summary.json"
SUMMARY_SCHEMA = "stage5kit.stress/1"


def summarise_stress(
    result: StressResult, *, inputs: dict[str, object], scenario_spec: str, kit_version: str
) -> dict[str, object]:
    """The JSON-ready summary of a stress result; ``inputs`` as ``tco_output.describe_inputs``."""
    by_name = {s.name: s for s in result.scenarios}
    rows = [
        {
            "scenario": dataclasses.asdict(by_name[str(record["scenario"])]),
            "metrics": {k: _json_number(v) for k, v in record.items() if k != "description"},
        }
        for record in result.table.to_dict(orient="records")
    ]
    return {
        "schema": SUMMARY_SCHEMA,
        "kit_version": kit_version,
        "inputs": inputs,
        "scenarios_requested": scenario_spec,
        "parameters": {k: _json_number(v) for k, v in result.settings.as_record().items()},
        "results": rows,
        "reading": describe_stress_result(result),
    }


def write_stress_outputs(
    result: StressResult, summary: dict[str, object], out_dir: str | Path
) -> tuple[Path, Path]:
    """Write the results CSV and the summary JSON into ``out_dir``; return their paths."""
    folder = Path(out_dir)
    csv_path = atomic_write_text(folder / RESULTS_NAME, result.table.to_csv(index=False))
    json_text = json.dumps(summary, indent=2, allow_nan=False) + "\n"
    return csv_path, atomic_write_text(folder / SUMMARY_NAME, json_text)


def _json_number(value: object) -> object:
    """A plain JSON value: numpy scalars unwrapped, NaN and infinities as null."""
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
