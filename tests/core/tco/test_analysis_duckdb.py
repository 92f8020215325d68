"""KPIs agree with an independent DuckDB SQL computation over the same Parquet file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stage5kit.core import (
    TcoOptions,
    aggregate_trades,
    analyse_tco,
    analyse_tco_file,
    generate_trades,
    write_trades,
)
from stage5kit.core.tco.sketches import MIN_MAGNITUDE, RELATIVE_ACCURACY, grid_quantiles

SQL = """
WITH t AS (
    SELECT *,
        strftime(CAST("timestamp" AS TIMESTAMP), '%Y-%m-%d') AS day,
        quantity * arrival_price AS notional,
        CASE WHEN side = 'buy' THEN 1 ELSE -1 END * (fill_price - arrival_price) AS shortfall
    FROM read_parquet(?)
)
SELECT strategy, venue, day,
    count(*) AS n_trades,
    sum(notional) AS notional,
    sum(fee) AS fees,
    sum(CASE WHEN liquidity = 'maker' THEN fee ELSE 0 END) AS fees_maker,
    sum(CASE WHEN liquidity = 'taker' THEN fee ELSE 0 END) AS fees_taker,
    sum(shortfall * quantity) AS slippage_cost,
    (sum(fee) + sum(shortfall * quantity)) / count(*) AS avg_cost_per_trade,
    (sum(fee) + sum(shortfall * quantity)) / sum(notional) * 1e4 AS cost_bps,
    sum(shortfall * quantity) / sum(notional) * 1e4 AS slippage_bps,
    avg(shortfall / arrival_price * 1e4) AS slippage_bps_mean,
    avg(decision_latency_ms) AS decision_latency_ms_mean,
    quantile_disc(shortfall / arrival_price * 1e4, 0.5) AS slippage_bps_median,
    quantile_disc(shortfall / arrival_price * 1e4, 0.95) AS slippage_bps_p95,
    quantile_disc(decision_latency_ms, 0.5) AS decision_latency_ms_p50,
    quantile_disc(decision_latency_ms, 0.95) AS decision_latency_ms_p95,
    quantile_disc(decision_latency_ms, 0.99) AS decision_latency_ms_p99,
    regr_slope(shortfall / arrival_price * 1e4, decision_latency_ms) * 10
        AS slippage_bps_per_10ms
FROM t GROUP BY strategy, venue, day ORDER BY strategy, venue, day
"""
EXACT = (
    "notional",
    "fees",
    "fees_maker",
    "fees_taker",
    "slippage_cost",
    "avg_cost_per_trade",
    "cost_bps",
    "slippage_bps",
    "slippage_bps_mean",
    "decision_latency_ms_mean",
)
QUANTILES = (
    "slippage_bps_median",
    "slippage_bps_p95",
    "decision_latency_ms_p50",
    "decision_latency_ms_p95",
    "decision_latency_ms_p99",
)


@pytest.fixture(scope="module")
def duck_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(tmp_path_factory.mktemp("duck")) / "trades.parquet"
    write_trades(generate_trades(rows=40_000, seed=21, days=20), path)
    return path


@pytest.fixture(scope="module")
def reference(duck_path: Path) -> pd.DataFrame:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con.execute(SQL, [str(duck_path)]).df()


@pytest.fixture(scope="module")
def both(duck_path: Path, reference: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The kit streaming with the sketches only (--stream), beside DuckDB."""
    options = TcoOptions(by=("strategy", "venue", "day"))
    kit = analyse_tco_file(duck_path, options, batch_rows=7_000, exact_rows=0).kpis
    return kit, reference


@pytest.mark.parametrize("column", QUANTILES)
def test_exact_quantiles_equal_quantile_disc(
    duck_path: Path, reference: pd.DataFrame, column: str
) -> None:
    """A log within the exact budget gives DuckDB's quantile_disc per group, to the bit."""
    options = TcoOptions(by=("strategy", "venue", "day"))
    kit = analyse_tco_file(duck_path, options, batch_rows=7_000).kpis
    np.testing.assert_array_equal(kit[column].to_numpy(), reference[column].to_numpy(dtype=float))


