"""Line labels (budgets, limits) never overlap and stay in the plot, in their line's colour.

The boxes are computed from each figure's layout (annotation position, anchors, yshift,
font size x text length, y range, figure height and margins), see ``label_boxes``; the
figures are built by the library from realistic data, with budgets close together.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.reporting.label_boxes import label_problems

from stage5kit.core import (
    BUILTIN_SCENARIOS,
    Budget,
    SimulationSettings,
    TcoOptions,
    analyse_tco,
    find_cost_shift,
    generate_trades,
    run_stress_test,
)
from stage5kit.reporting import (
    budget_limits,
    daily_cost_per_trade,
    plot_series_with_markers,
    plot_stress_distributions,
)
from stage5kit.reporting.figures import smallest_plot_height
from stage5kit.reporting.label_layout import labels_fit, stagger_labels

EPS = 1e-6


@pytest.fixture(scope="module")
def trades() -> pd.DataFrame:
    """A small synthetic log: five strategies over three months."""
    return generate_trades(rows=4000, seed=2, days=75)


def _layout(figure) -> dict:
    return figure.to_dict()["layout"]


def assert_labels_clear(figure) -> None:
    """No two labels overlap and each lies in the plot, at the layout's height and at the
    smallest plot area a legend below can leave."""
    layout = _layout(figure)
    assert layout["annotations"], "the figure labels no line"
    assert label_problems(layout) == []
    assert label_problems(layout, plot_height=smallest_plot_height(layout["height"])) == []


def assert_labels_in_line_colours(figure, colours: dict[str, str] | None = None) -> None:
    """Each label is in its dashed line's colour, and a budget's colour is its strategy's."""
    limits = {t.name: t for t in figure.data if t.meta == "limit"}
    assert len(limits) == len(figure.layout.annotations)
    for label in figure.layout.annotations:
        line = limits[label.text]
        assert line.line.dash == "dash"
        assert label.font.color == line.line.color
        assert line.showlegend is False  # named on the plot, not twice
    for strategy, colour in (colours or {}).items():
        (label,) = [a for a in figure.layout.annotations if a.text.startswith(f"{strategy}:")]
        assert label.font.color == colour


def _budget_figure(trades: pd.DataFrame, amounts: dict[str, float], lang: str = "en"):
    budget = Budget(period="month", basis="trading_cost", amounts=amounts)
    result = analyse_tco(trades, TcoOptions(by=("strategy", "month")), budget=budget)
    return plot_series_with_markers(
        result.budget_status,
        x="period",
        y="spend",
        group="strategy",
        unit="USD",
        title="t",
        budgets=budget_limits(result),
        lang=lang,
    )


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_close_budgets_of_a_tco_report_are_staggered_in_their_strategy_colours(
    trades: pd.DataFrame, lang: str
) -> None:
    """Five budgets within 2% of each other (two equal): five clear labels, in order."""
    strategies = sorted(trades["strategy"].astype(str).unique())
    amounts = dict(zip(strategies, [40_000.0, 40_000.0, 40_300.0, 40_500.0, 40_800.0], strict=True))
    figure = _budget_figure(trades, amounts, lang)
    assert len(figure.layout.annotations) == len(strategies) == 5
    assert_labels_clear(figure)
    strategy_colours = {t.name: t.line.color for t in figure.data if t.meta != "limit"}
    prefix = "budget" if lang == "en" else "budżet"
    assert_labels_in_line_colours(
        figure, {f"{prefix} {name}": strategy_colours[name] for name in strategies}
    )
    labels = sorted(figure.layout.annotations, key=lambda a: (a.y, a.yshift))
    tops = [a.y for a in labels]
    assert tops == sorted(tops)  # the top label names the top line


def test_stress_budget_and_tco_limits_are_labelled_clear_of_each_other(
    trades: pd.DataFrame,
) -> None:
    """The stress boxes' budget, a cost limit and the exercise's before/after levels."""
    stress = run_stress_test(
        trades, BUILTIN_SCENARIOS, SimulationSettings(paths=100, days=5, seed=1), budget=5e4
    )
    result = analyse_tco(trades, TcoOptions(by=("strategy", "month")))
    daily = daily_cost_per_trade(result.daily_costs)
    shift = find_cost_shift(result.daily_costs)
    figures = [
        plot_stress_distributions(stress, currency="USD", lang="pl"),
        plot_series_with_markers(
            daily,
            x="day",
            y="cost_bps",
            group="strategy",
            unit="bps",
            title="t",
            limits={"max cost": 6.0},
        ),
        plot_series_with_markers(
            shift.daily,
            x="day",
            y="cost_bps",
            unit="bps",
            title="t",
            limits={"before": shift.cost_bps_before, "after": shift.cost_bps_before + 0.01},
        ),
    ]
    for figure in figures:
        assert_labels_clear(figure)
        assert_labels_in_line_colours(figure)


