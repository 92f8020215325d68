"""The trade-log schema (DESIGN.md, Data 1): column names, roles and allowed values."""

from __future__ import annotations

TIMESTAMP = "timestamp"
TRADE_ID = "trade_id"
KEY_COLUMNS = ("strategy", "venue", "symbol")
NUMERIC_COLUMNS = ("quantity", "arrival_price", "fill_price", "fee", "decision_latency_ms")
POSITIVE_COLUMNS = ("quantity", "arrival_price", "fill_price")
REQUIRED_COLUMNS = (
    TIMESTAMP,
    TRADE_ID,
    *KEY_COLUMNS,
    "side",
    *NUMERIC_COLUMNS,
)
TRADE_COLUMNS = (
    TIMESTAMP,
    TRADE_ID,
    *KEY_COLUMNS,
    "side",
    "liquidity",
    *NUMERIC_COLUMNS,
)
SIDES = ("buy", "sell")
LIQUIDITIES = ("maker", "taker")
GROUP_KEYS = ("strategy", "venue", "symbol", "liquidity")
PERIODS = ("day", "week", "month")
