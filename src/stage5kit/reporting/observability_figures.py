"""Plotly figures of the alert replay: burn rate against time with the firing windows shaded.

The builders take the frames of :mod:`stage5kit.compliance.observability` (a burn-rate
timeline and alert episodes) and return a ``plotly.graph_objects.Figure``; nothing here
computes a burn rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from stage5kit.reporting.figures import FIGURE_HEIGHT, style_figure
from stage5kit.reporting.i18n import DEFAULT_LANG, catalog, format_factor, format_window, translate

if TYPE_CHECKING:
    from pandas import DataFrame
    from plotly.graph_objects import Figure

_WINDOW_COLOURS = ("#d62728", "#ff7f0e", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b")
_FIRING_COLOUR = "rgba(214,39,40,0.15)"


def plot_burn_rate(
    timeline: DataFrame,
    episodes: DataFrame,
    *,
    slo: str,
    factors: Sequence[float],
    windows: Sequence[str] | None = None,
    every: str = "15min",
    lang: str = DEFAULT_LANG,
) -> Figure:
    """Burn rate per window over time (the highest value in each ``every``), alert factors as
    dashed lines, and the time each alert of ``slo`` was firing shaded.

    ``windows`` picks the windows drawn (e.g. the alerts' long windows; short ones are noisy
    on a thin log); the y axis stops at 1.5 times the largest factor. Texts, numbers
    (14,4 times) and times in ``lang``.
    """
    import plotly.graph_objects as go

    figure = go.Figure()
    chosen = timeline if windows is None else timeline[timeline["window"].isin(list(windows))]
    for number, (window, part) in enumerate(chosen.groupby("window", sort=False)):
        peaks = part.set_index("time")["burn_rate"].resample(every).max()
        figure.add_trace(
            go.Scatter(
                x=peaks.index,
                y=peaks.to_numpy(),
                mode="lines",
                name=translate(lang, "window {window}", window=format_window(str(window), lang)),
                line={"color": _WINDOW_COLOURS[number % len(_WINDOW_COLOURS)], "width": 1},
            )
        )
    for factor in sorted(set(factors)):
        figure.add_hline(y=factor, line={"dash": "dash", "color": "#555555", "width": 1})
        # labelled at the plot's left edge, above its line (paper x, data y: as limit labels)
        figure.add_annotation(
            text=format_factor(factor, lang),
            x=0,
            xref="paper",
            xanchor="left",
            y=factor,
            yref="y",
            yanchor="bottom",
            showarrow=False,
        )
    end = timeline["time"].max()
    mine = episodes[episodes["subject"] == slo]
    # an alert still firing at the end of the log is shaded to the end
    for fired, cleared in zip(mine["fired_at"], mine["cleared_at"].fillna(end), strict=True):
        figure.add_vrect(x0=fired, x1=cleared, fillcolor=_FIRING_COLOUR, line_width=0)
    title = translate(
        lang,
        "Error-budget burn rate: {slo} ({episodes} alert episodes shaded)",
        slo=_slo_name(slo, lang),
        episodes=len(mine),
    )
    figure.update_yaxes(range=[0, 1.5 * max(factors)])
    figure.update_layout(height=FIGURE_HEIGHT)
    return style_figure(
        figure,
        title=title,
        x_title=translate(lang, "time (UTC)"),
        y_title=translate(lang, "burn rate (x sustainable)"),
        lang=lang,
    )


def _slo_name(slo: str, lang: str) -> str:
    """An SLO's name in ``lang`` when the catalog has it (``execution_cost``: koszt wykonania)."""
    name = slo.replace("_", " ")
    return catalog(lang).get(name, name)
