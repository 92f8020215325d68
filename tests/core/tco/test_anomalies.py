"""Cost anomalies: a flat history is not turned into infinite z-scores by rounding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stage5kit.core import detect_cost_anomalies
from stage5kit.errors import ConfigError


def _daily(costs: list[float]) -> pd.DataFrame:
    days = pd.date_range("2026-01-01", periods=len(costs), freq="D")
    return pd.DataFrame({"strategy": "s", "day": days.date, "trading_cost": costs})


def test_a_rounding_move_after_a_flat_history_is_not_an_anomaly() -> None:
    """Costs of 100 for 20 days, then 100.01, are no anomaly (sigma floor of 1% of the mean)."""
    assert detect_cost_anomalies(_daily([100.0] * 20 + [100.01])).empty


def test_a_real_jump_after_a_flat_history_has_a_finite_z_score() -> None:
    """A jump to 110 after a flat 100 is flagged with z = 10 / (1% of 100) = 10, not inf."""
    found = detect_cost_anomalies(_daily([100.0] * 20 + [110.0]))
    assert len(found) == 1
    assert np.isfinite(found["z_score"]).all()
    assert found["z_score"].iloc[0] == pytest.approx(10.0)


def test_a_zero_history_flags_nothing() -> None:
    """With a history of zero cost there is no scale to judge by; nothing is flagged."""
    assert detect_cost_anomalies(_daily([0.0] * 20 + [5.0])).empty


def test_bad_anomaly_options_are_config_errors() -> None:
    """k <= 0 is a ConfigError (exit 2), like every other bad option."""
    with pytest.raises(ConfigError, match="k > 0"):
        detect_cost_anomalies(_daily([1.0] * 20), k=0)
