"""Offline replay of the alerts on a trade log: burn rates and budget spend on a 1-minute grid.

Each trade is an event of both SLOs: good for ``decision_latency`` when its latency is at most
the threshold, good for ``execution_cost`` when its ``cost_bps`` is at most its strategy's
``max_cost_bps``. An evaluation at instant ``t`` sees the trades with timestamps in
``(t - window, t]`` — the range a Prometheus rule evaluated at ``t`` sees — and instants are
whole minutes, so a trade at 02:00:05 is first seen at 02:01.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stage5kit.compliance.observability.config import (
    SLO_NAMES,
    ObservabilityConfig,
    format_duration,
)
from stage5kit.core import Budget, Thresholds, add_trade_costs
from stage5kit.errors import ConfigError

STEP_SECONDS = 60
PERIOD_SECONDS = {"day": 86400, "week": 7 * 86400, "month": 30 * 86400}
EPISODE_COLUMNS = ("alert", "subject", "severity", "fired_at", "cleared_at")
_NS = 1_000_000_000


def slo_events(
    trades: pd.DataFrame, config: ObservabilityConfig, thresholds: Thresholds | None = None
) -> pd.DataFrame:
    """One row per trade: timestamp, strategy, net cost and whether it is good for each SLO.

    ``thresholds`` gives each strategy's ``max_cost_bps``; a trade whose strategy has no
    cost limit is good for ``execution_cost``.
    """
    costed = add_trade_costs(trades)
    strategy = costed["strategy"].astype(str)
    limits = thresholds or Thresholds()
    limit_of = {s: limits.limits_for(s).get("max_cost_bps", np.inf) for s in strategy.unique()}
    cost_limit = strategy.map(limit_of).to_numpy(dtype=np.float64)
    latency_ms = costed["decision_latency_ms"].to_numpy(dtype=np.float64)
    return pd.DataFrame(
        {
            "timestamp": costed["timestamp"].array,  # keeps the UTC dtype (no object array)
            "strategy": strategy.to_numpy(dtype=object),
            "cost": costed["total_cost"].to_numpy(dtype=np.float64),
            "decision_latency": latency_ms <= config.latency_threshold_seconds * 1000,
            "execution_cost": costed["cost_bps"].to_numpy(dtype=np.float64) <= cost_limit,
        }
    )


def _minute_grid(timestamps: pd.Series) -> tuple[pd.Timestamp, np.ndarray, int]:
    """The grid's first instant, each event's instant index (ceil to the minute), grid length."""
    if timestamps.empty:
        msg = "the trade log has no trades to replay"
        raise ConfigError(msg)
    values = pd.DatetimeIndex(timestamps)
    origin = values.min().floor("min")
    offsets = (values - origin).to_numpy().astype("timedelta64[ns]").astype(np.int64)
    index: np.ndarray = -(-offsets // (STEP_SECONDS * _NS))
    return origin, index, int(index.max()) + 1


def _window_sums(per_step: np.ndarray, window_seconds: int) -> np.ndarray:
    """Sum of ``per_step`` over the last ``window_seconds`` at every instant (inclusive)."""
    steps = window_seconds // STEP_SECONDS
    total = np.concatenate([[0.0], np.cumsum(per_step, dtype=np.float64)])
    start = np.maximum(np.arange(1, len(total)) - steps, 0)
    sums: np.ndarray = total[1:] - total[start]
    return sums


def _episodes(
    firing: np.ndarray, instants: pd.DatetimeIndex, *, alert: str, subject: str, severity: str
) -> list[dict[str, object]]:
    """One row per run of True in ``firing``: when it started and the first instant it was off."""
    edges = np.diff(np.concatenate([[0], firing.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [
        {
            "alert": alert,
            "subject": subject,
            "severity": severity,
            "fired_at": instants[int(start)],
            "cleared_at": instants[int(end)] if end < len(instants) else pd.NaT,
        }
        for start, end in zip(starts, ends, strict=True)
    ]


def _episode_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(
            {
                "alert": pd.Series(dtype=object),
                "subject": pd.Series(dtype=object),
                "severity": pd.Series(dtype=object),
                "fired_at": pd.Series(dtype="datetime64[ns, UTC]"),
                "cleared_at": pd.Series(dtype="datetime64[ns, UTC]"),
            }
        )
    frame = pd.DataFrame(rows, columns=list(EPISODE_COLUMNS))
    return frame.sort_values(["fired_at", "alert", "subject"], ignore_index=True)


def burn_rate_timeline(events: pd.DataFrame, config: ObservabilityConfig, slo: str) -> pd.DataFrame:
    """Burn rate of one SLO at every minute, per window: time, window, events, burn_rate.

    Burn rate = (bad / all events in the window) / (1 - objective); NaN with no events.
    """
    if slo not in SLO_NAMES:
        msg = f"unknown SLO {slo!r} (known: {', '.join(SLO_NAMES)})"
        raise ConfigError(msg)
    origin, index, length = _minute_grid(events["timestamp"])
    total = np.bincount(index, minlength=length).astype(np.float64)
    bad = np.bincount(index, weights=~events[slo].to_numpy(dtype=bool), minlength=length)
    instants = pd.date_range(origin, periods=length, freq=f"{STEP_SECONDS}s")
    seconds = sorted(
        {s for w in config.burn_rate_windows for s in (w.long_seconds, w.short_seconds)}
    )
    parts = []
    for window in seconds:
        count = _window_sums(total, window)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = _window_sums(bad, window) / count
        parts.append(
            pd.DataFrame(
                {
                    "time": instants,
                    "window": format_duration(window),
                    "events": count.astype(np.int64),
                    "burn_rate": ratio / config.error_budget(slo),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def replay_burn_rate_alerts(events: pd.DataFrame, config: ObservabilityConfig) -> pd.DataFrame:
    """When each multiwindow burn-rate alert would have fired and cleared, for both SLOs.

    An alert fires at an instant when the long and the short window both burn faster than
    its factor and the long window holds at least ``min_events`` trades. ``cleared_at`` is
    the first instant it no longer holds (NaT if still firing at the end of the log).
    """
    rows: list[dict[str, object]] = []
    for slo in SLO_NAMES:
        timeline = burn_rate_timeline(events, config, slo)
        by_window = dict(tuple(timeline.groupby("window", sort=False)))
        for window in config.burn_rate_windows:
            long = by_window[format_duration(window.long_seconds)]
            short = by_window[format_duration(window.short_seconds)]
            firing = (
                (long["burn_rate"].to_numpy() > window.factor)
                & (short["burn_rate"].to_numpy() > window.factor)
                & (long["events"].to_numpy() >= config.min_events)
            )
            instants = pd.DatetimeIndex(long["time"])
            rows += _episodes(
                firing, instants, alert=window.label, subject=slo, severity=window.severity
            )
    return _episode_frame(rows)


def budget_spend_timeline(
    events: pd.DataFrame, budget: Budget, config: ObservabilityConfig
) -> pd.DataFrame:
    """Projected period spend as a share of the budget, per strategy, window and minute.

    Projection = net trading cost in the window x (budget period / window); columns
    ``time``, ``strategy``, ``window``, ``projected_spend``, ``budget_share``.
    """
    origin, index, length = _minute_grid(events["timestamp"])
    instants = pd.date_range(origin, periods=length, freq=f"{STEP_SECONDS}s")
    period = PERIOD_SECONDS[budget.period]
    parts = []
    strategies = events["strategy"].to_numpy(dtype=object)
    cost = events["cost"].to_numpy(dtype=np.float64)
    for strategy, amount in sorted(budget.amounts.items()):
        mine = strategies == strategy
        spend = np.bincount(index[mine], weights=cost[mine], minlength=length)
        for window in config.budget_windows_seconds:
            projected = _window_sums(spend, window) * (period / window)
            parts.append(
                pd.DataFrame(
                    {
                        "time": instants,
                        "strategy": strategy,
                        "window": format_duration(window),
                        "projected_spend": projected,
                        "budget_share": projected / amount,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def replay_budget_alerts(
    events: pd.DataFrame, budget: Budget, config: ObservabilityConfig
) -> pd.DataFrame:
    """When each budget spend-rate alert (e.g. 80/90/100%) would have fired and cleared.

    A level fires for a strategy when the projected period spend reaches that share of its
    budget over every budget window at once (1 day and 6 hours by default).
    """
    timeline = budget_spend_timeline(events, budget, config)
    rows: list[dict[str, object]] = []
    if timeline.empty:
        return _episode_frame(rows)
    for strategy, part in timeline.groupby("strategy", sort=True):
        shares = part.pivot_table(index="time", columns="window", values="budget_share")
        for level in config.budget_levels:
            firing = np.asarray((shares.to_numpy() >= level).all(axis=1))
            rows += _episodes(
                firing,
                pd.DatetimeIndex(shares.index),
                alert=f"budget {level:.0%}",
                subject=str(strategy),
                severity=budget_severity(level),
            )
    return _episode_frame(rows)


def episode_records(episodes: pd.DataFrame) -> list[dict[str, str | None]]:
    """Episodes as JSON-ready rows (ISO 8601 times; ``cleared_at`` None while still firing)."""

    def iso(value: object) -> str | None:
        return value.isoformat() if isinstance(value, pd.Timestamp) else None  # NaT is not one

    return [
        {
            "alert": str(row["alert"]),
            "subject": str(row["subject"]),
            "severity": str(row["severity"]),
            "fired_at": iso(row["fired_at"]),
            "cleared_at": iso(row["cleared_at"]),
        }
        for row in episodes.to_dict("records")
    ]


def budget_severity(level: float) -> str:
    """warning below 90%, critical below 100%, page from 100% of the budget (core.budgets)."""
    if level >= 1.0:
        return "page"
    return "critical" if level >= 0.9 else "warning"
