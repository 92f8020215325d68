"""Total cost of trading: mergeable aggregates and sketches, the KPIs, infra allocation,
thresholds, budgets, anomalies and cost shifts.

Pure functions on frames; may use :mod:`stage5kit.core.trades`, never the stress test or I/O.
"""

from __future__ import annotations

from stage5kit.core.tco.aggregates import TcoPartial, aggregate_trades, merge_partials
from stage5kit.core.tco.analysis import TcoResult, analyse_tco, summarise_partial
from stage5kit.core.tco.anomalies import detect_cost_anomalies
from stage5kit.core.tco.budgets import Budget, evaluate_budgets
from stage5kit.core.tco.cost_shift import CostShift, compare_cost_periods, find_cost_shift
from stage5kit.core.tco.infra import allocate_infra_costs
from stage5kit.core.tco.options import TcoOptions
from stage5kit.core.tco.thresholds import Thresholds, find_breaches

__all__: list[str] = [
    "Budget",
    "CostShift",
    "TcoOptions",
    "TcoPartial",
    "TcoResult",
    "Thresholds",
    "aggregate_trades",
    "allocate_infra_costs",
    "analyse_tco",
    "compare_cost_periods",
    "detect_cost_anomalies",
    "evaluate_budgets",
    "find_breaches",
    "find_cost_shift",
    "merge_partials",
    "summarise_partial",
]
