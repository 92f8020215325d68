"""Trade logs as frames: the schema, its validation, per-trade costs and synthetic logs.

Pure: reads and writes nothing (the files live in :mod:`stage5kit.core.io`).
"""

from __future__ import annotations

from stage5kit.core.trades.costs import add_trade_costs
from stage5kit.core.trades.schema import TRADE_COLUMNS
from stage5kit.core.trades.synthetic import (
    STRATEGY_NAMES,
    VENUE_NAMES,
    RegimeShift,
    generate_trades,
)
from stage5kit.core.trades.validation import check_trades

__all__: list[str] = [
    "STRATEGY_NAMES",
    "TRADE_COLUMNS",
    "VENUE_NAMES",
    "RegimeShift",
    "add_trade_costs",
    "check_trades",
    "generate_trades",
]
