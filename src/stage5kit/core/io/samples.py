"""The committed sample inputs, made by one function: trades, infra costs, limits, budget.

``sample_artifacts/inputs/`` is exactly what :func:`write_sample_inputs` writes with its
defaults (``stage5kit sample inputs --out sample_artifacts/inputs``); notebooks, the
demo and the stress tests read those files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stage5kit.core.io.trade_logs import write_trades
from stage5kit.core.trades.synthetic import generate_trades
from stage5kit.files import atomic_write_text

SAMPLE_ROWS = 20_000
SAMPLE_SEED = 5
SHARED_MONTHLY = {"market_data": 6000, "licences": 2500}
OWN_MONTHLY = {
    "basis_carry": {"servers": 1800},
    "market_making": {"servers": 3200, "colocation": 2200},
    "momentum": {"servers": 1500},
    "stat_arb": {"servers": 2400},
    "twap_execution": {"servers": 1200},
}
THRESHOLDS_YAML = """\
# Limits for `stage5kit tco --thresholds`: each is checked against every report group and
# the overall KPIs; a value above its limit is a breach. Units: bps of notional, ms.
max_cost_bps: 15.0
max_slippage_bps: 10.0
max_latency_p95_ms: 200.0
# Optional per-strategy limits override the ones above for that strategy's groups.
strategies:
  market_making:
    max_cost_bps: 5.0
    max_latency_p95_ms: 12.0
"""
BUDGET_YAML = """\
# Cost budgets for `stage5kit tco --budget`: an amount per strategy and period, in the
# trade log's quote currency. Spend is compared with 80/90/100% thresholds:
# below 80% ok, from 80% warn, from 90% critical, above 100% over.
period: month           # day | week | month
basis: tco              # tco (trading cost + allocated infra) or trading_cost
strategies:
  basis_carry: 26000
  market_making: 12000
  momentum: 40000
  stat_arb: 20000
  twap_execution: 42000
"""


def sample_infra_costs(months: list[str]) -> pd.DataFrame:
    """Monthly infra costs: shared market data and licences, and each strategy's own."""
    rows: list[dict[str, object]] = []
    for month in months:
        rows.extend(
            {"month": month, "strategy": "shared", "category": c, "amount": a}
            for c, a in SHARED_MONTHLY.items()
        )
        for strategy, costs in OWN_MONTHLY.items():
            rows.extend(
                {"month": month, "strategy": strategy, "category": c, "amount": a}
                for c, a in costs.items()
            )
    return pd.DataFrame(rows, columns=["month", "strategy", "category", "amount"])


def write_sample_inputs(
    out_dir: str | Path, *, rows: int = SAMPLE_ROWS, seed: int = SAMPLE_SEED
) -> list[Path]:
    """Write trades.csv, infra_costs.csv, thresholds.yaml and budget.yaml into ``out_dir``."""
    folder = Path(out_dir)
    trades = generate_trades(rows=rows, seed=seed)
    stamps = trades["timestamp"].dt.tz_localize(None).to_numpy("datetime64[M]")
    months = [str(m) for m in np.unique(stamps)]
    infra = sample_infra_costs(months).to_csv(index=False, lineterminator="\n")
    return [
        write_trades(trades, folder / "trades.csv"),
        atomic_write_text(folder / "infra_costs.csv", infra),
        atomic_write_text(folder / "thresholds.yaml", THRESHOLDS_YAML),
        atomic_write_text(folder / "budget.yaml", BUDGET_YAML),
    ]
