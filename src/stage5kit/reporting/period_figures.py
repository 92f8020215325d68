"""Plotly figure of a before/after comparison: one pair of bars per group.

Takes a :func:`~stage5kit.core.compare_cost_periods` table; nothing here computes a metric.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stage5kit.reporting.figures import style_figure
from stage5kit.reporting.i18n import translate
from stage5kit.reporting.labels import column_label
from stage5kit.reporting.palette import colour_map

if TYPE_CHECKING:
    import pandas as pd
    from plotly.graph_objects import Figure

# Before: a light bar; after: the full colour. The group's own colour tells groups apart.
_SIDES = {"before": 0.45, "after": 1.0}


def plot_period_comparison(
    table: pd.DataFrame, *, group: str, metric: str, unit: str, title: str, lang: str = "en"
) -> Figure:
    """Grouped bars of ``<metric>_before`` and ``<metric>_after`` per ``group``."""
    import plotly.graph_objects as go

    names = table[group].astype(str)
    colours = colour_map(names)
    figure = go.Figure(
        [
            go.Bar(
                x=names,
                y=table[f"{metric}_{side}"],
                name=translate(lang, side),
                marker={"color": [colours[n] for n in names], "opacity": opacity},
            )
            for side, opacity in _SIDES.items()
        ]
    )
    figure.update_layout(barmode="group")
    return style_figure(
        figure,
        title=title,
        x_title=column_label(group, lang),
        y_title=f"{column_label(metric, lang)} ({unit})",
        lang=lang,
    )
