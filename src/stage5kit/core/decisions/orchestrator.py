"""The decision orchestrator: candidate orders + current TCO KPIs -> one decision per order.

Decisions are approve, reduce, reject or escalate; each carries its ``decision_path``
(every check in order: value, limit, passed) and the ``tco_kpi`` it used. The first failed
check decides: its action, or escalate when the KPI it needed is unknown.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stage5kit.core.decisions.engine import (
    CHECK_NAMES,
    CHECKS,
    CheckResults,
    OrderChecks,
    ThresholdRiskEngine,
)
from stage5kit.core.decisions.kpis import DecisionKpis

OUTCOMES = ("approve", "reduce", "reject", "escalate")
NO_FAILED_CHECK = "all_passed"
_ACTIONS = np.array([check.action for check in CHECKS], dtype=object)


_NOTIONAL = CHECK_NAMES.index("order_notional")


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def decision_if_failed(check: str, value: float | None) -> str:
    """The decision ``check`` leads to when it is the first to fail: its action, or escalate
    when the value it measures is unknown (None or NaN, as ``decision_path`` holds it)."""
    if value is None or math.isnan(value):
        return "escalate"
    return CHECKS[CHECK_NAMES.index(check)].action


def _path(
    values: Sequence[float], limits: Sequence[float], passed: Sequence[bool]
) -> list[dict[str, object]]:
    """The checks of one order, in order: ``{check, value, limit, passed}``."""
    return [
        {
            "check": name,
            "value": _number(values[k]),
            "limit": _number(limits[k]),
            "passed": bool(passed[k]),
        }
        for k, name in enumerate(CHECK_NAMES)
    ]


@dataclass(frozen=True, slots=True)
class Decision:
    """One order's decision from :meth:`DecisionOrchestrator.decide_one`; its fields equal
    the matching row of :class:`Decisions` for the same order."""

    order: Mapping[str, object] = field(repr=False)
    checks: OrderChecks
    outcome: str
    first_failed: str
    approved_quantity: float
    latency_ms: float

    def decision_path(self) -> list[dict[str, object]]:
        """The checks, in order: ``{check, value, limit, passed}``."""
        return _path(self.checks.measured, self.checks.limits, self.checks.passed)


@dataclass(frozen=True, slots=True)
class Decisions:
    """The decisions for a batch of orders, kept as arrays (per order, per check).

    ``latency_ms`` is the time from receiving the batch to having every decision, so the
    latency each order waited; a single order's latency is its own decision time.
    """

    orders: pd.DataFrame
    checks: CheckResults
    outcome: np.ndarray
    first_failed: np.ndarray
    approved_quantity: np.ndarray
    kpis: DecisionKpis
    latency_ms: float

    def __len__(self) -> int:
        return len(self.outcome)

    def decision_path(self, index: int) -> list[dict[str, object]]:
        """The checks of one order, in order: ``{check, value, limit, passed}``."""
        return _path(
            self.checks.measured[index].tolist(),
            self.checks.limits[index].tolist(),
            self.checks.passed[index].tolist(),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per order: the order, its decision, first failed check, approved quantity."""
        frame = self.orders.copy()
        frame["decision"] = self.outcome
        frame["first_failed_check"] = self.first_failed
        frame["approved_quantity"] = self.approved_quantity
        frame["decision_latency_ms"] = self.latency_ms
        return frame

    def records(self) -> list[dict[str, object]]:
        """Per order: the order, the decision, approved quantity and its ``decision_path``."""
        rows = self.orders.to_dict("records")
        return [
            {
                "order": {
                    k: (float(v) if isinstance(v, np.floating) else v) for k, v in row.items()
                },
                "decision": str(self.outcome[i]),
                "first_failed_check": str(self.first_failed[i]),
                "approved_quantity": float(self.approved_quantity[i]),
                "decision_path": self.decision_path(i),
            }
            for i, row in enumerate(rows)
        ]

    def summary(self) -> dict[str, int]:
        """How many orders got each decision (every outcome listed, zeros included)."""
        counts = dict.fromkeys(OUTCOMES, 0)
        values, numbers = np.unique(self.outcome.astype(str), return_counts=True)
        counts.update({str(v): int(n) for v, n in zip(values, numbers, strict=True)})
        return counts

    def flows(self) -> pd.DataFrame:
        """Counts by first failed check and decision: the links of the decision-flow figure."""
        frame = pd.DataFrame({"first_failed_check": self.first_failed, "decision": self.outcome})
        counts = frame.groupby(["first_failed_check", "decision"], sort=False).size()
        order = {name: k for k, name in enumerate((*CHECK_NAMES, NO_FAILED_CHECK))}
        flows = counts.rename("orders").reset_index()
        return flows.sort_values(
            "first_failed_check", key=lambda c: c.map(order), kind="stable"
        ).reset_index(drop=True)


