"""Plotly figures of a stress result: titled, with units, one trace set per scenario."""

from __future__ import annotations

import pytest

from stage5kit.core import (
    BUILTIN_SCENARIOS,
    SimulationSettings,
    generate_trades,
    run_stress_test,
)
from stage5kit.reporting import (
    plot_stress_distributions,
    plot_stress_fan,
    plot_stress_probabilities,
    plot_stress_tornado,
)


@pytest.fixture(scope="module")
def result():
    """A small stress result over three scenarios, with a budget and an edge."""
    trades = generate_trades(rows=2000, seed=4, days=20)
    return run_stress_test(
        trades,
        BUILTIN_SCENARIOS[:3],
        SimulationSettings(paths=200, days=8, seed=1),
        budget=50_000.0,
        gross_edge_bps=8.0,
    )


def test_fan_chart_has_a_median_and_two_bands_per_scenario(result) -> None:
    """Three traces per scenario; the median line follows the fan's 0.5 quantile."""
    figure = plot_stress_fan(result, currency="USD")
    assert len(figure.data) == 9
    medians = [t for t in figure.data if t.mode == "lines"]
    assert [t.name for t in medians] == ["baseline", "fee_hike_50", "liquidity_crunch"]
    fan = result.fan
    expected = fan[(fan["scenario"] == "baseline") & (fan["quantile"] == 0.5)]["cumulative_cost"]
    assert list(medians[0].y) == pytest.approx(list(expected))
    assert "USD" in figure.layout.yaxis.title.text
    assert figure.layout.title.text


def test_distributions_draw_one_box_per_scenario_and_the_budget(result) -> None:
    """One box per scenario, and a dashed budget line named in the legend."""
    figure = plot_stress_distributions(result, currency="USD")
    boxes = [t.name for t in figure.data if t.meta != "limit"]
    assert boxes == ["baseline", "fee_hike_50", "liquidity_crunch"]
    (budget,) = [t for t in figure.data if t.meta == "limit"]
    assert set(budget.y) == {50_000.0}
    assert budget.line.dash == "dash"
    assert budget.name == "budget: 50,000.00 USD"
    assert "USD" in figure.layout.yaxis.title.text


def test_tornado_ranks_scenarios_by_mean_impact(result) -> None:
    """Bars are the mean change against baseline, the largest last (drawn on top)."""
    figure = plot_stress_tornado(result, currency="USD")
    bars = figure.data[0]
    deltas = result.table.set_index("scenario")["delta_expected_period_cost"]
    assert list(bars.y) == ["fee_hike_50", "liquidity_crunch"]
    assert list(bars.x) == pytest.approx([deltas["fee_hike_50"], deltas["liquidity_crunch"]])
    assert "USD" in figure.layout.xaxis.title.text


def test_probabilities_are_drawn_in_percent(result) -> None:
    """Breach and loss probabilities are bars in percent, one trace each."""
    figure = plot_stress_probabilities(result)
    assert [t.name for t in figure.data] == ["P(budget breach)", "P(net PnL < 0)"]
    expected = 100 * result.table["p_budget_breach"]
    assert list(figure.data[0].y) == pytest.approx(list(expected))
    assert figure.layout.yaxis.title.text == "probability (%)"
