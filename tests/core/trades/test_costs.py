"""Per-trade costs follow the documented sign convention: positive is a cost, buy and sell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stage5kit.core import add_trade_costs


def _trades(side: str, arrival: float, fill: float, fee: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "side": [side],
            "quantity": [2.0],
            "arrival_price": [arrival],
            "fill_price": [fill],
            "fee": [fee],
        }
    )


def test_buy_above_arrival_is_a_cost() -> None:
    """A buy filled above arrival has positive slippage in bps and money."""
    out = add_trade_costs(_trades("buy", 100.0, 100.1, 0.02))
    assert np.isclose(out["slippage_bps"].iloc[0], 10.0)
    assert np.isclose(out["slippage_cost"].iloc[0], 0.2)
    assert np.isclose(out["total_cost"].iloc[0], 0.22)
    assert np.isclose(out["notional"].iloc[0], 200.0)
    assert np.isclose(out["fee_bps"].iloc[0], 1.0)
    assert np.isclose(out["cost_bps"].iloc[0], 11.0)


def test_sell_below_arrival_is_a_cost() -> None:
    """A sell filled below arrival is a positive cost too."""
    out = add_trade_costs(_trades("sell", 100.0, 99.9, 0.0))
    assert np.isclose(out["slippage_bps"].iloc[0], 10.0)
    assert np.isclose(out["slippage_cost"].iloc[0], 0.2)


def test_price_improvement_and_rebate_are_negative() -> None:
    """A sell above arrival and a negative fee (rebate) lower the cost below zero."""
    out = add_trade_costs(_trades("sell", 100.0, 100.05, -0.01))
    assert np.isclose(out["slippage_bps"].iloc[0], -5.0)
    assert np.isclose(out["total_cost"].iloc[0], -0.11)
    assert np.isclose(out["cost_bps"].iloc[0], out["fee_bps"].iloc[0] + out["slippage_bps"].iloc[0])


def test_input_frame_is_not_modified() -> None:
    """add_trade_costs returns a new frame and leaves its input as it was."""
    trades = _trades("buy", 100.0, 100.1, 0.02)
    before = trades.copy()
    add_trade_costs(trades)
    pd.testing.assert_frame_equal(trades, before)
