"""Stress test of a trade log: cost it with the TCO core, then simulate every scenario.

The per-trade costs come from :func:`~stage5kit.core.trades.costs.add_trade_costs`, the
latency-slippage slope and the allocated infra cost from
:func:`~stage5kit.core.tco.analysis.analyse_tco`, so the stress test and the TCO report share one
cost model.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from stage5kit.core.stress.engine import SimulationSettings, StressResult, simulate_stress
from stage5kit.core.stress.history import CostHistory, build_cost_history
from stage5kit.core.stress.scenarios import Scenario, check_scenario_venues
from stage5kit.core.tco.analysis import TcoResult, analyse_tco
from stage5kit.core.tco.budgets import Budget
from stage5kit.core.tco.options import TcoOptions
from stage5kit.core.trades.costs import add_trade_costs
from stage5kit.errors import ConfigError

DAYS_PER_PERIOD = {"day": 1.0, "week": 7.0, "month": 365.25 / 12.0}
# Below these a stress result still computes but its tail figures rest on too little data.
MIN_HISTORY_DAYS = 20
MIN_BLOCKS = 3
MIN_TRADES = 100


@dataclass(frozen=True, slots=True)
class StressInputs:
    """What a stress test needs of a trade log: its cost history, its TCO by strategy
    (latency-slippage slope, allocated infra cost, notes) and its number of trades."""

    history: CostHistory
    tco: TcoResult
    n_trades: int


def stress_inputs(
    trades: pd.DataFrame,
    *,
    infra_costs: pd.DataFrame | None = None,
    infra_proration: Literal["days", "none"] = "days",
) -> StressInputs:
    """Cost a loaded trade log and reduce it to a stress test's inputs."""
    tco = analyse_tco(
        trades,
        TcoOptions(by=("strategy",), infra_proration=infra_proration),
        infra_costs=infra_costs,
    )
    slope = float(tco.overall["slippage_bps_per_10ms"])
    history = build_cost_history(add_trade_costs(trades), latency_slope_bps_per_10ms=slope)
    return StressInputs(history=history, tco=tco, n_trades=len(trades))


def run_stress_test(
    trades: pd.DataFrame,
    scenarios: Sequence[Scenario],
    settings: SimulationSettings,
    *,
    include_tco: bool = False,
    infra_costs: pd.DataFrame | None = None,
    budget: float | Budget | None = None,
    gross_edge_bps: float | None = None,
    infra_proration: Literal["days", "none"] = "days",
    on_scenario_done: Callable[[str], None] | None = None,
    on_chunks_done: Callable[[int, int], None] | None = None,
) -> StressResult:
    """Validate and cost a trade log, then simulate the scenarios over ``settings.days`` days.

    With ``include_tco`` the infra costs allocated to the log's trades, spread over its
    trading days, are added to every simulated day; each month's infra costs are prorated
    to the days the log covers like ``stage5kit tco`` (``infra_proration``). A
    :class:`Budget` (per strategy and period) is scaled to the horizon; a number is taken
    as the budget for the horizon.
    """
    inputs = stress_inputs(
        trades, infra_costs=infra_costs if include_tco else None, infra_proration=infra_proration
    )
    return simulate_stress_inputs(
        inputs,
        scenarios,
        settings,
        include_tco=include_tco,
        budget=budget,
        gross_edge_bps=gross_edge_bps,
        on_scenario_done=on_scenario_done,
        on_chunks_done=on_chunks_done,
    )


