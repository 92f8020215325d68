"""Streaming a log for a report: one pass, the same KPIs as analyse_tco, a bounded sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stage5kit.core import (
    TcoOptions,
    analyse_tco,
    generate_trades,
    load_infra_costs,
    profile_trade_file,
    read_stress_inputs,
    stress_inputs,
    write_trades,
)

INFRA_COSTS = (
    Path(__file__).resolve().parents[3] / "sample_artifacts" / "inputs" / "infra_costs.csv"
)


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    trades = generate_trades(rows=4_000, seed=9)
    return write_trades(trades, tmp_path_factory.mktemp("log") / "t.parquet"), trades


def test_profile_matches_the_in_memory_analysis(log: tuple[Path, pd.DataFrame]) -> None:
    """The profile's KPIs equal analyse_tco on the loaded log, by strategy too."""
    path, trades = log
    options = TcoOptions(by=("strategy", "month"))
    profile = profile_trade_file(path, options, batch_rows=1_000)
    pd.testing.assert_frame_equal(profile.result.kpis, analyse_tco(trades, options).kpis)
    by_strategy = analyse_tco(trades, TcoOptions(by=("strategy",))).kpis
    pd.testing.assert_frame_equal(profile.by_strategy.kpis, by_strategy)
    fees = trades["fee"]
    assert profile.fee_split["rebates"] == pytest.approx(fees[fees < 0].sum())
    assert profile.venues == tuple(sorted(trades["venue"].astype(str).unique()))


def test_a_venue_too_rare_for_the_sample_still_counts(tmp_path: Path) -> None:
    """The profile's venues come from every batch, not from the bounded sample."""
    trades = generate_trades(rows=3_000, seed=4)
    trades["venue"] = trades["venue"].astype(str)
    trades.loc[2_999, "venue"] = "rare"
    path = write_trades(trades, tmp_path / "t.parquet")
    profile = profile_trade_file(path, sample_rows=10, batch_rows=1_000)
    assert "rare" in profile.venues
    assert len(profile.sample) == 10


@pytest.mark.parametrize("include_infra", [False, True])
def test_streamed_stress_inputs_match_the_loaded_log(
    log: tuple[Path, pd.DataFrame], include_infra: bool
) -> None:
    """Cells summed over batches give the in-memory history; the same TCO and trade count."""
    path, trades = log
    infra = load_infra_costs(INFRA_COSTS) if include_infra else None
    loaded = stress_inputs(trades, infra_costs=infra)
    streamed = read_stress_inputs(path, infra_costs=infra, batch_rows=700)
    assert streamed.n_trades == loaded.n_trades == len(trades)
    assert streamed.history.days == loaded.history.days
    assert streamed.history.venues == loaded.history.venues
    for name in ("trades", "notional", "fee_charged", "fee_rebate", "slippage_cost"):
        np.testing.assert_allclose(
            getattr(streamed.history, name), getattr(loaded.history, name), rtol=1e-12, atol=1e-9
        )
    assert streamed.history.maker_fee_charged_rate == pytest.approx(
        loaded.history.maker_fee_charged_rate, rel=1e-12
    )
    assert streamed.history.latency_slope_bps_per_10ms == pytest.approx(
        loaded.history.latency_slope_bps_per_10ms, rel=1e-12
    )
    assert streamed.tco.overall["infra_cost"] == pytest.approx(loaded.tco.overall["infra_cost"])
    assert (streamed.tco.overall["infra_cost"] > 0) == include_infra


def test_sample_is_bounded_seeded_and_in_log_order(log: tuple[Path, pd.DataFrame]) -> None:
    """At most sample_rows trades, the same ones for the same seed, in the log's order."""
    path, _ = log
    first = profile_trade_file(path, sample_rows=500, seed=3, batch_rows=700).sample
    again = profile_trade_file(path, sample_rows=500, seed=3, batch_rows=700).sample
    other = profile_trade_file(path, sample_rows=500, seed=4, batch_rows=700).sample
    assert len(first) == 500
    assert first["trade_id"].tolist() == again["trade_id"].tolist()
    assert first["trade_id"].tolist() != other["trade_id"].tolist()
    assert first["trade_id"].is_monotonic_increasing
