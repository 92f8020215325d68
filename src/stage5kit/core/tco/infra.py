"""Allocation of fixed monthly infra costs (servers, data feeds, licences) to trades.

A strategy's own costs for a month go to that strategy's trades in that month; ``shared``
costs are first split among the strategies that traded that month, by trade count or by
notional (``allocation``), then each strategy-month's total is spread over its cells the
same way. Costs of a strategy-month without trades cannot be carried and are reported.

With ``proration="days"`` (the default) each month's costs are first scaled by the share
of that month's calendar days the log covers - the days from its first to its last trade,
inclusive - so a log of 4 days of January carries 4/31 of January's bill, not all of it.
``proration="none"`` charges whole months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.errors import ConfigError

SHARED = "shared"
ALLOCATIONS = ("trades", "notional")
PRORATIONS = ("days", "none")


@dataclass(frozen=True, slots=True)
class InfraAllocation:
    """Infra cost per cell, and the costs that had no trades to carry them."""

    per_cell: np.ndarray
    unallocated: pd.DataFrame


def check_proration(proration: str) -> None:
    """Refuse an infra proration other than ``days`` or ``none``."""
    if proration not in PRORATIONS:
        msg = f"infra proration must be one of {', '.join(PRORATIONS)}, got {proration!r}"
        raise ConfigError(msg)


def check_allocation(allocation: str) -> None:
    """Refuse an allocation other than by ``trades`` or by ``notional``."""
    if allocation not in ALLOCATIONS:
        msg = f"allocation must be one of {', '.join(ALLOCATIONS)}, got {allocation!r}"
        raise ConfigError(msg)


def allocate_infra_costs(
    cells: pd.DataFrame,
    *,
    n_trades: np.ndarray,
    notional: np.ndarray,
    infra_costs: pd.DataFrame,
    allocation: str = "trades",
    coverage: pd.Series | None = None,
) -> InfraAllocation:
    """Spread monthly infra costs over cells keyed by ``strategy`` and ``month``.

    ``coverage`` (month label -> share of the month's days the log covers, see
    :func:`month_coverage`) prorates each month's costs; None charges whole months.
    """
    check_allocation(allocation)
    weight = np.asarray(n_trades if allocation == "trades" else notional, dtype=np.float64)
    frame = pd.DataFrame(
        {
            "strategy": cells["strategy"].to_numpy(),
            "month": cells["month"].to_numpy(),
            "weight": weight,
        }
    )
    per_strategy = frame.groupby(["strategy", "month"], sort=True)["weight"].sum()
    per_month = per_strategy.groupby(level="month").sum()
    costs = infra_costs.groupby(["strategy", "month"], sort=True)["amount"].sum()
    if coverage is not None:
        share = coverage.reindex(costs.index.get_level_values("month"), fill_value=0.0)
        costs = costs * share.to_numpy()
        costs = costs[costs != 0]

    own = costs[costs.index.get_level_values("strategy") != SHARED]
    shared = costs[costs.index.get_level_values("strategy") == SHARED].droplevel("strategy")
    month_of = per_strategy.index.get_level_values("month")
    share = per_strategy.to_numpy() / per_month.reindex(month_of).to_numpy()
    strategy_total = pd.Series(
        shared.reindex(month_of, fill_value=0.0).to_numpy() * share, index=per_strategy.index
    )
    strategy_total = strategy_total.add(own.reindex(per_strategy.index, fill_value=0.0))

    carried_own = own.index.isin(per_strategy.index)
    carried_shared = shared.index.isin(per_month.index)
    unallocated = pd.concat(
        [
            own[~carried_own].reset_index(),
            shared[~carried_shared].reset_index().assign(strategy=SHARED),
        ],
        ignore_index=True,
    )[["strategy", "month", "amount"]]

    key = pd.MultiIndex.from_frame(frame[["strategy", "month"]])
    cell_total = strategy_total.reindex(key).to_numpy()
    cell_weight = per_strategy.reindex(key).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        per_cell = np.where(cell_weight > 0, cell_total * weight / cell_weight, 0.0)
    return InfraAllocation(per_cell=per_cell, unallocated=unallocated)


def month_coverage(first_day: int, last_day: int) -> pd.Series:
    """Share of each month's calendar days within ``[first_day, last_day]`` (days since 1970).

    Indexed by month label ``YYYY-MM``; months outside the span are absent (share 0).
    """
    days = np.arange(first_day, last_day + 1).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    label, covered = np.unique(months, return_counts=True)
    length = ((label + 1).astype("datetime64[D]") - label.astype("datetime64[D]")).astype(np.int64)
    return pd.Series(
        covered / length, index=pd.Index(np.datetime_as_string(label, unit="M"), name="month")
    )
