"""Writing a stress result: ``stress_results.csv`` (one row per scenario) and its summary JSON.

The summary holds every scenario's definition and metrics, the simulation parameters,
every input file's sha256 (trade log, infra costs, budget file), the plain-language
reading and the kit version. Both files go through the one result writer
(:mod:`stage5kit.core.io.results`): sorted keys, "\\n" line endings, NaN as null.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from stage5kit.core.io.results import write_result_csv, write_result_json
from stage5kit.core.stress.engine import StressResult

RESULTS_NAME = "stress_results.csv"
SUMMARY_NAME = "stress_summary.json"
SUMMARY_SCHEMA = "stage5kit.stress/1"


def summarise_stress(
    result: StressResult,
    *,
    inputs: dict[str, object],
    scenario_spec: str,
    kit_version: str,
    reading: str,
) -> dict[str, object]:
    """The summary of a stress result; ``inputs`` as :func:`describe_inputs` gives them.

    ``reading`` is the plain-language text (worded by the caller; core holds no prose).
    """
    by_name = {s.name: s for s in result.scenarios}
    rows = [
        {
            "scenario": dataclasses.asdict(by_name[str(record["scenario"])]),
            "metrics": {k: v for k, v in record.items() if k != "description"},
        }
        for record in result.table.to_dict(orient="records")
    ]
    return {
        "schema": SUMMARY_SCHEMA,
        "kit_version": kit_version,
        "inputs": inputs,
        "scenarios_requested": scenario_spec,
        "parameters": result.settings.as_record(),
        "results": rows,
        "notes": list(result.notes),
        "reading": reading,
    }


def write_stress_outputs(
    result: StressResult, summary: dict[str, object], out_dir: str | Path
) -> tuple[Path, Path]:
    """Write the results CSV and the summary JSON into ``out_dir``; return their paths."""
    folder = Path(out_dir)
    return (
        write_result_csv(result.table, folder / RESULTS_NAME),
        write_result_json(summary, folder / SUMMARY_NAME),
    )
