"""Stress test of a trade log: the TCO core's costs, latency slope and infra feed the simulation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from stage5kit.core import (
    BUILTIN_SCENARIOS,
    Budget,
    Scenario,
    SimulationSettings,
    StressSettings,
    TcoOptions,
    analyse_tco,
    generate_trades,
    run_stress_test,
    scale_budget_to_horizon,
)
from stage5kit.errors import ConfigError, InputError

SETTINGS = SimulationSettings(paths=400, days=10, seed=12)


@pytest.fixture(scope="module")
def trades() -> pd.DataFrame:
    """A small synthetic log from the TCO core's generator."""
    return generate_trades(rows=4000, seed=3, days=40)


def _latency_log(slope_bps_per_ms: float) -> pd.DataFrame:
    """Trades whose slippage is exactly slope x latency bps, fees a flat 2 bps."""
    rng = np.random.default_rng(0)
    rows = 3000
    latency = rng.uniform(1.0, 100.0, rows)
    arrival = np.full(rows, 100.0)
    is_buy = rng.random(rows) < 0.5
    sign = np.where(is_buy, 1.0, -1.0)
    fill = arrival * (1 + sign * slope_bps_per_ms * latency / 1e4)
    quantity = np.full(rows, 50.0)
    return pd.DataFrame(
        {
            "timestamp": pd.Timestamp("2026-03-01", tz="UTC")
            + pd.to_timedelta(np.sort(rng.uniform(0, 30, rows)), unit="D"),
            "trade_id": np.arange(1, rows + 1),
            "strategy": "s",
            "venue": np.where(rng.random(rows) < 0.5, "v1", "v2"),
            "symbol": "X",
            "side": np.where(is_buy, "buy", "sell"),
            "liquidity": "taker",
            "quantity": quantity,
            "arrival_price": arrival,
            "fill_price": fill,
            "fee": quantity * arrival * 2.0 / 1e4,
            "decision_latency_ms": latency,
        }
    )


def test_latency_shock_uses_the_slope_estimated_from_the_log() -> None:
    """Slippage of 0.05 bps per ms in the log: +40 ms costs 2 bps more per unit of notional."""
    log = _latency_log(0.05)
    result = run_stress_test(log, [Scenario(name="slow", latency_ms_add=40.0)], SETTINGS)
    assert result.settings.latency_slope_bps_per_10ms == pytest.approx(0.5, rel=1e-6)
    assert result.table.loc[1, "delta_cost_bps"] == pytest.approx(2.0, rel=1e-6)


def test_baseline_cost_bps_matches_the_tco_report(trades) -> None:
    """The simulated baseline's cost_bps is the TCO report's cost_bps within Monte Carlo error."""
    overall = analyse_tco(trades, TcoOptions(by=("strategy",))).overall
    result = run_stress_test(trades, [], SimulationSettings(paths=3000, days=10, seed=1))
    row = result.table.iloc[0]
    per_day = overall["trading_cost"] / result.settings.history_days
    assert abs(row["expected_period_cost"] - 10 * per_day) <= 3 * row["period_cost_se"]
    assert row["cost_bps"] == pytest.approx(overall["cost_bps"], rel=0.05)


def test_infra_costs_are_spread_over_trading_days(trades) -> None:
    """With include_tco the infra per day is the TCO report's allocated infra / trading days."""
    infra = pd.DataFrame(
        {
            "month": ["2026-01", "2026-02"],
            "strategy": ["shared", "shared"],
            "category": ["servers", "servers"],
            "amount": [3100.0, 2800.0],
        }
    )
    tco = analyse_tco(trades, TcoOptions(by=("strategy",)), infra_costs=infra).overall
    result = run_stress_test(trades, [], SETTINGS, include_tco=True, infra_costs=infra)
    days = result.settings.history_days
    assert result.settings.infra_cost_per_day == pytest.approx(tco["infra_cost"] / days)
    assert result.table.loc[0, "expected_infra_cost"] == pytest.approx(
        10 * tco["infra_cost"] / days
    )


