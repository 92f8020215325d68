"""The TCO notebook's helpers: headline table, cost components, reading text and figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stage5kit.core import (
    TcoOptions,
    TcoResult,
    add_trade_costs,
    analyse_tco,
    generate_trades,
    load_budget,
    load_infra_costs,
    load_thresholds,
    profile_trade_file,
    write_trades,
)
from stage5kit.reporting import (
    anomaly_points,
    box_summary,
    budget_limits,
    daily_cost_per_trade,
    describe_tco,
    headline_table,
    plot_box_summary,
    plot_cost_waterfall,
    plot_percentiles,
    plot_scatter,
    plot_series_with_markers,
    profile_cost_components,
    style_table,
)

NBSP = "\N{NO-BREAK SPACE}"
INPUTS = Path(__file__).resolve().parents[2] / "sample_artifacts" / "inputs"


@pytest.fixture(scope="module")
def trades() -> pd.DataFrame:
    """A small synthetic trade log."""
    return generate_trades(rows=3000, seed=11, days=40)


@pytest.fixture(scope="module")
def result(trades: pd.DataFrame) -> TcoResult:
    """The TCO analysis of the small log with the sample limits and budget."""
    return analyse_tco(
        trades,
        TcoOptions(by=("strategy", "month")),
        thresholds=load_thresholds(INPUTS / "thresholds.yaml"),
        budget=load_budget(INPUTS / "budget.yaml"),
    )


def test_profile_cost_components_add_up_to_the_tco(trades: pd.DataFrame, tmp_path: Path) -> None:
    """Maker fees + taker fees + rebates + slippage + infra of a streamed profile equals its TCO."""
    profile = profile_trade_file(
        write_trades(trades, tmp_path / "t.parquet"),
        infra_costs=load_infra_costs(INPUTS / "infra_costs.csv"),
    )
    components = profile_cost_components(profile)
    assert components["rebates"] <= 0
    assert components["infra"] > 0
    assert sum(components.values()) == pytest.approx(profile.result.overall["tco"], rel=1e-9)


def test_headline_table_carries_units(result: TcoResult) -> None:
    """The headline table carries each overall value with its unit; the currency parameter
    names the money unit (no "quote currency" placeholder when one is given)."""
    table = headline_table(result, currency="USD")
    assert table.loc["execution cost", "value"] == result.overall["cost_bps"]
    assert table.loc["execution cost", "unit"] == "bps"
    assert table.loc["decision latency p95", "unit"] == "ms"
    assert table.loc["trades", "value"] == result.overall["n_trades"]
    assert table.loc["total cost of ownership", "unit"] == "USD"
    assert "currency" not in " ".join(table["unit"])


def test_polish_headline_table_shows_a_whole_count_under_a_lower_case_header(
    result: TcoResult,
) -> None:
    """ "transakcje" reads 3 000 (not 3 000,00); the index header is "wskaźnik" like the others."""
    html = style_table(headline_table(result, lang="pl", currency="USD"), "pl").to_html()
    assert f">3{NBSP}000</td>" in html
    assert ">wskaźnik</th>" in html
    assert f"3{NBSP}000,00" not in html


def test_cost_per_trade_is_cost_over_trades(result: TcoResult) -> None:
    """cost_per_trade is the day's trading cost divided by its trade count."""
    daily = daily_cost_per_trade(result.daily_costs)
    expected = result.daily_costs["trading_cost"] / result.daily_costs["n_trades"]
    pd.testing.assert_series_equal(daily["cost_per_trade"], expected, check_names=False)


def test_anomaly_points_are_the_flagged_days(result: TcoResult) -> None:
    """Anomaly markers sit on exactly the days the analysis flagged."""
    points = anomaly_points(result.daily_costs, result.anomalies)
    anomalies = result.anomalies.astype({"strategy": str, "day": str})
    flagged = set(zip(anomalies["strategy"], anomalies["day"], strict=True))
    assert not points.empty
    assert set(zip(points["strategy"], points["day"], strict=True)) == flagged


def test_budget_limits_name_each_strategy(result: TcoResult) -> None:
    """Each budgeted strategy gets one budget line at its amount, keyed by the strategy."""
    assert budget_limits(result)["momentum"] == 40000.0


def test_reading_states_the_numbers(result: TcoResult) -> None:
    """The 'what this means' text quotes the trade count, the TCO and the breach count."""
    text = describe_tco(result)
    assert f"{result.overall['n_trades']:,.0f} trades" in text
    assert f"{result.overall['tco']:,.0f}" in text
    if result.breaches.empty:
        assert "No cost, slippage or latency limit was breached." in text
    else:
        assert f"Limit breaches: {len(result.breaches)}" in text


