"""KPI limits (max cost_bps, max slippage_bps, max latency p95) and the breaches of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stage5kit.errors import ConfigError

# limit name -> KPI column it bounds
LIMITS = {
    "max_cost_bps": "cost_bps",
    "max_slippage_bps": "slippage_bps",
    "max_latency_p95_ms": "decision_latency_ms_p95",
}
BREACH_COLUMNS = ("scope", "strategy", "metric", "value", "limit", "excess")


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """Upper limits for KPIs; ``strategies`` overrides them for a strategy's groups."""

    max_cost_bps: float | None = None
    max_slippage_bps: float | None = None
    max_latency_p95_ms: float | None = None
    strategies: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, overrides in self.strategies.items():
            unknown = set(overrides) - set(LIMITS)
            if unknown:
                msg = f"unknown limit {sorted(unknown)[0]!r} for strategy {name!r}"
                raise ConfigError(msg)
        limits = [self.max_cost_bps, self.max_slippage_bps, self.max_latency_p95_ms]
        limits += [v for o in self.strategies.values() for v in o.values()]
        if any(v is not None and not np.isfinite(v) for v in limits):
            msg = "every limit must be a finite number"
            raise ConfigError(msg)

    def limits_for(self, strategy: str | None) -> dict[str, float]:
        """The limits (name -> value) that apply to a strategy's groups (None: overall)."""
        base = {
            "max_cost_bps": self.max_cost_bps,
            "max_slippage_bps": self.max_slippage_bps,
            "max_latency_p95_ms": self.max_latency_p95_ms,
        }
        chosen: dict[str, float] = {k: v for k, v in base.items() if v is not None}
        if strategy is not None:
            chosen.update(self.strategies.get(strategy, {}))
        return chosen


def find_breaches(
    kpis: pd.DataFrame, thresholds: Thresholds, *, keys: tuple[str, ...], scope: str | None = None
) -> pd.DataFrame:
    """One row per KPI above its limit: the group (``scope``), metric, value, limit, excess."""
    rows: list[dict[str, object]] = []
    for record in kpis.to_dict("records"):
        strategy = str(record["strategy"]) if "strategy" in keys else None
        label = scope or ", ".join(f"{k}={record[k]}" for k in keys) or "overall"
        for limit_name, limit in thresholds.limits_for(strategy).items():
            metric = LIMITS[limit_name]
            value = float(record[metric])
            if np.isfinite(value) and value > limit:
                rows.append(
                    {
                        "scope": label,
                        "strategy": strategy,
                        "metric": metric,
                        "value": value,
                        "limit": float(limit),
                        "excess": value - float(limit),
                    }
                )
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in BREACH_COLUMNS})
    return pd.DataFrame(rows, columns=list(BREACH_COLUMNS))
