"""Plotly figures for the report notebooks: every figure has a title and units on its axes.

Each builder takes plain numbers or a DataFrame and returns a ``plotly.graph_objects.Figure``;
nothing here computes a KPI (that is ``stage5kit.core``'s job).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from stage5kit.reporting.i18n import (
    DEFAULT_LANG,
    date_patterns,
    format_number,
    minute_pattern,
    number_symbols,
    translate,
)
from stage5kit.reporting.label_layout import labels_fit, stagger_labels
from stage5kit.reporting.labels import column_label
from stage5kit.reporting.palette import colour_map

if TYPE_CHECKING:
    import pandas as pd
    from plotly.graph_objects import Figure

TEMPLATE = "plotly_white"
PRIMARY_COLOUR = "#1f77b4"
LIMIT_COLOURS = ("#d62728", "#000000", "#555555")
ANOMALY_COLOUR = "#d62728"
MARGIN = {"t": 60, "l": 60, "r": 20, "b": 50}
LEGEND_Y = -0.2
FIGURE_HEIGHT = 450
# A line label: its font size, padding, the line height of its text and the gap kept
# between two labels (pixels); the stagger leaves LEGEND_RESERVE px below the plot for
# the legend rows, which plotly fits by growing the bottom margin.
LABEL_FONT_SIZE = 11
LABEL_PAD = 2
LABEL_LINE_HEIGHT = 1.4
LABEL_GAP = 2.0
LEGEND_RESERVE = 80


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2})")
_DAY_MS = 86_400_000  # a day in milliseconds, plotly's unit of a date axis's tick step


def style_figure(
    figure: Figure, *, title: str, x_title: str, y_title: str, lang: str = DEFAULT_LANG
) -> Figure:
    """Give a figure the kit's look: title, axis titles with units, template, bottom legend.

    Axis numbers are written out with the separators of ``lang`` (``40 000,5`` in Polish,
    not ``40k``); a date axis of a report not in English shows its days or months as the
    tables do (``14.03.2026``), and a time axis its days, or hours when zoomed in.
    """
    decimal, thousands = number_symbols(lang)
    figure.update_layout(
        title={"text": title},
        template=TEMPLATE,
        xaxis_title=x_title,
        yaxis_title=y_title,
        margin=MARGIN,
        legend={"orientation": "h", "y": LEGEND_Y},
        separators=decimal + thousands,
    )
    figure.update_xaxes(exponentformat="none", separatethousands=True)
    figure.update_yaxes(exponentformat="none", separatethousands=True)
    pattern = _date_pattern(figure, lang)
    if pattern == date_patterns(lang)[1]:  # one tick per month, not two with one name
        figure.update_xaxes(tickformat=pattern, hoverformat=pattern, dtick="M1")
    elif pattern is not None and _has_clock_times(figure):
        stops = [
            {"dtickrange": [None, _DAY_MS], "value": f"%H:%M<br>{pattern}"},
            {"dtickrange": [_DAY_MS, None], "value": pattern},
        ]
        figure.update_xaxes(tickformatstops=stops, hoverformat=minute_pattern(lang))
    elif pattern is not None:
        figure.update_xaxes(tickformat=pattern, hoverformat=pattern)
    return figure


def _date_pattern(figure: Figure, lang: str) -> str | None:
    """The tick pattern of the x axis when every trace's x is days or months, else None.

    English keeps plotly's own date ticks (month names in English).
    """
    if lang == DEFAULT_LANG:
        return None
    xs = [trace.x for trace in figure.data if getattr(trace, "x", None) is not None]
    texts = [v.isoformat() if isinstance(v, dt.date) else str(v) for x in xs for v in x[:1]]
    day, month = date_patterns(lang)
    if texts and all(_DAY.match(text) for text in texts):
        return day
    if texts and all(_MONTH.fullmatch(text) for text in texts):
        return month
    return None


def _has_clock_times(figure: Figure) -> bool:
    """Whether a trace's first x values are moments within a day (a timeline), not days."""
    for trace in figure.data:
        for value in [] if getattr(trace, "x", None) is None else trace.x[:3]:
            text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
            clock = _CLOCK.match(text)
            if clock is not None and clock.groups() != ("00", "00"):
                return True
    return False


def label_height() -> float:
    """The height in pixels of a one-line line label with its padding."""
    return LABEL_FONT_SIZE * LABEL_LINE_HEIGHT + 2 * LABEL_PAD


def smallest_plot_height(figure_height: float) -> float:
    """The least height of the plot area when the legend below takes its reserved rows.

    Plotly grows the bottom margin to ``-LEGEND_Y`` of the plot height plus the legend's
    rows; with at most ``LEGEND_RESERVE`` px of rows, the plot keeps at least this height.
    """
    return (figure_height - MARGIN["t"] - LEGEND_RESERVE) / (1 - LEGEND_Y)


def _figure_height(labels: int) -> float:
    """The kit's figure height, taller when ``labels`` stacked labels need more room."""
    height = float(FIGURE_HEIGHT)
    while not labels_fit(
        labels, height=smallest_plot_height(height), label_height=label_height(), gap=LABEL_GAP
    ):
        height += 50.0
    return height