budgets = st.lists(
    st.one_of(
        st.floats(min_value=1_000.0, max_value=1_000_000.0),
        st.sampled_from([50_000.0, 50_001.0, 50_100.0]),  # equal and nearly equal budgets
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(budgets, st.lists(st.floats(min_value=0.0, max_value=2_000_000.0), min_size=3, max_size=3))
def test_random_budgets_never_overlap(amounts: list[float], spend: list[float]) -> None:
    """Any budgets, any spend: every label clear of the others and inside the plot."""
    names = [f"strategy_{i}" for i in range(len(amounts))]
    frame = pd.DataFrame(
        [
            {"period": period, "strategy": name, "spend": spend[p] * (1 + i / 10)}
            for i, name in enumerate(names)
            for p, period in enumerate(["2026-01", "2026-02", "2026-03"])
        ]
    )
    figure = plot_series_with_markers(
        frame,
        x="period",
        y="spend",
        group="strategy",
        unit="USD",
        title="t",
        budgets=dict(zip(names, amounts, strict=True)),
    )
    assert_labels_clear(figure)
    assert_labels_in_line_colours(figure)


@st.composite
def stacks(draw: st.DrawFn) -> tuple[list[float], float, float, float]:
    """Wanted label positions and a plot tall enough to hold them."""
    label_height = draw(st.floats(min_value=5.0, max_value=30.0))
    gap = draw(st.floats(min_value=0.0, max_value=5.0))
    count = draw(st.integers(min_value=0, max_value=15))
    least = count * label_height + max(count - 1, 0) * gap
    height = draw(st.floats(min_value=max(least, 1.0), max_value=max(least, 1.0) * 3))
    wanted = draw(
        st.lists(
            st.floats(min_value=-0.5 * height, max_value=1.5 * height),
            min_size=count,
            max_size=count,
        )
    )
    return wanted, height, label_height, gap


@given(stacks())
def test_stagger_keeps_labels_apart_in_order_and_inside(
    stack: tuple[list[float], float, float, float],
) -> None:
    """Labels at least ``gap`` apart, within the plot, in the order of their lines."""
    wanted, height, label_height, gap = stack
    placed = stagger_labels(wanted, height=height, label_height=label_height, gap=gap)
    assert len(placed) == len(wanted)
    assert all(-EPS <= b <= height - label_height + EPS for b in placed)
    order = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
    bottoms = [placed[i] for i in order]
    for lower, upper in itertools.pairwise(bottoms):
        assert upper - lower >= label_height + gap - EPS


@given(stacks())
def test_labels_already_clear_stay_where_they_are(
    stack: tuple[list[float], float, float, float],
) -> None:
    """Only crowded labels move: a label that touches nothing sits right on its line."""
    wanted, height, label_height, gap = stack
    spread = sorted(min(max(w, 0.0), height - label_height) for w in wanted)
    clear = all(b - a >= label_height + gap for a, b in itertools.pairwise(spread))
    placed = stagger_labels(spread, height=height, label_height=label_height, gap=gap)
    if clear:
        assert list(placed) == spread


def test_labels_that_cannot_fit_are_refused() -> None:
    """More labels than the plot's height holds is an error, never an overlap."""
    assert not labels_fit(5, height=90.0, label_height=18.0, gap=2.0)
    with pytest.raises(ValueError, match="do not fit"):
        stagger_labels([0.0] * 5, height=90.0, label_height=18.0, gap=2.0)
    assert stagger_labels([10.0, 10.0], height=100.0, label_height=18.0, gap=2.0) == (10.0, 30.0)


def test_a_level_that_is_not_a_number_draws_nothing() -> None:
    """A missing limit (NaN) adds no line and no label; the others are drawn."""
    frame = pd.DataFrame({"day": ["2026-01-01", "2026-01-02"], "cost_bps": [4.0, 5.0]})
    figure = plot_series_with_markers(
        frame, x="day", y="cost_bps", unit="bps", title="t", limits={"a": float("nan"), "b": 5.5}
    )
    assert [a.text for a in figure.layout.annotations] == ["b: 5.50 bps"]
    assert_labels_clear(figure)