def simulate_stress_inputs(
    inputs: StressInputs,
    scenarios: Sequence[Scenario],
    settings: SimulationSettings,
    *,
    include_tco: bool = False,
    budget: float | Budget | None = None,
    gross_edge_bps: float | None = None,
    on_scenario_done: Callable[[str], None] | None = None,
    on_chunks_done: Callable[[int, int], None] | None = None,
) -> StressResult:
    """Simulate the scenarios on a log's stress inputs (loaded or streamed), as run_stress_test.

    The inputs' TCO carries the infra costs when ``include_tco`` (see :func:`stress_inputs`).
    """
    history, tco = inputs.history, inputs.tco
    slope = history.latency_slope_bps_per_10ms
    check_scenario_venues(scenarios, history.venues)
    infra_per_day = float(tco.overall["infra_cost"]) / len(history.days) if include_tco else 0.0
    horizon_budget = (
        scale_budget_to_horizon(budget, days=settings.days, include_tco=include_tco)
        if isinstance(budget, Budget)
        else budget
    )
    result = simulate_stress(
        history,
        scenarios,
        settings,
        include_tco=include_tco,
        infra_cost_per_day=infra_per_day if math.isfinite(infra_per_day) else 0.0,
        budget=horizon_budget,
        gross_edge_bps=gross_edge_bps,
        on_scenario_done=on_scenario_done,
        on_chunks_done=on_chunks_done,
    )
    notes = thin_data_notes(
        history_days=len(history.days),
        n_trades=inputs.n_trades,
        settings=settings,
        slope_note=_overall_slope_note(tco.latency_slippage) if not math.isfinite(slope) else "",
        scenarios=scenarios,
    )
    infra_notes = tuple(n for n in tco.notes if n.startswith("infra costs")) if include_tco else ()
    return dataclasses.replace(result, notes=(*result.notes, *infra_notes, *notes))


def thin_data_notes(
    *,
    history_days: int,
    n_trades: int,
    settings: SimulationSettings,
    slope_note: str,
    scenarios: Sequence[Scenario],
) -> tuple[str, ...]:
    """Warnings a reader of a stress result must see: too little history or trades for the
    horizon and blocks, and latency scenarios silenced by a missing latency-slippage slope."""
    notes = []
    if history_days < settings.days:
        notes.append(
            f"the history has {history_days} trading days, fewer than the {settings.days}-day "
            "horizon: every simulated period repeats historical days"
        )
    if history_days < MIN_BLOCKS * settings.block_length:
        notes.append(
            f"the history of {history_days} days holds fewer than {MIN_BLOCKS} blocks of "
            f"{settings.block_length:g} days: paths are near copies of the history, so VaR and "
            "ES understate the tail (use a longer log or a shorter --block-length)"
        )
    if history_days < MIN_HISTORY_DAYS:
        notes.append(
            f"only {history_days} trading days of history (fewer than {MIN_HISTORY_DAYS}): "
            "tail figures rest on few distinct days"
        )
    if n_trades < MIN_TRADES:
        notes.append(f"only {n_trades} trades (fewer than {MIN_TRADES}): rates are noisy")
    if slope_note:
        silenced = [
            s.name
            for s in scenarios
            if s.latency_ms_add or (s.latency_spike_prob and s.latency_spike_ms)
        ]
        if silenced:
            notes.append(
                f"latency-slippage slope not available ({slope_note}): the latency shocks of "
                f"{', '.join(silenced)} add no cost"
            )
    return tuple(notes)


def _overall_slope_note(relation: pd.DataFrame) -> str:
    """Why the log-wide slope is missing, from the per-strategy reasons."""
    reasons = sorted({str(n) for n in relation.get("slope_note", pd.Series(dtype=object)) if n})
    return "; ".join(reasons) or "decision latency has no spread"


def scale_budget_to_horizon(budget: Budget, *, days: int, include_tco: bool) -> float:
    """Return the budget for ``days`` days: all strategies' amounts, pro rata to the period.

    A month counts 365.25 / 12 days. The budget's basis must match the comparison: a
    ``tco`` budget needs ``include_tco``, a ``trading_cost`` budget needs it off.
    """
    if (budget.basis == "tco") != include_tco:
        wanted = "turn on --include-tco" if budget.basis == "tco" else "drop --include-tco"
        msg = (
            f"the budget is on a {budget.basis!r} basis but the stress test compares "
            f"{'TCO' if include_tco else 'trading cost'} ({wanted}, or change 'basis' in "
            "the budget file)"
        )
        raise ConfigError(msg)
    return sum(budget.amounts.values()) * days / DAYS_PER_PERIOD[budget.period]
