"""The TCO KPIs a decision is made on: per strategy and venue, overall, and today's cost."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

KPI_METRICS = ("cost_bps", "slippage_bps", "decision_latency_ms_p95")


def _metrics(record: Mapping[Any, object]) -> dict[str, float]:
    values = {}
    for name in KPI_METRICS:
        value = record.get(name)
        values[name] = float(value) if isinstance(value, int | float) else math.nan
    return values


@dataclass(frozen=True, slots=True)
class DecisionKpis:
    """KPIs by (strategy, venue) and by strategy, the overall KPIs, and each strategy's cost
    on the latest day (``day``). An order takes its (strategy, venue) KPIs, else its
    strategy's, else the overall ones."""

    overall: Mapping[str, float]
    by_strategy_venue: Mapping[tuple[str, str], Mapping[str, float]] = field(default_factory=dict)
    by_strategy: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    daily_cost: Mapping[str, float] = field(default_factory=dict)
    day: str | None = None

    @classmethod
    def from_tco(
        cls,
        kpis: pd.DataFrame,
        overall: Mapping[Any, object],
        daily_costs: pd.DataFrame | None = None,
    ) -> DecisionKpis:
        """From a TCO result's frames: ``kpis`` by strategy (and venue), ``overall`` and
        ``daily_costs`` (strategy, day, trading_cost); rows of older periods are dropped."""
        frame = kpis
        for period in ("day", "week", "month"):
            if period in frame.columns and len(frame):
                frame = frame[frame[period] == frame[period].max()]
        pairs: dict[tuple[str, str], Mapping[str, float]] = {}
        strategies: dict[str, Mapping[str, float]] = {}
        for record in frame.to_dict("records"):
            if "strategy" not in record:
                continue
            if "venue" in record:
                pairs[(str(record["strategy"]), str(record["venue"]))] = _metrics(record)
            else:
                strategies[str(record["strategy"])] = _metrics(record)
        daily: dict[str, float] = {}
        day = None
        if daily_costs is not None and len(daily_costs):
            day = str(daily_costs["day"].max())
            latest = daily_costs[daily_costs["day"] == day]
            daily = dict(
                zip(
                    latest["strategy"].astype(str),
                    latest["trading_cost"].astype(float),
                    strict=True,
                )
            )
        return cls(
            overall=_metrics(overall),
            by_strategy_venue=pairs,
            by_strategy=strategies,
            daily_cost=daily,
            day=day,
        )

    def for_order(self, strategy: str, venue: str) -> tuple[float, float, float]:
        """The (cost_bps, slippage_bps, latency p95) an order of ``strategy`` on ``venue`` is
        decided on: its pair's KPIs, else its strategy's, else the overall ones."""
        chosen = self.by_strategy_venue.get((strategy, venue))
        if chosen is None:
            chosen = self.by_strategy.get(strategy, self.overall)
        cost, slippage, latency = (float(chosen[name]) for name in KPI_METRICS)
        return cost, slippage, latency

    def spent_today(self, strategy: str) -> float:
        """The strategy's cost on the latest day (0 when none is recorded)."""
        return float(self.daily_cost.get(strategy, 0.0))

    def lookup(
        self, strategies: Sequence[str], venues: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each (strategy, venue) pair of the uniques given, the (cost_bps, slippage_bps,
        latency p95) it is decided on, as a (strategies, venues, 3) array; and each
        strategy's cost today as a (strategies,) array."""
        table = np.empty((len(strategies), len(venues), len(KPI_METRICS)), dtype=np.float64)
        for i, strategy in enumerate(strategies):
            for j, venue in enumerate(venues):
                table[i, j] = self.for_order(strategy, venue)
        spent = np.array([self.spent_today(s) for s in strategies], dtype=np.float64)
        return table, spent

    def to_dict(self) -> dict[str, object]:
        """The KPIs as recorded in a decision log entry or incident (``tco_kpi``; NaN -> null)."""
        return {
            "overall": _json_ready(self.overall),
            "by_strategy_venue": [
                {"strategy": s, "venue": v, **_json_ready(values)}
                for (s, v), values in sorted(self.by_strategy_venue.items())
            ],
            "by_strategy": {s: _json_ready(v) for s, v in sorted(self.by_strategy.items())},
            "daily_cost": _json_ready(dict(sorted(self.daily_cost.items()))),
            "day": self.day,
        }


def _json_ready(values: Mapping[str, float]) -> dict[str, float | None]:
    return {name: (value if math.isfinite(value) else None) for name, value in values.items()}
