"""Pure analytics on DataFrames: trade logs, TCO KPIs, sketches, anomalies, stress tests.

Never imports plotly, papermill, jupyter, numba or cryptography (checked by import-linter).
"""

from __future__ import annotations

from stage5kit.core.aggregates import TcoPartial, aggregate_trades, merge_partials
from stage5kit.core.anomalies import detect_cost_anomalies
from stage5kit.core.budgets import Budget, evaluate_budgets
from stage5kit.core.config_io import (
    load_budget,
    load_infra_costs,
    load_scenarios,
    load_thresholds,
    resolve_scenarios,
)
from stage5kit.core.cost_shift import CostShift, compare_cost_periods, find_cost_shift
from stage5kit.core.costs import add_trade_costs
from stage5kit.core.infra import allocate_infra_costs
from stage5kit.core.samples import write_sample_inputs
from stage5kit.core.simulation import (
    SimulationSettings,
    StressResult,
    simulate_daily_costs,
    simulate_stress,
)
from stage5kit.core.simulation_history import CostHistory, build_cost_history
from stage5kit.core.simulation_metrics import (
    compute_expected_shortfall,
    compute_quantile_bands,
    compute_tail_risk,
    compute_value_at_risk,
)
from stage5kit.core.streaming import aggregate_trade_file, analyse_tco_file
from stage5kit.core.stress import (
    BUILTIN_SCENARIOS,
    Scenario,
    builtin_scenario_names,
    check_scenario_venues,
    parse_scenarios,
    select_scenarios,
)
from stage5kit.core.stress_reading import (
    collect_stress_kpis,
    describe_stress_result,
    tabulate_stress_risk,
)
from stage5kit.core.stress_run import run_stress_test, scale_budget_to_horizon
from stage5kit.core.synthetic import generate_trades
from stage5kit.core.tco import TcoResult, analyse_tco, summarise_partial
from stage5kit.core.thresholds import Thresholds, find_breaches
from stage5kit.core.trade_io import iter_trade_batches, load_trades, write_trades
from stage5kit.core.validation import check_trades

__all__: list[str] = [
    "BUILTIN_SCENARIOS",
    "Budget",
    "CostHistory",
    "CostShift",
    "Scenario",
    "SimulationSettings",
    "StressResult",
    "TcoPartial",
    "TcoResult",
    "Thresholds",
    "add_trade_costs",
    "aggregate_trade_file",
    "aggregate_trades",
    "allocate_infra_costs",
    "analyse_tco",
    "analyse_tco_file",
    "build_cost_history",
    "builtin_scenario_names",
    "check_scenario_venues",
    "check_trades",
    "collect_stress_kpis",
    "compare_cost_periods",
    "compute_expected_shortfall",
    "compute_quantile_bands",
    "compute_tail_risk",
    "compute_value_at_risk",
    "describe_stress_result",
    "detect_cost_anomalies",
    "evaluate_budgets",
    "find_breaches",
    "find_cost_shift",
    "generate_trades",
    "iter_trade_batches",
    "load_budget",
    "load_infra_costs",
    "load_scenarios",
    "load_thresholds",
    "load_trades",
    "merge_partials",
    "parse_scenarios",
    "resolve_scenarios",
    "run_stress_test",
    "scale_budget_to_horizon",
    "select_scenarios",
    "simulate_daily_costs",
    "simulate_stress",
    "summarise_partial",
    "tabulate_stress_risk",
    "write_sample_inputs",
    "write_trades",
]
