"""Readable names of the columns a report shows, in the report's language.

Data files keep their identifiers (``cost_bps_before``); tables on screen, axis titles and
legends use these labels, translated through :mod:`stage5kit.reporting.i18n`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from stage5kit.reporting.formatting import column_unit
from stage5kit.reporting.i18n import (
    DEFAULT_LANG,
    date_patterns,
    format_count,
    format_factor,
    format_number,
    format_percent,
    format_window,
    number_symbols,
    translate,
)

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

COLUMN_LABELS = {
    "day": "day",
    "period": "period",
    "strategy": "strategy",
    "venue": "venue",
    "symbol": "symbol",
    "liquidity": "liquidity",
    "scenario": "scenario",
    "description": "description",
    "metric": "metric",
    "scope": "scope",
    "status": "status",
    "n_trades": "trades",
    "spend": "spend",
    "budget": "budget",
    "cost_per_trade": "cost per trade",
    "cost_bps": "execution cost",
    "trading_cost": "trading cost",
    "slippage_bps": "slippage",
    "decision_latency_ms": "decision latency",
    "cost_bps_before": "execution cost before",
    "cost_bps_after": "execution cost after",
    "cost_bps_change": "change of execution cost",
    "fee_bps": "fees",
    "fee_bps_before": "fees before",
    "fee_bps_after": "fees after",
    "fee_bps_change": "change of fees",
    "slippage_bps_change": "change of slippage",
    "decision_latency_ms_change": "change of decision latency",
    "extra_cost": "extra cost after the shift",
    "expected_period_cost": "expected period cost",
    "expected_tco": "expected TCO",
    "var95_daily_cost": "daily VaR95",
    "es975_daily_cost": "daily ES97.5",
    "worst_day_cost": "worst day",
    "p_budget_breach": "P(budget breach)",
    "p_net_pnl_negative": "P(net PnL < 0)",
    "decision_latency_ms_p50": "decision latency p50",
    "decision_latency_ms_p95": "decision latency p95",
    "decision_latency_ms_p99": "decision latency p99",
    "slippage_bps_per_10ms": "slippage per +10 ms",
    "slippage_bps_per_10ms_se": "standard error of the slope",
    "slope_note": "note",
    "month": "month",
    "week": "week",
    "value": "value",
    "limit": "limit",
    "excess": "excess",
    "utilisation": "budget used",
    "expected_trades": "expected trades",
    "expected_notional": "expected notional",
    "expected_fee_cost": "expected fees",
    "expected_slippage_cost": "expected slippage cost",
    "period_cost_se": "standard error of the period cost",
    "avg_cost_per_trade": "average cost per trade",
    "cost_drag_pct": "costs as % of gross PnL",
    "break_even_cost_bps": "break-even cost (bps)",
    "break_even_fee_mult": "break-even fee multiple",
    "order_id": "order",
    "side": "side",
    "quantity": "quantity",
    "price": "price",
    "check": "condition",
    "passed": "condition met",
    "decision_if_failed": "decision if not met",
    "subject": "SLO",
    "alert": "alert",
    "times_fired": "times fired",
    "key_id": "key id",
    "bundle": "bundle",
    "purpose": "purpose",
    "last_rotated": "last rotation",
    "age_days": "age (days)",
    "window_opens": "rotation window opens",
    "due_date": "rotation due",
}
_CHANGE_PREFIX = "delta_"
# Columns of money amounts: their header names the report's currency.
MONEY_COLUMNS = frozenset(
    {
        "spend",
        "budget",
        "cost_per_trade",
        "trading_cost",
        "extra_cost",
        "expected_period_cost",
        "expected_tco",
        "var95_daily_cost",
        "es975_daily_cost",
        "worst_day_cost",
        "expected_notional",
        "expected_fee_cost",
        "expected_slippage_cost",
        "period_cost_se",
        "avg_cost_per_trade",
    }
)
# Columns of shares (0.78 of the budget): shown in whole percent.
SHARE_COLUMNS = frozenset({"utilisation"})
# English words a table shows as values (a trade's side), translated like the labels.
VALUE_LABELS = {"side": ("buy", "sell")}
# The name of a burn-rate alert rule: ``14.4x 1h/5m`` (factor, long window / short window).
_ALERT_RULE = re.compile(r"(\d+(?:\.\d+)?)x (\w+)/(\w+)")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")
NA_REP = "\N{EM DASH}"
"""What a table shows for a missing value (a limit that is not set)."""


def column_label(column: object, lang: str) -> str:
    """The label of ``column`` in ``lang`` (an unknown column keeps its identifier).

    ``delta_<column>`` (a change against baseline) reads "<label> vs baseline".
    """
    name = str(column)
    if name.startswith(_CHANGE_PREFIX) and name.removeprefix(_CHANGE_PREFIX) in COLUMN_LABELS:
        label = column_label(name.removeprefix(_CHANGE_PREFIX), lang)
        return translate(lang, "{label} vs baseline", label=label)
    source = COLUMN_LABELS.get(name)
    return translate(lang, source) if source is not None else str(column)


def alert_label(rule: str, lang: str) -> str:
    """A burn-rate alert rule's name as a reader of ``lang`` writes it (:func:`format_factor`,
    :func:`format_window`): ``14.4x 1h/5m`` reads 14,4 times, 1 h/5 min in Polish.

    The rule keeps its Prometheus name; English and other texts are returned unchanged.
    """
    match = _ALERT_RULE.fullmatch(rule)
    if lang == DEFAULT_LANG or match is None:
        return rule
    factor, long, short = match.groups()
    windows = f"{format_window(long, lang)}/{format_window(short, lang)}"
    return f"{format_factor(float(factor), lang)} {windows}"


def value_label(column: str, value: object, lang: str) -> object:
    """A table cell's value as shown: English words translated, alert names and ISO dates
    written as in ``lang``; anything else unchanged."""
    if isinstance(value, str) and value in VALUE_LABELS.get(column, ()):
        return translate(lang, value)
    if column == "alert" and isinstance(value, str):
        return alert_label(value, lang)
    return _date_text(value, lang)


def _date_text(value: object, lang: str) -> object:
    """A day (a date, a midnight timestamp, ISO text) or an ISO month as ``lang`` writes it in
    a table (``01.05.2026``, ``05.2026``); any other value unchanged."""
    day, month = date_patterns(lang)
    if isinstance(value, dt.datetime):
        return value.strftime(day) if value.time() == dt.time(0) else value
    if isinstance(value, dt.date):
        return value.strftime(day)
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return dt.date.fromisoformat(value).strftime(day)
    if isinstance(value, str) and _ISO_MONTH.fullmatch(value):
        return dt.date.fromisoformat(f"{value}-01").strftime(month)
    return value


def table_header(column: object, lang: str, *, currency: str = "") -> str:
    """A column's header in a table: its label and, in brackets, the unit of its numbers
    (``koszt wykonania przed (pb)``, ``dodatkowy koszt po zmianie (USD)``); a label that
    already ends in its unit (``break-even cost (bps)``) is left as it is."""
    label = column_label(column, lang)
    unit = _header_unit(str(column).removeprefix(_CHANGE_PREFIX), lang, currency)
    return f"{label} ({unit})" if unit and not label.endswith(")") else label


def _header_unit(name: str, lang: str, currency: str) -> str:
    if name in MONEY_COLUMNS:
        return currency
    return {"bps": translate(lang, "bps"), "ms": "ms"}.get(column_unit(name), "")


def _cell_format(name: str, lang: str) -> Callable[[Any], str] | None:
    """How the numbers of column ``name`` are written; None: as any number of the table."""
    unit = column_unit(name.removeprefix(_CHANGE_PREFIX))
    if name in SHARE_COLUMNS:
        return lambda share: format_percent(share, lang, decimals=0)
    if unit == "probability":
        return lambda share: format_percent(share, lang)
    if unit == "%":
        return lambda percent: f"{format_number(percent, lang, decimals=1)}%"
    if unit == "count":
        return lambda count: format_count(count, lang)
    return None


def label_columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its known columns (and index name) renamed to labels in ``lang``."""
    renamed = frame.rename(columns={c: column_label(c, lang) for c in frame.columns})
    if renamed.index.name is not None:
        renamed.index.name = column_label(renamed.index.name, lang)
    return renamed


