"""Partial aggregates of any split of a log merge to the aggregate of the whole log."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stage5kit.core import (
    aggregate_trades,
    generate_trades,
    merge_partials,
    summarise_partial,
)
from stage5kit.core.tco.aggregates import TcoPartial, period_labels
from stage5kit.core.tco.sketches import SketchGrid
from stage5kit.errors import ConfigError


def widen_grid(grid: SketchGrid, lo: int, hi: int) -> np.ndarray:
    """The grid's counts placed on the bucket range lo..hi (which must contain its own)."""
    out = np.zeros((grid.n_groups, hi - lo + 1), dtype=np.int64)
    start = grid.lo - lo
    out[:, start : start + grid.counts.shape[1]] = grid.counts
    return out


LOG_ROWS = 1_500


@pytest.fixture(scope="module")
def trades_log() -> pd.DataFrame:
    """A synthetic log of 1,500 trades over 40 days."""
    return generate_trades(rows=LOG_ROWS, seed=8, days=40)


BY_CHOICES = [
    ("strategy", "venue", "day"),
    ("symbol", "liquidity", "week"),
    ("venue", "month"),
    (),
]


def _assert_same(merged: TcoPartial, whole: TcoPartial) -> None:
    pd.testing.assert_frame_equal(merged.cells.keys, whole.cells.keys)
    pd.testing.assert_frame_equal(merged.groups, whole.groups)
    np.testing.assert_array_equal(merged.cells.counts, whole.cells.counts)
    np.testing.assert_allclose(merged.cells.sums, whole.cells.sums, rtol=1e-9, atol=1e-9)
    for a, b in ((merged.latency, whole.latency), (merged.slippage, whole.slippage)):
        lo = min(a.lo, b.lo)
        hi = max(a.lo + a.counts.shape[1], b.lo + b.counts.shape[1]) - 1
        np.testing.assert_array_equal(widen_grid(a, lo, hi), widen_grid(b, lo, hi))


@settings(max_examples=40)
@given(
    cuts=st.lists(st.integers(min_value=0, max_value=LOG_ROWS), max_size=6),
    shuffle=st.one_of(st.none(), st.integers(min_value=0, max_value=2**32 - 1)),
    by=st.sampled_from(BY_CHOICES),
)
def test_any_split_merges_to_the_whole(
    trades_log: pd.DataFrame, cuts: list[int], shuffle: int | None, by: tuple[str, ...]
) -> None:
    """Counts and sketches merge exactly, sums to 1e-9, for any split and row order."""
    log = trades_log
    if shuffle is not None:
        order = np.random.default_rng(shuffle).permutation(len(trades_log))
        log = trades_log.iloc[order].reset_index(drop=True)
    bounds = [0, *sorted(cuts), len(log)]
    parts = [
        aggregate_trades(log.iloc[a:b].reset_index(drop=True), by=by)
        for a, b in itertools.pairwise(bounds)
    ]
    whole = aggregate_trades(trades_log, by=by)
    merged = merge_partials(parts)
    _assert_same(merged, whole)
    pd.testing.assert_frame_equal(
        summarise_partial(merged).kpis, summarise_partial(whole).kpis, rtol=1e-9
    )


def test_merge_order_does_not_matter(trades_log: pd.DataFrame) -> None:
    """merge(a, merge(b, c)) equals merge(merge(c, a), b)."""
    by = ("strategy", "day")
    a, b, c = (
        aggregate_trades(trades_log.iloc[s].reset_index(drop=True), by=by)
        for s in (slice(0, 400), slice(400, 900), slice(900, None))
    )
    _assert_same(
        merge_partials([a, merge_partials([b, c])]), merge_partials([merge_partials([c, a]), b])
    )


def test_unknown_group_key_is_rejected(trades_log: pd.DataFrame) -> None:
    """A key outside strategy/venue/symbol/liquidity/day/week/month raises ConfigError."""
    with pytest.raises(ConfigError, match="unknown group key"):
        aggregate_trades(trades_log, by=("desk",))


def test_two_periods_are_rejected(trades_log: pd.DataFrame) -> None:
    """Grouping by two periods at once raises ConfigError."""
    with pytest.raises(ConfigError, match="at most one period"):
        aggregate_trades(trades_log, by=("day", "month"))


def test_period_labels() -> None:
    """Days become YYYY-MM-DD, weeks their Monday, months YYYY-MM (UTC)."""
    days = (np.array(["2026-01-01", "2026-01-04", "2026-01-05"], dtype="datetime64[D]")).astype(
        np.int64
    )
    assert list(period_labels(days, "day")) == ["2026-01-01", "2026-01-04", "2026-01-05"]
    assert list(period_labels(days, "week")) == ["2025-12-29", "2025-12-29", "2026-01-05"]
    assert list(period_labels(days, "month")) == ["2026-01", "2026-01", "2026-01"]


def test_missing_liquidity_groups_as_unknown(trades_log: pd.DataFrame) -> None:
    """Trades without a liquidity flag are grouped under 'unknown' and counted in no fee split."""
    log = trades_log.iloc[:100].copy()
    log["liquidity"] = pd.Categorical([None] * 100, categories=["maker", "taker"])
    kpis = summarise_partial(aggregate_trades(log, by=("liquidity",))).kpis
    assert list(kpis["liquidity"]) == ["unknown"]
    assert kpis["fees_maker"].iloc[0] == 0.0
    assert kpis["fees_taker"].iloc[0] == 0.0
    assert kpis["n_trades"].iloc[0] == 100


def test_label_named_unknown_shares_the_missing_group(trades_log: pd.DataFrame) -> None:
    """A liquidity literally named 'unknown' and missing ones form one group, keys sorted."""
    log = trades_log.iloc[:6].copy()
    log["liquidity"] = pd.Categorical(
        ["taker", None, "unknown", "maker", None, "taker"], categories=["taker", "unknown", "maker"]
    )
    partial = aggregate_trades(log, by=("liquidity",))
    assert list(partial.groups["liquidity"]) == ["maker", "taker", "unknown"]
    assert list(partial.latency.counts.sum(axis=1)) == [1, 2, 3]


def test_unsorted_categories_give_sorted_cells(trades_log: pd.DataFrame) -> None:
    """Cells come out sorted by label whatever the order of a column's categories."""
    log = trades_log.iloc[:300].copy()
    names = sorted(log["venue"].astype(str).unique())
    log["venue"] = pd.Categorical(log["venue"].astype(str), categories=names[::-1])
    partial = aggregate_trades(log, by=("venue", "strategy", "day"))
    keys = partial.cells.keys
    expected = keys.sort_values(list(keys.columns), ignore_index=True)
    pd.testing.assert_frame_equal(keys, expected)
    assert list(partial.groups["venue"]) == sorted(partial.groups["venue"])
