"""Facts a stress report reads out: the risk table, the headline KPIs and the lever to pull.

The words live in :mod:`stage5kit.reporting.stress_reading` (one per report language).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from stage5kit.core.stress.engine import StressResult
from stage5kit.core.stress.scenarios import BASELINE_SCENARIO, Scenario

RISK_COLUMNS = (
    "scenario",
    "expected_period_cost",
    "var95_daily_cost",
    "es975_daily_cost",
    "worst_day_cost",
    "p_budget_breach",
    "p_net_pnl_negative",
)
# The shocks that name a lever, in priority order: the first one a scenario changes wins.
LEVERS = (
    "fee_mult",
    "maker_share_shift",
    "slippage_spike_prob",
    "slippage_bps_add",
    "latency_spike_prob",
    "latency_ms_add",
    "volume_mult",
    "outage_venue",
)


def tabulate_stress_risk(result: StressResult) -> pd.DataFrame:
    """Return the risk view of a stress result: cost, VaR95, ES97.5, worst day, probabilities."""
    columns = [c for c in RISK_COLUMNS if c in result.table.columns]
    if result.settings.include_tco:
        columns.insert(2, "expected_tco")
    return result.table[columns].reset_index(drop=True)


def collect_stress_kpis(result: StressResult) -> dict[str, float | int | str]:
    """Return the headline figures a report records: baseline, costliest scenario, tails."""
    rows = result.table.set_index("scenario")
    base = _record(rows, BASELINE_SCENARIO)
    kpis: dict[str, float | int | str] = {
        "stress_paths": result.settings.simulation.paths,
        "stress_days": result.settings.simulation.days,
        "baseline_expected_period_cost": base["expected_period_cost"],
        "baseline_cost_bps": base["cost_bps"],
        "baseline_var95_daily_cost": base["var95_daily_cost"],
        "baseline_es975_daily_cost": base["es975_daily_cost"],
        "baseline_p_budget_breach": base["p_budget_breach"],
        "baseline_p_net_pnl_negative": base["p_net_pnl_negative"],
    }
    others = rows.drop(index=BASELINE_SCENARIO)
    if not others.empty:
        costliest = str(others["delta_expected_period_cost"].idxmax())
        worst = _record(rows, costliest)
        kpis |= {
            "costliest_scenario": costliest,
            "costliest_delta_expected_period_cost": worst["delta_expected_period_cost"],
            "costliest_delta_cost_bps": worst["delta_cost_bps"],
            "max_p_budget_breach": float(rows["p_budget_breach"].max()),
        }
    return kpis


def _record(table: pd.DataFrame, name: str) -> dict[str, float]:
    row = table.loc[name]
    return {str(k): v for k, v in row.items() if isinstance(v, int | float)}


def advice_lever(result: StressResult, name: str) -> str | None:
    """The shock field of scenario ``name`` that names the advice for it (None: no lever)."""
    scenario = next(s for s in result.scenarios if s.name == name)
    neutral = Scenario(name=name)
    changed = {
        f.name
        for f in dataclasses.fields(Scenario)
        if getattr(scenario, f.name) != getattr(neutral, f.name)
    }
    return next((field for field in LEVERS if field in changed), None)
