"""Plotly figure of a before/after comparison: one pair of bars per group.

Takes a :func:`~stage5kit.core.compare_cost_periods` table; nothing here computes a metric.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stage5kit.reporting.figures import style_figure

if TYPE_CHECKING:
    import pandas as pd
    from plotly.graph_objects import Figure

_COLOURS = {"before": "#1f77b4", "after": "#d62728"}


def plot_period_comparison(
    table: pd.DataFrame, *, group: str, metric: str, unit: str, title: str
) -> Figure:
    """Grouped bars of ``<metric>_before`` and ``<metric>_after`` per ``group``."""
    import plotly.graph_objects as go

    figure = go.Figure(
        [
            go.Bar(
                x=table[group].astype(str),
                y=table[f"{metric}_{side}"],
                name=f"{metric}_{side}",
                marker_color=colour,
            )
            for side, colour in _COLOURS.items()
        ]
    )
    figure.update_layout(barmode="group")
    return style_figure(figure, title=title, x_title=group, y_title=f"{metric} ({unit})")
