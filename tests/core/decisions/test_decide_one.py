"""decide_one (plain Python, one order) gives exactly the decision decide (vectorised) gives."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from stage5kit.core.decisions import (
    DecisionKpis,
    DecisionOrchestrator,
    RiskLimits,
    ThresholdRiskEngine,
    check_candidates,
)
from stage5kit.core.decisions.kpis import KPI_METRICS
from stage5kit.core.decisions.limits import LIMIT_NAMES

STRATEGIES = ("mm", "arb", "slow")
VENUES = ("x", "y")
KPI_VALUE = st.floats(0, 500, allow_nan=False) | st.just(math.nan)
LIMIT = st.none() | st.floats(0, 2_000, allow_nan=False)
POSITIVE = st.floats(1e-6, 1e6, allow_nan=False, allow_infinity=False)


def _metrics() -> st.SearchStrategy[dict[str, float]]:
    return st.fixed_dictionaries(dict.fromkeys(KPI_METRICS, KPI_VALUE))


KPIS = st.builds(
    DecisionKpis,
    overall=_metrics(),
    by_strategy_venue=st.dictionaries(
        st.tuples(st.sampled_from(STRATEGIES), st.sampled_from(VENUES)), _metrics(), max_size=4
    ),
    by_strategy=st.dictionaries(st.sampled_from(STRATEGIES), _metrics(), max_size=2),
    daily_cost=st.dictionaries(st.sampled_from(STRATEGIES), st.floats(0, 100), max_size=3),
)
LIMITS = st.builds(
    RiskLimits,
    **dict.fromkeys(LIMIT_NAMES, LIMIT),
    strategies=st.dictionaries(
        st.sampled_from(STRATEGIES),
        st.dictionaries(st.sampled_from(LIMIT_NAMES), st.floats(0, 2_000), max_size=2),
        max_size=2,
    ),
)
ORDERS = st.lists(
    st.tuples(st.sampled_from(STRATEGIES), st.sampled_from(VENUES), POSITIVE, POSITIVE),
    min_size=1,
    max_size=8,
)


def _frame(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(f"o{i}", s, v, "BTC", "buy", q, p) for i, (s, v, q, p) in enumerate(rows)],
        columns=["order_id", "strategy", "venue", "symbol", "side", "quantity", "price"],
    )
    return check_candidates(frame, path="orders.csv")


def _same_number(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@settings(max_examples=150, deadline=None)
@given(rows=ORDERS, kpis=KPIS, limits=LIMITS)
def test_one_order_decides_as_its_row_of_the_batch(
    rows: list[tuple[str, str, float, float]], kpis: DecisionKpis, limits: RiskLimits
) -> None:
    orchestrator = DecisionOrchestrator(ThresholdRiskEngine(limits))
    orders = _frame(rows)
    batch = orchestrator.decide(orders, kpis)
    for index, order in enumerate(orders.to_dict("records")):
        one = orchestrator.decide_one(order, kpis)
        assert one.outcome == batch.outcome[index]
        assert one.first_failed == batch.first_failed[index]
        assert _same_number(one.approved_quantity, float(batch.approved_quantity[index]))
        assert one.decision_path() == batch.decision_path(index)
        assert all(
            _same_number(a, float(b))
            for a, b in zip(one.checks.measured, batch.checks.measured[index], strict=True)
        )


def test_one_order_measures_its_latency_with_the_clock() -> None:
    ticks = iter(range(0, 10**12, 250_000))
    orchestrator = DecisionOrchestrator(
        ThresholdRiskEngine(RiskLimits(max_order_notional=100.0)), clock=ticks.__next__
    )
    kpis = DecisionKpis(overall=dict.fromkeys(KPI_METRICS, 1.0))
    order = {"strategy": "mm", "venue": "x", "quantity": 4.0, "price": 50.0}
    decision = orchestrator.decide_one(order, kpis)
    assert decision.latency_ms == 0.25
    assert decision.outcome == "reduce"
    assert decision.first_failed == "order_notional"
    assert decision.approved_quantity == 2.0
