"""The threshold risk engine and orchestrator: check order, outcomes, paths, KPIs, limits."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stage5kit.core.decisions import (
    CHECKS,
    NO_FAILED_CHECK,
    DecisionKpis,
    DecisionOrchestrator,
    Decisions,
    RiskLimits,
    ThresholdRiskEngine,
    check_candidates,
    failed_expectations,
    parse_risk_limits,
    smoke_scenario,
)
from stage5kit.core.io.decisions import load_decision_kpis, load_risk_limits
from stage5kit.errors import ConfigError

ROOT = Path(__file__).resolve().parents[3]
LIMITS = RiskLimits(
    max_cost_bps=10.0,
    max_slippage_bps=5.0,
    max_decision_latency_ms=100.0,
    max_order_notional=1_000.0,
    daily_cost_budget=50.0,
)
KPIS = DecisionKpis(
    overall={"cost_bps": 4.0, "slippage_bps": 1.0, "decision_latency_ms_p95": 20.0},
    by_strategy_venue={
        ("mm", "x"): {"cost_bps": 12.0, "slippage_bps": 1.0, "decision_latency_ms_p95": 5.0},
        ("mm", "y"): {"cost_bps": 2.0, "slippage_bps": 9.0, "decision_latency_ms_p95": 5.0},
    },
    by_strategy={"slow": {"cost_bps": 2.0, "slippage_bps": 1.0, "decision_latency_ms_p95": 500.0}},
    daily_cost={"spender": 49.99},
)


def _orders(*rows: tuple[str, str, float, float]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(f"o{i}", s, v, "BTC", "buy", q, p) for i, (s, v, q, p) in enumerate(rows)],
        columns=["order_id", "strategy", "venue", "symbol", "side", "quantity", "price"],
    )
    return check_candidates(frame, path="orders.csv")


def _decide(
    orders: pd.DataFrame, kpis: DecisionKpis = KPIS, limits: RiskLimits = LIMITS
) -> Decisions:
    """Decide with a fake clock that advances 1 ms per reading."""
    ticks = iter(range(0, 10**12, 10**6))
    return DecisionOrchestrator(ThresholdRiskEngine(limits), clock=ticks.__next__).decide(
        orders, kpis
    )


def test_each_first_failing_check_gives_its_outcome() -> None:
    """Cost and slippage reject, latency and budget escalate, notional reduces, else approve."""
    decisions = _decide(
        _orders(
            ("mm", "x", 1, 100),  # cost 12 bps > 10
            ("mm", "y", 1, 100),  # slippage 9 > 5
            ("slow", "z", 1, 100),  # latency 500 > 100
            ("spender", "z", 1, 100),  # 49.99 + 0.04 > 50
            ("other", "z", 20, 100),  # 2000 > 1000
            ("other", "z", 1, 100),
        )
    )
    assert decisions.outcome.tolist() == [
        "reject",
        "reject",
        "escalate",
        "escalate",
        "reduce",
        "approve",
    ]
    assert decisions.first_failed.tolist() == [
        "cost_bps", "slippage_bps", "decision_latency_ms", "daily_cost", "order_notional",
        NO_FAILED_CHECK,
    ]  # fmt: skip
    assert decisions.approved_quantity.tolist() == [0, 0, 0, 0, 10, 1]


def test_the_decision_path_lists_every_check_in_order_with_value_and_limit() -> None:
    """decision_path has one {check, value, limit, passed} per check, in the engine's order."""
    decisions = _decide(_orders(("other", "z", 20, 100)))
    path = decisions.decision_path(0)
    assert [step["check"] for step in path] == [check.name for check in CHECKS]
    assert path[-1] == {
        "check": "order_notional",
        "value": 2000.0,
        "limit": 1000.0,
        "passed": False,
    }
    assert path[0] == {"check": "cost_bps", "value": 4.0, "limit": 10.0, "passed": True}
    assert math.isclose(path[3]["value"], 2000 * 4 / 10_000)  # type: ignore[arg-type]


def test_an_unknown_kpi_escalates() -> None:
    """An order whose KPI is unknown (NaN) cannot be approved or rejected: it is escalated."""
    kpis = DecisionKpis(
        overall={"cost_bps": math.nan, "slippage_bps": 1.0, "decision_latency_ms_p95": 1.0}
    )
    decisions = _decide(_orders(("any", "z", 1, 1)), kpis=kpis)
    assert decisions.outcome.tolist() == ["escalate"]
    assert decisions.decision_path(0)[0]["value"] is None


def test_a_limit_left_out_is_not_checked_and_strategies_override() -> None:
    """No max_cost_bps means no cost check; a strategy's own limit replaces the default."""
    limits = RiskLimits(
        max_order_notional=1_000.0, strategies={"big": {"max_order_notional": 10_000.0}}
    )
    decisions = _decide(_orders(("mm", "x", 5, 1000), ("big", "z", 5, 1000)), limits=limits)
    assert decisions.outcome.tolist() == ["reduce", "approve"]
    assert decisions.decision_path(0)[0]["limit"] is None