def _value_range(figure: Figure, levels: Sequence[float]) -> tuple[float, float]:
    """The y range showing every trace's values and every level, with 5% to spare."""
    values = [float(v) for v in levels]
    for trace in figure.data:
        for value in [] if getattr(trace, "y", None) is None else trace.y:
            try:
                number = float(value)
            except (TypeError, ValueError):  # a category name, not a value
                continue
            if math.isfinite(number):
                values.append(number)
    low, high = min(values), max(values)
    spare = 0.05 * (high - low) if high > low else max(abs(high), 1.0) * 0.05
    return low - spare, high + spare


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
        lang=lang,
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
    """Draw each limit as a dashed line labelled at the plot's right edge, in its colour.

    A limit whose name is in ``colours`` (a strategy's budget) takes that colour, so the
    budget line, its label and its strategy's line match; other limits take the limit
    colours in turn. Labels of close levels are staggered (:func:`stagger_labels`) so
    none overlaps another or leaves the plot; for that the figure gets a fixed y range
    and height. Call it once per figure, with every level, after the data traces; a level
    that is not a finite number draws nothing.
    """
    import plotly.graph_objects as go

    drawn = {name: float(level) for name, level in levels.items() if math.isfinite(level)}
    if not drawn:
        return figure
    others = iter(LIMIT_COLOURS * (1 + len(drawn)))
    named = {name: (colours or {}).get(name) or next(others) for name in drawn}
    low, high = _value_range(figure, list(drawn.values()))
    height = _figure_height(len(drawn))
    plot_height = smallest_plot_height(height)
    wanted = [(float(level) - low) / (high - low) * plot_height for level in drawn.values()]
    bottoms = stagger_labels(wanted, height=plot_height, label_height=label_height(), gap=LABEL_GAP)
    for (name, level), position, bottom in zip(drawn.items(), wanted, bottoms, strict=True):
        label = f"{name}: {format_number(level, lang)} {unit}"
        figure.add_trace(
            go.Scatter(
                x=list(x_span),
                y=[level] * len(x_span),
                mode="lines",
                name=label,
                line={"color": named[name], "dash": "dash", "width": 2},
                hoverinfo="name",
                showlegend=False,
                meta="limit",
            )
        )
        figure.add_annotation(
            text=label,
            x=1,
            xref="paper",
            xanchor="right",
            y=float(level),
            yref="y",
            yanchor="bottom",
            yshift=bottom - position,
            showarrow=False,
            font={"color": named[name], "size": LABEL_FONT_SIZE},
            bgcolor="rgba(255,255,255,0.8)",
            borderpad=LABEL_PAD,
            borderwidth=0,
        )
    figure.update_layout(height=height, yaxis_range=[low, high])
    return figure


def thin_rows(frame: pd.DataFrame, max_points: int) -> pd.DataFrame:
    """Every k-th row of ``frame`` and its last, at most ``max_points`` rows (a thinned line)."""
    if len(frame) <= max_points:
        return frame
    step = -(-len(frame) // (max_points - 1))
    keep = [*range(0, len(frame) - 1, step), len(frame) - 1]
    return frame.iloc[keep]


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
    max_points: int = 1000,
    lang: str = "en",
) -> Figure:
    """Lines of ``y`` over ``x`` (one per ``group``), anomaly markers and limit lines.

    ``limits`` are named levels (a maximum cost); ``budgets`` are levels per group, drawn
    in their group's colour and labelled "budget <group>" at the line's right end. A line
    longer than ``max_points`` is thinned to every k-th point (its last kept), so years of
    days stay a figure of bounded size; anomaly markers are drawn in full.
    """
    import plotly.graph_objects as go

    figure = go.Figure()
    groups = [(None, frame)] if group is None else list(frame.groupby(group, observed=True))
    colours = colour_map([*(str(name) for name, _ in groups if name is not None), *(budgets or {})])
    for name, whole in groups:
        part = thin_rows(whole, max_points)
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
    budget_names = {k: translate(lang, "budget {name}", name=k) for k in budgets or {}}
    add_limit_lines(
        figure,
        {**(limits or {}), **{budget_names[k]: v for k, v in (budgets or {}).items()}},
        x_span=span,
        unit=unit,
        lang=lang,
        colours={budget_names[k]: colours[k] for k in budget_names},
    )
    return style_figure(
        figure,
        title=title,
        x_title=column_label(x, lang),
        y_title=f"{column_label(y, lang)} ({unit})",
        lang=lang,
    )


def plot_box_summary(
    stats: pd.DataFrame, *, value: str, group: str, unit: str, title: str, lang: str = "en"
) -> Figure:
    """Box plot drawn from precomputed quartiles and fences (:func:`box_summary`), with
    its sampled outliers as points: the figure's size does not grow with the data."""
    import plotly.graph_objects as go

    colours = colour_map(str(name) for name in stats[group])
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
                boxmean=True,
                marker_color=colours[name],
            )
        )
        figure.add_trace(
            go.Scatter(
                x=[name] * len(outliers),
                y=outliers,
                mode="markers",
                marker={"size": 3, "color": colours[name]},
                showlegend=False,
                name=name,
            )
        )
    return style_figure(
        figure,
        title=title,
        x_title=column_label(group, lang),
        y_title=f"{column_label(value, lang)} ({unit})",
        lang=lang,
    )


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
        lang=lang,
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
        lang=lang,
    )
