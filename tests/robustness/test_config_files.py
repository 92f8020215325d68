"""One safe parser for every config reader: bombs, duplicates, deep nesting, huge numbers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.robustness.conftest import assert_refused, run_cli

from stage5kit.config_files import parse_config_text
from stage5kit.errors import ConfigError

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
max_cost_bps: *h
"""


def _tco_with(trades_csv: Path, tmp_path: Path, option: str, name: str, text: str) -> Path:
    config = tmp_path / name
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    outcome = run_cli(["tco", str(trades_csv), "--out", str(out), option, str(config)])
    assert_refused(outcome, says=(name,))
    assert not out.exists()
    return config


def test_alias_bomb_as_thresholds_is_refused_at_once(trades_csv: Path, tmp_path: Path) -> None:
    """A 'billion laughs' thresholds file is refused in well under a second, naming the alias."""
    started = time.perf_counter()
    _tco_with(trades_csv, tmp_path, "--thresholds", "bomb.yaml", BILLION_LAUGHS)
    assert time.perf_counter() - started < 30  # a parse that expanded it ran 128 s


def test_small_alias_never_puts_the_value_in_the_message(trades_csv: Path, tmp_path: Path) -> None:
    """A small alias variant gives a short message naming line 2, not the expanded value."""
    text = "base: &x [1, 2, 3]\nmax_cost_bps: *x\n"
    config = tmp_path / "alias.yaml"
    config.write_text(text, encoding="utf-8")
    outcome = run_cli(
        ["tco", str(trades_csv), "--out", str(tmp_path / "o"), "--thresholds", str(config)]
    )
    assert_refused(outcome, says=("alias.yaml, line 2", "alias", "write the value out"))


def test_duplicate_yaml_key_is_refused(trades_csv: Path, tmp_path: Path) -> None:
    """A thresholds key given twice is refused naming both lines, not silently the later one."""
    text = "max_cost_bps: 5\nmax_slippage_bps: 3\nmax_cost_bps: 500\n"
    config = tmp_path / "dup.yaml"
    config.write_text(text, encoding="utf-8")
    outcome = run_cli(
        ["tco", str(trades_csv), "--out", str(tmp_path / "o"), "--thresholds", str(config)]
    )
    assert_refused(outcome, says=("dup.yaml, line 3", "'max_cost_bps' appears twice", "line 1"))


def test_duplicate_json_key_is_refused(trades_csv: Path, tmp_path: Path) -> None:
    """The same for a JSON budget file."""
    text = '{"period": "month", "strategies": {"a": 1, "a": 1000000}}'
    _tco_with(trades_csv, tmp_path, "--budget", "dup.json", text)


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("deep.yaml", "max_cost_bps: " + "[" * 5000 + "]" * 5000 + "\n", "levels deep"),
        ("deep.json", '{"max_cost_bps": ' + "[" * 100_000 + "]" * 100_000 + "}", "levels deep"),
        ("huge.yaml", "max_cost_bps: 1e400\n", "beyond the float range"),
        ("huge.json", '{"max_cost_bps": 1e400}', "beyond the float range"),
        ("bigint.yaml", "max_cost_bps: " + "9" * 5000 + "\n", "more than 4300"),
        ("bigint.json", '{"max_cost_bps": ' + "9" * 5000 + "}", "more than 4300"),
        ("wideint.yaml", "max_cost_bps: " + "9" * 400 + "\n", "beyond the float range"),
        ("nan.json", '{"max_cost_bps": NaN}', "not a JSON number"),
    ],
)
def test_bad_numbers_and_nesting_are_refused(
    trades_csv: Path, tmp_path: Path, name: str, text: str, says: str
) -> None:
    """Deep nesting, numbers past the float range and 5000-digit integers: exit 2, short message."""
    config = tmp_path / name
    config.write_text(text, encoding="utf-8")
    outcome = run_cli(
        ["tco", str(trades_csv), "--out", str(tmp_path / "o"), "--thresholds", str(config)]
    )
    assert_refused(outcome, says=(name, says))
    assert not (tmp_path / "o").exists()


def test_exponent_float_is_a_number() -> None:
    """YAML 1.2 exponent floats (1e3, -2.5E-2) parse as numbers, as people expect."""
    data = parse_config_text("a: 1e3\nb: -2.5E-2\nc: '1e3'\n", source="x.yaml", json_syntax=False)
    assert data == {"a": 1000.0, "b": -0.025, "c": "1e3"}


def test_fee_mult_1e3_is_accepted(trades_csv: Path, tmp_path: Path) -> None:
    """A scenario with ``fee_mult: 1e3`` runs (it was refused as "'1e3' is a str")."""
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text("scenarios:\n  - name: fees_x1000\n    fee_mult: 1e3\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["stress", str(trades_csv), "--scenarios", str(scenarios), "--paths", "50"]
    outcome = run_cli([*args, "--days", "5", "--out", str(out), "--format", "json"])
    assert outcome.exit_code == 0, outcome.stderr
    assert '"fee_mult": 1000.0' in outcome.stdout


def test_scenario_multiplier_1e308_is_refused(trades_csv: Path, tmp_path: Path) -> None:
    """A multiplier of 1e308 is refused with its range instead of giving NaN results."""
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text("scenarios:\n  - name: absurd\n    volume_mult: 1e308\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["stress", str(trades_csv), "--scenarios", str(scenarios), "--paths", "50"]
    outcome = run_cli([*args, "--days", "5", "--out", str(out)])
    assert_refused(outcome, says=("'volume_mult'", "1e+308", "above 1000"))
    assert not out.exists()


def test_grid_and_parameter_files_use_the_safe_parser(tmp_path: Path) -> None:
    """Grid and parameter files refuse aliases and duplicate keys too (one loader for all)."""
    grid = tmp_path / "grid.yaml"
    grid.write_text("notebook: x.ipynb\nnotebook: y.ipynb\ngrid: []\n", encoding="utf-8")
    outcome = run_cli(["report", "batch", str(grid), "--out", str(tmp_path / "o")])
    assert_refused(outcome, says=("grid.yaml, line 2", "appears twice"))
    with pytest.raises(ConfigError, match="alias"):
        parse_config_text("a: &x 1\nb: *x\n", source="p.yaml", json_syntax=False)
