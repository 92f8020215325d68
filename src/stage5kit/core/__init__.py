"""Pure analytics on DataFrames: trade logs, TCO KPIs, sketches, anomalies, stress tests.

Never imports plotly, papermill, jupyter, numba or cryptography (checked by import-linter).
"""

from __future__ import annotations

from stage5kit.core.aggregates import TcoPartial, aggregate_trades, merge_partials
from stage5kit.core.anomalies import detect_cost_anomalies
from stage5kit.core.budgets import Budget, evaluate_budgets
from stage5kit.core.config_io import load_budget, load_infra_costs, load_thresholds
from stage5kit.core.costs import add_trade_costs
from stage5kit.core.infra import allocate_infra_costs
from stage5kit.core.streaming import aggregate_trade_file, analyse_tco_file
from stage5kit.core.synthetic import generate_trades
from stage5kit.core.tco import TcoResult, analyse_tco, summarise_partial
from stage5kit.core.thresholds import Thresholds, find_breaches
from stage5kit.core.trade_io import iter_trade_batches, load_trades, write_trades
from stage5kit.core.validation import check_trades

__all__: list[str] = [
    "Budget",
    "TcoPartial",
    "TcoResult",
    "Thresholds",
    "add_trade_costs",
    "aggregate_trade_file",
    "aggregate_trades",
    "allocate_infra_costs",
    "analyse_tco",
    "analyse_tco_file",
    "check_trades",
    "detect_cost_anomalies",
    "evaluate_budgets",
    "find_breaches",
    "generate_trades",
    "iter_trade_batches",
    "load_budget",
    "load_infra_costs",
    "load_thresholds",
    "load_trades",
    "merge_partials",
    "summarise_partial",
    "write_trades",
]
