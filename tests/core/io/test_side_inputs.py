"""Infra-cost, thresholds and budget files load when valid and name the problem when not."""

from __future__ import annotations

from pathlib import Path

import pytest

from stage5kit.core import load_budget, load_infra_costs, load_thresholds
from stage5kit.errors import ConfigError, InputError

INPUTS = Path(__file__).resolve().parents[3] / "sample_artifacts" / "inputs"


def test_sample_inputs_load() -> None:
    """The committed sample infra costs, thresholds and budget load."""
    infra = load_infra_costs(INPUTS / "infra_costs.csv")
    assert list(infra.columns) == ["month", "strategy", "category", "amount"]
    assert (infra["amount"] > 0).all()
    assert load_thresholds(INPUTS / "thresholds.yaml").max_cost_bps == 15.0
    assert load_budget(INPUTS / "budget.yaml").period == "month"


def test_thresholds_load_from_json(tmp_path: Path) -> None:
    """A JSON thresholds file gives the same limits as YAML."""
    path = tmp_path / "limits.json"
    path.write_text('{"max_slippage_bps": 3, "strategies": {"mm": {"max_cost_bps": 1}}}')
    limits = load_thresholds(path)
    assert limits.limits_for("mm") == {"max_slippage_bps": 3.0, "max_cost_bps": 1.0}
    assert limits.limits_for(None) == {"max_slippage_bps": 3.0}


@pytest.mark.parametrize(
    ("row", "column", "line"),
    [
        (2, "month", "2026-13,shared,data,10"),
        (2, "amount", '2026-01,shared,data,"10,5"'),
        (2, "amount", "2026-01,shared,data,-1"),
        (2, "strategy", "2026-01,,data,10"),
    ],
)
def test_bad_infra_row_is_located(tmp_path: Path, row: int, column: str, line: str) -> None:
    """A bad infra-cost value names its row (header = row 1) and column."""
    path = tmp_path / "infra.csv"
    path.write_text(f"month,strategy,category,amount\n{line}\n")
    with pytest.raises(InputError) as caught:
        load_infra_costs(path)
    assert (caught.value.row, caught.value.column) == (row, column)


def test_infra_missing_column(tmp_path: Path) -> None:
    """An infra file without 'amount' says the column is missing."""
    path = tmp_path / "infra.csv"
    path.write_text("month,strategy,category\n2026-01,shared,data\n")
    with pytest.raises(InputError, match="required column is missing"):
        load_infra_costs(path)


def test_decimal_comma_infra_hint(tmp_path: Path) -> None:
    """A decimal comma in an infra amount gets the '.' hint."""
    path = tmp_path / "infra.csv"
    path.write_text('month,strategy,category,amount\n2026-01,shared,data,"10,5"\n')
    with pytest.raises(InputError, match=r"use '\.' as the decimal separator"):
        load_infra_costs(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max_cost_bp: 3\n", "unknown key 'max_cost_bp'"),
        ("max_cost_bps: three\n", "must be a number"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("strategies: {mm: {max_fee: 1}}\n", "unknown key 'max_fee'"),
        ("max_cost_bps: [1\n", "not valid YAML"),
    ],
)
def test_bad_thresholds(tmp_path: Path, text: str, message: str) -> None:
    """A bad thresholds file raises ConfigError naming the file and the problem."""
    path = tmp_path / "limits.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_thresholds(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period: quarter\nstrategies: {a: 1}\n", "budget period must be one of"),
        ("basis: fees\nstrategies: {a: 1}\n", "budget basis must be one of"),
        ("strategies: {a: -5}\n", "must be a positive number"),
        ("period: month\n", "'strategies' must map"),
        ("strategies: {a: 1}\nextra: 2\n", "unknown key 'extra'"),
    ],
)
def test_bad_budget(tmp_path: Path, text: str, message: str) -> None:
    """A bad budget file raises ConfigError naming the problem."""
    path = tmp_path / "budget.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_budget(path)


@pytest.mark.parametrize(
    ("body", "row"),
    [
        ("2026-01,x,servers,1,5\n", 2),
        ("2026-01,x,servers,1\n2026-02,x,servers,1,5\n", 3),
    ],
)
def test_infra_row_wider_than_the_header_is_located(tmp_path: Path, body: str, row: int) -> None:
    """A row with more fields than the header is named by row, not read as shifted columns."""
    path = tmp_path / "infra.csv"
    path.write_text("month,strategy,category,amount\n" + body, encoding="utf-8")
    with pytest.raises(InputError, match=rf"infra\.csv, row {row}: has 5 fields, the header has 4"):
        load_infra_costs(path)