def test_figures_have_titles_and_units(trades: pd.DataFrame, result: TcoResult) -> None:
    """Every figure builder sets a title and puts the unit in an axis title."""
    costed = add_trade_costs(trades)
    daily = daily_cost_per_trade(result.daily_costs)
    latency = analyse_tco(trades, TcoOptions(by=("strategy",))).kpis
    figures = [
        (plot_cost_waterfall({"fees": 2.0, "rebates": -1.0}, currency="USD"), "USD"),
        (
            plot_series_with_markers(
                daily,
                x="day",
                y="cost_bps",
                group="strategy",
                unit="bps",
                title="t",
                anomalies=anomaly_points(daily, result.anomalies),
                limits={"max": 5.0},
            ),
            "bps",
        ),
        (
            plot_box_summary(
                box_summary(costed, value="slippage_bps", group="venue"),
                value="slippage_bps",
                group="venue",
                unit="bps",
                title="t",
            ),
            "bps",
        ),
        (
            plot_percentiles(
                latency, group="strategy", columns=["decision_latency_ms_p95"], unit="ms", title="t"
            ),
            "ms",
        ),
    ]
    for figure, unit in figures:
        assert figure.layout.title.text
        assert unit in figure.layout.yaxis.title.text
    scatter = plot_scatter(
        costed,
        x="decision_latency_ms",
        y="slippage_bps",
        x_unit="ms",
        y_unit="bps",
        title="t",
        max_points=500,
    )
    assert "ms" in scatter.layout.xaxis.title.text
    assert sum(len(trace.x) for trace in scatter.data) == 500


def test_box_summary_bounds_the_outliers_and_keeps_the_quartiles() -> None:
    """Quartiles and fences as numpy gives them; at most max_outliers points per group."""
    import numpy as np
    import pandas as pd

    from stage5kit.reporting import box_summary, plot_box_summary

    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(0, 1, 5_000), rng.normal(0, 40, 500)])
    frame = pd.DataFrame({"venue": "x", "slippage_bps": values})
    stats = box_summary(frame, value="slippage_bps", group="venue", max_outliers=50)
    q1, q3 = np.quantile(values, [0.25, 0.75])
    row = stats.iloc[0]
    assert (row["q1"], row["q3"]) == (q1, q3)
    assert row["upperfence"] <= q3 + 1.5 * (q3 - q1)
    assert len(row["outliers"]) == 50
    figure = plot_box_summary(
        stats, value="slippage_bps", group="venue", unit="bps", title="Slippage"
    )
    assert sum(len(trace.y or ()) for trace in figure.data) == 50


def test_box_summary_figure_speaks_the_report_language() -> None:
    """Axis titles come from the catalog and no trace carries an English word in Polish."""
    import pandas as pd

    from stage5kit.reporting import box_summary, column_label, plot_box_summary

    frame = pd.DataFrame({"venue": ["x"] * 50 + ["y"] * 50, "slippage_bps": range(100)})
    stats = box_summary(frame, value="slippage_bps", group="venue")
    figure = plot_box_summary(
        stats, value="slippage_bps", group="venue", unit="pb", title="t", lang="pl"
    )
    assert figure.layout.xaxis.title.text == column_label("venue", "pl") != "venue"
    assert figure.layout.yaxis.title.text == f"{column_label('slippage_bps', 'pl')} (pb)"
    assert {trace.name for trace in figure.data} == {"x", "y"}
    assert figure.layout.separators == f",{NBSP}"


def test_a_long_series_is_thinned_to_its_point_budget_with_both_ends() -> None:
    """Years of days draw at most max_points per line, first and last day kept."""
    import pandas as pd

    from stage5kit.reporting import plot_series_with_markers

    days = pd.date_range("2020-01-01", periods=3_000, freq="D")
    frame = pd.DataFrame({"day": days, "cost_bps": range(3_000), "strategy": "a"})
    figure = plot_series_with_markers(
        frame, x="day", y="cost_bps", group="strategy", unit="bps", title="t", max_points=400
    )
    (line,) = figure.data
    assert 300 < len(line.x) <= 400
    assert (line.y[0], line.y[-1]) == (0, 2_999)
    short = plot_series_with_markers(frame.head(400), x="day", y="cost_bps", unit="bps", title="t")
    assert len(short.data[0].x) == 400
