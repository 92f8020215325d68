"""analyse_tco: infra allocation, budgets, thresholds, anomalies and notes behave as documented."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stage5kit.core import (
    Budget,
    TcoOptions,
    Thresholds,
    analyse_tco,
    analyse_tco_file,
    detect_cost_anomalies,
    evaluate_budgets,
    generate_trades,
    load_trades,
    write_trades,
)
from stage5kit.core.trades.validation import NAIVE_TIMESTAMP_NOTE
from stage5kit.errors import InputError


@pytest.fixture(scope="module")
def trades_log() -> pd.DataFrame:
    """A synthetic log of 6,000 trades over 60 days from 2026-01-01."""
    return generate_trades(rows=6_000, seed=4, days=60)


@pytest.fixture(scope="module")
def infra_costs() -> pd.DataFrame:
    """Shared and own infra costs in January and February, and one in June (no trades then)."""
    return pd.DataFrame(
        {
            "month": ["2026-01", "2026-01", "2026-02", "2026-06"],
            "strategy": ["shared", "momentum", "shared", "momentum"],
            "category": ["data", "servers", "data", "servers"],
            "amount": [3000.0, 1200.0, 2000.0, 999.0],
        }
    )


def test_in_memory_and_streamed_results_agree(
    trades_log: pd.DataFrame, infra_costs: pd.DataFrame, tmp_path: Path
) -> None:
    """analyse_tco on a frame and analyse_tco_file on its Parquet give the same KPIs."""
    path = write_trades(trades_log, tmp_path / "t.parquet")
    memory = analyse_tco(trades_log, TcoOptions(by=("strategy", "week")), infra_costs=infra_costs)
    streamed = analyse_tco_file(
        path, TcoOptions(by=("strategy", "week")), infra_costs=infra_costs, batch_rows=1_000
    )
    pd.testing.assert_frame_equal(memory.kpis, streamed.kpis, rtol=1e-9)
    pd.testing.assert_frame_equal(memory.daily_costs, streamed.daily_costs, rtol=1e-9)


@pytest.mark.parametrize("allocation", ["trades", "notional"])
def test_infra_allocated_in_full_where_trades_exist(
    trades_log: pd.DataFrame, infra_costs: pd.DataFrame, allocation: str
) -> None:
    """Infra of months with trades is allocated in full; a month without trades is reported."""
    result = analyse_tco(
        trades_log, TcoOptions(by=("venue",), allocation=allocation), infra_costs=infra_costs
    )
    assert np.isclose(result.kpis["infra_cost"].sum(), 6200.0)
    assert np.isclose(result.overall["infra_cost"], 6200.0)
    assert list(result.unallocated_infra["month"]) == ["2026-06"]
    assert any("999.00" in note for note in result.notes)
    np.testing.assert_allclose(
        result.kpis["tco"], result.kpis["trading_cost"] + result.kpis["infra_cost"]
    )


def test_shared_costs_split_by_trade_count(
    trades_log: pd.DataFrame, infra_costs: pd.DataFrame
) -> None:
    """Shared costs split in proportion to each strategy's trades in the month."""
    january = trades_log[trades_log["timestamp"].dt.month == 1]
    shared = infra_costs[infra_costs["strategy"] == "shared"].iloc[:1]
    result = analyse_tco(january, TcoOptions(by=("strategy",)), infra_costs=shared)
    share = result.kpis["n_trades"] / result.kpis["n_trades"].sum()
    np.testing.assert_allclose(result.kpis["infra_cost"], 3000.0 * share)


def test_own_costs_stay_with_their_strategy(
    trades_log: pd.DataFrame, infra_costs: pd.DataFrame
) -> None:
    """A strategy's own infra cost is carried only by that strategy's trades."""
    own = infra_costs.iloc[[1]]
    kpis = analyse_tco(trades_log, TcoOptions(by=("strategy",)), infra_costs=own).kpis.set_index(
        "strategy"
    )
    assert np.isclose(kpis.loc["momentum", "infra_cost"], 1200.0)
    assert kpis.drop(index="momentum")["infra_cost"].eq(0).all()


@pytest.mark.parametrize(
    ("spend", "status"),
    [
        (79.0, "ok"),
        (80.0, "warn"),
        (89.99, "warn"),
        (90.0, "critical"),
        (100.0, "critical"),
        (100.01, "over"),
    ],
)
def test_budget_grades(spend: float, status: str) -> None:
    """Utilisation below 80% is ok, from 80% warn, from 90% critical, above 100% over."""
    frame = pd.DataFrame({"strategy": ["s"], "period": ["2026-01"], "spend": [spend]})
    graded = evaluate_budgets(frame, Budget(amounts={"s": 100.0}))
    assert graded["status"].iloc[0] == status


