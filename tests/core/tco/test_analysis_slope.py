"""The latency-slippage slope is exact for offset latencies and NaN, with a reason, when flat."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stage5kit.core import TcoOptions, aggregate_trades, analyse_tco, merge_partials


def _trades(latency: np.ndarray, slippage_bps: np.ndarray, *, groups: int = 1) -> pd.DataFrame:
    """Buy trades at price 100 whose fill gives ``slippage_bps``, split over ``groups`` venues."""
    n = len(latency)
    return pd.DataFrame(
        {
            "timestamp": pd.Timestamp("2026-02-02", tz="UTC") + pd.to_timedelta(np.arange(n), "s"),
            "trade_id": np.arange(n),
            "strategy": "s",
            "venue": [f"v{i % groups}" for i in range(n)],
            "symbol": "BTC-USDT",
            "side": "buy",
            "quantity": 1.0,
            "arrival_price": 100.0,
            "fill_price": 100.0 * (1 + slippage_bps / 1e4),
            "fee": 0.0,
            "liquidity": "taker",
            "decision_latency_ms": latency,
        }
    )


def _slope(trades: pd.DataFrame) -> tuple[float, str]:
    result = analyse_tco(trades, TcoOptions(by=("strategy",)))
    row = result.latency_slippage.iloc[0]
    return float(row["slippage_bps_per_10ms"]), str(row["slope_note"])


def test_constant_latency_gives_nan_with_a_reason() -> None:
    """3 trades at 7.3 ms: no slope (the issue saw slope 0.0 with standard error 83,886,080)."""
    trades = _trades(np.full(3, 7.3), np.array([1.0, 2.0, 4.0]))
    slope, note = _slope(trades)
    assert np.isnan(slope)
    assert note == "decision latency has no spread"
    result = analyse_tco(trades, TcoOptions(by=("strategy",)))
    assert np.isnan(result.overall["slippage_bps_per_10ms_se"])
    assert any("no spread" in n for n in result.notes)


@pytest.mark.parametrize("offset", [250.0, 1e6])
def test_near_constant_and_offset_latency_give_the_exact_slope(offset: float) -> None:
    """Latency of offset ± 0.02 ms with slippage = 3 bps per ms of deviation gives 30 bps
    per +10 ms, merged over several venues' partials as well."""
    rng = np.random.default_rng(5)
    deviation = rng.uniform(-0.02, 0.02, size=600)
    trades = _trades(offset + deviation, 2.0 + 3.0 * deviation, groups=4)
    slope, note = _slope(trades)
    assert note == ""
    assert slope == pytest.approx(30.0, rel=1e-6)
    parts = [aggregate_trades(trades.iloc[i::3], by=("venue",)) for i in range(3)]
    merged = merge_partials(parts)
    reference = aggregate_trades(trades, by=("venue",))
    np.testing.assert_allclose(
        merged.cells.sum_of("latency_slippage_cm").sum(),
        reference.cells.sum_of("latency_slippage_cm").sum(),
        rtol=1e-6,
    )


def test_fewer_than_three_trades_give_no_slope() -> None:
    """One trade has no slope; the reason says so."""
    slope, note = _slope(_trades(np.array([5.0]), np.array([1.0])))
    assert np.isnan(slope)
    assert note == "fewer than 3 trades"


def test_unknown_liquidity_has_its_own_bucket() -> None:
    """fees_maker + fees_taker + fees_unknown = fees, and the counts add up the same way."""
    trades = _trades(np.arange(6.0), np.ones(6)).assign(
        fee=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        liquidity=["maker", "taker", None, "maker", None, "taker"],
    )
    kpis = analyse_tco(trades, TcoOptions(by=("strategy",))).overall
    assert (kpis["fees_maker"], kpis["fees_taker"], kpis["fees_unknown"]) == (5.0, 8.0, 8.0)
    assert kpis["fees_maker"] + kpis["fees_taker"] + kpis["fees_unknown"] == kpis["fees"]
    assert (kpis["n_maker"], kpis["n_taker"], kpis["n_unknown"]) == (2, 2, 2)
    assert all(isinstance(kpis[k], int) for k in ("n_trades", "n_maker", "n_taker", "n_unknown"))
