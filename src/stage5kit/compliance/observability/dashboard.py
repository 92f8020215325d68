"""The Grafana dashboard "Stage5 - Compliance & Cost Control" (en dash) as importable JSON.

Plain Grafana dashboard JSON (schemaVersion 39, importable by Grafana 10 and later): cost,
slippage, latency, SLO burn-rate and budget panels over a Prometheus data source chosen
through the ``datasource`` variable, and a ``strategy`` filter. Queries use only the metrics
of :mod:`~stage5kit.compliance.observability.metrics` and the recorded series of
:mod:`~stage5kit.compliance.observability.prometheus_rules`.
"""

from __future__ import annotations

from stage5kit.compliance.observability.config import (
    SLO_NAMES,
    ObservabilityConfig,
    format_duration,
)
from stage5kit.compliance.observability.metrics import (
    COST_BUDGET,
    COST_TOTAL,
    DECISION_LATENCY_SECONDS,
    NOTIONAL_TOTAL,
    TRADES_TOTAL,
)
from stage5kit.compliance.observability.prometheus_rules import (
    SLO_TITLES,
    error_ratio_record,
    projected_spend_record,
)

DASHBOARD_TITLE = "Stage5 \N{EN DASH} Compliance & Cost Control"
DASHBOARD_UID = "stage5-compliance-cost"
SCHEMA_VERSION = 39
_DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
_STRATEGY = 'strategy=~"$strategy"'
_RATE = "$__rate_interval"


def _net_cost_rate(component: str | None) -> str:
    """PromQL: cost paid minus cost received per second, by strategy."""
    selector = f', component="{component}"' if component else ""
    paid = f'rate({COST_TOTAL}{{{_STRATEGY}, direction="paid"{selector}}}[{_RATE}])'
    received = f'rate({COST_TOTAL}{{{_STRATEGY}, direction="received"{selector}}}[{_RATE}])'
    return f"(sum by (strategy) ({paid}) - sum by (strategy) ({received}))"


def _bps_of_notional(component: str | None) -> str:
    notional = f"sum by (strategy) (rate({NOTIONAL_TOTAL}{{{_STRATEGY}}}[{_RATE}]))"
    return f"1e4 * {_net_cost_rate(component)} / {notional}"


def _target(ref: str, expr: str, legend: str) -> dict[str, object]:
    return {"refId": ref, "datasource": _DATASOURCE, "expr": expr, "legendFormat": legend}


def _thresholds(*steps: tuple[float | None, str]) -> dict[str, object]:
    return {"mode": "absolute", "steps": [{"value": v, "color": c} for v, c in steps]}


def _panel(
    panel_id: int,
    title: str,
    description: str,
    targets: list[dict[str, object]],
    *,
    unit: str,
    grid: tuple[int, int, int, int],
    thresholds: dict[str, object] | None = None,
    panel_type: str = "timeseries",
) -> dict[str, object]:
    x, y, w, h = grid
    defaults: dict[str, object] = {"unit": unit}
    if thresholds is not None:
        defaults["thresholds"] = thresholds
        defaults["custom"] = {"thresholdsStyle": {"mode": "line"}}
    return {
        "type": panel_type,
        "id": panel_id,
        "title": title,
        "description": description,
        "datasource": _DATASOURCE,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": targets,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}},
    }


def _burn_rate_targets(config: ObservabilityConfig) -> list[dict[str, object]]:
    targets = []
    windows = sorted(
        {w.long_seconds for w in config.burn_rate_windows}
        | {w.short_seconds for w in config.burn_rate_windows}
    )
    for slo in SLO_NAMES:
        for seconds in windows:
            window = format_duration(seconds)
            expr = f"{error_ratio_record(slo, window)} / {config.error_budget(slo):.6g}"
            targets.append(
                _target(f"{slo[0].upper()}{window}", expr, f"{SLO_TITLES[slo]} {window}")
            )
    return targets