def test_budget_status_from_analysis(trades_log: pd.DataFrame) -> None:
    """Monthly budgets are graded per strategy and month on the TCO basis."""
    budget = Budget(period="month", basis="trading_cost", amounts={"momentum": 1.0})
    result = analyse_tco(trades_log, budget=budget)
    assert set(result.budget_status["strategy"]) == {"momentum"}
    assert list(result.budget_status["period"]) == ["2026-01", "2026-02", "2026-03"]
    assert set(result.budget_status["status"]) == {"over"}
    assert any("no budget for strategies" in note for note in result.notes)


def test_thresholds_breaches_with_strategy_override(trades_log: pd.DataFrame) -> None:
    """A per-strategy limit replaces the global one for that strategy's groups."""
    limits = Thresholds(max_cost_bps=1e9, strategies={"momentum": {"max_cost_bps": 0.0}})
    result = analyse_tco(trades_log, TcoOptions(by=("strategy",)), thresholds=limits)
    assert list(result.breaches["strategy"]) == ["momentum"]
    row = result.breaches.iloc[0]
    assert row["metric"] == "cost_bps"
    assert row["value"] > row["limit"] == 0.0
    assert row["scope"] == "strategy=momentum"


def test_overall_breach_is_listed(trades_log: pd.DataFrame) -> None:
    """A limit below the overall latency p95 produces an 'overall' breach."""
    result = analyse_tco(
        trades_log, TcoOptions(by=("venue",)), thresholds=Thresholds(max_latency_p95_ms=1.0)
    )
    assert "overall" in set(result.breaches["scope"])
    assert set(result.breaches["metric"]) == {"decision_latency_ms_p95"}


def test_anomaly_spike_is_found() -> None:
    """A day far above the strategy's rolling 30-day mean is flagged, quiet days are not."""
    days = pd.date_range("2026-01-01", periods=60, freq="D").strftime("%Y-%m-%d")
    cost = 100.0 + np.sin(np.arange(60))
    cost[45] = 500.0
    daily = pd.DataFrame({"strategy": "s", "day": days, "trading_cost": cost})
    found = detect_cost_anomalies(daily, window_days=30, k=2.5)
    assert list(found["day"]) == [days[45]]
    assert found["z_score"].iloc[0] > 2.5


def test_anomaly_needs_enough_history() -> None:
    """With fewer than min_days of history no day can be an anomaly."""
    daily = pd.DataFrame(
        {
            "strategy": "s",
            "day": ["2026-01-01", "2026-01-02", "2026-01-03"],
            "trading_cost": [1.0, 1.0, 50.0],
        }
    )
    assert detect_cost_anomalies(daily).empty


def test_latency_slippage_relation_is_positive(trades_log: pd.DataFrame) -> None:
    """The synthetic log's slippage grows with latency: positive slope, small standard error."""
    relation = analyse_tco(trades_log, TcoOptions(by=())).latency_slippage
    assert (relation["slippage_bps_per_10ms"] > 0).all()
    assert (relation["slippage_bps_per_10ms_se"] < relation["slippage_bps_per_10ms"]).all()


def test_naive_timestamps_are_noted(trades_log: pd.DataFrame) -> None:
    """A frame with naive timestamps is analysed as UTC and the result notes it."""
    naive = trades_log.iloc[:200].copy()
    naive["timestamp"] = naive["timestamp"].dt.tz_localize(None)
    result = analyse_tco(naive, TcoOptions(by=("day",)))
    assert NAIVE_TIMESTAMP_NOTE in result.notes
    aware = analyse_tco(trades_log.iloc[:200], TcoOptions(by=("day",)))
    pd.testing.assert_frame_equal(result.kpis, aware.kpis)


def test_naive_frame_writes_as_utc(trades_log: pd.DataFrame, tmp_path: Path) -> None:
    """write_trades takes naive timestamps as UTC and writes them with a Z suffix."""
    naive = trades_log.iloc[:5].copy()
    naive["timestamp"] = naive["timestamp"].dt.tz_localize(None)
    loaded = load_trades(write_trades(naive, tmp_path / "naive.csv"))
    assert list(loaded["timestamp"]) == list(trades_log["timestamp"].iloc[:5])


def test_invalid_frame_raises_input_error(trades_log: pd.DataFrame) -> None:
    """A frame with a negative quantity raises InputError naming the row and column."""
    bad = trades_log.iloc[:10].copy()
    bad.loc[3, "quantity"] = -1.0
    with pytest.raises(InputError) as caught:
        analyse_tco(bad)
    assert caught.value.row == 4
    assert caught.value.column == "quantity"
