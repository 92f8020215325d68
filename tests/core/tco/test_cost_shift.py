"""find_cost_shift places the change point of daily cost; compare_cost_periods reads around it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from stage5kit.core import (
    TcoOptions,
    add_trade_costs,
    analyse_tco,
    compare_cost_periods,
    find_cost_shift,
    generate_trades,
)
from stage5kit.errors import ConfigError, InputError

DAYS = pd.date_range("2026-01-01", periods=40, freq="D").strftime("%Y-%m-%d")


def _daily(cost_bps: list[float], *, notional: float = 1e6, n_trades: int = 10) -> pd.DataFrame:
    """One strategy's daily costs with the given cost in bps per day."""
    return pd.DataFrame(
        {
            "strategy": "s",
            "day": DAYS[: len(cost_bps)],
            "n_trades": n_trades,
            "notional": notional,
            "trading_cost": np.asarray(cost_bps) * notional / 1e4,
        }
    )


def _trades(rows: list[tuple[str, str, float, float, float, float]]) -> pd.DataFrame:
    """Costed trades from (timestamp, venue, notional, fee, slippage_cost, latency) tuples."""
    frame = pd.DataFrame(
        rows, columns=["timestamp", "venue", "notional", "fee", "slippage_cost", "latency"]
    )
    return frame.assign(
        timestamp=pd.to_datetime(frame["timestamp"], utc=True),
        total_cost=frame["fee"] + frame["slippage_cost"],
        decision_latency_ms=frame.pop("latency"),
    )


def test_finds_the_regime_shift_of_the_synthetic_log() -> None:
    """On a synthetic log the shift lands on the day the generator raises costs (60% in)."""
    trades = generate_trades(rows=8_000, seed=3, days=60)
    shift = find_cost_shift(analyse_tco(trades, TcoOptions(by=("strategy",))).daily_costs)
    assert shift.day == "2026-02-06"
    assert shift.cost_bps_after > shift.cost_bps_before
    assert shift.cost_per_trade_change_pct > 10
    assert (shift.days_before, shift.days_after) == (36, 24)


def test_a_step_is_split_exactly_with_its_two_levels() -> None:
    """A series at 4 bps for 12 days then 7 bps for 8 days splits on day 13 with levels 4 and 7."""
    shift = find_cost_shift(_daily([4.0] * 12 + [7.0] * 8), min_days=3)
    assert shift.day == DAYS[12]
    assert shift.cost_bps_before == pytest.approx(4.0)
    assert shift.cost_bps_after == pytest.approx(7.0)
    assert shift.cost_bps_change == pytest.approx(3.0)
    assert shift.cost_per_trade_before == pytest.approx(40.0)
    assert shift.cost_per_trade_change_pct == pytest.approx(75.0)
    assert shift.extra_cost == pytest.approx(3.0 * 8 * 1e6 / 1e4)
    assert shift.daily["period"].tolist() == ["before"] * 12 + ["after"] * 8


def test_strategies_are_pooled_per_day() -> None:
    """Two strategies on the same days are summed before the split is searched."""
    first = _daily([2.0] * 10 + [6.0] * 10)
    second = _daily([2.0] * 20).assign(strategy="t")
    shift = find_cost_shift(pd.concat([first, second]), min_days=3)
    assert len(shift.daily) == 20
    assert shift.day == DAYS[10]
    assert shift.cost_bps_after == pytest.approx(4.0)


def test_each_side_keeps_min_days() -> None:
    """A jump on the second-to-last day still leaves min_days on the later side."""
    shift = find_cost_shift(_daily([3.0] * 18 + [9.0] * 2), min_days=5)
    assert shift.days_after == 5
    assert shift.day == DAYS[15]


def test_too_few_days_is_an_input_error() -> None:
    """With fewer than 2 x min_days trading days the error says how many are needed and found."""
    with pytest.raises(InputError, match=r"at least 14 trading days.*the log has 9"):
        find_cost_shift(_daily([1.0] * 9))


