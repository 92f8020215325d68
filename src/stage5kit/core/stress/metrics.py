"""Risk figures of a simulated cost sample: VaR, expected shortfall and fan-chart bands.

VaR at level a is the nearest-rank quantile ``x_(k)``, ``k = ceil(a n)`` of the sorted
sample (as :mod:`stage5kit.core.tco.sketches` and DuckDB's ``quantile_disc``). ES at level
a is the exact tail mean of Acerbi and Tasche (2002): the mean of the worst ``(1 - a) n``
observations, where the boundary observation ``x_(k)`` enters with the fractional weight
``k - a n``. Ties (a bootstrap sample repeats its history's days) therefore never pull
extra observations into the tail, and ``ES >= VaR`` always holds.
"""

from __future__ import annotations

import math

import numpy as np

VAR_LEVEL = 0.95
ES_LEVEL = 0.975
FAN_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
# level * n is computed in floating point; 0.975 * 1000 must count as the integer 975.
_RANK_SLACK = 1e-9


def _boundary_rank(n: int, level: float) -> int:
    """The 1-based rank ``ceil(level * n)`` of the level's order statistic (at least 1)."""
    return max(math.ceil(level * n - _RANK_SLACK), 1)


def _tail_mean(ordered: np.ndarray, level: float) -> float:
    """Acerbi-Tasche tail mean of a sample partitioned around its ``level`` boundary rank."""
    n = len(ordered)
    k = _boundary_rank(n, level)
    tail = n * (1.0 - level)
    boundary_weight = max(k - level * n, 0.0)
    total = float(ordered[k:].sum()) + boundary_weight * float(ordered[k - 1])
    return total / tail


def compute_value_at_risk(costs: np.ndarray, level: float = VAR_LEVEL) -> float:
    """Return the ``level`` nearest-rank quantile of the costs (the ceil(level n)-th smallest)."""
    flat = np.ravel(costs)
    k = _boundary_rank(len(flat), level)
    return float(np.partition(flat, k - 1)[k - 1])


def compute_expected_shortfall(costs: np.ndarray, level: float = ES_LEVEL) -> float:
    """Return the exact mean of the worst ``1 - level`` share of the costs (Acerbi-Tasche)."""
    flat = np.ravel(costs)
    return _tail_mean(np.partition(flat, _boundary_rank(len(flat), level) - 1), level)


def compute_tail_risk(costs: np.ndarray) -> tuple[float, float]:
    """Return (VaR95, ES97.5) of the costs with one partition: same values as the two above."""
    flat = np.ravel(costs)
    n = len(flat)
    k_var = _boundary_rank(n, VAR_LEVEL)
    ordered = np.partition(flat, [k_var - 1, _boundary_rank(n, ES_LEVEL) - 1])
    return float(ordered[k_var - 1]), _tail_mean(ordered, ES_LEVEL)


def compute_quantile_bands(paths: np.ndarray, levels: tuple[float, ...] = FAN_LEVELS) -> np.ndarray:
    """Return the (levels, days) quantiles across paths of a (paths, days) array."""
    by_day = np.ascontiguousarray(paths.T)
    count = by_day.shape[1]
    position = np.asarray(levels) * (count - 1)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, count - 1)
    ordered = np.partition(by_day, np.unique(np.concatenate([low, high])), axis=1)
    weight = position - low
    bands: np.ndarray = ordered[:, low] + weight * (ordered[:, high] - ordered[:, low])
    return bands.T
