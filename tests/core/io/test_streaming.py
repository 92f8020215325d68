"""Streaming a log for a report: one pass, the same KPIs as analyse_tco, a bounded sample."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stage5kit.core import (
    TcoOptions,
    analyse_tco,
    generate_trades,
    profile_trade_file,
    write_trades,
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