def test_latency_is_measured_with_the_given_clock() -> None:
    """The batch's decision latency comes from the injected clock (1 ms per tick here)."""
    assert _decide(_orders(("other", "z", 1, 1))).latency_ms == 1.0


def test_flows_count_orders_by_first_failed_check_and_outcome() -> None:
    """flows() gives the Sankey links: counts per (first failed check, decision), in check order."""
    flows = _decide(_orders(("other", "z", 1, 1), ("mm", "x", 1, 1), ("other", "z", 1, 2))).flows()
    assert flows.to_dict("records") == [
        {"first_failed_check": "cost_bps", "decision": "reject", "orders": 1},
        {"first_failed_check": NO_FAILED_CHECK, "decision": "approve", "orders": 2},
    ]


@settings(max_examples=40)
@given(
    quantities=st.lists(st.floats(0.001, 1e6), min_size=1, max_size=12),
    prices=st.floats(0.01, 1e5),
)
def test_vectorised_decisions_equal_one_at_a_time(quantities: list[float], prices: float) -> None:
    """Deciding a batch gives the same outcome for each order as deciding it alone."""
    strategies = ["mm", "slow", "spender", "other"]
    rows = [(strategies[i % 4], "x" if i % 3 else "y", q, prices) for i, q in enumerate(quantities)]
    batch = _decide(_orders(*rows))
    singles = [_decide(_orders(row)).outcome[0] for row in rows]
    assert batch.outcome.tolist() == singles
    assert (batch.approved_quantity <= np.array(quantities) * (1 + 1e-12)).all()


def test_the_cost_growth_smoke_scenario_meets_every_expectation() -> None:
    """The documented cost_growth scenario gives 2 approve, 1 reduce, 3 reject, 2 escalate."""
    scenario = smoke_scenario("cost_growth")
    decisions = _decide(scenario.orders, kpis=scenario.kpis, limits=scenario.limits)
    assert failed_expectations(scenario, decisions) == []
    assert decisions.summary() == {"approve": 2, "reduce": 1, "reject": 3, "escalate": 2}


def test_the_baseline_smoke_scenario_approves_all_but_the_oversized_order() -> None:
    """Before the cost growth only the oversized order is touched (reduced)."""
    scenario = smoke_scenario("baseline")
    decisions = _decide(scenario.orders, kpis=scenario.kpis, limits=scenario.limits)
    assert failed_expectations(scenario, decisions) == []
    assert decisions.summary() == {"approve": 7, "reduce": 1, "reject": 0, "escalate": 0}


def test_an_unknown_smoke_scenario_lists_the_names() -> None:
    """Asking for a scenario that does not exist names the ones that do."""
    with pytest.raises(ConfigError, match="cost_growth, baseline"):
        smoke_scenario("nope")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"max_cost_bps": "ten"}, "max_cost_bps must be a finite number"),
        ({"max_cost_bps": -1}, "must be >= 0"),
        ({"max_cost": 1}, "unknown key 'max_cost'"),
        ({"strategies": {"mm": {"max_fee": 1}}}, "unknown limit 'max_fee' for strategy 'mm'"),
        ({"strategies": [1]}, "'strategies' must map"),
        ([1, 2], "expected a mapping"),
    ],
)
def test_bad_limits_name_the_key(data: object, message: str) -> None:
    """Each bad limits document is a ConfigError naming the file and the key."""
    with pytest.raises(ConfigError, match=message):
        parse_risk_limits(data, source="limits.yaml")


def test_limits_load_from_yaml(tmp_path: Path) -> None:
    """A limits YAML file gives RiskLimits with per-strategy overrides."""
    path = tmp_path / "limits.yaml"
    path.write_text(
        "max_cost_bps: 12\ndaily_cost_budget: 5000\nstrategies:\n  mm: {max_cost_bps: 6}\n"
    )
    limits = load_risk_limits(path)
    assert (limits.limit("max_cost_bps", "mm"), limits.limit("max_cost_bps", "x")) == (6.0, 12.0)
    assert math.isnan(limits.limit("max_order_notional", "x"))


def test_kpis_from_a_tco_run_take_the_latest_period() -> None:
    """KPIs read from a tco output folder keep, per strategy and venue, the latest month."""
    kpis = load_decision_kpis(ROOT / "sample_artifacts" / "tco")
    report = pd.read_csv(ROOT / "sample_artifacts" / "tco" / "tco_report.csv")
    latest = report[report["month"] == report["month"].max()]
    row = latest[(latest["strategy"] == "momentum") & (latest["venue"] == "okx")].iloc[0]
    assert kpis.by_strategy_venue[("momentum", "okx")]["cost_bps"] == pytest.approx(row["cost_bps"])
    assert kpis.overall["cost_bps"] > 0


def test_kpis_from_a_trade_log_include_todays_cost() -> None:
    """KPIs computed from a trade log carry each strategy's cost on the latest day."""
    kpis = load_decision_kpis(ROOT / "sample_artifacts" / "inputs" / "trades.csv")
    assert kpis.day == "2026-04-30"
    assert set(kpis.daily_cost) == {
        "basis_carry",
        "market_making",
        "momentum",
        "stat_arb",
        "twap_execution",
    }
    assert kpis.to_dict()["day"] == "2026-04-30"
