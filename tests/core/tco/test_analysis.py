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
    """analyse_tco on a frame and analyse_tco_file on its Parquet give the same KPIs, exact
    quantiles included, while the streamed log fits the exact-quantile budget."""
    path = write_trades(trades_log, tmp_path / "t.parquet")
    memory = analyse_tco(trades_log, TcoOptions(by=("strategy", "week")), infra_costs=infra_costs)
    streamed = analyse_tco_file(
        path, TcoOptions(by=("strategy", "week")), infra_costs=infra_costs, batch_rows=1_000
    )
    assert (memory.quantile_method, streamed.quantile_method) == ("exact", "exact")
    pd.testing.assert_frame_equal(memory.kpis, streamed.kpis, rtol=1e-9)
    pd.testing.assert_frame_equal(memory.daily_costs, streamed.daily_costs, rtol=1e-9)


@pytest.mark.parametrize("allocation", ["trades", "notional"])
def test_infra_allocated_in_full_where_trades_exist(
    trades_log: pd.DataFrame, infra_costs: pd.DataFrame, allocation: str
) -> None:
    """Without proration, infra of months with trades is allocated in full; a month without
    trades is reported."""
    options = TcoOptions(by=("venue",), allocation=allocation, infra_proration="none")
    result = analyse_tco(trades_log, options, infra_costs=infra_costs)
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
        (99.99, "critical"),
        (100.0, "over"),
        (100.01, "over"),
    ],
)
def test_budget_grades(spend: float, status: str) -> None:
    """Utilisation below 80% is ok, from 80% warn, from 90% critical, from 100% over."""
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


@pytest.mark.parametrize("exact_rows", [0, 2_500])
def test_streaming_past_the_exact_budget_falls_back_to_the_sketch(
    trades_log: pd.DataFrame, tmp_path: Path, exact_rows: int
) -> None:
    """Past ``exact_rows`` trades (or with 0, the CLI's --stream) quantiles come from the
    sketch, within its 1% bound of the exact ones; every other KPI is unchanged."""
    path = write_trades(trades_log, tmp_path / "t.parquet")
    options = TcoOptions(by=("strategy", "week"))
    memory = analyse_tco(trades_log, options)
    streamed = analyse_tco_file(path, options, batch_rows=1_000, exact_rows=exact_rows)
    assert len(trades_log) > exact_rows
    assert streamed.quantile_method == "sketch"
    assert streamed.parameters["quantile_relative_accuracy"] == 0.01
    quantiles = [c for c in memory.kpis.columns if c.endswith(("_median", "_p50", "_p95", "_p99"))]
    pd.testing.assert_frame_equal(
        memory.kpis.drop(columns=quantiles), streamed.kpis.drop(columns=quantiles), rtol=1e-9
    )
    for column in quantiles:
        exact, sketched = memory.kpis[column], streamed.kpis[column]
        assert ((sketched - exact).abs() <= 0.01 * exact.abs() + 1e-3).all(), column


def test_infra_is_prorated_to_the_days_the_log_covers(
    trades_log: pd.DataFrame, infra_costs: pd.DataFrame
) -> None:
    """A log of 4 days of January carries 4/31 of January's bill (the issue's 39.8 against
    2.90 per trade came from charging the whole month), and the proration is noted."""
    four_days = trades_log[trades_log["timestamp"] < pd.Timestamp("2026-01-05", tz="UTC")]
    january = infra_costs[infra_costs["month"] == "2026-01"]
    result = analyse_tco(four_days, TcoOptions(by=("strategy",)), infra_costs=january)
    assert result.overall["infra_cost"] == pytest.approx(4200.0 * 4 / 31)
    assert any("2026-01 (13%)" in note for note in result.notes)
    whole = analyse_tco(
        four_days, TcoOptions(by=("strategy",), infra_proration="none"), infra_costs=january
    )
    assert whole.overall["infra_cost"] == pytest.approx(4200.0)


def test_infra_of_months_outside_the_log_is_noted_not_charged(
    trades_log: pd.DataFrame, infra_costs: pd.DataFrame
) -> None:
    """With proration, a month the log does not reach costs nothing and is named in a note."""
    result = analyse_tco(trades_log, TcoOptions(by=("strategy",)), infra_costs=infra_costs)
    assert result.overall["infra_cost"] == pytest.approx(6200.0)
    assert any("outside the log's days" in note and "2026-06" in note for note in result.notes)


def test_a_budgeted_strategy_without_trades_gets_a_row_and_a_note(
    trades_log: pd.DataFrame,
) -> None:
    """A budget line for a strategy that never traded shows 0 spent, ok, with a note."""
    budget = Budget(period="month", basis="trading_cost", amounts={"momentum": 1.0, "idle": 5.0})
    result = analyse_tco(trades_log, TcoOptions(by=("strategy",)), budget=budget)
    idle = result.budget_status[result.budget_status["strategy"] == "idle"]
    assert list(idle["period"]) == ["2026-01", "2026-02", "2026-03"]
    assert (idle["spend"] == 0).all()
    assert (idle["status"] == "ok").all()
    assert any("without trades" in note and "idle" in note for note in result.notes)
