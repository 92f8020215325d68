"""Plain-language reading (English and Polish) and risk table of a stress result."""

from __future__ import annotations

import pytest

from stage5kit.core import (
    BUILTIN_SCENARIOS,
    Scenario,
    SimulationSettings,
    generate_trades,
    run_stress_test,
    tabulate_stress_risk,
)
from stage5kit.reporting import describe_scenarios, describe_stress_result
from stage5kit.reporting.i18n import catalog

SETTINGS = SimulationSettings(paths=300, days=10, seed=5)


@pytest.fixture(scope="module")
def trades():
    """A small synthetic log."""
    return generate_trades(rows=3000, seed=8, days=30)


def test_reading_quotes_the_baseline_numbers(trades) -> None:
    """The first paragraph states the baseline's period cost, cost bps, VaR95 and ES97.5."""
    result = run_stress_test(trades, BUILTIN_SCENARIOS, SETTINGS)
    base = result.table.iloc[0]
    text = describe_stress_result(result, currency="USD")
    first = text.split("\n\n")[0]
    assert f"{base['expected_period_cost']:,.2f} USD" in first
    assert f"{base['cost_bps']:.2f} bps" in first
    assert f"{base['var95_daily_cost']:,.2f} USD (VaR95)" in first
    assert f"{base['es975_daily_cost']:,.2f} USD (ES97.5)" in first


def test_reading_names_the_costliest_scenario(trades) -> None:
    """The scenario with the largest cost increase is named as the costliest."""
    result = run_stress_test(trades, BUILTIN_SCENARIOS, SETTINGS)
    table = result.table.set_index("scenario").drop(index="baseline")
    costliest = table["delta_expected_period_cost"].idxmax()
    assert f"The costliest scenario is **{costliest}**" in describe_stress_result(result)


def test_advice_follows_the_dearest_shock(trades) -> None:
    """A fee hike alone gets the fee advice; a latency shock alone gets the latency advice."""
    fees = run_stress_test(trades, [Scenario(name="f", fee_mult=2.0)], SETTINGS)
    lag = run_stress_test(trades, [Scenario(name="l", latency_ms_add=80.0)], SETTINGS)
    assert "negotiate the fee tier" in describe_stress_result(fees)
    assert "latency budget" in describe_stress_result(lag)


def test_budget_and_edge_paragraphs_appear_only_when_asked(trades) -> None:
    """Without a budget or an edge the reading says nothing about breaches or net PnL."""
    plain = describe_stress_result(run_stress_test(trades, [], SETTINGS))
    full = describe_stress_result(
        run_stress_test(trades, [], SETTINGS, budget=1e6, gross_edge_bps=7.0)
    )
    assert "budget" not in plain
    assert "gross edge" not in plain
    assert "Against the budget of 1,000,000.00 (trading cost, whole horizon)" in full
    assert "With a gross edge of 7 bps" in full


def test_risk_table_lists_var_es_and_probabilities(trades) -> None:
    """The risk view holds one row per scenario with VaR95, ES97.5 and the probabilities."""
    result = run_stress_test(trades, BUILTIN_SCENARIOS[:3], SETTINGS, budget=1e5)
    risk = tabulate_stress_risk(result)
    assert list(risk["scenario"]) == ["baseline", "fee_hike_50", "liquidity_crunch"]
    assert list(risk.columns) == [
        "scenario",
        "expected_period_cost",
        "var95_daily_cost",
        "es975_daily_cost",
        "worst_day_cost",
        "p_budget_breach",
        "p_net_pnl_negative",
    ]
    assert (risk["es975_daily_cost"] >= risk["var95_daily_cost"]).all()


def test_polish_reading_has_no_english_sentence_and_polish_numbers(trades) -> None:
    """lang='pl' words every paragraph in Polish, numbers with a decimal comma, in pb."""
    result = run_stress_test(trades, BUILTIN_SCENARIOS, SETTINGS, budget=1e6, gross_edge_bps=7.0)
    text = describe_stress_result(result, currency="USD", lang="pl")
    base = result.table.iloc[0]
    assert text.startswith("W ciągu 10 symulowanych dni (300 ścieżek, ziarno 5")
    assert f"{base['cost_bps']:.2f} pb".replace(".", ",") in text
    assert "Przy budżecie 1\xa0000\xa0000,00 USD" in text
    assert "Przy zysku brutto 7 pb" in text
    for english in ("The costliest", "Against the budget", "With a gross edge", " bps"):
        assert english not in text


def test_builtin_scenario_descriptions_come_in_polish() -> None:
    """Every built-in scenario has a Polish description; a custom one is shown as written."""
    custom = Scenario(name="mine", description="my own words")
    table = describe_scenarios([*BUILTIN_SCENARIOS, custom], "pl")
    polish = catalog("pl")
    assert all(s.description in polish for s in BUILTIN_SCENARIOS)
    assert table["description"].tolist()[:-1] == [polish[s.description] for s in BUILTIN_SCENARIOS]
    assert table["description"].iloc[-1] == "my own words"
