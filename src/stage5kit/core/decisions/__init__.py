"""Decisions on candidate orders: limits, the threshold risk engine and the orchestrator.

Pure (no file I/O): candidate files are read by the I/O edge, KPIs come from a TCO result.
"""

from __future__ import annotations

from stage5kit.core.decisions.candidates import (
    CANDIDATE_COLUMNS,
    check_candidates,
    replay_candidates,
)
from stage5kit.core.decisions.engine import (
    CHECKS,
    Check,
    CheckResults,
    OrderChecks,
    ThresholdRiskEngine,
)
from stage5kit.core.decisions.kpis import DecisionKpis
from stage5kit.core.decisions.limits import RiskLimits, parse_risk_limits
from stage5kit.core.decisions.orchestrator import (
    NO_FAILED_CHECK,
    OUTCOMES,
    Decision,
    DecisionOrchestrator,
    Decisions,
    decision_if_failed,
)
from stage5kit.core.decisions.smoke import (
    SMOKE_SCENARIOS,
    SmokeScenario,
    build_incident,
    failed_expectations,
    smoke_scenario,
)

__all__: list[str] = [
    "CANDIDATE_COLUMNS",
    "CHECKS",
    "NO_FAILED_CHECK",
    "OUTCOMES",
    "SMOKE_SCENARIOS",
    "Check",
    "CheckResults",
    "Decision",
    "DecisionKpis",
    "DecisionOrchestrator",
    "Decisions",
    "OrderChecks",
    "RiskLimits",
    "SmokeScenario",
    "ThresholdRiskEngine",
    "build_incident",
    "check_candidates",
    "decision_if_failed",
    "failed_expectations",
    "parse_risk_limits",
    "replay_candidates",
    "smoke_scenario",
]
