"""The cost history: per-day, per-venue sums of a costed trade log."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.core import add_trade_costs, build_cost_history, generate_trades
from stage5kit.core.stress import cost_cells, history_from_cells, merge_cost_cells
from stage5kit.errors import InputError

_TRADE = st.tuples(
    st.integers(0, 9),
    st.sampled_from(["alpha", "beta", "gamma"]),
    st.sampled_from(["maker", "taker", None]),
    st.floats(1.0, 1e6),
    st.floats(-50.0, 50.0),
    st.floats(-100.0, 100.0),
)


@given(st.lists(_TRADE, min_size=1, max_size=60))
def test_history_sums_equal_the_log_totals(trades) -> None:
    """Day x venue sums add up to the log's trades, notional, fees, rebates and slippage."""
    frame = pd.DataFrame(
        trades, columns=["day", "venue", "liquidity", "notional", "fee", "slippage_cost"]
    )
    frame["timestamp"] = pd.Timestamp("2026-02-01", tz="UTC") + pd.to_timedelta(
        frame["day"], unit="D"
    )
    history = build_cost_history(frame, latency_slope_bps_per_10ms=0.3)
    fee = frame["fee"].to_numpy()
    assert history.days == tuple(f"2026-02-{d + 1:02d}" for d in sorted(frame["day"].unique()))
    assert history.venues == tuple(sorted(frame["venue"].unique()))
    assert history.trades.sum() == len(frame)
    assert history.notional.sum() == pytest.approx(frame["notional"].sum())
    assert history.fee_charged.sum() == pytest.approx(fee[fee > 0].sum())
    assert history.fee_rebate.sum() == pytest.approx(fee[fee < 0].sum())
    assert history.slippage_cost.sum() == pytest.approx(frame["slippage_cost"].sum(), abs=1e-6)
    maker = frame["liquidity"] == "maker"
    assert history.maker_notional.sum() == pytest.approx(frame.loc[maker, "notional"].sum())
    expected_daily = (
        frame.assign(cost=frame["fee"] + frame["slippage_cost"]).groupby("day")["cost"].sum()
    )
    np.testing.assert_allclose(history.daily_cost(), expected_daily.to_numpy(), atol=1e-6)


def test_history_of_the_sample_generator_matches_its_costs() -> None:
    """A generated log's daily cost series equals add_trade_costs' total_cost per UTC day."""
    costed = add_trade_costs(generate_trades(rows=3000, seed=2, days=15))
    history = build_cost_history(costed, latency_slope_bps_per_10ms=0.5)
    by_day = costed.groupby(costed["timestamp"].dt.strftime("%Y-%m-%d"))["total_cost"].sum()
    assert history.days == tuple(by_day.index)
    np.testing.assert_allclose(history.daily_cost(), by_day.to_numpy(), rtol=1e-12)
    assert history.latency_slope_bps_per_10ms == 0.5


def test_rates_are_per_unit_of_notional() -> None:
    """Maker and taker fee and slippage rates are their sums over their notional."""
    frame = pd.DataFrame(
        {
            "timestamp": pd.Timestamp("2026-02-01", tz="UTC"),
            "venue": "v",
            "liquidity": ["maker", "maker", "taker"],
            "notional": [100.0, 300.0, 1000.0],
            "fee": [-0.01, 0.05, 0.4],
            "slippage_cost": [0.02, 0.02, 0.3],
        }
    )
    history = build_cost_history(frame, latency_slope_bps_per_10ms=0.0)
    assert history.maker_fee_charged_rate == pytest.approx(0.05 / 400)
    assert history.maker_fee_rebate_rate == pytest.approx(-0.01 / 400)
    assert history.taker_fee_charged_rate == pytest.approx(0.4 / 1000)
    assert history.maker_slippage_rate == pytest.approx(0.04 / 400)
    assert history.taker_slippage_rate == pytest.approx(0.3 / 1000)
    assert history.mean_slippage_bps == pytest.approx(0.34 / 1400 * 1e4)


def test_missing_cost_columns_are_refused() -> None:
    """A log that was not costed is an InputError naming the missing column."""
    frame = pd.DataFrame({"timestamp": [], "venue": [], "liquidity": [], "notional": []})
    with pytest.raises(InputError, match=r"lacks column\(s\) \['fee', 'slippage_cost'\]"):
        build_cost_history(frame, latency_slope_bps_per_10ms=0.0)


def test_empty_log_is_refused() -> None:
    """A log without trades has no history to resample."""
    frame = pd.DataFrame(
        columns=["timestamp", "venue", "liquidity", "notional", "fee", "slippage_cost"]
    )
    with pytest.raises(InputError, match="no trades"):
        build_cost_history(frame, latency_slope_bps_per_10ms=0.0)


@given(st.lists(_TRADE, min_size=1, max_size=60), st.lists(st.integers(1, 59), max_size=5))
def test_cells_of_any_split_merge_to_the_history_of_the_whole(trades, cuts) -> None:
    """Batches reduced to cells and merged give the history of the whole log (to rounding)."""
    frame = pd.DataFrame(
        trades, columns=["day", "venue", "liquidity", "notional", "fee", "slippage_cost"]
    )
    frame["timestamp"] = pd.Timestamp("2026-02-01", tz="UTC") + pd.to_timedelta(
        frame["day"], unit="D"
    )
    edges = [0, *sorted({c for c in cuts if c < len(frame)}), len(frame)]
    parts = [cost_cells(frame.iloc[a:b]) for a, b in itertools.pairwise(edges)]
    merged = history_from_cells(merge_cost_cells(parts), latency_slope_bps_per_10ms=0.3)
    whole = build_cost_history(frame, latency_slope_bps_per_10ms=0.3)
    assert (merged.days, merged.venues) == (whole.days, whole.venues)
    for name in ("trades", "notional", "fee_charged", "fee_rebate", "slippage_cost"):
        np.testing.assert_allclose(getattr(merged, name), getattr(whole, name), atol=1e-6)
    np.testing.assert_allclose(merged.maker_notional, whole.maker_notional, atol=1e-6)
    assert merged.taker_slippage_rate == pytest.approx(whole.taker_slippage_rate, abs=1e-9)
    assert merged.mean_slippage_bps == pytest.approx(whole.mean_slippage_bps, abs=1e-6)
