"""The threshold risk engine's limits: cost, slippage, latency, order notional, daily budget."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from stage5kit.errors import ConfigError

LIMIT_NAMES = (
    "max_cost_bps",
    "max_slippage_bps",
    "max_decision_latency_ms",
    "max_order_notional",
    "daily_cost_budget",
)


def _limit(source: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        msg = f"{source}: {name} must be a finite number, got {str(value)[:80]!r}"
        raise ConfigError(msg)
    if value < 0:
        msg = f"{source}: {name} must be >= 0, got {value}"
        raise ConfigError(msg)
    return float(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskLimits:
    """Upper limits per candidate order; ``strategies`` overrides them for one strategy.

    ``max_cost_bps``, ``max_slippage_bps`` and ``max_decision_latency_ms`` bound the TCO
    KPIs of the order's strategy and venue; ``max_order_notional`` bounds quantity x price;
    ``daily_cost_budget`` bounds the strategy's cost today plus the order's expected cost.
    A limit left out is not checked.
    """

    max_cost_bps: float | None = None
    max_slippage_bps: float | None = None
    max_decision_latency_ms: float | None = None
    max_order_notional: float | None = None
    daily_cost_budget: float | None = None
    strategies: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def limit(self, name: str, strategy: str) -> float:
        """The limit ``name`` for ``strategy`` (its override, else the default; NaN if none)."""
        override = self.strategies.get(strategy, {})
        value = override.get(name, getattr(self, name))
        return math.nan if value is None else float(value)

    def to_dict(self) -> dict[str, object]:
        """The limits as a JSON-ready mapping (recorded beside each decision set)."""
        values: dict[str, object] = {name: getattr(self, name) for name in LIMIT_NAMES}
        values["strategies"] = {k: dict(v) for k, v in sorted(self.strategies.items())}
        return values


def parse_risk_limits(data: object, *, source: str) -> RiskLimits:
    """Build :class:`RiskLimits` from a parsed YAML/JSON mapping; ConfigError names the key."""
    if not isinstance(data, Mapping):
        msg = f"{source}: expected a mapping of limits ({', '.join(LIMIT_NAMES)}, strategies)"
        raise ConfigError(msg)
    unknown = sorted(set(map(str, data)) - {*LIMIT_NAMES, "strategies"})
    if unknown:
        msg = f"{source}: unknown key {unknown[0]!r} (known: {', '.join(LIMIT_NAMES)}, strategies)"
        raise ConfigError(msg)
    values = {
        name: _limit(source, name, data[name]) for name in LIMIT_NAMES if data.get(name) is not None
    }
    raw_strategies = data.get("strategies") or {}
    if not isinstance(raw_strategies, Mapping):
        msg = f"{source}: 'strategies' must map strategy names to limits"
        raise ConfigError(msg)
    strategies: dict[str, dict[str, float]] = {}
    for strategy, overrides in raw_strategies.items():
        if not isinstance(overrides, Mapping):
            msg = f"{source}: limits for strategy {strategy!r} must be a mapping"
            raise ConfigError(msg)
        bad = sorted(set(map(str, overrides)) - set(LIMIT_NAMES))
        if bad:
            msg = f"{source}: unknown limit {bad[0]!r} for strategy {strategy!r}"
            raise ConfigError(msg)
        strategies[str(strategy)] = {
            str(k): _limit(source, f"strategies.{strategy}.{k}", v) for k, v in overrides.items()
        }
    return RiskLimits(**values, strategies=strategies)
