"""The decision-flow Sankey: candidates -> first failing check -> decision, widths = orders."""

from __future__ import annotations

from stage5kit.core.decisions import DecisionOrchestrator, ThresholdRiskEngine, smoke_scenario
from stage5kit.reporting import plot_decision_flows


def test_sankey_links_carry_every_candidate_to_its_decision() -> None:
    """Candidates flow into first-failed checks and on into outcomes, conserving the count."""
    scenario = smoke_scenario("cost_growth")
    decisions = DecisionOrchestrator(ThresholdRiskEngine(scenario.limits)).decide(
        scenario.orders, scenario.kpis
    )
    figure = plot_decision_flows(decisions.flows(), title="Flows")
    sankey = figure.data[0]
    labels = list(sankey.node.label)
    assert labels[0] == "candidates (8)"
    assert labels[1:] == [
        "cost_bps", "slippage_bps", "decision_latency_ms", "daily_cost", "order_notional",
        "all_passed", "approve", "reduce", "reject", "escalate",
    ]  # fmt: skip
    links = list(zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True))
    out_of_candidates = sum(v for s, _, v in links if s == 0)
    into_outcomes = sum(
        v for _, t, v in links if labels[t] in {"approve", "reduce", "reject", "escalate"}
    )
    assert out_of_candidates == into_outcomes == 8
    assert (labels.index("cost_bps"), labels.index("reject"), 2) in links
    assert figure.layout.title.text == "Flows"
