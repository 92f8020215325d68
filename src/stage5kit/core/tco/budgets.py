"""Cost budgets per strategy and period, graded ok / warn / critical / over.

Utilisation is spend / budget: below 80% ``ok``, from 80% ``warn``, from 90%
``critical``, from 100% (the whole budget spent) ``over``. Every budgeted strategy gets a
row for every period of the log, with zero spend when it did not trade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stage5kit.core.trades.schema import PERIODS
from stage5kit.errors import ConfigError

BUDGET_BASES = ("tco", "trading_cost")
WARN_AT = 0.8
CRITICAL_AT = 0.9
OVER_AT = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    """An amount per strategy for each ``period``, compared with ``basis`` spend."""

    period: str = "month"
    basis: str = "tco"
    amounts: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            msg = f"budget period must be one of {', '.join(PERIODS)}, got {self.period!r}"
            raise ConfigError(msg)
        if self.basis not in BUDGET_BASES:
            msg = f"budget basis must be one of {', '.join(BUDGET_BASES)}, got {self.basis!r}"
            raise ConfigError(msg)
        bad = [s for s, a in self.amounts.items() if not (np.isfinite(a) and a > 0)]
        if bad:
            msg = f"budget for {bad[0]!r} must be a positive number"
            raise ConfigError(msg)


def grade_utilisation(utilisation: np.ndarray) -> np.ndarray:
    """ok / warn / critical / over for each spend-to-budget ratio."""
    return np.select(
        [utilisation >= OVER_AT, utilisation >= CRITICAL_AT, utilisation >= WARN_AT],
        ["over", "critical", "warn"],
        default="ok",
    ).astype(object)


def evaluate_budgets(spend: pd.DataFrame, budget: Budget) -> pd.DataFrame:
    """Grade each (strategy, period) spend against its budget; strategies without one are skipped.

    ``spend`` has columns ``strategy``, ``period`` and ``spend``. A budgeted strategy with
    no spend in a period of the log gets a row with spend 0.
    """
    periods = sorted(set(spend["period"].astype(str)))
    full = pd.MultiIndex.from_product(
        [sorted(budget.amounts), periods], names=["strategy", "period"]
    )
    known = (
        spend[spend["strategy"].isin(list(budget.amounts))]
        .assign(period=lambda f: f["period"].astype(str))
        .set_index(["strategy", "period"])["spend"]
        .reindex(full, fill_value=0.0)
        .reset_index()
    )
    amount = known["strategy"].map(budget.amounts).to_numpy(dtype=np.float64)
    value = known["spend"].to_numpy(dtype=np.float64)
    utilisation = value / amount
    return pd.DataFrame(
        {
            "strategy": known["strategy"].to_numpy(dtype=object),
            "period": known["period"].to_numpy(dtype=object),
            "spend": value,
            "budget": amount,
            "utilisation": utilisation,
            "status": grade_utilisation(utilisation),
        }
    )
