"""The quantile sketch keeps its 1% relative-error bound and merges exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.core.tco.sketches import (
    MIN_MAGNITUDE,
    RELATIVE_ACCURACY,
    SketchGrid,
    bucket_index,
    bucket_value,
    build_grid,
    grid_quantiles,
    regroup_grids,
)


def widen_grid(grid: SketchGrid, lo: int, hi: int) -> np.ndarray:
    """The grid's counts placed on the bucket range lo..hi (which must contain its own)."""
    out = np.zeros((grid.n_groups, hi - lo + 1), dtype=np.int64)
    start = grid.lo - lo
    out[:, start : start + grid.counts.shape[1]] = grid.counts
    return out


VALUES = st.lists(
    st.one_of(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
        st.just(0.0),
        st.floats(min_value=1e-3, max_value=1e4),
    ),
    min_size=1,
    max_size=300,
)
QUANTILE = st.sampled_from([0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0])


def _nearest_rank(values: np.ndarray, q: float) -> float:
    ordered = np.sort(values)
    rank = max(int(np.ceil(q * len(values) - 1e-9)) - 1, 0)
    return float(ordered[rank])


def _within_bound(estimate: float, exact: float) -> bool:
    if abs(exact) < MIN_MAGNITUDE:
        return abs(estimate - exact) < MIN_MAGNITUDE
    return abs(estimate - exact) <= RELATIVE_ACCURACY * abs(exact) * (1 + 1e-9)


@given(values=VALUES, q=QUANTILE)
def test_quantile_within_relative_bound(values: list[float], q: float) -> None:
    """Any quantile of any sample, negatives and zeros included, is within 1% of the truth."""
    array = np.asarray(values)
    grid = build_grid(array, np.zeros(len(array), dtype=np.int64), 1)
    assert _within_bound(float(grid_quantiles(grid, q)[0]), _nearest_rank(array, q))


@given(values=VALUES)
def test_representative_is_within_bound_of_each_value(values: list[float]) -> None:
    """Every value's bucket representative lies within 1% of it."""
    array = np.asarray(values)
    represented = bucket_value(bucket_index(array))
    assert all(_within_bound(float(r), float(v)) for r, v in zip(represented, array, strict=True))


@given(values=VALUES, cut=st.integers(min_value=0, max_value=300))
def test_merged_grids_equal_the_whole(values: list[float], cut: int) -> None:
    """Sketching two parts and merging gives exactly the counts of sketching the whole."""
    array = np.asarray(values)
    groups = np.arange(len(array)) % 3
    whole = build_grid(array, groups, 3)
    parts = [build_grid(array[:cut], groups[:cut], 3), build_grid(array[cut:], groups[cut:], 3)]
    merged = regroup_grids(parts, [np.arange(3), np.arange(3)], 3)
    lo = min(whole.lo, merged.lo)
    hi = max(whole.lo + whole.counts.shape[1], merged.lo + merged.counts.shape[1]) - 1
    np.testing.assert_array_equal(widen_grid(whole, lo, hi), widen_grid(merged, lo, hi))


def test_empty_group_has_nan_quantile() -> None:
    """A group without values reports NaN rather than a number."""
    grid = build_grid(np.array([1.0, 2.0]), np.array([0, 0]), 2)
    assert np.isnan(grid_quantiles(grid, 0.5)[1])


def test_quantile_outside_unit_interval_is_rejected() -> None:
    """q must lie in [0, 1]."""
    grid = build_grid(np.array([1.0]), np.array([0]), 1)
    with pytest.raises(ValueError, match="within"):
        grid_quantiles(grid, 1.5)
