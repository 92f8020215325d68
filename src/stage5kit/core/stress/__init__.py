"""Cost stress tests: scenarios, the cost history, shocks, Monte Carlo paths, risk metrics
and their plain-language reading.

Pure functions on frames and arrays; may use :mod:`stage5kit.core.tco` and
:mod:`stage5kit.core.trades`, never I/O.
"""

from __future__ import annotations

from stage5kit.core.stress.engine import (
    SimulationSettings,
    StressResult,
    StressSettings,
    simulate_daily_costs,
    simulate_stress,
)
from stage5kit.core.stress.history import (
    CostHistory,
    build_cost_history,
    cost_cells,
    history_from_cells,
    merge_cost_cells,
)
from stage5kit.core.stress.metrics import (
    compute_expected_shortfall,
    compute_quantile_bands,
    compute_tail_risk,
    compute_value_at_risk,
)
from stage5kit.core.stress.reading import (
    advice_lever,
    collect_stress_kpis,
    tabulate_stress_risk,
)
from stage5kit.core.stress.run import (
    StressInputs,
    run_stress_test,
    scale_budget_to_horizon,
    simulate_stress_inputs,
    stress_inputs,
)
from stage5kit.core.stress.scenarios import (
    BASELINE_SCENARIO,
    BUILTIN_SCENARIOS,
    Scenario,
    builtin_scenario_names,
    check_scenario_venues,
    parse_scenarios,
    select_scenarios,
)

__all__: list[str] = [
    "BASELINE_SCENARIO",
    "BUILTIN_SCENARIOS",
    "CostHistory",
    "Scenario",
    "SimulationSettings",
    "StressInputs",
    "StressResult",
    "StressSettings",
    "advice_lever",
    "build_cost_history",
    "builtin_scenario_names",
    "check_scenario_venues",
    "collect_stress_kpis",
    "compute_expected_shortfall",
    "compute_quantile_bands",
    "compute_tail_risk",
    "compute_value_at_risk",
    "cost_cells",
    "history_from_cells",
    "merge_cost_cells",
    "parse_scenarios",
    "run_stress_test",
    "scale_budget_to_horizon",
    "select_scenarios",
    "simulate_daily_costs",
    "simulate_stress",
    "simulate_stress_inputs",
    "stress_inputs",
    "tabulate_stress_risk",
]
