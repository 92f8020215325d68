"""Plain-language reading of a stress result: what the numbers say and what to do about them."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import pandas as pd

from stage5kit.core.stress.engine import StressResult, StressSettings
from stage5kit.core.stress.scenarios import BASELINE_SCENARIO, Scenario

_Money = Callable[[float], str]

RISK_COLUMNS = (
    "scenario",
    "expected_period_cost",
    "var95_daily_cost",
    "es975_daily_cost",
    "worst_day_cost",
    "p_budget_breach",
    "p_net_pnl_negative",
)
# Which lever answers which scenario's cost: the first matching shock names the advice.
_ADVICE = (
    ("fee_mult", "negotiate the fee tier or move flow to maker orders"),
    ("maker_share_shift", "protect the maker share: passive quoting, wider limit offsets"),
    ("slippage_spike_prob", "cap order size in thin books and slice large orders"),
    ("slippage_bps_add", "cap order size in thin books and slice large orders"),
    ("latency_spike_prob", "set a latency budget and alert on decision_latency_ms p99"),
    ("latency_ms_add", "set a latency budget and alert on decision_latency_ms p99"),
    ("volume_mult", "check the budget scales with volume and split flow across venues"),
    ("outage_venue", "keep a tested fail-over venue with pre-agreed fees"),
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


def describe_stress_result(result: StressResult, *, currency: str = "") -> str:
    """Return a few Markdown paragraphs that read the result in plain language."""
    table = result.table.set_index("scenario")
    settings = result.settings
    base = _record(table, BASELINE_SCENARIO)
    unit = f" {currency}" if currency else ""
    money = _money_formatter(unit)
    paragraphs = [
        f"Over {settings.simulation.days} simulated days ({settings.simulation.paths} paths, seed "
        f"{settings.simulation.seed}, history of {settings.history_days} days) the baseline costs "
        f"{money(base['expected_period_cost'])} on average: {base['cost_bps']:.2f} bps of "
        f"notional, {money(base['avg_cost_per_trade'])} per trade. One day in twenty costs more "
        f"than {money(base['var95_daily_cost'])} (VaR95); the worst 2.5% of days average "
        f"{money(base['es975_daily_cost'])} (ES97.5)."
    ]
    others = table.drop(index=BASELINE_SCENARIO)
    if not others.empty:
        ranked = others.sort_values("delta_expected_period_cost", ascending=False)
        top_name = str(ranked.index[0])
        top = ranked.iloc[0]
        share = _percent(top["delta_expected_period_cost"], base["expected_period_cost"])
        listing = ", ".join(
            f"{name} {_signed(row['delta_expected_period_cost'], money)}"
            for name, row in ranked.iterrows()
        )
        paragraphs.append(
            f"The costliest scenario is **{top_name}**: "
            f"{_signed(top['delta_expected_period_cost'], money)} over the period ({share}), "
            f"{top['cost_bps']:.2f} bps of notional. By impact: {listing}."
        )
        dearest = others.sort_values("delta_cost_bps", ascending=False)
        dear_name = str(dearest.index[0])
        paragraphs.append(
            f"Per unit traded the dearest is **{dear_name}**: "
            f"{dearest.iloc[0]['delta_cost_bps']:+.2f} bps of notional against baseline. "
            f"What to do first: {_advice(result, dear_name)}."
        )
    paragraphs.extend(_budget_paragraph(table, settings, money))
    paragraphs.extend(_edge_paragraph(table, settings))
    return "\n\n".join(paragraphs)


def _budget_paragraph(table: pd.DataFrame, settings: StressSettings, money: _Money) -> list[str]:
    budget = settings.budget
    if budget is None:
        return []
    basis = "TCO" if settings.include_tco else "trading cost"
    breach = table["p_budget_breach"]
    worst = str(breach.idxmax())
    return [
        f"Against the budget of {money(float(budget))} ({basis}, whole horizon) the baseline "
        f"overruns on {breach[BASELINE_SCENARIO]:.1%} of paths; the most exposed scenario is "
        f"**{worst}** at {breach[worst]:.1%}."
    ]


def _edge_paragraph(table: pd.DataFrame, settings: StressSettings) -> list[str]:
    edge = settings.gross_edge_bps
    if edge is None:
        return []
    base = _record(table, BASELINE_SCENARIO)
    losing = table[table["p_net_pnl_negative"] >= 0.5].index.tolist()
    verdict = (
        f"net PnL is more likely negative than not under: {', '.join(map(str, losing))}"
        if losing
        else "no scenario makes a loss more likely than not"
    )
    drag = base["cost_drag_pct"]
    drag_text = (
        f"costs take {drag:.0f}% of gross PnL under baseline"
        if math.isfinite(drag)
        else "the cost share of gross PnL is undefined (no gross PnL)"
    )
    fee_mult = base["break_even_fee_mult"]
    fee_text = (
        f", or fees {fee_mult:.2f}x today's,"
        if math.isfinite(fee_mult)
        else " (no fee level breaks even: the log pays no fees to scale)"
    )
    return [
        f"With a gross edge of {edge:g} bps, {drag_text} and net PnL is negative on "
        f"{base['p_net_pnl_negative']:.1%} of paths; {verdict}. Break-even: all-in costs can "
        f"reach {base['break_even_cost_bps']:.2f} bps{fee_text} before the expected net PnL "
        "is zero."
    ]


def _money_formatter(unit: str) -> _Money:
    def money(value: float) -> str:
        return f"{value:,.2f}{unit}"

    return money


def _record(table: pd.DataFrame, name: str) -> dict[str, float]:
    row = table.loc[name]
    return {str(k): v for k, v in row.items() if isinstance(v, int | float)}


def _signed(value: float, money: _Money) -> str:
    return f"+{money(value)}" if value >= 0 else f"-{money(-value)}"


def _percent(delta: float, base: float) -> str:
    """The change as a percentage of baseline; a non-positive baseline has no percentage."""
    if not (math.isfinite(base) and base > 0):
        return "no positive baseline to compare with"
    return f"{delta / base:+.0%} on baseline"


def _advice(result: StressResult, name: str) -> str:
    scenario = next(s for s in result.scenarios if s.name == name)
    neutral = Scenario(name=name)
    changed = {
        f.name
        for f in dataclasses.fields(Scenario)
        if getattr(scenario, f.name) != getattr(neutral, f.name)
    }
    for field, advice in _ADVICE:
        if field in changed:
            return advice
    return "review the scenario's assumptions against the latest trade log"
