"""The cost history a stress simulation resamples: per-day, per-venue sums of a costed log.

The bootstrap draws whole historical days, so a day's trades travel together and the
simulation never loops over trades: each day is reduced once to sums (trades, notional,
charged fees, rebates, slippage cost, maker and taker notional) per venue, plus a few
log-wide rates (maker/taker fee and slippage rates, the latency-slippage slope).

Trades whose liquidity is unknown (missing or any other label) stay in every total but in
neither the maker nor the taker notional, so maker/taker shocks act only on flow whose side
is known - the same ``unknown`` bucket as the TCO fees and counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.core.trades.units import BPS
from stage5kit.errors import InputError

COSTED_COLUMNS = ("timestamp", "venue", "liquidity", "notional", "fee", "slippage_cost")


@dataclass(frozen=True, slots=True, kw_only=True)
class CostHistory:
    """Per-day x per-venue sums of a trade log; arrays have shape (days, venues)."""

    days: tuple[str, ...]
    venues: tuple[str, ...]
    trades: np.ndarray
    notional: np.ndarray
    fee_charged: np.ndarray
    fee_rebate: np.ndarray
    slippage_cost: np.ndarray
    maker_notional: np.ndarray
    taker_notional: np.ndarray
    maker_fee_charged_rate: float
    maker_fee_rebate_rate: float
    taker_fee_charged_rate: float
    taker_fee_rebate_rate: float
    maker_slippage_rate: float
    taker_slippage_rate: float
    mean_slippage_bps: float
    latency_slope_bps_per_10ms: float

    def daily_cost(self) -> np.ndarray:
        """Return each historical day's trading cost (fees + slippage), summed over venues."""
        total: np.ndarray = (self.fee_charged + self.fee_rebate + self.slippage_cost).sum(axis=1)
        return total


def build_cost_history(costed: pd.DataFrame, *, latency_slope_bps_per_10ms: float) -> CostHistory:
    """Reduce a costed trade log (per-trade notional, fee, slippage_cost) to daily sums."""
    missing = [c for c in COSTED_COLUMNS if c not in costed.columns]
    if missing:
        msg = f"costed trade log lacks column(s) {missing} (run it through add_trade_costs first)"
        raise InputError(msg, column=missing[0])
    if costed.empty:
        msg = "the trade log has no trades: there is no history to resample"
        raise InputError(msg)
    timestamps = pd.to_datetime(costed["timestamp"], utc=True).dt.tz_localize(None)
    day_values = timestamps.to_numpy().astype("datetime64[D]")
    day_idx, days = pd.factorize(day_values, sort=True)
    venue_idx, venues = pd.factorize(costed["venue"].astype(str), sort=True)
    shape = (len(days), len(venues))
    cell = day_idx * len(venues) + venue_idx

    notional = costed["notional"].to_numpy(dtype=np.float64)
    fee = costed["fee"].to_numpy(dtype=np.float64)
    slippage = costed["slippage_cost"].to_numpy(dtype=np.float64)
    liquidity = costed["liquidity"].astype(str)
    maker = (liquidity == "maker").to_numpy()
    taker = (liquidity == "taker").to_numpy()
    charged = np.where(fee > 0, fee, 0.0)
    rebate = np.where(fee < 0, fee, 0.0)

    def per_cell(values: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=values, minlength=shape[0] * shape[1]).reshape(shape)

    maker_notional = notional[maker].sum()
    taker_notional = notional[taker].sum()
    return CostHistory(
        days=tuple(str(d) for d in np.datetime_as_string(np.asarray(days), unit="D")),
        venues=tuple(str(v) for v in venues),
        trades=per_cell(np.ones_like(notional)),
        notional=per_cell(notional),
        fee_charged=per_cell(charged),
        fee_rebate=per_cell(rebate),
        slippage_cost=per_cell(slippage),
        maker_notional=per_cell(np.where(maker, notional, 0.0)),
        taker_notional=per_cell(np.where(taker, notional, 0.0)),
        maker_fee_charged_rate=_rate(charged[maker].sum(), maker_notional),
        maker_fee_rebate_rate=_rate(rebate[maker].sum(), maker_notional),
        taker_fee_charged_rate=_rate(charged[taker].sum(), taker_notional),
        taker_fee_rebate_rate=_rate(rebate[taker].sum(), taker_notional),
        maker_slippage_rate=_rate(slippage[maker].sum(), maker_notional),
        taker_slippage_rate=_rate(slippage[taker].sum(), taker_notional),
        mean_slippage_bps=_rate(slippage.sum(), notional.sum()) * BPS,
        latency_slope_bps_per_10ms=float(latency_slope_bps_per_10ms),
    )


def _rate(amount: float, notional: float) -> float:
    return float(amount / notional) if notional > 0 else 0.0
