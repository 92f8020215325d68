"""Offline replay: burn-rate alerts fire and clear at the right minute; budget alerts by level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.compliance.observability import (
    ObservabilityConfig,
    burn_rate_timeline,
    replay_budget_alerts,
    replay_burn_rate_alerts,
    slo_events,
)
from stage5kit.compliance.observability.replay import _window_sums
from stage5kit.core import Budget, Thresholds
from stage5kit.errors import ConfigError

from .conftest import make_trades

CONFIG = ObservabilityConfig()


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_latency_incident_fires_the_14x_alert_at_the_right_minute_and_clears_it() -> None:
    """Trades every 10 s, all slow 02:00-02:30: 14.4x fires at 02:09 and clears at 02:35."""
    trades = make_trades(
        "2026-03-02 00:00:05", "2026-03-02 05:59:55", slow=("2026-03-02 02:00", "2026-03-02 02:30")
    )
    episodes = replay_burn_rate_alerts(slo_events(trades, CONFIG), CONFIG)
    fast = episodes[episodes["alert"] == "14.4x 1h/5m"]
    assert fast["subject"].tolist() == ["decision_latency"]
    assert fast["severity"].tolist() == ["page"]
    assert fast["fired_at"].tolist() == [_utc("2026-03-02 02:09")]
    assert fast["cleared_at"].tolist() == [_utc("2026-03-02 02:35")]
    assert set(episodes["subject"]) == {"decision_latency"}


def test_calm_log_fires_nothing() -> None:
    """Six calm hours of fast, cheap trades raise no burn-rate alert at all."""
    trades = make_trades("2026-03-02 00:00:05", "2026-03-02 05:59:55")
    episodes = replay_burn_rate_alerts(slo_events(trades, CONFIG), CONFIG)
    assert episodes.empty


def test_min_event_guard_keeps_a_thin_log_quiet() -> None:
    """The same incident with one trade per 5 minutes (12 an hour, below 20) fires no 14.4x."""
    trades = make_trades(
        "2026-03-02 00:00:05",
        "2026-03-02 05:59:55",
        every="5min",
        slow=("2026-03-02 02:00", "2026-03-02 02:30"),
    )
    events = slo_events(trades, CONFIG)
    assert "14.4x 1h/5m" not in set(replay_burn_rate_alerts(events, CONFIG)["alert"])
    loose = ObservabilityConfig(min_events=5)
    assert "14.4x 1h/5m" in set(replay_burn_rate_alerts(events, loose)["alert"])


def test_cost_slo_counts_trades_over_their_strategy_limit() -> None:
    """A trade is bad for execution_cost when its cost_bps exceeds its strategy's limit."""
    trades = make_trades("2026-03-02 00:00:05", "2026-03-02 00:00:35")
    trades.loc[1, "fill_price"] = 100.5  # 50 bps slippage on a buy
    limits = Thresholds(max_cost_bps=15.0)
    events = slo_events(trades, CONFIG, limits)
    assert events["execution_cost"].tolist() == [True, False, True, True]
    assert slo_events(trades, CONFIG)["execution_cost"].all()


def test_burn_rate_timeline_gives_the_ratio_over_the_error_budget() -> None:
    """At 02:09 the 1h window holds 54 slow of 360 trades: burn rate 0.15 / 0.01 = 15."""
    trades = make_trades(
        "2026-03-02 00:00:05", "2026-03-02 03:00:05", slow=("2026-03-02 02:00", "2026-03-02 02:30")
    )
    timeline = burn_rate_timeline(slo_events(trades, CONFIG), CONFIG, "decision_latency")
    row = timeline[(timeline["time"] == _utc("2026-03-02 02:09")) & (timeline["window"] == "1h")]
    assert row["events"].tolist() == [360]
    assert row["burn_rate"].tolist() == pytest.approx([15.0])


def test_budget_levels_fire_for_an_overspending_strategy_only() -> None:
    """A steady cost projecting to 120% of one budget fires 80/90/100% as the day fills; 30%, none.

    From midnight the 1-day window fills linearly, so the projection reaches 80% of the
    budget after 16 h (16/24 x 120%), 90% after 18 h and 100% after 20 h.
    """
    trades = make_trades("2026-03-02 00:00:30", "2026-03-04 00:00:00", every="1min")
    other = trades.assign(strategy="stat_arb")
    events = slo_events(pd.concat([trades, other], ignore_index=True), CONFIG)
    per_trade = float(events["cost"].iloc[0])
    projected = per_trade * 1440 * 30
    budget = Budget(
        period="month", amounts={"momentum": projected / 1.2, "stat_arb": projected / 0.3}
    )
    episodes = replay_budget_alerts(events, budget, CONFIG)
    assert set(episodes["subject"]) == {"momentum"}
    fired = dict(zip(episodes["alert"], episodes["fired_at"], strict=True))
    for level, hour in (("80%", 16), ("90%", 18), ("100%", 20)):
        due = _utc(f"2026-03-02 {hour:02d}:00")
        assert due <= fired[f"budget {level}"] <= due + pd.Timedelta(minutes=1)
    assert episodes["cleared_at"].isna().all()


def test_unknown_slo_is_a_config_error() -> None:
    """Asking for the timeline of an SLO that does not exist names the known ones."""
    events = slo_events(make_trades("2026-03-02 00:00:05", "2026-03-02 00:10:05"), CONFIG)
    with pytest.raises(ConfigError, match="decision_latency, execution_cost"):
        burn_rate_timeline(events, CONFIG, "availability")


@given(
    counts=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=200),
    steps=st.integers(min_value=1, max_value=30),
)
def test_window_sums_match_a_naive_sum(counts: list[int], steps: int) -> None:
    """The cumulative-sum window equals summing the last ``steps`` minutes by hand."""
    values = np.array(counts, dtype=np.float64)
    expected = [values[max(0, i - steps + 1) : i + 1].sum() for i in range(len(values))]
    assert _window_sums(values, steps * 60).tolist() == pytest.approx(expected)
