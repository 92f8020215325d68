"""One colour per strategy (and per scenario) across every figure of a report.

Budget and limit lines and their labels: ``test_label_layout.py``.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from stage5kit.core import (
    BUILTIN_SCENARIOS,
    SimulationSettings,
    TcoOptions,
    add_trade_costs,
    analyse_tco,
    compare_cost_periods,
    generate_trades,
    run_stress_test,
)
from stage5kit.reporting import (
    box_summary,
    daily_cost_per_trade,
    plot_box_summary,
    plot_percentiles,
    plot_period_comparison,
    plot_scatter,
    plot_series_with_markers,
    plot_stress_distributions,
    plot_stress_fan,
    plot_stress_probabilities,
    plot_stress_tornado,
)
from stage5kit.reporting.palette import PALETTE, colour_map, name_colour


@pytest.fixture(scope="module")
def trades():
    """A small synthetic log with five strategies."""
    return generate_trades(rows=4000, seed=2, days=60)


def _colours_by_name(figures) -> dict[str, set[str]]:
    """Each named series' colours over all figures (bars coloured per x read per x)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for figure in figures:
        for trace in figure.data:
            if trace.meta == "limit":
                continue
            colour = getattr(getattr(trace, "line", None), "color", None)
            marker = getattr(trace, "marker", None)
            colour = colour or (marker.color if marker is not None else None)
            if isinstance(colour, tuple | list):
                for name, each in zip(trace.x, colour, strict=True):
                    seen[str(name)].add(each)
            elif colour is not None:
                seen[str(trace.name)].add(colour)
    return seen


def test_each_strategy_has_one_colour_in_every_tco_figure(trades) -> None:
    """Lines, boxes, bars and scatter of one report give a strategy the same colour."""
    result = analyse_tco(trades, TcoOptions(by=("strategy", "month")))
    daily = daily_cost_per_trade(result.daily_costs)
    costed = add_trade_costs(trades)
    latency = analyse_tco(trades, TcoOptions(by=("strategy",))).kpis
    periods = compare_cost_periods(costed, split="2026-02-01", by=("strategy",))
    figures = [
        plot_series_with_markers(
            daily, x="day", y="cost_per_trade", group="strategy", unit="USD", title="t"
        ),
        plot_series_with_markers(
            daily, x="day", y="cost_bps", group="strategy", unit="bps", title="t"
        ),
        plot_box_summary(
            box_summary(costed, value="slippage_bps", group="strategy"),
            value="slippage_bps",
            group="strategy",
            unit="bps",
            title="t",
        ),
        plot_percentiles(
            latency,
            group="strategy",
            columns=["decision_latency_ms_p50", "decision_latency_ms_p95"],
            unit="ms",
            title="t",
        ),
        plot_scatter(
            costed,
            x="decision_latency_ms",
            y="slippage_bps",
            x_unit="ms",
            y_unit="bps",
            group="strategy",
            title="t",
        ),
        plot_period_comparison(periods, group="strategy", metric="cost_bps", unit="bps", title="t"),
    ]
    seen = _colours_by_name(figures)
    strategies = sorted(trades["strategy"].astype(str).unique())
    assert all(len(seen[name]) == 1 for name in strategies), dict(seen)
    assert len({next(iter(seen[name])) for name in strategies}) == len(strategies)


def test_each_scenario_has_one_colour_in_every_stress_figure(trades) -> None:
    """Fan, boxes, tornado and probability bars give a scenario the same colour."""
    result = run_stress_test(
        trades, BUILTIN_SCENARIOS, SimulationSettings(paths=100, days=5, seed=1), budget=5e4
    )
    figures = [
        plot_stress_fan(result, currency="USD"),
        plot_stress_distributions(result, currency="USD"),
        plot_stress_tornado(result, currency="USD"),
        plot_stress_probabilities(result),
    ]
    seen = _colours_by_name(figures)
    names = [s.name for s in BUILTIN_SCENARIOS]
    assert all(len(seen[name]) == 1 for name in names), dict(seen)


def test_colour_depends_on_the_name_only_and_clashes_take_the_next_colour() -> None:
    """A name's colour is stable; two names of one figure never share a colour."""
    assert name_colour("momentum") == name_colour("momentum")
    names = [f"s{i}" for i in range(len(PALETTE))]
    assert len(set(colour_map(names).values())) == len(PALETTE)
