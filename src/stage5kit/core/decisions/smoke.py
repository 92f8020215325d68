"""The decision-engine smoke test: fixed, documented scenarios with their expected decisions.

``cost_growth`` (the default) is seed 000's exercise: market_making's cost on coinbase has
grown from 4.8 to 14.2 bps, above the 12 bps limit, while other strategies show a
slippage spike, a latency spike, a nearly spent daily budget and an oversized order.
``baseline`` is the same desk before the incident: every order is approved.
The incident document these produce is described in ``docs/decision_engine.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from stage5kit.core.decisions.candidates import check_candidates
from stage5kit.core.decisions.kpis import DecisionKpis
from stage5kit.core.decisions.limits import RiskLimits
from stage5kit.core.decisions.orchestrator import Decisions
from stage5kit.errors import ConfigError

INCIDENT_FORMAT = "stage5kit-incident/v1"

SMOKE_LIMITS = RiskLimits(
    max_cost_bps=12.0,
    max_slippage_bps=10.0,
    max_decision_latency_ms=250.0,
    max_order_notional=250_000.0,
    daily_cost_budget=5_000.0,
    strategies={"basis_carry": {"daily_cost_budget": 2_000.0}},
)

# (strategy, venue): cost_bps, slippage_bps, decision_latency_ms_p95
_BEFORE = {
    ("momentum", "binance"): (6.0, 2.5, 40.0),
    ("market_making", "coinbase"): (4.8, 1.1, 9.0),
    ("stat_arb", "kraken"): (5.2, 3.0, 35.0),
    ("twap_execution", "okx"): (7.5, 4.0, 120.0),
    ("basis_carry", "binance"): (3.0, 1.4, 45.0),
}
_DURING = {
    **_BEFORE,
    ("market_making", "coinbase"): (14.2, 6.3, 11.0),
    ("stat_arb", "kraken"): (9.8, 11.5, 38.0),
    ("twap_execution", "okx"): (7.9, 4.2, 260.0),
}
_SPENT_BEFORE = {
    "momentum": 1_200.0,
    "market_making": 800.0,
    "stat_arb": 600.0,
    "twap_execution": 900.0,
    "basis_carry": 700.0,
}
_SPENT_DURING = {**_SPENT_BEFORE, "market_making": 3_100.0, "basis_carry": 1_995.0}

# order_id, strategy, venue, symbol, side, quantity, price, expected in cost_growth, in baseline
_ORDERS = (
    ("SMK-001", "momentum", "binance", "BTC-USDT", "buy", 0.5, 64_000.0, "approve", "approve"),
    ("SMK-002", "momentum", "binance", "ETH-USDT", "sell", 10.0, 3_200.0, "approve", "approve"),
    ("SMK-003", "momentum", "binance", "BTC-USDT", "buy", 8.0, 64_000.0, "reduce", "reduce"),
    ("SMK-004", "market_making", "coinbase", "ETH-USDT", "buy", 5.0, 3_200.0, "reject", "approve"),
    (
        "SMK-005",
        "market_making",
        "coinbase",
        "BTC-USDT",
        "sell",
        0.2,
        64_000.0,
        "reject",
        "approve",
    ),
    ("SMK-006", "stat_arb", "kraken", "SOL-USDT", "buy", 100.0, 150.0, "reject", "approve"),
    ("SMK-007", "twap_execution", "okx", "BTC-USDT", "sell", 1.0, 64_000.0, "escalate", "approve"),
    ("SMK-008", "basis_carry", "binance", "ETH-USDT", "buy", 10.0, 3_200.0, "escalate", "approve"),
)


@dataclass(frozen=True, slots=True)
class SmokeScenario:
    """A named, fixed replay: limits, KPIs, candidate orders and the decision each must get."""

    name: str
    description: str
    limits: RiskLimits
    kpis: DecisionKpis
    orders: pd.DataFrame = field(repr=False)
    expected: dict[str, str] = field(repr=False)


def _kpis(
    table: dict[tuple[str, str], tuple[float, float, float]], spent: dict[str, float]
) -> DecisionKpis:
    names = ("cost_bps", "slippage_bps", "decision_latency_ms_p95")
    return DecisionKpis(
        overall={"cost_bps": 6.1, "slippage_bps": 2.9, "decision_latency_ms_p95": 80.0},
        by_strategy_venue={
            pair: dict(zip(names, values, strict=True)) for pair, values in table.items()
        },
        daily_cost=spent,
        day="2026-05-18",
    )


def _scenario(name: str, description: str, during: bool) -> SmokeScenario:
    columns = ("order_id", "strategy", "venue", "symbol", "side", "quantity", "price")
    orders = pd.DataFrame([row[:7] for row in _ORDERS], columns=list(columns))
    expected = {row[0]: (row[7] if during else row[8]) for row in _ORDERS}
    return SmokeScenario(
        name=name,
        description=description,
        limits=SMOKE_LIMITS,
        kpis=_kpis(_DURING, _SPENT_DURING) if during else _kpis(_BEFORE, _SPENT_BEFORE),
        orders=check_candidates(orders, path=f"smoke scenario {name}"),
        expected=expected,
    )


SMOKE_SCENARIOS = {
    "cost_growth": (
        "market_making on coinbase costs 14.2 bps (was 4.8, limit 12); stat_arb slippage 11.5 bps;"
        " twap_execution latency p95 260 ms; basis_carry has spent 1,995 of its 2,000 daily budget"
    ),
    "baseline": "the same desk before the cost growth: every order within its limits",
}


def smoke_scenario(name: str = "cost_growth") -> SmokeScenario:
    """The smoke scenario ``name`` (cost_growth or baseline); ConfigError lists the names."""
    if name not in SMOKE_SCENARIOS:
        msg = f"unknown smoke scenario {name!r} (choose one of: {', '.join(SMOKE_SCENARIOS)})"
        raise ConfigError(msg)
    return _scenario(name, SMOKE_SCENARIOS[name], during=name == "cost_growth")


def failed_expectations(scenario: SmokeScenario, decisions: Decisions) -> list[dict[str, str]]:
    """The orders whose decision is not the scenario's expected one (empty when all match)."""
    got = dict(zip(decisions.orders["order_id"].tolist(), decisions.outcome.tolist(), strict=True))
    return [
        {"order_id": order_id, "expected": expected, "decision": str(got.get(order_id))}
        for order_id, expected in scenario.expected.items()
        if got.get(order_id) != expected
    ]


def build_incident(
    scenario: SmokeScenario,
    decisions: Decisions,
    *,
    incident_id: str,
    ticket: str | None,
    timestamp: str,
) -> dict[str, object]:
    """The incident document (``sample_incident.json``): what was decided, on what, and why."""
    failures = failed_expectations(scenario, decisions)
    order_ids = decisions.orders["order_id"].astype(str).tolist()
    candidates = [
        {**record, "expected": scenario.expected.get(order_id)}
        for order_id, record in zip(order_ids, decisions.records(), strict=True)
    ]
    return {
        "format": INCIDENT_FORMAT,
        "incident_id": incident_id,
        "ticket": ticket,
        "timestamp": timestamp,
        "scenario": {"name": scenario.name, "description": scenario.description},
        "limits": scenario.limits.to_dict(),
        "tco_kpi": decisions.kpis.to_dict(),
        "candidates": candidates,
        "summary": {
            "candidates": len(decisions),
            "decisions": decisions.summary(),
            "expectations_met": not failures,
            "failed_expectations": failures,
            "decision_latency_ms": decisions.latency_ms,
        },
    }
