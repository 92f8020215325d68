"""VaR is the nearest-rank quantile and ES the exact Acerbi-Tasche tail mean, ties or not."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.core import compute_expected_shortfall, compute_tail_risk, compute_value_at_risk

# 37 distinct daily costs with unequal probabilities; no cumulative probability is 0.95 or 0.975.
VALUES = np.arange(100.0, 137.0)
WEIGHTS = np.array([1 + (i * 7) % 5 for i in range(37)], dtype=np.float64)
PROBABILITIES = WEIGHTS / WEIGHTS.sum()


def _analytic_var_es(level_var: float, level_es: float) -> tuple[float, float]:
    """VaR and ES of the discrete distribution, integrating its quantile function exactly."""
    cumulative = np.cumsum(PROBABILITIES)
    var = float(VALUES[np.searchsorted(cumulative, level_var)])
    tail = 0.0
    previous = 0.0
    for value, upper in zip(VALUES, cumulative, strict=True):
        overlap = max(0.0, upper - max(previous, level_es))
        tail += overlap * value
        previous = upper
    return var, tail / (1.0 - level_es)


def _brute_force_tail_mean(sample: np.ndarray, level: float) -> float:
    """Exact mean of the worst (1 - level) share: fill that mass from the top, in fractions."""
    mass = Fraction(len(sample)) * (1 - Fraction(level).limit_denominator(10**6))
    total = Fraction(0)
    remaining = mass
    for value in sorted(sample.tolist(), reverse=True):
        take = min(Fraction(1), remaining)
        total += take * Fraction(value)
        remaining -= take
        if remaining == 0:
            break
    return float(total / mass)


def test_levels_do_not_fall_on_a_jump_of_the_distribution() -> None:
    """The test distribution is the one the issue asks for: 95% and 97.5% lie inside steps."""
    cumulative = np.cumsum(PROBABILITIES)
    assert len(np.unique(VALUES)) == 37
    assert not np.any(np.isclose(cumulative, 0.95))
    assert not np.any(np.isclose(cumulative, 0.975))


@pytest.mark.parametrize("seed", range(10))
def test_var_and_es_of_a_known_distribution_within_one_percent(seed: int) -> None:
    """10k draws of a known discrete distribution give VaR95 and ES97.5 within 1% of theory."""
    var, es = _analytic_var_es(0.95, 0.975)
    draws = np.random.default_rng(seed).choice(VALUES, size=10_000, p=PROBABILITIES)
    got_var, got_es = compute_tail_risk(draws)
    assert got_var == pytest.approx(var, rel=0.01)
    assert got_es == pytest.approx(es, rel=0.01)


def test_es_with_heavy_ties_equals_the_brute_force_tail_mean() -> None:
    """A bootstrap-like sample (200 history days, 10k draws) gives the exact worst-2.5% mean."""
    history = np.random.default_rng(3).gamma(2.0, 40.0, size=200).round(2)
    sample = np.random.default_rng(4).choice(history, size=10_000)
    expected = _brute_force_tail_mean(sample, 0.975)
    assert compute_expected_shortfall(sample) == pytest.approx(expected, rel=1e-12)
    # Averaging every draw at or above the quantile (the old estimator) includes extra ties.
    threshold = np.quantile(sample, 0.975)
    assert sample[sample >= threshold].mean() != pytest.approx(expected, rel=1e-6)


def test_var_is_the_nearest_rank_order_statistic() -> None:
    """VaR95 of 1..100 is the 95th smallest value, not an interpolation."""
    costs = np.arange(1.0, 101.0)
    assert compute_value_at_risk(costs) == 95.0
    assert compute_value_at_risk(costs[:-1]) == 95.0  # ceil(0.95 * 99) = 95


@given(
    st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=300),
    st.sampled_from([0.9, 0.95, 0.975, 0.99]),
)
def test_es_matches_brute_force_and_bounds(values: list[float], level: float) -> None:
    """For any sample ES equals the brute-force tail mean and lies between VaR and the max."""
    sample = np.array(values)
    es = compute_expected_shortfall(sample, level)
    assert es == pytest.approx(_brute_force_tail_mean(sample, level), rel=1e-9, abs=1e-6)
    assert compute_value_at_risk(sample, level) - 1e-6 <= es <= sample.max() + 1e-6
