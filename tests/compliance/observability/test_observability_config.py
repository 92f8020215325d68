"""Observability config: defaults, YAML overrides, and one clear error per bad setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.compliance.observability import ObservabilityConfig, load_observability_config
from stage5kit.compliance.observability.config import format_duration, parse_duration
from stage5kit.errors import ConfigError


def test_defaults_are_the_sre_workbook_windows() -> None:
    """14.4 over 1h/5m, 6 over 6h/30m, 1 over 3d/6h; 80/90/100% over 1d and 6h."""
    config = load_observability_config(None)
    assert [w.label for w in config.burn_rate_windows] == ["14.4x 1h/5m", "6x 6h/30m", "1x 3d/6h"]
    assert config.budget_levels == (0.8, 0.9, 1.0)
    assert config.budget_windows_seconds == (86400, 21600)


def test_yaml_overrides_and_round_trips(tmp_path: Path) -> None:
    """A config written from to_document() reads back equal; overrides take effect."""
    import yaml

    config = ObservabilityConfig(latency_threshold_seconds=0.5, min_events=7)
    path = tmp_path / "observability.yaml"
    path.write_text(yaml.safe_dump(config.to_document()))
    assert load_observability_config(path) == config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("objectives: {decision_latency: 1.5, execution_cost: 0.9}", "between 0 and 1"),
        ("objectives: {decision_latency: 0.99}", "exactly decision_latency, execution_cost"),
        ("latency_threshold_ms: 200", "not a histogram bucket boundary"),
        (
            "burn_rate_windows: [{factor: 14.4, long: 1h, short: 5x, severity: page}]",
            "not a duration",
        ),
        ("burn_rate_windows: [{factor: 2, long: 5m, short: 1h, severity: page}]", "short < long"),
        (
            "burn_rate_windows: [{factor: 14.4, long: 1h}]",
            "exactly factor, long, short and severity",
        ),
        ("objectives: {decision_latency: 0.9, execution_cost: 0.95}", "can never fire"),
        ("min_events: 0", "at least 1"),
        ("budget_levels: [0.8, three]", "is not a number"),
        ("budget_windows: []", "at least one budget window"),
        ("burn_rate: 14.4", "unknown setting 'burn_rate'"),
        ("- just a list", "expected a mapping"),
    ],
)
def test_bad_config_names_the_file_and_the_problem(tmp_path: Path, text: str, message: str) -> None:
    """Each bad setting is a ConfigError naming the file and saying what to write."""
    path = tmp_path / "observability.yaml"
    path.write_text(text + "\n")
    with pytest.raises(ConfigError, match=message) as caught:
        load_observability_config(path)
    assert str(path) in str(caught.value)


@given(seconds=st.integers(min_value=1, max_value=10**7))
def test_durations_round_trip(seconds: int) -> None:
    """format_duration and parse_duration are inverse on whole seconds."""
    assert parse_duration(format_duration(seconds), where="test") == seconds
