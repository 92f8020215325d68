"""Plotly figures for the report notebooks: every figure has a title and units on its axes.

Each builder takes plain numbers or a DataFrame and returns a ``plotly.graph_objects.Figure``;
nothing here computes a KPI (that is ``stage5kit.core``'s job).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from stage5kit.reporting.i18n import format_number, translate
from stage5kit.reporting.labels import column_label
from stage5kit.reporting.palette import colour_map

if TYPE_CHECKING:
    import pandas as pd
    from plotly.graph_objects import Figure

TEMPLATE = "plotly_white"
PRIMARY_COLOUR = "#1f77b4"
LIMIT_COLOURS = ("#d62728", "#000000", "#555555")
ANOMALY_COLOUR = "#d62728"


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
    components: Mapping[str, float],
    *,
    currency: str,
    title: str = "Where the money goes",
    lang: str = "en",
) -> Figure:
    """Waterfall of cost components (negative = rebate) ending in their total."""
    import plotly.graph_objects as go

    names = [translate(lang, name) for name in [*components, "total"]]
    values = [float(v) for v in components.values()]
    figure = go.Figure(
        go.Waterfall(
            x=names,
            y=[*values, sum(values)],
            measure=["relative"] * len(values) + ["total"],
            text=[format_number(v, lang) for v in [*values, sum(values)]],
            textposition="outside",
        )
    )
    return style_figure(
        figure,
        title=translate(lang, title),
        x_title=translate(lang, "cost component"),
        y_title=translate(lang, "cost ({currency})", currency=currency),
    )


def add_limit_lines(
    figure: Figure,
    levels: Mapping[str, float],
    *,
    x_span: Sequence[object],
    unit: str,
    lang: str,
    colours: Mapping[str, str] | None = None,
) -> Figure:
    """Draw each limit as a dashed line named in the legend (labels never overlap the plot).

    A limit whose name is in ``colours`` (a strategy's budget) takes that colour, so the
    budget line and its strategy's line match; other limits take the limit colours in turn.
    """
    import plotly.graph_objects as go

    others = iter(LIMIT_COLOURS * (1 + len(levels)))
    for name, level in levels.items():
        colour = (colours or {}).get(name) or next(others)
        figure.add_trace(
            go.Scatter(
                x=list(x_span),
                y=[level] * len(x_span),
                mode="lines",
                name=f"{name}: {format_number(level, lang)} {unit}",
                line={"color": colour, "dash": "dash", "width": 2},
                hoverinfo="name",
                meta="limit",
            )
        )
    return figure


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
    budgets: Mapping[str, float] | None = None,
    lang: str = "en",
) -> Figure:
    """Lines of ``y`` over ``x`` (one per ``group``), anomaly markers and limit lines.

    ``limits`` are named levels (a maximum cost); ``budgets`` are levels per group, drawn
    in their group's colour and named "budget <group>" in the legend.
    """
    import plotly.graph_objects as go

    figure = go.Figure()
    groups = [(None, frame)] if group is None else list(frame.groupby(group, observed=True))
    colours = colour_map([*(str(name) for name, _ in groups if name is not None), *(budgets or {})])
    for name, part in groups:
        figure.add_trace(
            go.Scatter(
                x=part[x],
                y=part[y],
                mode="lines+markers",
                name=str(name) if name is not None else column_label(y, lang),
                marker_size=4,
                line={"color": colours.get(str(name), PRIMARY_COLOUR)},
            )
        )
    if anomalies is not None and not anomalies.empty:
        figure.add_trace(
            go.Scatter(
                x=anomalies[x],
                y=anomalies[y],
                mode="markers",
                name=translate(lang, "anomaly"),
                marker={"symbol": "x", "size": 12, "color": ANOMALY_COLOUR},
            )
        )
    x_span = sorted(frame[x].astype(str).unique()) if frame[x].dtype == object else None
    span = [x_span[0], x_span[-1]] if x_span else [frame[x].min(), frame[x].max()]
    add_limit_lines(figure, limits or {}, x_span=span, unit=unit, lang=lang)
    add_limit_lines(
        figure,
        {translate(lang, "budget {name}", name=k): v for k, v in (budgets or {}).items()},
        x_span=span,
        unit=unit,
        lang=lang,
        colours={translate(lang, "budget {name}", name=k): colours[k] for k in budgets or {}},
    )
    return style_figure(
        figure,
        title=title,
        x_title=column_label(x, lang),
        y_title=f"{column_label(y, lang)} ({unit})",
    )


def plot_distribution(
    frame: pd.DataFrame, *, value: str, group: str, unit: str, title: str, lang: str = "en"
) -> Figure:
    """Box plot of ``value`` per ``group`` (e.g. slippage by venue)."""
    import plotly.graph_objects as go

    parts = list(frame.groupby(group, observed=True))
    colours = colour_map(str(name) for name, _ in parts)
    figure = go.Figure()
    for name, part in parts:
        figure.add_trace(
            go.Box(y=part[value], name=str(name), boxmean=True, marker_color=colours[str(name)])
        )
    return style_figure(
        figure,
        title=title,
        x_title=column_label(group, lang),
        y_title=f"{column_label(value, lang)} ({unit})",
    )


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
    table: pd.DataFrame,
    *,
    group: str,
    columns: Sequence[str],
    unit: str,
    title: str,
    lang: str = "en",
) -> Figure:
    """Grouped bars of percentile columns, one colour per ``group`` (latency p50/p95/p99)."""
    import plotly.graph_objects as go

    names = table[group].astype(str)
    colours = colour_map(names)
    figure = go.Figure(
        [
            go.Bar(
                x=[column_label(c, lang) for c in columns],
                y=[row[c] for c in columns],
                name=name,
                marker_color=colours[name],
            )
            for name, (_, row) in zip(names, table.iterrows(), strict=True)
        ]
    )
    figure.update_layout(barmode="group")
    return style_figure(
        figure,
        title=title,
        x_title=translate(lang, "percentile"),
        y_title=translate(lang, "latency ({unit})", unit=unit),
    )


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
    lang: str = "en",
) -> Figure:
    """Scatter of ``y`` against ``x``, thinned to ``max_points`` rows (a fixed sample)."""
    import plotly.graph_objects as go

    shown = frame.sample(n=max_points, random_state=0) if len(frame) > max_points else frame
    figure = go.Figure()
    groups = [(None, shown)] if group is None else list(shown.groupby(group, observed=True))
    colours = colour_map(str(name) for name, _ in groups if name is not None)
    for name, part in groups:
        figure.add_trace(
            go.Scatter(
                x=part[x],
                y=part[y],
                mode="markers",
                name=str(name) if name is not None else column_label(y, lang),
                marker={"size": 4, "color": colours.get(str(name), PRIMARY_COLOUR)},
                opacity=0.6,
            )
        )
    return style_figure(
        figure,
        title=title,
        x_title=f"{column_label(x, lang)} ({x_unit})",
        y_title=f"{column_label(y, lang)} ({y_unit})",
    )
