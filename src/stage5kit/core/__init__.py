"""Pure analytics on DataFrames: trade logs, TCO KPIs, sketches, anomalies, stress tests.

Never imports plotly, papermill, jupyter, numba or cryptography (checked by import-linter).
"""

from __future__ import annotations

from stage5kit.core.costs import add_trade_costs
from stage5kit.core.synthetic import generate_trades
from stage5kit.core.trade_io import iter_trade_batches, load_trades, write_trades

__all__: list[str] = [
    "add_trade_costs",
    "generate_trades",
    "iter_trade_batches",
    "load_trades",
    "write_trades",
]
