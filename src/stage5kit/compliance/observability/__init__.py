"""Observability+: SLOs, burn-rate and budget alerts replayed offline, Prometheus rules and
metrics, the Grafana dashboard, and the signed bundle that carries them (verified unextracted).

The same :class:`ObservabilityConfig` drives the replay, the rules and the dashboard.
``docs/observability.md`` defines each SLO and metric.
"""

from __future__ import annotations

from stage5kit.compliance.observability.bundle import bundle_files, write_bundle
from stage5kit.compliance.observability.bundle_zip import ZipLimits, verify_bundle
from stage5kit.compliance.observability.config import (
    BurnRateWindow,
    ObservabilityConfig,
    load_observability_config,
)
from stage5kit.compliance.observability.dashboard import build_dashboard
from stage5kit.compliance.observability.metrics import (
    Stage5Metrics,
    create_stage5_metrics,
    metric_series_names,
)
from stage5kit.compliance.observability.prometheus_rules import build_rule_tests, build_rules
from stage5kit.compliance.observability.replay import (
    budget_spend_timeline,
    burn_rate_timeline,
    episode_records,
    replay_budget_alerts,
    replay_burn_rate_alerts,
    slo_events,
)

__all__ = [
    "BurnRateWindow",
    "ObservabilityConfig",
    "Stage5Metrics",
    "ZipLimits",
    "budget_spend_timeline",
    "build_dashboard",
    "build_rule_tests",
    "build_rules",
    "bundle_files",
    "burn_rate_timeline",
    "create_stage5_metrics",
    "episode_records",
    "load_observability_config",
    "metric_series_names",
    "replay_budget_alerts",
    "replay_burn_rate_alerts",
    "slo_events",
    "verify_bundle",
    "write_bundle",
]
