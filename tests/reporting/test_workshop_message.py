"""draft_oem_message words the numbers in five Polish sentences; the figure draws them."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from stage5kit.core import (
    CostShift,
    SimulationSettings,
    StressResult,
    TcoOptions,
    add_trade_costs,
    analyse_tco,
    compare_cost_periods,
    find_cost_shift,
    generate_trades,
    run_stress_test,
    select_scenarios,
)
from stage5kit.errors import ConfigError
from stage5kit.reporting import draft_oem_message, plot_period_comparison
from stage5kit.reporting.i18n import format_number

SENTENCE_END = re.compile(r"(?<=\.) ")


@dataclasses.dataclass(frozen=True)
class ShiftedLog:
    """A synthetic log with a cost shift, the shift, and the before/after comparisons."""

    trades: pd.DataFrame
    shift: CostShift
    by_strategy: pd.DataFrame
    by_venue: pd.DataFrame


@pytest.fixture(scope="module")
def log() -> ShiftedLog:
    """The generator's log (its fee hike makes a cost shift) read as the workshop reads it."""
    trades = generate_trades(rows=6_000, seed=3, days=60)
    shift = find_cost_shift(analyse_tco(trades, TcoOptions(by=("strategy",))).daily_costs)
    costed = add_trade_costs(trades)
    return ShiftedLog(
        trades=trades,
        shift=shift,
        by_strategy=compare_cost_periods(costed, split=shift.day, by=("strategy",)),
        by_venue=compare_cost_periods(costed, split=shift.day, by=("venue",)),
    )


def _stress(
    log: ShiftedLog,
    *,
    budget: float | None,
    scenarios: tuple[str, ...] = ("exercise_cost_growth",),
) -> StressResult:
    """A small stress result on the test log."""
    return run_stress_test(
        log.trades,
        select_scenarios(scenarios),
        SimulationSettings(paths=200, days=10, seed=1),
        budget=budget,
    )


def _message(
    log: ShiftedLog, shift: CostShift | None = None, *, budget: float | None = 40_000.0
) -> str:
    return draft_oem_message(
        shift=log.shift if shift is None else shift,
        by_strategy=log.by_strategy,
        by_venue=log.by_venue,
        stress=_stress(log, budget=budget),
        currency="USD",
    )


def test_message_has_five_sentences(log: ShiftedLog) -> None:
    """The draft is exactly five sentences, each ending in a full stop."""
    sentences = SENTENCE_END.split(_message(log))
    assert len(sentences) == 5
    assert all(sentence.endswith(".") for sentence in sentences)


def test_first_sentence_says_when_and_by_how_much_cost_grew(log: ShiftedLog) -> None:
    """Sentence one names the shift day in Polish and the bps levels with decimal commas."""
    first = SENTENCE_END.split(_message(log))[0]
    assert first.startswith("Od 6 lutego 2026 koszt wykonania (prowizje i poślizg) wzrósł z ")
    assert f"z {format_number(log.shift.cost_bps_before, 'pl')} do " in first
    assert f"{format_number(log.shift.cost_bps_after, 'pl')} pb" in first
    assert (
        f"({format_number(log.shift.cost_per_trade_change_pct, 'pl', decimals=1, signed=True)}%)"
        in first
    )


def test_message_names_the_dearest_strategy_and_venue(log: ShiftedLog) -> None:
    """The strategy and venue whose cost rose most, and the venue whose fees rose most, appear."""
    message = _message(log)
    assert f"strategii {log.by_strategy['strategy'].iloc[0]} (" in message
    assert f"giełdy {log.by_venue['venue'].iloc[0]} (" in message
    fee_venue = log.by_venue.sort_values("fee_bps_change", ascending=False)["venue"].iloc[0]
    assert f"prowizje na {fee_venue} (" in message
    assert "coinbase" in message  # the generator's fee hike is on coinbase
    slippage = format_number(log.by_strategy["slippage_bps_change"].iloc[0], "pl")
    assert f"poślizg w {log.by_strategy['strategy'].iloc[0]} wzrósł o {slippage} pb" in message


def test_budget_sentence_gives_both_breach_probabilities(log: ShiftedLog) -> None:
    """Sentence four reads the exercise scenario against baseline, with the budget in Polish."""
    stress = _stress(log, budget=40_000.0)
    rows = stress.table.set_index("scenario")
    fourth = SENTENCE_END.split(
        draft_oem_message(
            shift=log.shift,
            by_strategy=log.by_strategy,
            by_venue=log.by_venue,
            stress=stress,
            currency="USD",
        )
    )[3]
    exercise = format_number(
        rows.loc["exercise_cost_growth", "p_budget_breach"] * 100, "pl", decimals=1
    )
    assert f"budżetu {format_number(40_000, 'pl', decimals=0)} USD wynosi {exercise}%" in fourth
    assert "na 10 dni" in fourth
    assert "VaR95" in fourth
    assert "ES97,5" in fourth


def test_without_a_budget_the_message_says_so(log: ShiftedLog) -> None:
    """No budget: the risk clause says the budget was not given instead of a probability."""
    assert "nie podano budżetu" in _message(log, budget=None)


def test_a_falling_cost_is_worded_as_a_fall(log: ShiftedLog) -> None:
    """When cost after the shift is lower, sentence one says it fell."""
    fell = dataclasses.replace(log.shift, cost_bps_after=log.shift.cost_bps_before - 1.0)
    assert " spadł z " in _message(log, fell)


def test_stress_without_the_exercise_scenario_is_refused(log: ShiftedLog) -> None:
    """A stress result lacking exercise_cost_growth is a ConfigError naming the scenario."""
    with pytest.raises(ConfigError, match="exercise_cost_growth"):
        draft_oem_message(
            shift=log.shift,
            by_strategy=log.by_strategy,
            by_venue=log.by_venue,
            stress=_stress(log, budget=None, scenarios=("fee_hike_50",)),
            currency="USD",
        )


def test_period_comparison_figure_has_a_before_and_an_after_bar_per_group(log: ShiftedLog) -> None:
    """The figure holds two bar traces over the groups, titled, with the unit on the y axis."""
    figure = plot_period_comparison(
        log.by_venue, group="venue", metric="cost_bps", unit="bps", title="Koszt przed i po"
    )
    assert [trace.name for trace in figure.data] == ["before", "after"]
    assert list(figure.data[1].x) == log.by_venue["venue"].astype(str).tolist()
    assert list(figure.data[1].y) == pytest.approx(log.by_venue["cost_bps_after"].tolist())
    assert figure.layout.title.text == "Koszt przed i po"
    assert figure.layout.yaxis.title.text == "execution cost (bps)"


def test_lower_latency_and_no_fee_rise_are_worded_as_such(log: ShiftedLog) -> None:
    """A latency drop reads 'spadło' with its size, and no fee rise reads 'nie wzrosły'."""
    calmer = log.by_strategy.assign(decision_latency_ms_change=-4.5, slippage_bps_change=-0.25)
    cheaper = log.by_venue.assign(fee_bps_change=-0.5)
    third = SENTENCE_END.split(
        draft_oem_message(
            shift=log.shift,
            by_strategy=calmer,
            by_venue=cheaper,
            stress=_stress(log, budget=None),
            currency="USD",
        )
    )[2]
    assert "opóźnienie decyzji spadło o 4,5 ms" in third
    assert f"poślizg w {calmer['strategy'].iloc[0]} spadł o 0,25 pb" in third
    assert "prowizje nie wzrosły" in third
    assert "-0,50 pb" in third
