"""Per-trade costs: notional, fees and arrival slippage in bps and money (positive = cost).

Sign convention: ``side_sign`` is +1 for a buy and -1 for a sell, and
``slippage_cost = side_sign * (fill_price - arrival_price) * quantity``, so paying up on a
buy and selling below arrival on a sell are both positive costs; price improvement is
negative. ``notional = quantity * arrival_price`` (the decision-time value), so
``cost_bps = fee_bps + slippage_bps`` holds trade by trade and in notional-weighted sums.
A negative fee is a rebate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.core.trades.units import BPS


@dataclass(frozen=True, slots=True)
class TradeCosts:
    """Per-trade cost arrays, aligned with the trade rows they came from."""

    notional: np.ndarray
    fee: np.ndarray
    slippage_cost: np.ndarray
    slippage_bps: np.ndarray


def compute_trade_costs(
    *,
    quantity: np.ndarray,
    arrival_price: np.ndarray,
    fill_price: np.ndarray,
    fee: np.ndarray,
    side_sign: np.ndarray,
) -> TradeCosts:
    """Return the per-trade cost arrays of the module's sign convention (side_sign: +1/-1)."""
    notional = quantity * arrival_price
    shortfall = fill_price - arrival_price
    shortfall *= side_sign
    slippage_cost = shortfall * quantity
    slippage_bps = shortfall / arrival_price * BPS
    return TradeCosts(
        notional=notional,
        fee=fee,
        slippage_cost=slippage_cost,
        slippage_bps=slippage_bps,
    )


def add_trade_costs(trades: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of a validated trade frame with the per-trade cost columns added."""
    costs = compute_trade_costs(
        quantity=trades["quantity"].to_numpy(dtype=np.float64),
        arrival_price=trades["arrival_price"].to_numpy(dtype=np.float64),
        fill_price=trades["fill_price"].to_numpy(dtype=np.float64),
        fee=trades["fee"].to_numpy(dtype=np.float64),
        side_sign=np.where((trades["side"].astype(str) == "buy").to_numpy(), 1.0, -1.0),
    )
    out = trades.copy()
    out["notional"] = costs.notional
    out["fee_bps"] = costs.fee / costs.notional * BPS
    out["slippage_bps"] = costs.slippage_bps
    out["slippage_cost"] = costs.slippage_cost
    total_cost = costs.fee + costs.slippage_cost
    out["total_cost"] = total_cost
    out["cost_bps"] = total_cost / costs.notional * BPS
    return out
