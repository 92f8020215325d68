"""Cost shifts: the day execution cost moved to a new level, and what changed around it.

:func:`find_cost_shift` pools a TCO result's daily costs over strategies and places one
change point in the daily ``cost_bps`` series (least squares: the split that leaves the
smallest sum of squared deviations from the two segments' means). The split counts as a
real shift only when it is significant - a seeded permutation test of the best split's
error reduction over shuffled days (p <= ``level``, default 5%) - *and* the change is at
least ``min_effect_bps`` (default 0.5 bps): any series has a best split, noise included.
:func:`compare_cost_periods` then compares the trades before and after that day per group
(strategy, venue, ...), so a reader sees by how much and where the cost grew, and whether
fees or slippage drove it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.core.trades.units import BPS
from stage5kit.errors import ConfigError, InputError

COMPARED_METRICS = ("cost_per_trade", "cost_bps", "fee_bps", "slippage_bps", "decision_latency_ms")
_SUMMED = ("notional", "fee", "slippage_cost", "total_cost", "decision_latency_ms")
SHIFT_LEVEL = 0.05
SHIFT_MIN_EFFECT_BPS = 0.5
SHIFT_PERMUTATIONS = 999
SHIFT_SEED = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class CostShift:
    """Where the pooled daily execution cost changed level, and the level on either side.

    ``day`` is the first UTC day of the new level (``YYYY-MM-DD``). Levels are pooled over
    the days of each side: ``cost_bps`` is trading cost / notional, ``cost_per_trade`` is
    trading cost / trades. ``daily`` holds the pooled series (``day``, ``n_trades``,
    ``notional``, ``trading_cost``, ``cost_bps``, ``cost_per_trade``, ``period`` =
    ``before`` or ``after``). ``significant`` is true when the permutation ``p_value`` is at
    most ``level`` and the change is at least ``min_effect_bps``; otherwise the split is
    only the best place for a change the data does not show.
    """

    day: str
    days_before: int
    days_after: int
    cost_bps_before: float
    cost_bps_after: float
    cost_per_trade_before: float
    cost_per_trade_after: float
    daily: pd.DataFrame
    p_value: float
    level: float
    min_effect_bps: float

    @property
    def significant(self) -> bool:
        """True when the change is both unlikely under no change and large enough to matter."""
        return self.p_value <= self.level and abs(self.cost_bps_change) >= self.min_effect_bps

    @property
    def cost_bps_change(self) -> float:
        """Change of execution cost from before to after the shift, in bps of notional."""
        return self.cost_bps_after - self.cost_bps_before

    @property
    def cost_per_trade_change_pct(self) -> float:
        """Relative change of the cost per trade, in percent of the level before (NaN if that
        level is not positive: a percentage of a zero or negative base means nothing)."""
        if not self.cost_per_trade_before > 0:
            return float("nan")
        return (self.cost_per_trade_after / self.cost_per_trade_before - 1.0) * 100.0

    @property
    def extra_cost(self) -> float:
        """What the trades after the shift cost beyond the earlier rate, in currency."""
        after = self.daily.loc[self.daily["period"] == "after", "notional"]
        return self.cost_bps_change * float(after.sum()) / BPS


def find_cost_shift(
    daily: pd.DataFrame,
    *,
    min_days: int = 7,
    level: float = SHIFT_LEVEL,
    min_effect_bps: float = SHIFT_MIN_EFFECT_BPS,
    permutations: int = SHIFT_PERMUTATIONS,
    seed: int = SHIFT_SEED,
) -> CostShift:
    """Return the most pronounced level change of the pooled daily cost in bps, with its test.

    ``daily`` has one row per strategy and day (``TcoResult.daily_costs``: ``day``,
    ``n_trades``, ``notional``, ``trading_cost``); each side of the split keeps at least
    ``min_days`` trading days. The p-value comes from ``permutations`` seeded shuffles of
    the days (same inputs, same p-value).
    """
    if min_days < 1 or not 0 < level < 1 or min_effect_bps < 0 or permutations < 1:
        msg = (
            "need min_days >= 1, 0 < level < 1, min_effect_bps >= 0 and permutations >= 1 "
            f"(got {min_days}, {level}, {min_effect_bps}, {permutations})"
        )
        raise ConfigError(msg)
    pooled = (
        daily.assign(day=daily["day"].astype(str))
        .groupby("day", sort=True)[["n_trades", "notional", "trading_cost"]]
        .sum()
        .reset_index()
    )
    pooled = pooled[pooled["notional"] > 0].reset_index(drop=True)
    if len(pooled) < 2 * min_days:
        msg = (
            f"finding a cost shift needs at least {2 * min_days} trading days "
            f"({min_days} on each side); the log has {len(pooled)}"
        )
        raise InputError(msg, column="day", value=len(pooled))
    pooled["cost_bps"] = pooled["trading_cost"] / pooled["notional"] * BPS
    pooled["cost_per_trade"] = pooled["trading_cost"] / pooled["n_trades"]
    series = pooled["cost_bps"].to_numpy(dtype=np.float64)
    splits, reduction = _least_squares_split(series[None, :], min_days)
    shuffled = np.random.default_rng(seed).permuted(
        np.broadcast_to(series, (permutations, len(series))), axis=1
    )
    _, null_reductions = _least_squares_split(shuffled, min_days)
    # The observed series counts as one of the arrangements (p is never 0).
    exceed = int(np.count_nonzero(null_reductions >= reduction[0] * (1 - 1e-12)))
    p_value = (1 + exceed) / (1 + permutations)
    split = int(splits[0])
    pooled["period"] = np.where(np.arange(len(pooled)) < split, "before", "after")
    before, after = pooled.iloc[:split], pooled.iloc[split:]
    return CostShift(
        day=str(pooled["day"].iloc[split]),
        days_before=len(before),
        days_after=len(after),
        cost_bps_before=_ratio(before["trading_cost"], before["notional"]) * BPS,
        cost_bps_after=_ratio(after["trading_cost"], after["notional"]) * BPS,
        cost_per_trade_before=_ratio(before["trading_cost"], before["n_trades"]),
        cost_per_trade_after=_ratio(after["trading_cost"], after["n_trades"]),
        daily=pooled,
        p_value=p_value,
        level=level,
        min_effect_bps=min_effect_bps,
    )


def compare_cost_periods(
    costed: pd.DataFrame, *, split: str, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Compare trades before and after the UTC day ``split`` (``YYYY-MM-DD``), per ``by`` group.

    ``costed`` is a trade frame with the cost columns of
    :func:`~stage5kit.core.trades.costs.add_trade_costs`. One row per group (one row in all when
    ``by`` is empty), sorted by the rise of ``cost_bps``: trades on each side, and for each
    of COMPARED_METRICS its value ``_before``, ``_after`` and ``_change``;
    ``cost_per_trade_change_pct``; and ``extra_cost``, what the trades after the split cost
    beyond the earlier rate (``cost_bps_change`` x notional after / 10^4, in currency).
    """
    keys = list(by)
    groups = keys or ["_all"]
    stamps = costed["timestamp"]
    boundary = pd.Timestamp(split)
    if stamps.dt.tz is not None and boundary.tzinfo is None:
        boundary = boundary.tz_localize("UTC")
    side = np.where(stamps >= boundary, "after", "before")
    frame = costed[[*keys, *_SUMMED]].assign(_all=0, _side=side, _trades=1)
    wide = frame.pivot_table(
        index=groups, columns="_side", values=[*_SUMMED, "_trades"], aggfunc="sum", observed=True
    )
    out = pd.DataFrame(index=wide.index)
    for part in ("before", "after"):
        n = _column(wide, "_trades", part)
        notional = _column(wide, "notional", part)
        total = _column(wide, "total_cost", part)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = {
                "cost_per_trade": total / n,
                "cost_bps": total / notional * BPS,
                "fee_bps": _column(wide, "fee", part) / notional * BPS,
                "slippage_bps": _column(wide, "slippage_cost", part) / notional * BPS,
                "decision_latency_ms": _column(wide, "decision_latency_ms", part) / n,
            }
        out[f"n_trades_{part}"] = np.nan_to_num(n).astype(np.int64)
        for metric in COMPARED_METRICS:
            out[f"{metric}_{part}"] = values[metric]
    for metric in COMPARED_METRICS:
        out[f"{metric}_change"] = out[f"{metric}_after"] - out[f"{metric}_before"]
    out["cost_per_trade_change_pct"] = (
        out["cost_per_trade_after"] / out["cost_per_trade_before"] - 1.0
    ) * 100.0
    out["extra_cost"] = out["cost_bps_change"] * _column(wide, "notional", "after") / BPS
    ordered = out.sort_values("cost_bps_change", ascending=False, na_position="last", kind="stable")
    return ordered.reset_index() if keys else ordered.reset_index(drop=True)


def _least_squares_split(series: np.ndarray, min_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``series`` (rows x days): the split that minimises the two segments' squared
    error (index of the second segment's first day) and how much it reduces that error.

    Values are centred on their row mean first, so a large level does not cost precision.
    """
    n = series.shape[1]
    centred = series - series.mean(axis=1, keepdims=True)
    cumulative = np.cumsum(centred, axis=1)
    splits = np.arange(min_days, n - min_days + 1)
    left_sum = cumulative[:, splits - 1]
    # With centred values the right segment's sum is minus the left one's.
    reduction = left_sum * left_sum * (1.0 / splits + 1.0 / (n - splits))
    best = np.argmax(reduction, axis=1)
    return splits[best], reduction[np.arange(series.shape[0]), best]


def _ratio(numerator: pd.Series, denominator: pd.Series) -> float:
    total = float(denominator.sum())
    return float(numerator.sum()) / total if total else float("nan")


def _column(wide: pd.DataFrame, name: str, part: str) -> np.ndarray:
    """One summed column for one side, as floats (NaN where the group has no trades there)."""
    if (name, part) not in wide.columns:
        return np.full(len(wide), np.nan)
    return wide[(name, part)].to_numpy(dtype=np.float64)
