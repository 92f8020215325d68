"""Mergeable quantile sketches: log-spaced buckets with a 1% relative-error bound.

A DDSketch-style sketch in numpy. A value ``x`` with ``|x| >= MIN_MAGNITUDE`` falls in
bucket ``i = ceil(log_gamma(|x|))`` with ``gamma = (1 + alpha) / (1 - alpha)`` and is
represented by ``sign(x) * 2 gamma^i / (gamma + 1)``, which is within ``alpha`` (1%) of
``x`` relative to ``|x|``. Values below the bucket of ``MIN_MAGNITUDE`` share a zero
bucket and are represented by 0 (absolute error below ``MIN_MAGNITUDE``). Negative values
mirror positive ones, so slippage in bps (either sign) is handled like latency in ms.

A :class:`SketchGrid` holds one sketch per group as a dense count matrix over a signed
bucket range; merging adds counts, so any split of the data merges to exactly the counts
of the whole. The q-quantile is the nearest-rank order statistic - the ``ceil(q * n)``-th
smallest value (1-based; the smallest for q = 0), as DuckDB's ``quantile_disc`` - returned
within ``alpha`` relative error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RELATIVE_ACCURACY = 0.01
GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
MIN_MAGNITUDE = 1e-3
_LOG_GAMMA = math.log(GAMMA)
_INV_LOG_GAMMA = 1.0 / _LOG_GAMMA
_OFFSET = math.ceil(math.log(MIN_MAGNITUDE) / _LOG_GAMMA) - 1
# q * n is computed in floating point; 0.95 * 100 must count as the integer 95.
_RANK_SLACK = 1e-9


def bucket_index(values: np.ndarray) -> np.ndarray:
    """Signed bucket of each value: 0 for the zero bucket, +k / -k by magnitude and sign."""
    magnitude = np.abs(values)
    # log(0) = -inf lands in the zero bucket like any magnitude below MIN_MAGNITUDE.
    with np.errstate(divide="ignore"):
        np.log(magnitude, out=magnitude)
    np.multiply(magnitude, _INV_LOG_GAMMA, out=magnitude)
    np.ceil(magnitude, out=magnitude)
    np.subtract(magnitude, _OFFSET, out=magnitude)
    np.maximum(magnitude, 0.0, out=magnitude)
    np.copysign(magnitude, values, out=magnitude)
    index: np.ndarray = magnitude.astype(np.int64)
    return index


def bucket_value(index: np.ndarray) -> np.ndarray:
    """The representative value of each signed bucket (0 for the zero bucket)."""
    k = np.abs(index)
    value = 2.0 * np.exp((k + _OFFSET) * _LOG_GAMMA) / (GAMMA + 1.0)
    return np.where(index == 0, 0.0, np.sign(index) * value)


@dataclass(frozen=True, slots=True)
class SketchGrid:
    """Per-group bucket counts: ``counts[g, j]`` counts group g's values in bucket ``lo + j``."""

    counts: np.ndarray
    lo: int

    @property
    def n_groups(self) -> int:
        """Number of groups (rows of the count matrix)."""
        return int(self.counts.shape[0])


def empty_grid(n_groups: int) -> SketchGrid:
    """A grid of ``n_groups`` empty sketches."""
    return SketchGrid(counts=np.zeros((n_groups, 1), dtype=np.int64), lo=0)


def build_grid(values: np.ndarray, groups: np.ndarray, n_groups: int) -> SketchGrid:
    """Sketch ``values`` per group code (``0 <= groups < n_groups``) in one bincount."""
    return grid_from_index(bucket_index(values), groups, n_groups)


def grid_from_index(index: np.ndarray, groups: np.ndarray, n_groups: int) -> SketchGrid:
    """Count precomputed signed bucket indices per group code into a grid."""
    if len(index) == 0:
        return empty_grid(n_groups)
    lo = int(index.min())
    width = int(index.max()) - lo + 1
    flat = np.multiply(groups, width, dtype=np.int64)
    flat += index
    flat -= lo
    counts = np.bincount(flat, minlength=n_groups * width).reshape(n_groups, width)
    return SketchGrid(counts=counts, lo=lo)


def regroup_grids(grids: list[SketchGrid], targets: list[np.ndarray], n_groups: int) -> SketchGrid:
    """Add the rows of several grids into ``n_groups`` groups (``targets[i][g]``: row g's)."""
    lo = min(g.lo for g in grids)
    hi = max(g.lo + g.counts.shape[1] - 1 for g in grids)
    out = np.zeros((n_groups, hi - lo + 1), dtype=np.int64)
    for grid, target in zip(grids, targets, strict=True):
        # A grid's rows are distinct groups, so its targets never repeat.
        start = grid.lo - lo
        columns = slice(start, start + grid.counts.shape[1])
        if len(target) and np.array_equal(target, np.arange(target[0], target[0] + len(target))):
            out[target[0] : target[0] + len(target), columns] += grid.counts
        else:
            out[target, columns] += grid.counts
    return SketchGrid(counts=out, lo=lo)


def grid_quantiles(grid: SketchGrid, q: float) -> np.ndarray:
    """The q-quantile of each group's sketch (NaN for an empty group)."""
    if not 0.0 <= q <= 1.0:
        msg = f"quantile must be within [0, 1], got {q}"
        raise ValueError(msg)
    cumulative = np.cumsum(grid.counts, axis=1)
    total = cumulative[:, -1]
    rank = np.maximum(np.ceil(q * total - _RANK_SLACK).astype(np.int64) - 1, 0)
    column = (cumulative <= rank[:, None]).sum(axis=1)
    column = np.minimum(column, grid.counts.shape[1] - 1)
    values = bucket_value(column + grid.lo)
    return np.where(total > 0, values, np.nan)
