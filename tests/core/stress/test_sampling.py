"""Random draws of the stress simulation: block-bootstrap indices and inverse-CDF binomials."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.core.stress.sampling import (
    bootstrap_day_indices,
    build_binomial_table,
    chunk_generator,
    draw_binomial,
)


def _binomial_pmf(n: int, p: float) -> np.ndarray:
    return np.array([math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)])


@pytest.mark.parametrize(("n", "p"), [(200, 0.05), (30, 0.5), (12, 0.9), (400, 0.002)])
def test_binomial_draws_follow_the_exact_distribution(n: int, p: float) -> None:
    """Frequencies of 200k draws match the exact binomial pmf (chi-square, 99.9% level)."""
    table = build_binomial_table(np.array([n]), p)
    draws = draw_binomial(np.random.default_rng(1), table, np.zeros(200_000, dtype=np.int64))
    pmf = _binomial_pmf(n, p)
    observed = np.bincount(draws, minlength=n + 1)
    keep = pmf * len(draws) >= 5
    expected = pmf[keep] * len(draws)
    rest = len(draws) - observed[keep].sum()
    chi2 = ((observed[keep] - expected) ** 2 / expected).sum()
    if rest > 0:
        tail = len(draws) - expected.sum()
        chi2 += (rest - tail) ** 2 / tail
    degrees = int(keep.sum())
    assert chi2 < degrees + 3.3 * math.sqrt(2 * degrees) + 10


def test_binomial_draws_use_each_days_trade_count() -> None:
    """Days with different trade counts get draws with their own means."""
    table = build_binomial_table(np.array([100, 0, 5000, 100]), 0.1)
    days = np.repeat(np.arange(4), 20_000)
    draws = draw_binomial(np.random.default_rng(2), table, days)
    means = [draws[days == d].mean() for d in range(4)]
    assert means[1] == 0
    assert means[0] == pytest.approx(10, rel=0.02)
    assert means[2] == pytest.approx(500, rel=0.01)
    assert means[3] == pytest.approx(10, rel=0.02)


def test_binomial_with_certain_success_draws_every_trade() -> None:
    """Probability 1 spikes every trade of the day."""
    table = build_binomial_table(np.array([7, 3]), 1.0)
    draws = draw_binomial(np.random.default_rng(3), table, np.array([[0, 1], [1, 0]]))
    np.testing.assert_array_equal(draws, [[7, 3], [3, 7]])


def test_binomial_with_huge_counts_keeps_mean_and_variance() -> None:
    """A day of 10 million trades draws with the right mean and variance (no underflow)."""
    table = build_binomial_table(np.array([10_000_000]), 0.3)
    draws = draw_binomial(np.random.default_rng(4), table, np.zeros(50_000, dtype=np.int64))
    assert draws.mean() == pytest.approx(3_000_000, rel=1e-4)
    assert draws.var() == pytest.approx(2_100_000, rel=0.05)


@given(
    paths=st.integers(1, 20),
    days=st.integers(1, 40),
    history=st.integers(1, 30),
    length=st.floats(1.0, 12.0),
    block=st.sampled_from(["stationary", "circular"]),
)
def test_bootstrap_indices_stay_in_the_history(paths, days, history, length, block) -> None:
    """Every drawn index is a valid historical day and the shape is (paths, days)."""
    indices = bootstrap_day_indices(
        np.random.default_rng(0),
        paths=paths,
        days=days,
        history_days=history,
        block=block,
        block_length=length,
    )
    assert indices.shape == (paths, days)
    assert indices.min() >= 0
    assert indices.max() < history


def test_circular_blocks_are_runs_of_consecutive_days() -> None:
    """Circular blocks of length 4 are 4 consecutive (wrapping) historical days."""
    indices = bootstrap_day_indices(
        np.random.default_rng(5),
        paths=200,
        days=20,
        history_days=9,
        block="circular",
        block_length=4,
    )
    steps = (np.diff(indices, axis=1) % 9)[:, [0, 1, 2, 4, 5, 6]]
    assert (steps == 1).all()


def test_stationary_blocks_have_the_mean_length_asked_for() -> None:
    """Geometric block lengths average the block_length asked for (continuations 1 - 1/L)."""
    indices = bootstrap_day_indices(
        np.random.default_rng(6),
        paths=2000,
        days=100,
        history_days=1000,
        block="stationary",
        block_length=8.0,
    )
    continued = (np.diff(indices, axis=1) % 1000) == 1
    assert continued.mean() == pytest.approx(1 - 1 / 8, abs=0.005)


def test_every_historical_day_is_drawn_equally_often() -> None:
    """The bootstrap's marginal over historical days is uniform (wrap-around blocks)."""
    for block in ("stationary", "circular"):
        indices = bootstrap_day_indices(
            np.random.default_rng(7),
            paths=5000,
            days=50,
            history_days=25,
            block=block,
            block_length=6,
        )
        share = np.bincount(indices.ravel(), minlength=25) / indices.size
        np.testing.assert_allclose(share, 1 / 25, rtol=0.05)


def test_chunk_generators_are_distinct_and_repeatable() -> None:
    """Each chunk and each scenario get their own stream; the same key gives the same stream."""
    first = chunk_generator(1, 0).random(4)
    again = chunk_generator(1, 0).random(4)
    other_chunk = chunk_generator(1, 1).random(4)
    scenario = chunk_generator(1, 0, scenario="fee_hike_50").random(4)
    other_scenario = chunk_generator(1, 0, scenario="latency_spike").random(4)
    np.testing.assert_array_equal(first, again)
    assert len({tuple(a) for a in (first, other_chunk, scenario, other_scenario)}) == 4
