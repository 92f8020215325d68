"""Prometheus recording and alerting rules for the Stage5 SLOs and budgets, and their unit tests.

Burn-rate alerts follow the Google SRE workbook's multiwindow, multi-burn-rate recipe: error
ratios are recorded per window, and an alert fires when its long and short window both
exceed ``factor x (1 - objective)`` while the long window holds ``min_events`` trades.
Budget alerts project the period's spend from the cost of the last day and the last six hours.
:func:`build_rule_tests` writes a ``promtool test rules`` file that replays an incident and a
calm stretch through every alert.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import yaml

from stage5kit.compliance.observability.config import (
    SLO_NAMES,
    BurnRateWindow,
    ObservabilityConfig,
    format_duration,
)
from stage5kit.compliance.observability.metrics import (
    COST_BUDGET,
    COST_LIMIT_BREACHES_TOTAL,
    COST_TOTAL,
    DECISION_LATENCY_SECONDS,
    TRADES_TOTAL,
    latency_bucket_label,
)
from stage5kit.compliance.observability.replay import PERIOD_SECONDS, budget_severity

RULES_FILE = "stage5_rules.yml"
# promtool evaluates the rules every 5 minutes of test time over 1-minute samples.
TEST_STEP_MINUTES = 5
SLO_TITLES = {"decision_latency": "decision latency", "execution_cost": "execution cost"}


def _good_and_total(slo: str, config: ObservabilityConfig, window: str) -> tuple[str, str]:
    """PromQL for the bad-event rate and the all-event rate of an SLO over ``window``."""
    if slo == "decision_latency":
        le = latency_bucket_label(config.latency_threshold_seconds)
        total = f"sum(rate({DECISION_LATENCY_SECONDS}_count[{window}]))"
        good = f'sum(rate({DECISION_LATENCY_SECONDS}_bucket{{le="{le}"}}[{window}]))'
        return f"({total} - {good})", total
    return (
        f"sum(rate({COST_LIMIT_BREACHES_TOTAL}[{window}]))",
        f"sum(rate({TRADES_TOTAL}[{window}]))",
    )


def _events_expr(slo: str, window: str) -> str:
    counter = f"{DECISION_LATENCY_SECONDS}_count" if slo == "decision_latency" else TRADES_TOTAL
    return f"sum(increase({counter}[{window}]))"


def error_ratio_record(slo: str, window: str) -> str:
    """Name of the recorded error ratio of an SLO over a window (``...:error_ratio_rate1h``)."""
    return f"stage5:{slo}:error_ratio_rate{window}"


def events_record(slo: str, window: str) -> str:
    """Name of the recorded number of events of an SLO over a window."""
    return f"stage5:{slo}:events_increase{window}"


def projected_spend_record(window: str) -> str:
    """Name of the recorded projected period spend per strategy from the cost of ``window``."""
    return f"stage5:trade_cost:projected_period_spend_{window}"


def burn_rate_alert_name(slo: str, window: BurnRateWindow) -> str:
    """``Stage5DecisionLatencyBurnRate1h5m``: one alert per SLO and window pair."""
    camel = "".join(part.capitalize() for part in slo.split("_"))
    long, short = format_duration(window.long_seconds), format_duration(window.short_seconds)
    return f"Stage5{camel}BurnRate{long}{short}"


def budget_alert_name(level: float) -> str:
    """``Stage5BudgetSpendRate80``: one alert per budget level."""
    return f"Stage5BudgetSpendRate{round(level * 100)}"


def _windows(config: ObservabilityConfig) -> list[str]:
    seconds = {s for w in config.burn_rate_windows for s in (w.long_seconds, w.short_seconds)}
    return [format_duration(s) for s in sorted(seconds)]


def _burn_rate_labels(slo: str, window: BurnRateWindow) -> dict[str, str]:
    return {
        "severity": window.severity,
        "slo": slo,
        "long_window": format_duration(window.long_seconds),
        "short_window": format_duration(window.short_seconds),
        "burn_rate": f"{window.factor:g}",
    }


def _burn_rate_annotations(
    slo: str, window: BurnRateWindow, config: ObservabilityConfig
) -> dict[str, str]:
    long, short = format_duration(window.long_seconds), format_duration(window.short_seconds)
    return {
        "summary": (
            f"Stage5 {SLO_TITLES[slo]} SLO burns its error budget {window.factor:g}x too fast"
        ),
        "description": (
            f"Over the last {long} and {short} more than {window.factor:g} x"
            f" {config.error_budget(slo):.4g} of trades missed the {SLO_TITLES[slo]} objective"
            f" ({config.objectives[slo]:.4g}); see docs/observability.md."
        ),
    }


def _budget_labels(level: float) -> dict[str, str]:
    return {"severity": budget_severity(level), "budget_level": f"{round(level * 100)}%"}


def _budget_annotations(level: float, config: ObservabilityConfig) -> dict[str, str]:
    windows = " and ".join(format_duration(s) for s in config.budget_windows_seconds)
    return {
        "summary": f"Stage5 projected trading cost reaches {round(level * 100)}% of the budget",
        "description": (
            f"At the cost rate of the last {windows} the strategy spends at least"
            f" {round(level * 100)}% of its budget this period; see docs/observability.md."
        ),
    }


def build_rules(config: ObservabilityConfig, *, budget_period: str = "month") -> dict[str, object]:
    """The rule file as a document: recording rules, burn-rate alerts and budget alerts."""
    records: list[dict[str, object]] = []
    for slo in SLO_NAMES:
        for span in _windows(config):
            bad, total = _good_and_total(slo, config, span)
            records.append({"record": error_ratio_record(slo, span), "expr": f"{bad} / {total}"})
            records.append({"record": events_record(slo, span), "expr": _events_expr(slo, span)})
    factor_of = PERIOD_SECONDS[budget_period]
    for seconds in config.budget_windows_seconds:
        spend_window = format_duration(seconds)
        paid = f'sum by (strategy) (increase({COST_TOTAL}{{direction="paid"}}[{spend_window}]))'
        received = (
            f'sum by (strategy) (increase({COST_TOTAL}{{direction="received"}}[{spend_window}]))'
        )
        records.append(
            {
                "record": projected_spend_record(spend_window),
                "expr": f"({paid} - {received}) * {factor_of / seconds:g}",
            }
        )
    alerts: list[dict[str, object]] = []
    for slo in SLO_NAMES:
        for window in config.burn_rate_windows:
            long, short = (
                format_duration(window.long_seconds),
                format_duration(window.short_seconds),
            )
            limit = f"{window.factor:g} * {config.error_budget(slo):.6g}"
            expr = (
                f"{error_ratio_record(slo, long)} > ({limit})"
                f" and {error_ratio_record(slo, short)} > ({limit})"
                f" and {events_record(slo, long)} >= {config.min_events}"
            )
            alerts.append(
                {
                    "alert": burn_rate_alert_name(slo, window),
                    "expr": expr,
                    "labels": _burn_rate_labels(slo, window),
                    "annotations": _burn_rate_annotations(slo, window, config),
                }
            )
    budget = f"max by (strategy) ({COST_BUDGET})"
    for level in config.budget_levels:
        parts = [
            f"{projected_spend_record(format_duration(s))} / on (strategy) {budget} >= {level:g}"
            for s in config.budget_windows_seconds
        ]
        alerts.append(
            {
                "alert": budget_alert_name(level),
                "expr": " and on (strategy) ".join(f"({p})" for p in parts),
                "labels": _budget_labels(level),
                "annotations": _budget_annotations(level, config),
            }
        )
    return {
        "groups": [
            {"name": "stage5-slo-recording", "rules": records},
            {"name": "stage5-slo-alerts", "rules": alerts},
        ]
    }


def _incident_minutes(config: ObservabilityConfig) -> tuple[int, int]:
    """Calm minutes, then minutes of incident after which every burn-rate alert must fire.

    After ``d`` bad minutes following ``c`` calm ones a long window sees at least a share
    ``d / (c + d)`` of bad trades and a short window no longer than ``d`` only bad ones;
    ``d`` is the least whole number of test steps past both for every window, plus a margin.
    """
    calm = 60
    needed = [w.short_seconds // 60 for w in config.burn_rate_windows]
    for slo in SLO_NAMES:
        for window in config.burn_rate_windows:
            share = window.factor * config.error_budget(slo)
            needed.append(math.ceil(share * calm / (1 - share)))
    incident = max(needed) + 10
    return calm, -(-incident // TEST_STEP_MINUTES) * TEST_STEP_MINUTES


def _budget_eval_minutes(config: ObservabilityConfig) -> int:
    """When the budget test looks: an hour after the longest budget window has filled."""
    minutes = max(config.budget_windows_seconds) // 60 + 60
    return -(-minutes // TEST_STEP_MINUTES) * TEST_STEP_MINUTES


def _input_series(config: ObservabilityConfig, budget_amount: float) -> list[dict[str, str]]:
    """An hour calm then every trade slow and over its cost limit; steady cost, two budgets."""
    le = latency_bucket_label(config.latency_threshold_seconds)
    calm, incident = _incident_minutes(config)
    per_min, minutes = 60, calm + incident + 10
    count = f"0+{per_min}x{minutes}"
    good = f"0+{per_min}x{calm} {calm * per_min}+0x{minutes - calm}"
    bad = f"0+0x{calm} 0+{per_min}x{minutes - calm}"
    cost_minutes = _budget_eval_minutes(config) + 10
    return [
        {"series": f'{DECISION_LATENCY_SECONDS}_count{{strategy="momentum"}}', "values": count},
        {
            "series": f'{DECISION_LATENCY_SECONDS}_bucket{{le="{le}",strategy="momentum"}}',
            "values": good,
        },
        {"series": f'{TRADES_TOTAL}{{strategy="momentum",venue="binance"}}', "values": count},
        {"series": f'{COST_LIMIT_BREACHES_TOTAL}{{strategy="momentum"}}', "values": bad},
        *(
            {
                "series": (
                    f'{COST_TOTAL}{{component="fee",direction="{direction}",'
                    f'strategy="{strategy}",venue="binance"}}'
                ),
                "values": f"0+{step:g}x{cost_minutes}",
            }
            for strategy in ("momentum", "stat_arb")
            for direction, step in (("paid", 1.2), ("received", 0.2))
        ),
        {
            "series": f'{COST_BUDGET}{{period="month",strategy="momentum"}}',
            "values": f"{budget_amount:g}x{cost_minutes}",
        },
        {
            "series": f'{COST_BUDGET}{{period="month",strategy="stat_arb"}}',
            "values": f"{budget_amount * 4:g}x{cost_minutes}",
        },
    ]


def build_rule_tests(
    config: ObservabilityConfig, *, budget_period: str = "month", rules_file: str = RULES_FILE
) -> dict[str, object]:
    """A ``promtool test rules`` document: every alert silent when calm and firing in an incident.

    The incident: a calm hour, then every trade slow and over its cost limit until every
    burn-rate window sees only bad trades. Budgets: a net cost of 1 a minute projects to
    ``1440 x period/day``; momentum's budget is set so that this is 120% of it (every level
    fires), stat_arb's four times larger (30%, none fires).
    """
    per_day_projected = 1440 * PERIOD_SECONDS[budget_period] / 86400
    budget_amount = per_day_projected / 1.2
    calm, incident = _incident_minutes(config)
    calm_at, incident_at = f"{calm // 2}m", f"{calm + incident}m"
    budget_at = f"{_budget_eval_minutes(config)}m"
    tests: list[dict[str, object]] = []
    for slo in SLO_NAMES:
        for window in config.burn_rate_windows:
            name = burn_rate_alert_name(slo, window)
            tests += [
                {"eval_time": calm_at, "alertname": name, "exp_alerts": []},
                {
                    "eval_time": incident_at,
                    "alertname": name,
                    "exp_alerts": [
                        {
                            "exp_labels": _burn_rate_labels(slo, window),
                            "exp_annotations": _burn_rate_annotations(slo, window, config),
                        }
                    ],
                },
            ]
    for level in config.budget_levels:
        name = budget_alert_name(level)
        tests += [
            {"eval_time": "2h", "alertname": name, "exp_alerts": []},
            {
                "eval_time": budget_at,
                "alertname": name,
                "exp_alerts": [
                    {
                        "exp_labels": {"strategy": "momentum", **_budget_labels(level)},
                        "exp_annotations": _budget_annotations(level, config),
                    }
                ],
            },
        ]
    return {
        "rule_files": [rules_file],
        "evaluation_interval": f"{TEST_STEP_MINUTES}m",
        "tests": [
            {
                "interval": "1m",
                "input_series": _input_series(config, budget_amount),
                "alert_rule_test": tests,
            }
        ],
    }


def dump_yaml(document: Mapping[str, object]) -> str:
    """YAML text of a rules or rule-test document, keys in the order they were built."""
    return yaml.safe_dump(dict(document), sort_keys=False, width=120, allow_unicode=True)
