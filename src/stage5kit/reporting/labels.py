"""Readable names of the columns a report shows, in the report's language.

Data files keep their identifiers (``cost_bps_before``); tables on screen, axis titles and
legends use these labels, translated through :mod:`stage5kit.reporting.i18n`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stage5kit.reporting.i18n import translate

if TYPE_CHECKING:
    from collections.abc import Hashable

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


def label_columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its known columns (and index name) renamed to labels in ``lang``."""
    renamed = frame.rename(columns={c: column_label(c, lang) for c in frame.columns})
    if renamed.index.name is not None:
        renamed.index.name = column_label(renamed.index.name, lang)
    return renamed


def style_table(frame: pd.DataFrame, lang: str, *, decimals: int = 2) -> Styler:
    """``frame`` for display: labelled columns, numbers and yes/no in the language, no index."""
    from stage5kit.reporting.i18n import number_symbols

    decimal, thousands = number_symbols(lang)
    labelled = label_columns(frame, lang)
    yes, no = translate(lang, "yes"), translate(lang, "no")
    styler = labelled.style.format(precision=decimals, decimal=decimal, thousands=thousands)
    flags: list[Hashable] = [c for c in labelled.columns if labelled[c].dtype == bool]
    if flags:
        styler = styler.format(lambda flag: yes if flag else no, subset=flags)
    return styler if labelled.index.name is not None else styler.hide(axis="index")