def test_groups_and_counts_match(both: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """The same groups appear in the same order with the same trade counts."""
    kit, reference = both
    for key in ("strategy", "venue", "day"):
        assert list(kit[key].astype(str)) == list(reference[key].astype(str))
    np.testing.assert_array_equal(kit["n_trades"], reference["n_trades"])


@pytest.mark.parametrize("column", EXACT)
def test_sums_and_means_match_to_1e9(both: tuple[pd.DataFrame, pd.DataFrame], column: str) -> None:
    """Sums, ratios and means agree with DuckDB to 1e-9 relative."""
    kit, reference = both
    np.testing.assert_allclose(kit[column], reference[column], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("column", QUANTILES)
def test_quantiles_within_sketch_bound(
    both: tuple[pd.DataFrame, pd.DataFrame], column: str
) -> None:
    """Each sketch quantile is within 1% (relative) of DuckDB's quantile_disc."""
    kit, reference = both
    exact = reference[column].to_numpy(dtype=float)
    error = np.abs(kit[column].to_numpy(dtype=float) - exact)
    bound = RELATIVE_ACCURACY * np.abs(exact) * (1 + 1e-9) + np.where(
        np.abs(exact) < MIN_MAGNITUDE, MIN_MAGNITUDE, 0.0
    )
    assert np.all(error <= bound)


def test_latency_slope_matches_regr_slope(both: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Slippage per +10 ms agrees with DuckDB's regr_slope (mergeable sums, 1e-6 relative)."""
    kit, reference = both
    np.testing.assert_allclose(
        kit["slippage_bps_per_10ms"], reference["slippage_bps_per_10ms"], rtol=1e-6, atol=1e-9
    )


WEEK_SQL = """
SELECT coalesce(liquidity, 'unknown') AS liquidity,
    strftime(date_trunc('week', CAST("timestamp" AS TIMESTAMP)), '%Y-%m-%d') AS week,
    count(*) AS n_trades,
    sum(fee) AS fees,
    sum(quantity * arrival_price) AS notional,
    quantile_disc(decision_latency_ms, 0.99) AS decision_latency_ms_p99
FROM read_parquet(?) GROUP BY ALL ORDER BY ALL
"""


def test_liquidity_by_week_matches(tmp_path: Path) -> None:
    """Grouping by liquidity and ISO week (Monday labels) agrees with DuckDB's date_trunc."""
    path = tmp_path / "trades.parquet"
    write_trades(generate_trades(rows=8_000, seed=3, days=30), path)
    kit = analyse_tco_file(path, TcoOptions(by=("liquidity", "week")), exact_rows=0).kpis
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    reference = con.execute(WEEK_SQL, [str(path)]).df()
    assert list(kit["week"]) == list(reference["week"])
    assert list(kit["liquidity"]) == list(reference["liquidity"])
    np.testing.assert_array_equal(kit["n_trades"], reference["n_trades"])
    np.testing.assert_allclose(kit["fees"], reference["fees"], rtol=1e-9)
    np.testing.assert_allclose(kit["notional"], reference["notional"], rtol=1e-9)
    exact = reference["decision_latency_ms_p99"].to_numpy(dtype=float)
    assert np.all(np.abs(kit["decision_latency_ms_p99"] - exact) <= RELATIVE_ACCURACY * exact)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=400),
    st.integers(min_value=0, max_value=2**31),
    st.floats(min_value=0.0, max_value=5_000.0),
)
def test_exact_quantiles_equal_duckdb_and_streamed_stay_in_bound(
    rows: int, seed: int, offset: float
) -> None:
    """For any log, in-memory quantiles equal quantile_disc per group; streamed ones (sketch)
    stay within the 1% bound of them."""
    trades = generate_trades(rows=rows, seed=seed % 1000, days=5)
    trades["decision_latency_ms"] = trades["decision_latency_ms"] + offset
    kit = analyse_tco(trades, TcoOptions(by=("strategy",))).kpis.set_index("strategy")
    con = duckdb.connect()
    reference = (
        con.execute(
            "SELECT strategy, quantile_disc(decision_latency_ms, 0.5) AS p50, "
            "quantile_disc(decision_latency_ms, 0.95) AS p95, "
            "quantile_disc(decision_latency_ms, 0.99) AS p99 "
            "FROM trades GROUP BY strategy"
        )
        .df()
        .set_index("strategy")
        .reindex(kit.index)
    )
    for level in ("p50", "p95", "p99"):
        exact = reference[level].to_numpy(dtype=float)
        np.testing.assert_array_equal(kit[f"decision_latency_ms_{level}"].to_numpy(), exact)
        # The partial's groups are in the kit's row order.
        sketched = grid_quantiles(
            aggregate_trades(trades, by=("strategy",)).latency,
            {"p50": 0.5, "p95": 0.95, "p99": 0.99}[level],
        )
        bound = RELATIVE_ACCURACY * np.abs(exact) * (1 + 1e-9) + MIN_MAGNITUDE
        assert np.all(np.abs(sketched - exact) <= bound)
