"""The edges of core: trade-log files (CSV, Parquet, folders, streaming), side-input files
(infra costs, thresholds, budget, scenarios), the result writers and the sample inputs.

The only core subpackage that touches files; the pure ones never import it.
"""

from __future__ import annotations

from stage5kit.core.io.results import (
    describe_inputs,
    format_result_json,
    write_result_csv,
    write_result_json,
)
from stage5kit.core.io.samples import write_sample_inputs
from stage5kit.core.io.side_inputs import (
    load_budget,
    load_infra_costs,
    load_scenarios,
    load_thresholds,
    resolve_scenarios,
)
from stage5kit.core.io.streaming import (
    TradeLogProfile,
    aggregate_trade_file,
    analyse_tco_file,
    profile_trade_file,
    read_stress_inputs,
)
from stage5kit.core.io.stress_output import summarise_stress, write_stress_outputs
from stage5kit.core.io.tco_output import write_tco_outputs
from stage5kit.core.io.trade_logs import iter_trade_batches, load_trades, trade_files, write_trades

__all__: list[str] = [
    "TradeLogProfile",
    "aggregate_trade_file",
    "analyse_tco_file",
    "describe_inputs",
    "format_result_json",
    "iter_trade_batches",
    "load_budget",
    "load_infra_costs",
    "load_scenarios",
    "load_thresholds",
    "load_trades",
    "profile_trade_file",
    "read_stress_inputs",
    "resolve_scenarios",
    "summarise_stress",
    "trade_files",
    "write_result_csv",
    "write_result_json",
    "write_sample_inputs",
    "write_stress_outputs",
    "write_tco_outputs",
    "write_trades",
]
