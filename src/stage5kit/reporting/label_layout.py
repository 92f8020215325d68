"""Where the labels of horizontal lines go so that none overlaps another or leaves the plot.

Pure pixel arithmetic, no plotting: each label wants to sit just above its line; labels
that would touch are pushed apart (keeping the lines' order, so the top label names the
top line) and kept inside the plot's height. A figure turns the result into plotly
``yshift`` offsets (:func:`stage5kit.reporting.figures.add_limit_lines`).
"""

from __future__ import annotations

from collections.abc import Sequence


def labels_fit(count: int, *, height: float, label_height: float, gap: float) -> bool:
    """Whether ``count`` labels stacked ``gap`` apart fit in ``height`` pixels."""
    return count * label_height + max(count - 1, 0) * gap <= height


def stagger_labels(
    wanted: Sequence[float], *, height: float, label_height: float, gap: float
) -> tuple[float, ...]:
    """The bottom edge (pixels above the plot's bottom) of each label, in input order.

    Each label is as close to its ``wanted`` bottom as the others allow: every two labels
    are at least ``gap`` apart, every label lies within ``[0, height]``, and a lower wanted
    position never ends above a higher one (equal positions keep their input order).
    Raises ValueError when the labels cannot fit (:func:`labels_fit`).
    """
    if not labels_fit(len(wanted), height=height, label_height=label_height, gap=gap):
        msg = f"{len(wanted)} labels of {label_height} px do not fit in {height} px"
        raise ValueError(msg)
    order = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
    top = height - label_height
    bottoms = [min(max(float(wanted[i]), 0.0), top) for i in order]
    for rank in range(1, len(bottoms)):  # push up what sits on the label below it
        bottoms[rank] = max(bottoms[rank], bottoms[rank - 1] + label_height + gap)
    for rank in range(len(bottoms) - 1, -1, -1):  # then down, from under the plot's top
        ceiling = top if rank == len(bottoms) - 1 else bottoms[rank + 1] - label_height - gap
        bottoms[rank] = min(bottoms[rank], ceiling)
    placed = [0.0] * len(wanted)
    for rank, index in enumerate(order):
        placed[index] = bottoms[rank]
    return tuple(placed)
