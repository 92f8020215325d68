"""Plotly figures for the report notebooks: every figure has a title and units on its axes.

Each builder takes plain numbers or a DataFrame and returns a ``plotly.graph_objects.Figure``;
nothing here computes a KPI (that is ``stage5kit.core``'s job).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from plotly.graph_objects import Figure

TEMPLATE = "plotly_white"
BUDGET_COLOUR = "#d62728"
ANOMALY_COLOUR = "#ff7f0e"


def style_figure(figure: Figure, *, title: str, x_title: str, y_title: str) -> Figure:
    """Give a figure the kit's look: title, axis titles with units, template, bottom legend."""
    figure.update_layout(
        title={"text": title},
        template=TEMPLATE,
        xaxis_title=x_title,
        yaxis_title=y_title,
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
        legend={"orientation": "h", "y": -0.2},
    )
    return figure


def plot_cost_waterfall(
    components: Mapping[str, float], *, currency: str, title: str = "Where the money goes"
) -> Figure:
    """Waterfall of cost components (negative = rebate) ending in their total."""
    import plotly.graph_objects as go

    names = [*components, "total"]
    values = [float(v) for v in components.values()]
    figure = go.Figure(
        go.Waterfall(
            x=names,
            y=[*values, sum(values)],
            measure=["relative"] * len(values) + ["total"],
            text=[f"{v:,.2f}" for v in [*values, sum(values)]],
            textposition="outside",
        )
    )
    return style_figure(figure, title=title, x_title="cost component", y_title=f"cost ({currency})")


def plot_series_with_markers(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    unit: str,
    title: str,
    group: str | None = None,
    anomalies: pd.DataFrame | None = None,
    limits: Mapping[str, float] | None = None,
) -> Figure:
    """Lines of ``y`` over ``x`` (one per ``group``), anomaly markers and horizontal limits."""
    import plotly.graph_objects as go

    figure = go.Figure()
    groups = [(None, frame)] if group is None else list(frame.groupby(group, observed=True))
    for name, part in groups:
        figure.add_trace(
            go.Scatter(
                x=part[x], y=part[y], mode="lines+markers", name=str(name or y), marker_size=4
            )
        )
    if anomalies is not None and not anomalies.empty:
        figure.add_trace(
            go.Scatter(
                x=anomalies[x],
                y=anomalies[y],
                mode="markers",
                name="anomaly",
                marker={"symbol": "x", "size": 12, "color": ANOMALY_COLOUR},
            )
        )
    for label, level in (limits or {}).items():
        figure.add_hline(
            y=level,
            line_dash="dash",
            line_color=BUDGET_COLOUR,
            annotation_text=f"{label}: {level:,.2f} {unit}",
        )
    return style_figure(figure, title=title, x_title=x, y_title=f"{y} ({unit})")


def plot_distribution(
    frame: pd.DataFrame, *, value: str, group: str, unit: str, title: str
) -> Figure:
    """Box plot of ``value`` per ``group`` (e.g. slippage by venue)."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for name, part in frame.groupby(group, observed=True):
        figure.add_trace(go.Box(y=part[value], name=str(name), boxmean=True))
    return style_figure(figure, title=title, x_title=group, y_title=f"{value} ({unit})")


def plot_box_summary(
    stats: pd.DataFrame, *, value: str, group: str, unit: str, title: str
) -> Figure:
    """Box plot drawn from precomputed quartiles and fences (:func:`box_summary`), with
    its sampled outliers as points: the figure's size does not grow with the data."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for row in stats.to_dict("records"):
        name = str(row[group])
        outliers = list(row["outliers"])
        figure.add_trace(
            go.Box(
                name=name,
                x=[name],
                q1=[row["q1"]],
                median=[row["median"]],
                q3=[row["q3"]],
                lowerfence=[row["lowerfence"]],
                upperfence=[row["upperfence"]],
                mean=[row["mean"]],
                boxpoints=False,
            )
        )
        figure.add_trace(
            go.Scatter(
                x=[name] * len(outliers),
                y=outliers,
                mode="markers",
                marker_size=3,
                showlegend=False,
                name=f"{name} outliers",
            )
        )
    return style_figure(figure, title=title, x_title=group, y_title=f"{value} ({unit})")


def plot_percentiles(
    table: pd.DataFrame, *, group: str, columns: Sequence[str], unit: str, title: str
) -> Figure:
    """Grouped bars of percentile columns (e.g. latency p50/p95/p99 per strategy)."""
    import plotly.graph_objects as go

    figure = go.Figure([go.Bar(x=table[group].astype(str), y=table[c], name=c) for c in columns])
    figure.update_layout(barmode="group")
    return style_figure(figure, title=title, x_title=group, y_title=f"latency ({unit})")


def plot_scatter(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    x_unit: str,
    y_unit: str,
    title: str,
    group: str | None = None,
    max_points: int = 3000,
) -> Figure:
    """Scatter of ``y`` against ``x``, thinned to ``max_points`` rows (a fixed sample)."""
    import plotly.graph_objects as go

    shown = frame.sample(n=max_points, random_state=0) if len(frame) > max_points else frame
    figure = go.Figure()
    groups = [(None, shown)] if group is None else list(shown.groupby(group, observed=True))
    for name, part in groups:
        figure.add_trace(
            go.Scatter(
                x=part[x],
                y=part[y],
                mode="markers",
                name=str(name or y),
                marker_size=4,
                opacity=0.6,
            )
        )
    return style_figure(figure, title=title, x_title=f"{x} ({x_unit})", y_title=f"{y} ({y_unit})")
