"""Plotly figures of a stress result: fan chart, cost distributions, tornado, probabilities.

Each builder takes a :class:`~stage5kit.core.StressResult` and returns a
``plotly.graph_objects.Figure`` with a title and units; nothing here computes a metric.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stage5kit.reporting.figures import style_figure

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

    from stage5kit.core import StressResult

_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def plot_stress_fan(
    result: StressResult, *, currency: str, scenarios: list[str] | None = None
) -> Figure:
    """Fan chart: median cumulative cost per scenario with its 5-95% and 25-75% bands."""
    import plotly.graph_objects as go

    names = scenarios or [s.name for s in result.scenarios]
    figure = go.Figure()
    for number, name in enumerate(names):
        colour = _PALETTE[number % len(_PALETTE)]
        part = result.fan[result.fan["scenario"] == name]
        band = part.pivot(index="day", columns="quantile", values="cumulative_cost")
        for low, high, alpha in ((0.05, 0.95, 0.12), (0.25, 0.75, 0.25)):
            figure.add_trace(
                go.Scatter(
                    x=[*band.index, *band.index[::-1]],
                    y=[*band[low], *band[high][::-1]],
                    fill="toself",
                    fillcolor=_rgba(colour, alpha),
                    line={"width": 0},
                    hoverinfo="skip",
                    legendgroup=name,
                    showlegend=False,
                )
            )
        figure.add_trace(
            go.Scatter(
                x=band.index,
                y=band[0.5],
                mode="lines",
                name=name,
                line={"color": colour},
                legendgroup=name,
            )
        )
    basis = "TCO" if result.settings.include_tco else "trading cost"
    return style_figure(
        figure,
        title=f"Cumulative {basis} over the horizon (median, 25-75% and 5-95% bands)",
        x_title="simulated day",
        y_title=f"cumulative {basis} ({currency})",
    )


def plot_stress_distributions(result: StressResult, *, currency: str) -> Figure:
    """Box plots of each scenario's period cost across paths, budget drawn when given."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for number, name in enumerate(result.period_costs.columns):
        figure.add_trace(
            go.Box(
                y=result.period_costs[name],
                name=str(name),
                marker_color=_PALETTE[number % len(_PALETTE)],
                boxpoints=False,
            )
        )
    budget = result.settings.budget
    if budget is not None:
        figure.add_hline(y=budget, line_dash="dash", annotation_text="budget")
    basis = "TCO" if result.settings.include_tco else "trading cost"
    return style_figure(
        figure,
        title=f"Period {basis} per scenario across simulated paths",
        x_title="scenario",
        y_title=f"period {basis} ({currency})",
    )


def plot_stress_tornado(result: StressResult, *, currency: str) -> Figure:
    """Tornado: each scenario's change of period cost against baseline, 5-95% range per path."""
    import plotly.graph_objects as go

    from stage5kit.core import BASELINE_SCENARIO

    costs = result.period_costs
    rows = []
    for name in costs.columns[1:]:
        delta = costs[name] - costs[BASELINE_SCENARIO]
        rows.append((str(name), delta.quantile(0.05), delta.mean(), delta.quantile(0.95)))
    rows.sort(key=lambda row: abs(row[2]))
    figure = go.Figure(
        go.Bar(
            y=[r[0] for r in rows],
            x=[r[2] for r in rows],
            base=0,
            orientation="h",
            marker_color=["#d62728" if r[2] > 0 else "#2ca02c" for r in rows],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [r[3] - r[2] for r in rows],
                "arrayminus": [r[2] - r[1] for r in rows],
            },
            name="mean change",
        )
    )
    return style_figure(
        figure,
        title="Scenario impact on period cost vs baseline (bar: mean, whiskers: 5-95%)",
        x_title=f"change of period cost ({currency})",
        y_title="scenario",
    )


def plot_stress_probabilities(result: StressResult) -> Figure:
    """Bars of P(budget breach) and P(net PnL < 0) per scenario, in percent."""
    import plotly.graph_objects as go

    table = result.table
    figure = go.Figure()
    for column, label in (
        ("p_budget_breach", "P(budget breach)"),
        ("p_net_pnl_negative", "P(net PnL < 0)"),
    ):
        if table[column].notna().any():
            figure.add_trace(go.Bar(x=table["scenario"], y=100 * table[column], name=label))
    figure.update_layout(barmode="group", yaxis_range=[0, 100])
    return style_figure(
        figure,
        title="Probability of breaching the budget and of losing money",
        x_title="scenario",
        y_title="probability (%)",
    )
