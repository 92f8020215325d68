"""Pure analytics on DataFrames: trade logs, TCO KPIs, sketches, anomalies, stress tests.

Four subpackages, one concept each: :mod:`~stage5kit.core.trades` (schema, validation,
per-trade costs, synthetic logs), :mod:`~stage5kit.core.tco` (aggregates, KPIs, budgets,
anomalies), :mod:`~stage5kit.core.stress` (scenarios and Monte Carlo) and
:mod:`~stage5kit.core.io` (every file read or written, and the one result writer). This
package re-exports the names a notebook or script needs, by task (each subpackage's
``__all__`` lists its own):

Load
    :func:`load_trades`, :func:`iter_trade_batches`, :func:`write_trades`,
    :func:`check_trades`, :func:`load_infra_costs`, :func:`load_thresholds`,
    :func:`load_budget`, :func:`load_scenarios`, :func:`resolve_scenarios`.
Analyse
    :func:`analyse_tco`, :func:`analyse_tco_file`, :func:`profile_trade_file`,
    :class:`TcoOptions`, :class:`TcoResult`,
    :func:`add_trade_costs`, :func:`aggregate_trades`, :func:`aggregate_trade_file`,
    :class:`TcoPartial`, :func:`merge_partials`, :func:`summarise_partial`,
    :func:`allocate_infra_costs`, :class:`Thresholds`, :func:`find_breaches`,
    :class:`Budget`, :func:`evaluate_budgets`, :func:`detect_cost_anomalies`,
    :class:`CostShift`, :func:`find_cost_shift`, :func:`compare_cost_periods`.
Stress
    :func:`run_stress_test`, :func:`scale_budget_to_horizon`, :class:`Scenario`,
    :class:`StressInputs`, :func:`stress_inputs`, :func:`read_stress_inputs` (streamed),
    :func:`simulate_stress_inputs`,
    :data:`BUILTIN_SCENARIOS`, :data:`BASELINE_SCENARIO`, :func:`builtin_scenario_names`,
    :func:`parse_scenarios`, :func:`select_scenarios`, :func:`check_scenario_venues`,
    :class:`CostHistory`, :func:`build_cost_history`, :class:`SimulationSettings`,
    :func:`simulate_stress`, :func:`simulate_daily_costs`, :class:`StressResult`,
    :class:`StressSettings`, :func:`compute_value_at_risk`, :func:`compute_expected_shortfall`,
    :func:`compute_tail_risk`, :func:`compute_quantile_bands`, :func:`advice_lever`,
    :func:`collect_stress_kpis`, :func:`tabulate_stress_risk`.
Sample
    :func:`generate_trades`, :func:`write_sample_inputs`.

Never imports plotly, papermill, jupyter, numba or cryptography (checked by import-linter);
the pure subpackages never import :mod:`~stage5kit.core.io`.
"""

from __future__ import annotations

from stage5kit.core.io import (
    aggregate_trade_file,
    analyse_tco_file,
    iter_trade_batches,
    load_budget,
    load_infra_costs,
    load_scenarios,
    load_thresholds,
    load_trades,
    profile_trade_file,
    read_stress_inputs,
    resolve_scenarios,
    write_sample_inputs,
    write_trades,
)
from stage5kit.core.stress import (
    BASELINE_SCENARIO,
    BUILTIN_SCENARIOS,
    CostHistory,
    Scenario,
    SimulationSettings,
    StressInputs,
    StressResult,
    StressSettings,
    advice_lever,
    build_cost_history,
    builtin_scenario_names,
    check_scenario_venues,
    collect_stress_kpis,
    compute_expected_shortfall,
    compute_quantile_bands,
    compute_tail_risk,
    compute_value_at_risk,
    parse_scenarios,
    run_stress_test,
    scale_budget_to_horizon,
    select_scenarios,
    simulate_daily_costs,
    simulate_stress,
    simulate_stress_inputs,
    stress_inputs,
    tabulate_stress_risk,
)
from stage5kit.core.tco import (
    Budget,
    CostShift,
    TcoOptions,
    TcoPartial,
    TcoResult,
    Thresholds,
    aggregate_trades,
    allocate_infra_costs,
    analyse_tco,
    compare_cost_periods,
    detect_cost_anomalies,
    evaluate_budgets,
    find_breaches,
    find_cost_shift,
    merge_partials,
    summarise_partial,
)
from stage5kit.core.trades import add_trade_costs, check_trades, generate_trades

__all__: list[str] = [
    "BASELINE_SCENARIO",
    "BUILTIN_SCENARIOS",
    "Budget",
    "CostHistory",
    "CostShift",
    "Scenario",
    "SimulationSettings",
    "StressInputs",
    "StressResult",
    "StressSettings",
    "TcoOptions",
    "TcoPartial",
    "TcoResult",
    "Thresholds",
    "add_trade_costs",
    "advice_lever",
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
    "profile_trade_file",
    "read_stress_inputs",
    "resolve_scenarios",
    "run_stress_test",
    "scale_budget_to_horizon",
    "select_scenarios",
    "simulate_daily_costs",
    "simulate_stress",
    "simulate_stress_inputs",
    "stress_inputs",
    "summarise_partial",
    "tabulate_stress_risk",
    "write_sample_inputs",
    "write_trades",
]