def style_table(frame: pd.DataFrame, lang: str, *, decimals: int = 2, currency: str = "") -> Styler:
    """``frame`` for display in ``lang``: labelled columns with their units, no index.

    Numbers take the language's separators (counts whole, shares and probabilities in
    percent), a missing value reads "—", yes/no, a trade's side and dates are written as
    in the language; ``currency`` names the unit of money columns in their headers.
    """
    import pandas as pd

    decimal, thousands = number_symbols(lang)
    yes, no = translate(lang, "yes"), translate(lang, "no")
    shown = frame.copy()
    formats: dict[str, Callable[[Any], str] | None] = {}
    for name, values in frame.items():
        if pd.api.types.is_bool_dtype(values):
            formats[str(name)] = lambda flag: yes if flag else no
        elif pd.api.types.is_numeric_dtype(values):
            formats[str(name)] = _cell_format(str(name), lang)
        else:
            labels = [value_label(str(name), value, lang) for value in values]
            shown[name] = pd.Series(labels, index=values.index, dtype=object)  # 20 000 stays whole
    shown = shown.rename(
        columns={c: table_header(c, lang, currency=currency) for c in shown.columns}
    )
    headers = dict(zip(frame.columns.map(str), shown.columns, strict=True))
    if shown.index.name is not None:
        shown.index.name = column_label(shown.index.name, lang)
    styler = shown.style.format(
        precision=decimals, decimal=decimal, thousands=thousands, na_rep=NA_REP
    )
    for name, header in headers.items():
        formatter = formats.get(name)
        if formatter is not None:
            styler = styler.format(formatter, subset=[header], na_rep=NA_REP)
    return styler if shown.index.name is not None else styler.hide(axis="index")
