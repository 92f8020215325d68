"""Risk figures of a simulated cost sample: VaR, expected shortfall and fan-chart bands."""

from __future__ import annotations

import numpy as np

VAR_LEVEL = 0.95
ES_LEVEL = 0.975
FAN_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


def compute_value_at_risk(costs: np.ndarray, level: float = VAR_LEVEL) -> float:
    """Return the ``level`` quantile of the costs (numpy's linear interpolation)."""
    return float(np.quantile(costs, level))


def compute_expected_shortfall(costs: np.ndarray, level: float = ES_LEVEL) -> float:
    """Return the mean of the costs at or above their ``level`` quantile."""
    flat = np.ravel(costs)
    threshold = np.quantile(flat, level)
    return float(flat[flat >= threshold].mean())


def compute_tail_risk(costs: np.ndarray) -> tuple[float, float]:
    """Return (VaR95, ES97.5) of the costs with one partition: same values as the two above."""
    flat = np.ravel(costs)
    var, threshold = np.quantile(flat, [VAR_LEVEL, ES_LEVEL])
    return float(var), float(flat[flat >= threshold].mean())


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