def test_min_days_below_one_is_refused() -> None:
    """min_days must be at least one day."""
    with pytest.raises(ConfigError, match="min_days >= 1"):
        find_cost_shift(_daily([1.0] * 20), min_days=0)


@given(
    st.lists(st.floats(min_value=-50, max_value=50, allow_nan=False), min_size=4, max_size=40),
    st.integers(min_value=1, max_value=3),
)
def test_split_minimises_the_squared_error(values: list[float], min_days: int) -> None:
    """The chosen split's within-segment squared error is the smallest over all allowed splits."""
    if len(values) < 2 * min_days:
        return
    shift = find_cost_shift(_daily(values), min_days=min_days)
    series = np.asarray(values)

    def error(split: int) -> float:
        left, right = series[:split], series[split:]
        return float(((left - left.mean()) ** 2).sum() + ((right - right.mean()) ** 2).sum())

    chosen = shift.days_before
    best = min(error(i) for i in range(min_days, len(values) - min_days + 1))
    assert min_days <= chosen <= len(values) - min_days
    assert error(chosen) == pytest.approx(best, rel=1e-9, abs=1e-6)


def test_overall_comparison_matches_hand_computation() -> None:
    """Without groups one row holds the before/after rates computed by hand."""
    trades = _trades(
        [
            ("2026-01-01 10:00", "a", 1e6, 100.0, 100.0, 10.0),
            ("2026-01-02 10:00", "a", 1e6, 100.0, 300.0, 30.0),
            ("2026-01-03 00:00", "a", 2e6, 400.0, 600.0, 50.0),
        ]
    )
    table = compare_cost_periods(trades, split="2026-01-03")
    expected = pd.DataFrame(
        {
            "n_trades_before": [2],
            "cost_per_trade_before": [300.0],
            "cost_bps_before": [3.0],
            "fee_bps_before": [1.0],
            "slippage_bps_before": [2.0],
            "decision_latency_ms_before": [20.0],
            "n_trades_after": [1],
            "cost_per_trade_after": [1000.0],
            "cost_bps_after": [5.0],
            "fee_bps_after": [2.0],
            "slippage_bps_after": [3.0],
            "decision_latency_ms_after": [50.0],
            "cost_per_trade_change": [700.0],
            "cost_bps_change": [2.0],
            "fee_bps_change": [1.0],
            "slippage_bps_change": [1.0],
            "decision_latency_ms_change": [30.0],
            "cost_per_trade_change_pct": [700.0 / 3.0],
            "extra_cost": [400.0],
        }
    )
    assert_frame_equal(table, expected)


def test_groups_are_sorted_by_cost_rise_and_empty_sides_are_nan() -> None:
    """Groups come dearest rise first; a group with no trades after has NaN changes, last."""
    trades = _trades(
        [
            ("2026-01-01", "quiet", 1e6, 100.0, 0.0, 1.0),
            ("2026-01-01", "calm", 1e6, 100.0, 0.0, 1.0),
            ("2026-01-05", "calm", 1e6, 150.0, 0.0, 1.0),
            ("2026-01-01", "hot", 1e6, 100.0, 0.0, 1.0),
            ("2026-01-05", "hot", 1e6, 400.0, 0.0, 1.0),
        ]
    )
    table = compare_cost_periods(trades, split="2026-01-04", by=("venue",))
    assert table["venue"].tolist() == ["hot", "calm", "quiet"]
    assert table["cost_bps_change"].iloc[:2].tolist() == pytest.approx([3.0, 0.5])
    assert table.loc[2, "n_trades_after"] == 0
    assert np.isnan(table.loc[2, "cost_bps_change"])


def test_naive_timestamps_compare_with_the_split_day() -> None:
    """A log read with naive (UTC) timestamps is split at the same day."""
    trades = _trades([("2026-01-01", "a", 1e6, 1.0, 0.0, 1.0), ("2026-01-09", "a", 1e6, 2.0, 0, 1)])
    naive = trades.assign(timestamp=trades["timestamp"].dt.tz_localize(None))
    table = compare_cost_periods(naive, split="2026-01-05")
    assert (table.loc[0, "n_trades_before"], table.loc[0, "n_trades_after"]) == (1, 1)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=2, max_value=30))
