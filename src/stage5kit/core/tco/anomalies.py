"""Cost anomalies: a strategy's daily cost above its rolling mean plus k standard deviations.

The standard deviation has a floor of ``SIGMA_FLOOR_SHARE`` (1%) of the rolling mean's
magnitude: a flat history (100, 100, ..., 100) has a deviation of zero, and without the
floor a rounding-sized move (100.01) would get an infinite z-score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stage5kit.errors import ConfigError

SIGMA_FLOOR_SHARE = 0.01
ANOMALY_WINDOW_DAYS = 30
ANOMALY_K = 2.5
ANOMALY_COLUMNS = (
    "strategy",
    "day",
    "cost",
    "rolling_mean",
    "rolling_std",
    "threshold",
    "z_score",
)


def detect_cost_anomalies(
    daily: pd.DataFrame,
    *,
    window_days: int = ANOMALY_WINDOW_DAYS,
    k: float = ANOMALY_K,
    min_days: int = 10,
    value: str = "trading_cost",
) -> pd.DataFrame:
    """Days whose cost exceeds the mean + k·sigma of the previous ``window_days`` calendar days.

    sigma is the window's standard deviation, at least 1% of the window mean's magnitude.

    ``daily`` has columns ``strategy``, ``day`` (UTC dates) and ``value``; the window holds
    the strategy's trading days before the current one, and needs ``min_days`` of them.
    """
    check_anomaly_options(window_days=window_days, k=k, min_days=min_days)
    found: list[pd.DataFrame] = []
    for strategy, part in daily.groupby("strategy", sort=True, observed=True):
        series = pd.Series(
            part[value].to_numpy(dtype=np.float64),
            index=pd.DatetimeIndex(pd.to_datetime(part["day"])),
        ).sort_index()
        window = series.rolling(f"{window_days}D", closed="left", min_periods=min_days)
        mean = window.mean()
        std = window.std().clip(lower=SIGMA_FLOOR_SHARE * mean.abs())
        threshold = mean + k * std
        hit = (series > threshold) & (std > 0)
        if hit.any():
            z = (series - mean) / std
            found.append(
                pd.DataFrame(
                    {
                        "strategy": strategy,
                        "day": pd.DatetimeIndex(series.index[hit]).strftime("%Y-%m-%d"),
                        "cost": series[hit].to_numpy(),
                        "rolling_mean": mean[hit].to_numpy(),
                        "rolling_std": std[hit].to_numpy(),
                        "threshold": threshold[hit].to_numpy(),
                        "z_score": z[hit].to_numpy(),
                    }
                )
            )
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ANOMALY_COLUMNS})
    return pd.concat(found, ignore_index=True)


def check_anomaly_options(*, window_days: int, k: float, min_days: int = 2) -> None:
    """Refuse a window shorter than 2 days, a k that is not a positive number, or min_days < 2."""
    if window_days < 2 or not (np.isfinite(k) and k > 0) or min_days < 2:
        msg = (
            f"anomaly check needs window_days >= 2, k > 0 and min_days >= 2 "
            f"(got {window_days}, {k}, {min_days})"
        )
        raise ConfigError(msg)