class DecisionOrchestrator:
    """Runs the engine's checks in order for a batch of orders and records each decision.

    :meth:`decide` takes a frame of orders (vectorised); :meth:`decide_one` one order as a
    mapping, in plain Python, for a live engine deciding as orders arrive (no pandas cost).

    ``clock`` returns nanoseconds (default ``time.perf_counter_ns``); it only times decisions.
    """

    def __init__(
        self, engine: ThresholdRiskEngine, *, clock: Callable[[], int] = time.perf_counter_ns
    ) -> None:
        self.engine = engine
        self.clock = clock

    def decide(self, orders: pd.DataFrame, kpis: DecisionKpis) -> Decisions:
        """Decide every order (as returned by ``check_candidates``) on the given KPIs."""
        started = self.clock()
        checks = self.engine.evaluate(orders, kpis)
        failed = ~checks.passed
        any_failed = failed.any(axis=1)
        first = np.argmax(failed, axis=1)
        first_value = checks.measured[np.arange(len(first)), first]
        action = _ACTIONS[first]
        action = np.where(np.isnan(first_value), "escalate", action)
        outcome = np.where(any_failed, action, "approve").astype(object)
        first_failed = np.where(
            any_failed, np.array(CHECK_NAMES, dtype=object)[first], NO_FAILED_CHECK
        )
        quantity = orders["quantity"].to_numpy(dtype=np.float64)
        limit_notional = checks.limits[:, _NOTIONAL]
        with np.errstate(divide="ignore", invalid="ignore"):
            reduced = quantity * limit_notional / checks.notional
        approved = np.select([outcome == "approve", outcome == "reduce"], [quantity, reduced], 0.0)
        latency_ms = (self.clock() - started) / 1e6
        return Decisions(
            orders=orders,
            checks=checks,
            outcome=outcome,
            first_failed=first_failed.astype(object),
            approved_quantity=approved,
            kpis=kpis,
            latency_ms=latency_ms,
        )

    def decide_one(self, order: Mapping[str, object], kpis: DecisionKpis) -> Decision:
        """Decide one order (``strategy``, ``venue``, ``quantity``, ``price`` as checked by
        ``check_candidates``); the same decision :meth:`decide` gives that order's row."""
        started = self.clock()
        quantity = float(order["quantity"])  # type: ignore[arg-type]
        checks = self.engine.evaluate_order(
            str(order["strategy"]),
            str(order["venue"]),
            quantity,
            float(order["price"]),  # type: ignore[arg-type]
            kpis,
        )
        first = next((k for k, passed in enumerate(checks.passed) if not passed), None)
        if first is None:
            outcome, first_failed, approved = "approve", NO_FAILED_CHECK, quantity
        else:
            outcome = decision_if_failed(CHECK_NAMES[first], checks.measured[first])
            first_failed = CHECK_NAMES[first]
            approved = 0.0
            if outcome == "reduce":
                approved = quantity * checks.limits[_NOTIONAL] / checks.measured[_NOTIONAL]
        return Decision(
            order=order,
            checks=checks,
            outcome=outcome,
            first_failed=first_failed,
            approved_quantity=approved,
            latency_ms=(self.clock() - started) / 1e6,
        )
