"""Plotly figures of a stress result: fan chart, cost distributions, tornado, probabilities.

Each builder takes a :class:`~stage5kit.core.StressResult` and returns a
``plotly.graph_objects.Figure`` with a title and units; nothing here computes a metric.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stage5kit.reporting.figures import add_limit_lines, style_figure
from stage5kit.reporting.i18n import format_number, translate
from stage5kit.reporting.palette import colour_map

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

    from stage5kit.core import StressResult


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _basis(result: StressResult, lang: str) -> str:
    return (
        translate(lang, "TCO") if result.settings.include_tco else translate(lang, "trading cost")
    )


def plot_stress_fan(
    result: StressResult,
    *,
    currency: str,
    scenarios: list[str] | None = None,
    lang: str = "en",
) -> Figure:
    """Fan chart: median cumulative cost per scenario with its 5-95% and 25-75% bands."""
    import plotly.graph_objects as go

    names = scenarios or [s.name for s in result.scenarios]
    colours = colour_map(s.name for s in result.scenarios)
    figure = go.Figure()
    for name in names:
        colour = colours[name]
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
    basis = _basis(result, lang)
    return style_figure(
        figure,
        title=translate(
            lang,
            "Cumulative {basis} over the horizon (median, 25-75% and 5-95% bands)",
            basis=basis,
        ),
        x_title=translate(lang, "simulated day"),
        y_title=translate(lang, "cumulative {basis} ({currency})", basis=basis, currency=currency),
        lang=lang,
    )


def plot_stress_distributions(result: StressResult, *, currency: str, lang: str = "en") -> Figure:
    """Box plots of each scenario's period cost across paths, budget drawn when given."""
    import plotly.graph_objects as go

    names = [str(name) for name in result.period_costs.columns]
    colours = colour_map(names)
    figure = go.Figure()
    for name in names:
        figure.add_trace(
            go.Box(
                y=result.period_costs[name],
                name=name,
                marker_color=colours[name],
                boxpoints=False,
            )
        )
    budget = result.settings.budget
    if budget is not None:
        add_limit_lines(
            figure,
            {translate(lang, "budget"): float(budget)},
            x_span=[names[0], names[-1]],
            unit=currency,
            lang=lang,
        )
    basis = _basis(result, lang)
    return style_figure(
        figure,
        title=translate(lang, "Period {basis} per scenario across simulated paths", basis=basis),
        x_title=translate(lang, "scenario"),
        y_title=translate(lang, "period {basis} ({currency})", basis=basis, currency=currency),
        lang=lang,
    )


def plot_stress_tornado(result: StressResult, *, currency: str, lang: str = "en") -> Figure:
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
            marker_color=[colour_map(costs.columns.astype(str))[r[0]] for r in rows],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [r[3] - r[2] for r in rows],
                "arrayminus": [r[2] - r[1] for r in rows],
            },
            name=translate(lang, "mean change"),
            text=[format_number(r[2], lang) for r in rows],
            textposition="none",
        )
    )
    return style_figure(
        figure,
        title=translate(
            lang, "Scenario impact on period cost vs baseline (bar: mean, whiskers: 5-95%)"
        ),
        x_title=translate(lang, "change of period cost ({currency})", currency=currency),
        y_title=translate(lang, "scenario"),
        lang=lang,
    )


def plot_stress_probabilities(result: StressResult, *, lang: str = "en") -> Figure:
    """Bars of P(budget breach) and P(net PnL < 0) per scenario, in percent."""
    import plotly.graph_objects as go

    table = result.table
    figure = go.Figure()
    for column, label, pattern in (
        ("p_budget_breach", "P(budget breach)", ""),
        ("p_net_pnl_negative", "P(net PnL < 0)", "/"),
    ):
        if table[column].notna().any():
            figure.add_trace(
                go.Bar(
                    x=table["scenario"],
                    y=100 * table[column],
                    name=translate(lang, label),
                    marker={
                        "color": [colour_map(table["scenario"])[str(s)] for s in table["scenario"]],
                        "pattern": {"shape": pattern},
                    },
                )
            )
    figure.update_layout(barmode="group", yaxis_range=[0, 100])
    return style_figure(
        figure,
        title=translate(lang, "Probability of breaching the budget and of losing money"),
        x_title=translate(lang, "scenario"),
        y_title=translate(lang, "probability (%)"),
        lang=lang,
    )
