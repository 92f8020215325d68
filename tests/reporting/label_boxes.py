"""The pixel boxes of a figure's line labels, computed from its layout alone.

Works on a figure's layout as a plain dict (``figure.to_dict()["layout"]`` or the JSON a
report page passes to ``Plotly.newPlot``), so the same check runs on figures built in a
test and on figures read back from an executed report. Screen pixels, y pointing down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PLOTLY_WIDTH = 700  # plotly.js's width when the layout sets none
PLOTLY_HEIGHT = 450
PLOTLY_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}
CHAR_WIDTH = 0.62  # an average character of the label font, in ems (Open Sans ~0.55)
LINE_HEIGHT = 1.4  # one line of text, in ems (Open Sans ascent + descent ~1.36)


@dataclass(frozen=True)
class Box:
    """A rectangle in screen pixels."""

    left: float
    top: float
    right: float
    bottom: float

    def intersects(self, other: Box) -> bool:
        """Whether the two rectangles share more than an edge."""
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def inside(self, other: Box, *, slack: float = 1e-6) -> bool:
        """Whether this rectangle lies within ``other``."""
        return (
            self.left >= other.left - slack
            and self.right <= other.right + slack
            and self.top >= other.top - slack
            and self.bottom <= other.bottom + slack
        )


def plot_area(layout: dict[str, Any], *, plot_height: float | None = None) -> Box:
    """The plot area: figure size minus margins (``plot_height`` overrides its height)."""
    margin = {**PLOTLY_MARGIN, **layout.get("margin", {})}
    width = layout.get("width") or PLOTLY_WIDTH
    height = layout.get("height") or PLOTLY_HEIGHT
    inner = plot_height if plot_height is not None else height - margin["t"] - margin["b"]
    return Box(margin["l"], margin["t"], width - margin["r"], margin["t"] + inner)


def _text_size(annotation: dict[str, Any]) -> tuple[float, float]:
    font = annotation.get("font", {}).get("size", 12)
    pad = 2 * (annotation.get("borderpad", 1) + annotation.get("borderwidth", 1))
    return len(annotation["text"]) * font * CHAR_WIDTH + pad, font * LINE_HEIGHT + pad


def label_box(
    annotation: dict[str, Any], layout: dict[str, Any], *, plot_height: float | None = None
) -> Box:
    """The box of one annotation placed at a paper x and a data y of the y axis."""
    area = plot_area(layout, plot_height=plot_height)
    assert annotation.get("xref") == "paper"
    assert annotation.get("yref") in ("y", None)
    low, high = layout["yaxis"]["range"]
    width, height = _text_size(annotation)
    x = area.left + annotation["x"] * (area.right - area.left)
    y = area.bottom - (annotation["y"] - low) / (high - low) * (area.bottom - area.top)
    y -= annotation.get("yshift", 0)
    left = {"left": x, "center": x - width / 2, "right": x - width}[annotation["xanchor"]]
    top = {"top": y, "middle": y - height / 2, "bottom": y - height}[annotation["yanchor"]]
    return Box(left, top, left + width, top + height)


def label_problems(layout: dict[str, Any], *, plot_height: float | None = None) -> list[str]:
    """Every pair of overlapping labels and every label outside the plot area."""
    annotations = layout.get("annotations", [])
    boxes = [label_box(a, layout, plot_height=plot_height) for a in annotations]
    area = plot_area(layout, plot_height=plot_height)
    problems = [
        f"{a['text']!r} outside the plot {area}: {box}"
        for a, box in zip(annotations, boxes, strict=True)
        if not box.inside(area)
    ]
    for i, first in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            if first.intersects(boxes[j]):
                problems.append(f"{annotations[i]['text']!r} overlaps {annotations[j]['text']!r}")
    return problems
