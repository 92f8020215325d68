"""The workshop's draft message to the OEM: five Polish sentences built from the numbers.

The exercise (workshop/cwiczenie.md, agenda block 5) ends with a short message: what grew,
by how much, since when, where, what it means for the budget and what to do. The numbers
come from :func:`stage5kit.core.find_cost_shift`, :func:`stage5kit.core.compare_cost_periods`
and a stress result with the ``exercise_cost_growth`` scenario; this module only words them.
Numbers are written the Polish way: decimal comma, space between thousands.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from stage5kit.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from stage5kit.core import CostShift, StressResult, StressSettings

EXERCISE_SCENARIO = "exercise_cost_growth"
_MONTHS = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)


def draft_oem_message(
    *,
    shift: CostShift,
    by_strategy: pd.DataFrame,
    by_venue: pd.DataFrame,
    stress: StressResult,
    currency: str,
) -> str:
    """Return five Polish sentences for the OEM: growth, where, why, budget risk, action.

    ``by_strategy`` and ``by_venue`` are :func:`~stage5kit.core.compare_cost_periods`
    tables split at ``shift.day``; ``stress`` must hold the ``exercise_cost_growth``
    scenario beside ``baseline``.
    """
    rows = stress.table.set_index("scenario")
    if EXERCISE_SCENARIO not in rows.index:
        msg = (
            f"the stress result has no {EXERCISE_SCENARIO!r} scenario; run the stress test "
            f"with scenarios '{EXERCISE_SCENARIO}' (or 'all')"
        )
        raise ConfigError(msg)
    if not shift.significant:
        return " ".join(
            [_no_shift_sentence(shift), _budget_sentence(rows, stress.settings, currency)]
        )
    strategy = by_strategy.iloc[0]
    venue_by_fee = by_venue.sort_values("fee_bps_change", ascending=False).iloc[0]
    cheapest = by_venue.sort_values("cost_bps_after").iloc[0]
    return " ".join(
        [
            _growth_sentence(shift, currency),
            _where_sentence(shift, by_strategy, by_venue, currency),
            _why_sentence(strategy, venue_by_fee),
            _budget_sentence(rows, stress.settings, currency),
            _action_sentence(strategy, venue_by_fee, cheapest),
        ]
    )


def _no_shift_sentence(shift: CostShift) -> str:
    return (
        "W analizowanym okresie koszt wykonania nie zmienił się istotnie: największa zmiana "
        f"poziomu (od {format_polish_date(shift.day)}, "
        f"{format_polish_number(shift.cost_bps_change, signed=True)} pb) mieści się w "
        f"zwykłych wahaniach dziennych (p = {format_polish_number(shift.p_value, decimals=3)}) "
        f"albo jest mniejsza niż {format_polish_number(shift.min_effect_bps)} pb, więc nie "
        "wskazuje na trwały wzrost kosztów."
    )


def _growth_sentence(shift: CostShift, currency: str) -> str:
    verb = "wzrósł" if shift.cost_bps_change >= 0 else "spadł"
    return (
        f"Od {format_polish_date(shift.day)} koszt wykonania (opłaty i poślizg) {verb} z "
        f"{format_polish_number(shift.cost_bps_before)} do "
        f"{format_polish_number(shift.cost_bps_after)} bps wartości obrotu "
        f"({format_polish_number(shift.cost_bps_change, signed=True)} bps), a średni koszt "
        f"transakcji z {format_polish_number(shift.cost_per_trade_before)} do "
        f"{format_polish_number(shift.cost_per_trade_after)} {currency} "
        f"({format_polish_number(shift.cost_per_trade_change_pct, decimals=1, signed=True)}%)."
    )


def _where_sentence(
    shift: CostShift, by_strategy: pd.DataFrame, by_venue: pd.DataFrame, currency: str
) -> str:
    top = by_strategy.head(2)
    strategies = " i ".join(
        f"{row['strategy']} ({format_polish_number(row['cost_bps_change'], signed=True)} bps)"
        for _, row in top.iterrows()
    )
    venue = by_venue.iloc[0]
    noun = "strategii" if len(top) == 1 else "strategiach"
    return (
        f"Zmiana skupia się w {noun} {strategies} oraz na giełdzie {venue['venue']} "
        f"({format_polish_number(venue['cost_bps_change'], signed=True)} bps), a od tego dnia "
        f"kosztowała łącznie około {format_polish_number(shift.extra_cost, decimals=0)} "
        f"{currency} ponad wcześniejszą stawkę."
    )


def _why_sentence(strategy: pd.Series, venue: pd.Series) -> str:
    latency = float(strategy["decision_latency_ms_change"])
    fee_change = format_polish_number(venue["fee_bps_change"], signed=True)
    fees = (
        f"najbardziej wzrosły opłaty na {venue['venue']} ({fee_change} bps)"
        if venue["fee_bps_change"] > 0
        else f"opłaty nie wzrosły (najmniej spadły na {venue['venue']}: {fee_change} bps)"
    )
    return (
        f"Po stronie strategii poślizg w {strategy['strategy']} zmienił się o "
        f"{format_polish_number(strategy['slippage_bps_change'], signed=True)} bps przy "
        f"opóźnieniu decyzji {'wyższym' if latency >= 0 else 'niższym'} o "
        f"{format_polish_number(abs(latency), decimals=1)} ms "
        f"(z {format_polish_number(strategy['decision_latency_ms_before'], decimals=1)} do "
        f"{format_polish_number(strategy['decision_latency_ms_after'], decimals=1)} ms), a po "
        f"stronie giełd {fees}."
    )


def _budget_sentence(rows: pd.DataFrame, settings: StressSettings, currency: str) -> str:
    from stage5kit.core import BASELINE_SCENARIO

    exercise = _scenario_row(rows, EXERCISE_SCENARIO)
    baseline = _scenario_row(rows, BASELINE_SCENARIO)
    cost = "expected_tco" if settings.include_tco else "expected_period_cost"
    what = "TCO" if settings.include_tco else "koszt"
    budget = settings.budget
    if budget is not None:
        risk = (
            f"prawdopodobieństwo przekroczenia budżetu {format_polish_number(budget, decimals=0)} "
            f"{currency} wynosi {_percent(exercise['p_budget_breach'])} (w scenariuszu bazowym "
            f"{_percent(baseline['p_budget_breach'])})"
        )
    else:
        risk = "ryzyka dla budżetu nie oceniono, bo budżetu nie podano"
    money = {
        name: f"{format_polish_number(value, decimals=0)} {currency}"
        for name, value in (
            ("exercise", exercise[cost]),
            ("baseline", baseline[cost]),
            ("var", exercise["var95_daily_cost"]),
            ("es", exercise["es975_daily_cost"]),
        )
    }
    loss = float(exercise.get("p_net_pnl_negative", math.nan))
    net = (
        f" Prawdopodobieństwo ujemnego wyniku netto (zysk brutto minus koszty) wynosi "
        f"{_percent(loss)} (w scenariuszu bazowym "
        f"{_percent(float(baseline.get('p_net_pnl_negative', math.nan)))})"
        + (": to największe ryzyko tego wyniku." if loss >= 0.5 else ".")
        if math.isfinite(loss)
        else ""
    )
    return (
        f"W teście warunków skrajnych (scenariusz {EXERCISE_SCENARIO}) oczekiwany {what} na "
        f"{settings.simulation.days} dni wynosi {money['exercise']} wobec {money['baseline']} "
        "w scenariuszu bazowym, "
        f"dzienny VaR95 to {money['var']}, ES97,5 {money['es']}, a {risk}.{net}"
    )


def _scenario_row(rows: pd.DataFrame, name: str) -> dict[str, float]:
    return {str(k): v for k, v in rows.loc[name].items() if isinstance(v, int | float)}


def _action_sentence(strategy: pd.Series, venue: pd.Series, cheapest: pd.Series) -> str:
    actions = []
    if venue["fee_bps_change"] > 0:
        target = (
            f" albo przeniesienie części wolumenu na {cheapest['venue']}"
            if cheapest["venue"] != venue["venue"]
            else ""
        )
        actions.append(f"renegocjację progów opłat na {venue['venue']}{target}")
    if strategy["decision_latency_ms_change"] > 0:
        actions.append(f"budżet opóźnienia decyzji i alert na jego p99 dla {strategy['strategy']}")
    else:
        actions.append(f"ograniczenie wielkości zleceń w {strategy['strategy']}")
    return (
        f"Proponujemy {' oraz '.join(actions)}; podpisany raport z danymi jest w załączniku "
        "i można go zweryfikować kluczem publicznym poleceniem stage5kit verify."
    )


def format_polish_number(value: float, *, decimals: int = 2, signed: bool = False) -> str:
    """A number as Polish text: space between thousands, decimal comma (``-1 234,50``)."""
    number = float(value)
    if not math.isfinite(number):
        return "b/d"
    text = f"{number:{'+' if signed else ''},.{decimals}f}"
    return text.replace(",", " ").replace(".", ",")


def format_polish_date(day: str) -> str:
    """An ISO day (``2026-03-14``) as a Polish date in the genitive (``14 marca 2026``)."""
    year, month, date = (int(part) for part in day.split("-"))
    return f"{date} {_MONTHS[month - 1]} {year}"


def _percent(share: float) -> str:
    if not math.isfinite(share):
        return "b/d"
    return f"{format_polish_number(float(share) * 100.0, decimals=1)}%"
