"""KPI formatting: units, precision, thousands separators and the currency code."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.core import BUILTIN_SCENARIOS
from stage5kit.reporting import format_kpi, readable_table, scenario_table
from stage5kit.reporting.formatting import column_unit

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@pytest.mark.parametrize(
    ("value", "unit", "currency", "expected"),
    [
        (20000.0, "count", None, "20,000"),
        (1234.5, "currency", "USD", "1,234.50 USD"),
        (1234.5, "currency", None, "1,234.50 currency"),
        (194017012.3456, "currency", "EUR", "194,017,012.35 EUR"),
        (3.14159, "bps", None, "3.14 bps"),
        (12.345, "ms", None, "12.3 ms"),
        (0.1234, "probability", None, "12.3%"),
        (float("nan"), "bps", None, "-"),
        ("note", "count", None, "note"),
    ],
)
def test_format_kpi_examples(value: object, unit: str, currency: str | None, expected: str) -> None:
    """Each unit gets its own precision; money carries the currency code when one is set."""
    assert format_kpi(value, unit, currency=currency) == expected


@given(finite)
def test_money_reads_back_to_the_cent(value: float) -> None:
    """A money figure parses back (separators removed) to the value rounded to cents."""
    text = format_kpi(value, "currency", currency="USD")
    number, code = text.rsplit(" ", 1)
    assert code == "USD"
    assert "e" not in number.lower()
    assert float(number.replace(",", "")) == pytest.approx(round(value, 2), abs=0.006)


@given(finite)
def test_counts_are_whole_numbers(value: float) -> None:
    """Counts show no decimals and group thousands."""
    text = format_kpi(value, "count")
    assert "." not in text
    assert int(text.replace(",", "")) == int(f"{value:.0f}")


def test_other_languages_are_refused_here() -> None:
    """Only English formats live here; another language must plug in its own."""
    with pytest.raises(ValueError, match="lang='pl'"):
        format_kpi(1.0, "bps", lang="pl")


def test_column_units_follow_the_names() -> None:
    """Result column names imply their unit; plain amounts are money."""
    assert column_unit("cost_bps") == "bps"
    assert column_unit("p_budget_breach") == "probability"
    assert column_unit("decision_latency_ms_p95") == "ms"
    assert column_unit("expected_trades") == "count"
    assert column_unit("expected_notional") == "currency"


def test_readable_table_puts_the_currency_in_headers_not_scientific_notation() -> None:
    """Notional is shown with separators and the currency in the header, never as 1.9e+08."""
    frame = pd.DataFrame(
        {"scenario": ["baseline"], "expected_notional": [1.940170e08], "p_budget_breach": [0.25]}
    )
    shown = readable_table(frame, currency="USD")
    assert list(shown.columns) == ["scenario", "expected_notional [USD]", "p_budget_breach"]
    assert shown.iloc[0].tolist() == ["baseline", "194,017,000.00", "25.0%"]
    assert "e+" not in shown.to_html()


def test_scenarios_are_listed_by_name_and_description() -> None:
    """The scenario list is a table of names and descriptions, not Python tuples."""
    table = scenario_table(BUILTIN_SCENARIOS[:2])
    assert table.index.tolist() == [s.name for s in BUILTIN_SCENARIOS[:2]]
    assert table["description"].tolist() == [s.description for s in BUILTIN_SCENARIOS[:2]]
    assert "('baseline'" not in table.to_html()