def test_budget_file_is_scaled_to_the_horizon(trades) -> None:
    """A monthly budget of 30437.5 over 10 days is 10000 for the horizon."""
    budget = Budget(period="month", basis="trading_cost", amounts={"a": 20_000.0, "b": 10_437.5})
    assert scale_budget_to_horizon(budget, days=10, include_tco=False) == pytest.approx(10_000.0)
    result = run_stress_test(trades, [], SETTINGS, budget=budget)
    assert result.settings.budget == pytest.approx(10_000.0)


def test_weekly_budget_scales_by_seven_days() -> None:
    """A weekly budget of 700 over 3 days is 300."""
    budget = Budget(period="week", basis="tco", amounts={"a": 700.0})
    assert scale_budget_to_horizon(budget, days=3, include_tco=True) == pytest.approx(300.0)


def test_budget_basis_must_match_the_comparison() -> None:
    """A TCO budget without include_tco is refused with the fix."""
    budget = Budget(period="day", basis="tco", amounts={"a": 1.0})
    with pytest.raises(ConfigError, match="turn on --include-tco"):
        scale_budget_to_horizon(budget, days=3, include_tco=False)


def test_unknown_outage_venue_is_refused_before_simulating(trades) -> None:
    """An outage of a venue the log lacks is a ConfigError listing its venues."""
    scenario = Scenario(name="x", outage_venue="bitmex")
    with pytest.raises(ConfigError, match="known: binance, coinbase, kraken, okx"):
        run_stress_test(trades, [scenario], SETTINGS)


def test_invalid_trades_are_refused(trades) -> None:
    """A trade log with a non-positive quantity is an InputError."""
    bad = trades.copy()
    bad.loc[5, "quantity"] = 0.0
    with pytest.raises(InputError, match="quantity"):
        run_stress_test(bad, BUILTIN_SCENARIOS, SETTINGS)


def test_a_thin_history_is_warned_about(trades: pd.DataFrame) -> None:
    """A 3-day log simulated over 30 days with blocks of 5 carries notes on every shortfall."""
    three_days = trades[
        trades["timestamp"] < trades["timestamp"].min().normalize() + pd.Timedelta(days=3)
    ]
    settings = SimulationSettings(paths=200, days=30, seed=1, block_length=5.0)
    result = run_stress_test(three_days, [BUILTIN_SCENARIOS[0]], settings)
    joined = " | ".join(result.notes)
    assert "fewer than the 30-day horizon" in joined
    assert "fewer than 3 blocks" in joined
    assert "only 3 trading days" in joined


def test_a_missing_slope_names_the_latency_scenarios_it_silences(trades: pd.DataFrame) -> None:
    """With constant latency the slope is undefined; the note names the latency scenarios."""
    flat = trades.assign(decision_latency_ms=12.5)
    result = run_stress_test(flat, list(BUILTIN_SCENARIOS), SETTINGS)
    note = next(n for n in result.notes if "latency-slippage slope not available" in n)
    assert "latency_spike" in note
    assert "exercise_cost_growth" in note
    assert "fee_hike_50" not in note


def test_maker_shift_leaves_trades_of_unknown_liquidity_alone(trades: pd.DataFrame) -> None:
    """A maker-share shock moves only flow of known liquidity: an all-unknown log is unmoved."""
    unknown = trades.assign(liquidity=None)
    shock = Scenario(name="crunch", maker_share_shift=-0.5)
    table = run_stress_test(unknown, [shock], SETTINGS).table.set_index("scenario")
    assert table.loc["crunch", "expected_period_cost"] == pytest.approx(
        table.loc["baseline", "expected_period_cost"]
    )


def test_settings_are_a_frozen_typed_record(trades: pd.DataFrame) -> None:
    """The result's settings are a StressSettings: typed fields, and one flat summary record."""
    result = run_stress_test(trades, BUILTIN_SCENARIOS[:2], SETTINGS, budget=50_000.0)
    settings = result.settings
    assert isinstance(settings, StressSettings)
    assert settings.simulation is SETTINGS
    assert settings.budget == 50_000.0
    assert settings.history_days == len(set(trades["timestamp"].dt.strftime("%Y-%m-%d")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.budget = 1.0  # type: ignore[misc]
    record = settings.as_record()
    assert list(record)[:6] == ["paths", "days", "seed", "block", "block_length", "workers"]
    assert record["paths"] == 400
    assert record["venues"] == settings.venues
