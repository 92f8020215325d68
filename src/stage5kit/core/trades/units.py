"""The units every cost figure is quoted in: basis points, UTC days, the latency step.

One home for each, so trade costs, TCO KPIs and the stress test cannot drift apart.
"""

from __future__ import annotations

BPS = 1e4
"""Basis points per unit: ``cost_bps = cost / notional * BPS``."""

NS_PER_DAY = 86_400 * 10**9
"""Nanoseconds in a UTC day: ``day = timestamp_ns // NS_PER_DAY`` (days since 1970-01-01)."""

LATENCY_STEP_MS = 10.0
"""Latency-slippage slopes are quoted per this many ms (``slippage_bps_per_10ms``)."""
