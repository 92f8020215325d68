"""The synthetic trade log is deterministic, valid and carries the workshop's cost story."""

from __future__ import annotations

import pandas as pd
import pytest

from stage5kit.core import add_trade_costs, generate_trades
from stage5kit.core.trades.schema import TRADE_COLUMNS


@pytest.fixture(scope="module")
def trades() -> pd.DataFrame:
    return generate_trades(rows=20_000, seed=11)


def test_same_seed_gives_identical_frames() -> None:
    """Two calls with the same seed return equal frames, another seed a different one."""
    pd.testing.assert_frame_equal(
        generate_trades(rows=500, seed=3), generate_trades(rows=500, seed=3)
    )
    assert not generate_trades(rows=500, seed=3).equals(generate_trades(rows=500, seed=4))


def test_columns_follow_the_schema(trades: pd.DataFrame) -> None:
    """Columns are the schema's, timestamps are UTC and sorted, ids unique."""
    assert tuple(trades.columns) == TRADE_COLUMNS
    assert str(trades["timestamp"].dt.tz) == "UTC"
    assert trades["timestamp"].is_monotonic_increasing
    assert trades["trade_id"].is_unique


def test_log_mixes_strategies_venues_and_liquidity(trades: pd.DataFrame) -> None:
    """Several strategies, venues and symbols trade, as makers and takers, over months."""
    assert trades["strategy"].nunique() >= 4
    assert trades["venue"].nunique() >= 3
    assert set(trades["liquidity"]) == {"maker", "taker"}
    span = trades["timestamp"].max() - trades["timestamp"].min()
    assert span > pd.Timedelta(days=90)


def test_makers_get_rebates_and_pay_less(trades: pd.DataFrame) -> None:
    """Some maker fees are negative (rebates) and makers' cost_bps is below takers'."""
    costed = add_trade_costs(trades)
    makers = costed[costed["liquidity"] == "maker"]
    takers = costed[costed["liquidity"] == "taker"]
    assert (makers["fee"] < 0).any()
    assert makers["cost_bps"].mean() < takers["cost_bps"].mean()


def test_slippage_grows_with_latency(trades: pd.DataFrame) -> None:
    """Taker slippage is higher for the slowest decisions than for the fastest."""
    costed = add_trade_costs(trades)
    takers = costed[costed["liquidity"] == "taker"]
    slow = takers["decision_latency_ms"] > takers["decision_latency_ms"].quantile(0.8)
    fast = takers["decision_latency_ms"] < takers["decision_latency_ms"].quantile(0.2)
    assert takers.loc[slow, "slippage_bps"].mean() > takers.loc[fast, "slippage_bps"].mean() + 1


def test_costs_grow_after_the_regime_shift(trades: pd.DataFrame) -> None:
    """Cost in bps over the last month exceeds the first month's (the cost-growth story)."""
    costed = add_trade_costs(trades)
    month = costed["timestamp"].dt.month
    first = costed[month == 1]
    last = costed[month == 4]
    first_bps = first["total_cost"].sum() / first["notional"].sum()
    last_bps = last["total_cost"].sum() / last["notional"].sum()
    assert last_bps > first_bps * 1.1


def test_regime_shift_moves_the_day_strategy_and_venue() -> None:
    """A later shift on one strategy: its latency grows from that day, the others' does not."""
    from stage5kit.core.trades import RegimeShift

    shift = RegimeShift(at=0.7, strategies=("momentum",), venue="kraken")
    trades = generate_trades(rows=20_000, seed=5, days=100, shift=shift)
    day = (trades["timestamp"] - trades["timestamp"].min()).dt.days
    latency = trades.groupby([trades["strategy"], day >= 70])["decision_latency_ms"].median()
    assert latency["momentum"][True] > 1.5 * latency["momentum"][False]
    assert latency["twap_execution"][True] < 1.2 * latency["twap_execution"][False]


@pytest.mark.parametrize(
    "shift",
    [{"at": 0.0}, {"at": 1.0}, {"venue": "nasdaq"}, {"strategies": ("hodl",)}],
)
def test_a_shift_outside_the_period_or_the_generator_is_refused(shift: dict[str, object]) -> None:
    from stage5kit.core.trades import RegimeShift

    with pytest.raises(ValueError, match="shift"):
        generate_trades(rows=10, seed=1, shift=RegimeShift(**shift))  # type: ignore[arg-type]
