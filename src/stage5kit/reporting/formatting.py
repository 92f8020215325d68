"""Numbers as people read them in tables: units, thousands separators, sensible precision.

One place decides how a KPI is shown (counts as integers, money with 2 decimals and the
currency code, bps with 2 decimals, ms with 1), so every table of every report agrees.
Only English formats live here; another language plugs in through ``lang``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from stage5kit.core import Scenario

MONEY_UNIT = "currency"
MISSING = "-"
# unit -> format of the number; money adds the currency code after it.
_PATTERNS = {
    "count": "{:,.0f}",
    MONEY_UNIT: "{:,.2f}",
    "number": "{:,.2f}",
    "bps": "{:,.2f} bps",
    "ms": "{:,.1f} ms",
    "%": "{:,.1f}%",
    "probability": "{:.1%}",
}
# (test on a column name, unit) in order; the first match wins, money otherwise.
_COLUMN_UNITS: tuple[tuple[Callable[[str], bool], str], ...] = (
    (lambda name: name.endswith("_bps") or "_bps_" in name, "bps"),
    (lambda name: name.startswith("p_"), "probability"),
    (lambda name: name.endswith("_pct"), "%"),
    (lambda name: "_ms" in name, "ms"),
    (lambda name: name.endswith(("_trades", "_days")) or name.startswith("n_"), "count"),
    (lambda name: name.endswith("_mult"), "number"),
)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def unit_label(unit: str, *, currency: str | None = None) -> str:
    """The unit as shown: the currency code for money when one is set, else the unit itself."""
    if unit == MONEY_UNIT:
        return currency or MONEY_UNIT
    return "" if unit == "count" else unit


def format_kpi(value: object, unit: str, *, lang: str = "en", currency: str | None = None) -> str:
    """One KPI as text with its unit: ``20,000``, ``1,234.50 USD``, ``3.14 bps``, ``12.3 ms``.

    Units: count, currency (money), number, bps, ms, % (already in percent) and
    probability (0-1, shown in percent); any other unit is appended after 2 decimals.
    """
    if lang != "en":
        msg = f"number formats for lang={lang!r} are not available (use 'en')"
        raise ValueError(msg)
    if _is_missing(value):
        return MISSING
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    text = _PATTERNS.get(unit, "{:,.2f} " + unit).format(float(value))
    return f"{text} {unit_label(unit, currency=currency)}" if unit == MONEY_UNIT else text


def column_unit(name: str) -> str:
    """The unit a result column's name implies: ``*_bps``, ``*_ms``, ``p_*``, counts, money."""
    return next((unit for test, unit in _COLUMN_UNITS if test(name)), MONEY_UNIT)


def format_column(
    values: pd.Series, unit: str, *, lang: str = "en", currency: str | None = None
) -> pd.Series:
    """Every value of a column formatted with :func:`format_kpi` (same index)."""
    return values.map(lambda v: format_kpi(v, unit, lang=lang, currency=currency))


def readable_table(
    frame: pd.DataFrame, *, lang: str = "en", currency: str | None = None
) -> pd.DataFrame:
    """``frame`` with every numeric column formatted by the unit its name implies.

    Money columns get the currency in their header instead of every cell, so wide tables
    stay narrow: ``expected_notional [USD]``.
    """
    import pandas as pd

    shown = {}
    for name, values in frame.items():
        column = str(name)
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            shown[column] = values
            continue
        unit = column_unit(column)
        if unit == MONEY_UNIT:
            label = f"{column} [{unit_label(unit, currency=currency)}]"
            shown[label] = format_column(values, "number", lang=lang)
        else:
            shown[column] = format_column(values, unit, lang=lang)
    return pd.DataFrame(shown, index=frame.index)


def scenario_table(scenarios: tuple[Scenario, ...] | list[Scenario]) -> pd.DataFrame:
    """The chosen stress scenarios as a table of name and description (not Python tuples)."""
    import pandas as pd

    return pd.DataFrame(
        {"scenario": [s.name for s in scenarios], "description": [s.description for s in scenarios]}
    ).set_index("scenario")