def _variables() -> list[dict[str, object]]:
    return [
        {
            "type": "datasource",
            "name": "datasource",
            "label": "Prometheus",
            "query": "prometheus",
            "current": {"text": "Prometheus", "value": "prometheus"},
            "hide": 0,
            "refresh": 1,
            "regex": "",
            "multi": False,
            "includeAll": False,
            "options": [],
        },
        {
            "type": "query",
            "name": "strategy",
            "label": "Strategy",
            "datasource": _DATASOURCE,
            "query": f"label_values({TRADES_TOTAL}, strategy)",
            "definition": f"label_values({TRADES_TOTAL}, strategy)",
            "current": {"text": "All", "value": "$__all"},
            "hide": 0,
            "refresh": 2,
            "sort": 1,
            "regex": "",
            "multi": True,
            "includeAll": True,
            "allValue": ".*",
            "options": [],
        },
    ]


def build_dashboard(config: ObservabilityConfig) -> dict[str, object]:
    """The dashboard as a JSON-ready dict (import it in Grafana: Dashboards > New > Import)."""
    burn_steps = sorted({w.factor for w in config.burn_rate_windows})
    burn_colours = ("yellow", "orange", "red", "dark-red")
    burn_thresholds = _thresholds(
        (None, "green"),
        *((f, burn_colours[min(i, len(burn_colours) - 1)]) for i, f in enumerate(burn_steps)),
    )
    budget_window = format_duration(max(config.budget_windows_seconds))
    levels = sorted(config.budget_levels)
    level_colours = ("yellow", "orange", "red", "dark-red")
    budget_thresholds = _thresholds(
        (None, "green"),
        *((v, level_colours[min(i, len(level_colours) - 1)]) for i, v in enumerate(levels)),
    )
    latency_p95 = (
        "histogram_quantile(0.95, sum by (le, strategy) "
        f"(rate({DECISION_LATENCY_SECONDS}_bucket{{{_STRATEGY}}}[{_RATE}])))"
    )
    threshold_s = config.latency_threshold_seconds
    panels = [
        _panel(
            1,
            "Trading cost (bps of notional)",
            "Fees plus slippage less rebates and price improvement, per strategy.",
            [_target("A", _bps_of_notional(None), "{{strategy}}")],
            unit="none",
            grid=(0, 0, 12, 8),
        ),
        _panel(
            2,
            "Slippage (bps of notional)",
            "Arrival-price shortfall; positive is a cost.",
            [_target("A", _bps_of_notional("slippage"), "{{strategy}}")],
            unit="none",
            grid=(12, 0, 12, 8),
        ),
        _panel(
            3,
            "Decision latency p95",
            f"95th percentile of decision latency; the SLO threshold is {threshold_s:g} s.",
            [_target("A", latency_p95, "{{strategy}}")],
            unit="s",
            grid=(0, 8, 12, 8),
            thresholds=_thresholds((None, "green"), (threshold_s, "red")),
        ),
        _panel(
            4,
            "Trades per minute",
            "Executed trades per minute, per strategy.",
            [
                _target(
                    "A",
                    f"60 * sum by (strategy) (rate({TRADES_TOTAL}{{{_STRATEGY}}}[{_RATE}]))",
                    "{{strategy}}",
                )
            ],
            unit="none",
            grid=(12, 8, 12, 8),
        ),
        _panel(
            5,
            "SLO burn rate",
            "Error-budget burn rate per SLO and window (1 = spending the budget exactly"
            " over the SLO period); alert thresholds drawn as lines.",
            _burn_rate_targets(config),
            unit="none",
            grid=(0, 16, 24, 9),
            thresholds=burn_thresholds,
        ),
        _panel(
            6,
            "Budget: projected period spend",
            f"Net trading cost of the last {budget_window} projected over the budget period,"
            " as a share of each strategy's budget.",
            [
                _target(
                    "A",
                    f"{projected_spend_record(budget_window)}{{{_STRATEGY}}}"
                    f" / on (strategy) max by (strategy) ({COST_BUDGET}{{{_STRATEGY}}})",
                    "{{strategy}}",
                )
            ],
            unit="percentunit",
            grid=(0, 25, 24, 8),
            thresholds=budget_thresholds,
        ),
    ]
    return {
        "uid": DASHBOARD_UID,
        "title": DASHBOARD_TITLE,
        "description": "Stage5 trading cost, latency SLOs and budget burn (stage5kit).",
        "tags": ["stage5", "compliance", "tco"],
        "timezone": "utc",
        "editable": True,
        "graphTooltip": 1,
        "time": {"from": "now-24h", "to": "now"},
        "refresh": "1m",
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "panels": panels,
        "templating": {"list": _variables()},
        "annotations": {"list": []},
        "links": [],
    }
