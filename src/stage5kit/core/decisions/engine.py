"""The threshold risk engine: each candidate order against each limit, all orders at once.

The checks run in a fixed order; a check's action says what its failure means:
``reject`` (the order's costs are too high), ``escalate`` (a person must decide: latency,
the daily budget, or a KPI that is unknown) or ``reduce`` (too large: cut to the limit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.core.decisions.kpis import DecisionKpis
from stage5kit.core.decisions.limits import RiskLimits

BPS = 10_000.0


@dataclass(frozen=True, slots=True)
class Check:
    """One check: what it measures, the limit that bounds it, and what a failure leads to."""

    name: str
    limit: str
    action: str
    unit: str


CHECKS = (
    Check("cost_bps", "max_cost_bps", "reject", "bps"),
    Check("slippage_bps", "max_slippage_bps", "reject", "bps"),
    Check("decision_latency_ms", "max_decision_latency_ms", "escalate", "ms"),
    Check("daily_cost", "daily_cost_budget", "escalate", "quote currency"),
    Check("order_notional", "max_order_notional", "reduce", "quote currency"),
)
CHECK_NAMES = tuple(check.name for check in CHECKS)


@dataclass(frozen=True, slots=True)
class CheckResults:
    """Every check for every order: ``measured``, ``limits``, ``passed`` are (orders, checks)."""

    measured: np.ndarray
    limits: np.ndarray
    passed: np.ndarray
    notional: np.ndarray


@dataclass(frozen=True, slots=True)
class OrderChecks:
    """Every check for one order, in check order: measured values, limits, passed."""

    measured: tuple[float, ...]
    limits: tuple[float, ...]
    passed: tuple[bool, ...]


class ThresholdRiskEngine:
    """Scores candidate orders against :class:`RiskLimits`, vectorised over the orders."""

    checks = CHECKS

    def __init__(self, limits: RiskLimits) -> None:
        self.limits = limits

    def evaluate(self, orders: pd.DataFrame, kpis: DecisionKpis) -> CheckResults:
        """Measure each order against each limit (orders as returned by ``check_candidates``).

        Strategies and venues are factorised once, so per-order work is array indexing.
        """
        strategy_codes, strategies = pd.factorize(orders["strategy"].to_numpy(dtype=object))
        venue_codes, venues = pd.factorize(orders["venue"].to_numpy(dtype=object))
        names = [str(s) for s in strategies]
        table, spent_by_strategy = kpis.lookup(names, [str(v) for v in venues])
        measured = table[strategy_codes, venue_codes]
        notional = orders["quantity"].to_numpy(dtype=np.float64) * orders["price"].to_numpy(
            dtype=np.float64
        )
        expected_cost = notional * measured[:, 0] / BPS
        values = np.column_stack(
            [measured, spent_by_strategy[strategy_codes] + expected_cost, notional]
        )
        limit_table = np.array(
            [[self.limits.limit(check.limit, s) for check in CHECKS] for s in names],
            dtype=np.float64,
        ).reshape(len(names), len(CHECKS))
        limits = limit_table[strategy_codes]
        with np.errstate(invalid="ignore"):
            passed = np.isnan(limits) | (values <= limits)
        return CheckResults(measured=values, limits=limits, passed=passed, notional=notional)

    def evaluate_order(
        self, strategy: str, venue: str, quantity: float, price: float, kpis: DecisionKpis
    ) -> OrderChecks:
        """Measure one order against each limit in plain Python (what ``evaluate`` computes
        for a row, with the same float operations in the same order)."""
        cost, slippage, latency = kpis.for_order(strategy, venue)
        notional = quantity * price
        expected_cost = notional * cost / BPS
        measured = (cost, slippage, latency, kpis.spent_today(strategy) + expected_cost, notional)
        limits = tuple(self.limits.limit(check.limit, strategy) for check in CHECKS)
        passed = tuple(
            math.isnan(limit) or value <= limit
            for value, limit in zip(measured, limits, strict=True)
        )
        return OrderChecks(measured=measured, limits=limits, passed=passed)
