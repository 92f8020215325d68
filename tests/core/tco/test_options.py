"""TcoOptions: one frozen record of defaults, checked when made, used by every TCO entry point."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.core import (
    TcoOptions,
    aggregate_trades,
    analyse_tco,
    detect_cost_anomalies,
    generate_trades,
    summarise_partial,
)
from stage5kit.errors import ConfigError

INPUTS = Path(__file__).resolve().parents[3] / "sample_artifacts" / "inputs"


@pytest.fixture(scope="module")
def small_log() -> pd.DataFrame:
    """A small synthetic trade log."""
    return generate_trades(rows=600, seed=4, days=20)


def test_defaults_are_the_documented_ones() -> None:
    """Grouping by strategy, venue and day; infra by trade count; a 30-day, 2.5-sigma check."""
    options = TcoOptions()
    assert options.by == ("strategy", "venue", "day")
    assert options.allocation == "trades"
    assert options.anomaly_window_days == 30
    assert options.anomaly_k == 2.5


def test_options_are_frozen_and_keys_kept_as_a_tuple() -> None:
    """A list of keys is kept as a tuple, and the record cannot be changed afterwards."""
    options = TcoOptions(by=["venue", "week"])  # type: ignore[arg-type]
    assert options.by == ("venue", "week")
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.anomaly_k = 3.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"by": ("colour",)}, "unknown group key 'colour'"),
        ({"by": ("venue", "venue")}, "group keys repeat"),
        ({"by": ("day", "month")}, "at most one period"),
        ({"allocation": "equal"}, "allocation must be one of trades, notional"),
        ({"anomaly_window_days": 1}, "window_days >= 2"),
        ({"anomaly_k": 0.0}, "k > 0"),
        ({"anomaly_k": math.nan}, "k > 0"),
    ],
)
def test_bad_option_is_a_config_error(changes: dict[str, object], message: str) -> None:
    """Each bad option raises ConfigError when the options are made, naming what is wrong."""
    with pytest.raises(ConfigError, match=message):
        TcoOptions(**changes)  # type: ignore[arg-type]


def test_result_records_its_options(small_log: pd.DataFrame) -> None:
    """The result keeps the options it was computed with, and reports them as parameters."""
    options = TcoOptions(by=("strategy", "week"), anomaly_window_days=14, anomaly_k=3.0)
    result = analyse_tco(small_log, options)
    assert result.options is options
    assert result.by == ("strategy", "week")
    assert list(result.kpis.columns[:2]) == ["strategy", "week"]
    assert result.parameters["anomaly_window_days"] == 14
    assert result.parameters["anomaly_k"] == 3.0
    assert result.parameters["budget_basis"] is None


def test_partial_and_options_must_agree_on_the_keys(small_log: pd.DataFrame) -> None:
    """Summarising a partial with options for other keys is refused, not silently regrouped."""
    partial = aggregate_trades(small_log, by=("venue",))
    assert summarise_partial(partial).by == ("venue",)
    with pytest.raises(ConfigError, match="aggregated by venue, the options ask for strategy"):
        summarise_partial(partial, TcoOptions(by=("strategy",)))


def test_anomaly_check_refuses_a_bad_window_with_config_error() -> None:
    """detect_cost_anomalies raises ConfigError (exit 2), like every other bad option."""
    daily = pd.DataFrame({"strategy": ["a"], "day": ["2026-01-01"], "trading_cost": [1.0]})
    with pytest.raises(ConfigError, match="window_days >= 2"):
        detect_cost_anomalies(daily, window_days=1)


def test_cli_defaults_are_the_options_defaults(tmp_path: Path) -> None:
    """`stage5kit tco` without options records exactly TcoOptions()'s defaults."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["tco", str(INPUTS / "trades.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    recorded = json.loads((out / "tco_summary.json").read_text())["parameters"]
    defaults = TcoOptions()
    assert recorded["by"] == list(defaults.by)
    assert recorded["allocation"] == defaults.allocation
    assert recorded["anomaly_window_days"] == defaults.anomaly_window_days
    assert recorded["anomaly_k"] == defaults.anomaly_k


def test_cli_help_shows_the_options_defaults() -> None:
    """`stage5kit tco --help` shows the defaults read from TcoOptions."""
    shown = CliRunner().invoke(main, ["tco", "--help"], terminal_width=200).output
    assert "[default: strategy,venue,day]" in shown
    assert "[default: 30; x>=2]" in shown
    assert "[default: 2.5; x>0]" in shown
