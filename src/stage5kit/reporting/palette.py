"""One colour per strategy (or scenario) across every figure of a report, keyed by its name.

The colour depends only on the name (a hash into a fixed palette), so two figures built
apart agree without sharing state. When two names of one figure hash to the same colour,
the later name (in sorted order) takes the next free one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#31a354",
)


def name_colour(name: object) -> str:
    """The palette colour of ``name`` on its own (stable across runs and figures)."""
    digest = hashlib.sha256(str(name).encode("utf-8")).digest()
    return PALETTE[int.from_bytes(digest[:4], "big") % len(PALETTE)]


def colour_map(names: Iterable[object]) -> dict[str, str]:
    """A colour per name of one figure: its own colour, or the next free one on a clash."""
    taken: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted({str(n) for n in names}):
        start = PALETTE.index(name_colour(name))
        for step in range(len(PALETTE)):
            colour = PALETTE[(start + step) % len(PALETTE)]
            if colour not in used or step == len(PALETTE) - 1:
                break
        taken[name] = colour
        used.add(colour)
    return taken
