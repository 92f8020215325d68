"""The workshop's draft message to the OEM: six sentences built from the numbers.

The exercise (workshop/cwiczenie.md, agenda block 5) ends with a short message: what grew,
by how much, since when, where, what it means for the budget, how likely a net loss is
and what to do. The numbers
come from :func:`stage5kit.core.find_cost_shift`, :func:`stage5kit.core.compare_cost_periods`
and a stress result with the ``exercise_cost_growth`` scenario; this module only words them,
through the message catalog (Polish for the workshop: decimal comma, spaces between thousands).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from stage5kit.errors import ConfigError
from stage5kit.reporting.i18n import (
    format_date,
    format_number,
    format_percent,
    translate,
    translate_count,
)

if TYPE_CHECKING:
    import pandas as pd

    from stage5kit.core import CostShift, StressResult, StressSettings

EXERCISE_SCENARIO = "exercise_cost_growth"
# From this probability on, a net loss is the message's headline risk, not a footnote.
NET_LOSS_HEADLINE = 0.5


def draft_oem_message(
    *,
    shift: CostShift,
    by_strategy: pd.DataFrame,
    by_venue: pd.DataFrame,
    stress: StressResult,
    currency: str,
    lang: str = "pl",
) -> str:
    """Return six sentences for the OEM: growth, where, why, budget risk, net-loss risk, action.

    ``by_strategy`` and ``by_venue`` are :func:`~stage5kit.core.compare_cost_periods`
    tables split at ``shift.day``; ``stress`` must hold the ``exercise_cost_growth``
    scenario beside ``baseline``. Polish by default: the message goes to Polish OEM teams.
    """
    rows = stress.table.set_index("scenario")
    if EXERCISE_SCENARIO not in rows.index:
        msg = (
            f"the stress result has no {EXERCISE_SCENARIO!r} scenario; run the stress test "
            f"with scenarios '{EXERCISE_SCENARIO}' (or 'all')"
        )
        raise ConfigError(msg)
    if not shift.significant:
        sentences = [
            _no_shift_sentence(shift, lang),
            _budget_sentence(rows, stress.settings, currency, lang),
            _net_loss_sentence(rows, lang),
        ]
        return " ".join(sentence for sentence in sentences if sentence)
    strategy = by_strategy.iloc[0]
    venue_by_fee = by_venue.sort_values("fee_bps_change", ascending=False).iloc[0]
    cheapest = by_venue.sort_values("cost_bps_after").iloc[0]
    sentences = [
        _growth_sentence(shift, currency, lang),
        _where_sentence(shift, by_strategy, by_venue, currency, lang),
        _why_sentence(strategy, venue_by_fee, lang),
        _budget_sentence(rows, stress.settings, currency, lang),
        _net_loss_sentence(rows, lang),
        _action_sentence(strategy, venue_by_fee, cheapest, lang),
    ]
    return " ".join(sentence for sentence in sentences if sentence)


def _no_shift_sentence(shift: CostShift, lang: str) -> str:
    return translate(
        lang,
        "Over the period analysed the execution cost did not change significantly: the "
        "largest change of level (from {day}, {change} bps) is within the usual daily "
        "swings (p = {p_value}) or smaller than {min_effect} bps, so it does not point to a "
        "lasting cost increase.",
        day=format_date(shift.day, lang),
        change=format_number(shift.cost_bps_change, lang, signed=True),
        p_value=format_number(shift.p_value, lang, decimals=3),
        min_effect=format_number(shift.min_effect_bps, lang),
    )


def _growth_sentence(shift: CostShift, currency: str, lang: str) -> str:
    fields: dict[str, object] = {
        "day": format_date(shift.day, lang),
        "before": format_number(shift.cost_bps_before, lang),
        "after": format_number(shift.cost_bps_after, lang),
        "change": format_number(shift.cost_bps_change, lang, signed=True),
        "trade_before": format_number(shift.cost_per_trade_before, lang),
        "trade_after": format_number(shift.cost_per_trade_after, lang),
        "currency": currency,
        "trade_change": format_percent(
            shift.cost_per_trade_change_pct / 100.0, lang, decimals=1, signed=True
        ),
    }
    if shift.cost_bps_change >= 0:
        return translate(
            lang,
            "Since {day} the execution cost (fees and slippage) has risen from {before} to "
            "{after} bps of notional ({change} bps), and the average cost per trade from "
            "{trade_before} to {trade_after} {currency} ({trade_change}).",
            **fields,
        )
    return translate(
        lang,
        "Since {day} the execution cost (fees and slippage) has fallen from {before} to "
        "{after} bps of notional ({change} bps), and the average cost per trade from "
        "{trade_before} to {trade_after} {currency} ({trade_change}).",
        **fields,
    )


def _where_sentence(
    shift: CostShift, by_strategy: pd.DataFrame, by_venue: pd.DataFrame, currency: str, lang: str
) -> str:
    top = by_strategy.head(2)
    strategies = translate(lang, " and ").join(
        f"{row['strategy']} ({format_number(row['cost_bps_change'], lang, signed=True)} "
        f"{translate(lang, 'bps')})"
        for _, row in top.iterrows()
    )
    venue = by_venue.iloc[0]
    fields: dict[str, object] = {
        "strategies": strategies,
        "venue": venue["venue"],
        "venue_change": format_number(venue["cost_bps_change"], lang, signed=True),
        "extra": format_number(shift.extra_cost, lang, decimals=0),
        "currency": currency,
    }
    if len(top) == 1:
        return translate(
            lang,
            "The change is concentrated in strategy {strategies} and on venue {venue} "
            "({venue_change} bps), and since that day it has cost about {extra} {currency} in "
            "total above the earlier rate.",
            **fields,
        )
    return translate(
        lang,
        "The change is concentrated in strategies {strategies} and on venue {venue} "
        "({venue_change} bps), and since that day it has cost about {extra} {currency} in "
        "total above the earlier rate.",
        **fields,
    )


def _why_sentence(strategy: pd.Series, venue: pd.Series, lang: str) -> str:
    latency = float(strategy["decision_latency_ms_change"])
    fee_change = format_number(venue["fee_bps_change"], lang, signed=True)
    fees = (
        translate(
            lang,
            "fees rose most on {venue} ({change} bps)",
            venue=venue["venue"],
            change=fee_change,
        )
        if venue["fee_bps_change"] > 0
        else translate(
            lang,
            "fees did not rise (they fell least on {venue}: {change} bps)",
            venue=venue["venue"],
            change=fee_change,
        )
    )
    slippage_change = float(strategy["slippage_bps_change"])
    slippage_fields = {
        "strategy": strategy["strategy"],
        "change": format_number(abs(slippage_change), lang),
    }
    slippage = (
        translate(lang, "slippage in {strategy} rose by {change} bps", **slippage_fields)
        if slippage_change >= 0
        else translate(lang, "slippage in {strategy} fell by {change} bps", **slippage_fields)
    )
    fields: dict[str, object] = {
        "slippage": slippage,
        "latency": format_number(abs(latency), lang, decimals=1),
        "before": format_number(strategy["decision_latency_ms_before"], lang, decimals=1),
        "after": format_number(strategy["decision_latency_ms_after"], lang, decimals=1),
        "fees": fees,
    }
    if latency >= 0:
        return translate(
            lang,
            "On the strategy side, {slippage} with decision latency higher by {latency} ms "
            "(from {before} to {after} ms); on the venue side, {fees}.",
            **fields,
        )
    return translate(
        lang,
        "On the strategy side, {slippage} with decision latency lower by {latency} ms "
        "(from {before} to {after} ms); on the venue side, {fees}.",
        **fields,
    )


def _budget_sentence(rows: pd.DataFrame, settings: StressSettings, currency: str, lang: str) -> str:
    from stage5kit.core import BASELINE_SCENARIO

    exercise = _scenario_row(rows, EXERCISE_SCENARIO)
    baseline = _scenario_row(rows, BASELINE_SCENARIO)
    cost = "expected_tco" if settings.include_tco else "expected_period_cost"
    budget = settings.budget
    if budget is not None:
        risk = translate(
            lang,
            "the probability of exceeding the budget of {budget} {currency} is {exercise} "
            "({baseline} in the baseline scenario)",
            budget=format_number(budget, lang, decimals=0),
            currency=currency,
            exercise=format_percent(exercise["p_budget_breach"], lang),
            baseline=format_percent(baseline["p_budget_breach"], lang),
        )
    else:
        risk = translate(lang, "the budget risk was not assessed because no budget was given")
    fields: dict[str, object] = {
        "scenario": EXERCISE_SCENARIO,
        "exercise": _money(exercise[cost], currency, lang),
        "baseline": _money(baseline[cost], currency, lang),
        "var": _money(exercise["var95_daily_cost"], currency, lang),
        "es": _money(exercise["es975_daily_cost"], currency, lang),
        "risk": risk,
    }
    if settings.include_tco:
        return translate_count(
            lang,
            "In the stress scenario {scenario} the expected TCO over {count} day is {exercise} "
            "against {baseline} in the baseline scenario, the daily VaR95 is {var}, ES97.5 {es}, "
            "and {risk}.",
            "In the stress scenario {scenario} the expected TCO over {count} days is {exercise} "
            "against {baseline} in the baseline scenario, the daily VaR95 is {var}, ES97.5 {es}, "
            "and {risk}.",
            settings.simulation.days,
            **fields,
        )
    return translate_count(
        lang,
        "In the stress scenario {scenario} the expected cost over {count} day is {exercise} "
        "against {baseline} in the baseline scenario, the daily VaR95 is {var}, ES97.5 {es}, "
        "and {risk}.",
        "In the stress scenario {scenario} the expected cost over {count} days is {exercise} "
        "against {baseline} in the baseline scenario, the daily VaR95 is {var}, ES97.5 {es}, "
        "and {risk}.",
        settings.simulation.days,
        **fields,
    )


def _net_loss_sentence(rows: pd.DataFrame, lang: str) -> str:
    """The probability of a negative net PnL under stress; empty without a gross edge."""
    from stage5kit.core import BASELINE_SCENARIO

    loss = float(_scenario_row(rows, EXERCISE_SCENARIO).get("p_net_pnl_negative", math.nan))
    if not math.isfinite(loss):
        return ""
    fields: dict[str, object] = {
        "exercise": format_percent(loss, lang),
        "baseline": format_percent(
            float(_scenario_row(rows, BASELINE_SCENARIO).get("p_net_pnl_negative", math.nan)),
            lang,
        ),
    }
    if loss >= NET_LOSS_HEADLINE:
        return translate(
            lang,
            "The probability of a negative net result (gross profit minus costs) is {exercise} "
            "({baseline} in the baseline scenario): this is the biggest risk of this result.",
            **fields,
        )
    return translate(
        lang,
        "The probability of a negative net result (gross profit minus costs) is {exercise} "
        "({baseline} in the baseline scenario).",
        **fields,
    )


def _money(value: float, currency: str, lang: str) -> str:
    return f"{format_number(value, lang, decimals=0)} {currency}"


def _scenario_row(rows: pd.DataFrame, name: str) -> dict[str, float]:
    return {str(k): v for k, v in rows.loc[name].items() if isinstance(v, int | float)}


def _action_sentence(strategy: pd.Series, venue: pd.Series, cheapest: pd.Series, lang: str) -> str:
    actions = []
    if venue["fee_bps_change"] > 0:
        actions.append(
            translate(
                lang,
                "renegotiating the fee tiers on {venue} or moving part of the volume to {target}",
                venue=venue["venue"],
                target=cheapest["venue"],
            )
            if cheapest["venue"] != venue["venue"]
            else translate(lang, "renegotiating the fee tiers on {venue}", venue=venue["venue"])
        )
    if strategy["decision_latency_ms_change"] > 0:
        actions.append(
            translate(
                lang,
                "a decision-latency budget with an alert on its p99 for {strategy}",
                strategy=strategy["strategy"],
            )
        )
    else:
        actions.append(
            translate(lang, "capping order size in {strategy}", strategy=strategy["strategy"])
        )
    return translate(
        lang,
        "We propose {actions}; the signed report with the data is attached and can be "
        "verified with the public key using the stage5kit verify command.",
        actions=translate(lang, " as well as ").join(actions),
    )
