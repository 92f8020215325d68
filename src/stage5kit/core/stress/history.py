"""The cost history a stress simulation resamples: per-day, per-venue sums of a costed log.

The bootstrap draws whole historical days, so a day's trades travel together and the
simulation never loops over trades: each day is reduced once to sums (trades, notional,
charged fees, rebates, slippage cost, maker and taker notional) per venue, plus a few
log-wide rates (maker/taker fee and slippage rates, the latency-slippage slope). The sums
are first kept per (day, venue, liquidity side) cell, which batches of a streamed log add
up to, so a history of any log's length fits in days x venues x 3 rows.

Trades whose liquidity is unknown (missing or any other label) stay in every total but in
neither the maker nor the taker notional, so maker/taker shocks act only on flow whose side
is known - the same ``unknown`` bucket as the TCO fees and counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.core.trades.units import BPS
from stage5kit.errors import InputError

COSTED_COLUMNS = ("timestamp", "venue", "liquidity", "notional", "fee", "slippage_cost")
_CELL_KEYS = ["day", "venue", "side"]


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
    slope = latency_slope_bps_per_10ms
    return history_from_cells(_cost_rows(costed), latency_slope_bps_per_10ms=slope)


def cost_cells(costed: pd.DataFrame) -> pd.DataFrame:
    """Sums per (day, venue, liquidity side) of a costed log or batch: a history's mergeable part.

    ``side`` is 0 for maker, 1 for taker, 2 for any other or missing liquidity; cells of
    several batches merge with :func:`merge_cost_cells`.
    """
    return merge_cost_cells([_cost_rows(costed)])


def _cost_rows(costed: pd.DataFrame) -> pd.DataFrame:
    """One cell row per trade (summing rows of one cell gives the cell)."""
    missing = [c for c in COSTED_COLUMNS if c not in costed.columns]
    if missing:
        msg = f"costed trade log lacks column(s) {missing} (run it through add_trade_costs first)"
        raise InputError(msg, column=missing[0])
    timestamps = pd.to_datetime(costed["timestamp"], utc=True).dt.tz_localize(None)
    liquidity = costed["liquidity"].astype(str).to_numpy()
    fee = costed["fee"].to_numpy(dtype=np.float64)
    return pd.DataFrame(
        {
            "day": timestamps.to_numpy().astype("datetime64[D]"),
            "venue": costed["venue"].astype(str).to_numpy(),
            "side": np.where(liquidity == "maker", 0, np.where(liquidity == "taker", 1, 2)),
            "trades": np.ones(len(costed)),
            "notional": costed["notional"].to_numpy(dtype=np.float64),
            "fee_charged": np.where(fee > 0, fee, 0.0),
            "fee_rebate": np.where(fee < 0, fee, 0.0),
            "slippage_cost": costed["slippage_cost"].to_numpy(dtype=np.float64),
        }
    )


def merge_cost_cells(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Add the cells of several batches (or of trades) cell by cell: bounded by days x venues."""
    joined = pd.concat(parts, ignore_index=True)
    return joined.groupby(_CELL_KEYS, sort=True, as_index=False).sum()


def history_from_cells(cells: pd.DataFrame, *, latency_slope_bps_per_10ms: float) -> CostHistory:
    """The cost history of a log from its cells (:func:`cost_cells`; a cell may repeat)."""
    if cells.empty:
        msg = "the trade log has no trades: there is no history to resample"
        raise InputError(msg)
    day_idx, days = pd.factorize(cells["day"].to_numpy(), sort=True)
    venue_idx, venues = pd.factorize(cells["venue"].to_numpy(), sort=True)
    shape = (len(days), len(venues))
    cell = day_idx * len(venues) + venue_idx

    def per_cell(values: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=values, minlength=shape[0] * shape[1]).reshape(shape)

    notional = cells["notional"].to_numpy()
    charged = cells["fee_charged"].to_numpy()
    rebate = cells["fee_rebate"].to_numpy()
    slippage = cells["slippage_cost"].to_numpy()
    maker = (cells["side"] == 0).to_numpy()
    taker = (cells["side"] == 1).to_numpy()
    maker_notional = notional[maker].sum()
    taker_notional = notional[taker].sum()
    return CostHistory(
        days=tuple(str(d) for d in np.datetime_as_string(np.asarray(days), unit="D")),
        venues=tuple(str(v) for v in venues),
        trades=per_cell(cells["trades"].to_numpy()),
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