def test_group_rows_add_up_to_the_whole_log(seed: int, split_day: int) -> None:
    """Per-venue trade counts on each side sum to the overall ones, for any log and split day."""
    costed = add_trade_costs(generate_trades(rows=300, seed=seed, days=30))
    split = str(pd.Timestamp("2026-01-01") + pd.Timedelta(days=split_day - 1))[:10]
    overall = compare_cost_periods(costed, split=split)
    per_venue = compare_cost_periods(costed, split=split, by=("venue",))
    for side in ("before", "after"):
        assert per_venue[f"n_trades_{side}"].sum() == overall.loc[0, f"n_trades_{side}"]
    assert overall.loc[0, "n_trades_before"] + overall.loc[0, "n_trades_after"] == 300


def _noisy_daily(seed: int, *, step_bps: float, days: int = 60, per_day: int = 40) -> pd.DataFrame:
    """Daily costs of a log whose per-trade cost is noise around 3 bps (sd 4 bps, equal
    notional), plus ``step_bps`` from day 31 on: what ``TcoResult.daily_costs`` holds."""
    rng = np.random.default_rng(seed)
    trade_bps = rng.normal(3.0, 4.0, size=(days, per_day))
    trade_bps[days // 2 :] += step_bps
    notional = 10_000.0
    return pd.DataFrame(
        {
            "strategy": "s",
            "day": pd.date_range("2026-03-01", periods=days, freq="D").strftime("%Y-%m-%d"),
            "n_trades": per_day,
            "notional": notional * per_day,
            "trading_cost": trade_bps.sum(axis=1) * notional / 1e4,
        }
    )


def test_no_change_gives_no_significant_shift_in_at_least_90_of_100_seeds() -> None:
    """On logs without a change the finder says 'no significant shift' for at least 90 seeds."""
    found = [find_cost_shift(_noisy_daily(seed, step_bps=0.0)) for seed in range(100)]
    assert sum(not shift.significant for shift in found) >= 90


def test_a_two_bps_step_is_found_within_a_day_in_at_least_95_of_100_seeds() -> None:
    """A +2 bps step is significant and placed within a day of the true day for 95+ seeds."""
    hits = 0
    for seed in range(100):
        shift = find_cost_shift(_noisy_daily(seed, step_bps=2.0))
        off_by = abs((pd.Timestamp(shift.day) - pd.Timestamp("2026-03-31")).days)
        hits += shift.significant and off_by <= 1
    assert hits >= 95


def test_the_p_value_is_reproducible_and_reflects_the_data() -> None:
    """The same inputs give the same p-value; a clear step gets the smallest p possible."""
    step = _daily([4.0] * 12 + [7.0] * 8)
    first = find_cost_shift(step, min_days=3)
    assert first.p_value == find_cost_shift(step, min_days=3).p_value
    assert first.p_value == pytest.approx(1 / 1000)
    assert first.significant


def test_a_tiny_but_certain_change_is_not_a_shift() -> None:
    """A step below the minimum effect (0.2 bps < 0.5 bps) is not reported as a shift."""
    shift = find_cost_shift(_daily([4.0] * 12 + [4.2] * 8), min_days=3)
    assert shift.p_value < 0.05
    assert not shift.significant


def test_a_percentage_of_a_non_positive_base_is_undefined() -> None:
    """With a zero or negative cost per trade before, the percentage change is NaN, not -362%."""
    shift = find_cost_shift(_daily([-1.0] * 10 + [3.0] * 10), min_days=3)
    assert shift.cost_per_trade_before < 0
    assert np.isnan(shift.cost_per_trade_change_pct)


def test_bad_shift_options_are_config_errors() -> None:
    """A level outside (0, 1) is refused with a ConfigError (exit 2), not a ValueError."""
    with pytest.raises(ConfigError, match="level"):
        find_cost_shift(_daily([4.0] * 20), level=1.5)
