"""A scenario applied to the cost history: what each historical day costs under its shocks.

Deterministic shocks are exact linear transforms of the per-day, per-venue sums; the two
random shocks (slippage and latency spikes, a probability per trade) are kept as a
per-day trade count and the cost of one spiked trade, drawn later per simulated day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stage5kit.core.stress.history import CostHistory
from stage5kit.core.stress.scenarios import BUSIEST_VENUE, Scenario
from stage5kit.core.trades.units import BPS, LATENCY_STEP_MS
from stage5kit.errors import ConfigError


@dataclass(frozen=True, slots=True, kw_only=True)
class ShockedDays:
    """Each historical day's totals under one scenario; arrays have shape (days,)."""

    fee: np.ndarray
    fee_charged_unit: np.ndarray
    slippage: np.ndarray
    trades: np.ndarray
    notional: np.ndarray
    spike_trades: np.ndarray
    slippage_spike_cost: np.ndarray
    slippage_spike_prob: float
    latency_spike_cost: np.ndarray
    latency_spike_prob: float

    @property
    def cost(self) -> np.ndarray:
        """Return each day's deterministic trading cost (fees + slippage, before spikes)."""
        total: np.ndarray = self.fee + self.slippage
        return total


def effective_latency_slope(history: CostHistory) -> float:
    """Return the bps of slippage per +10 ms used for latency shocks (never negative)."""
    slope = history.latency_slope_bps_per_10ms
    return max(slope, 0.0) if math.isfinite(slope) else 0.0


def resolve_outage_venue(history: CostHistory, scenario: Scenario) -> int | None:
    """Return the column of the venue that goes down (``busiest``: most notional), if any."""
    venue = scenario.outage_venue
    if venue is None:
        return None
    if venue == BUSIEST_VENUE:
        return int(np.argmax(history.notional.sum(axis=0)))
    if venue not in history.venues:
        msg = (
            f"scenario {scenario.name!r}, field 'outage_venue': {venue!r} is not a venue of "
            f"the trade log (known: {', '.join(history.venues)}; or {BUSIEST_VENUE!r})"
        )
        raise ConfigError(msg)
    return history.venues.index(venue)


def shock_history(history: CostHistory, scenario: Scenario) -> ShockedDays:
    """Apply a scenario to every historical day (see docs/stress.md for each formula)."""
    h = history
    slope = effective_latency_slope(h)
    volume = scenario.volume_mult
    notional = h.notional
    # The maker share moves within the flow whose side is known; unknown flow keeps its cost.
    known = h.maker_notional + h.taker_notional
    moved = np.clip(h.maker_notional + scenario.maker_share_shift * known, 0.0, known)
    moved = moved - h.maker_notional
    charged = h.fee_charged + moved * (h.maker_fee_charged_rate - h.taker_fee_charged_rate)
    rebate = h.fee_rebate + moved * (h.maker_fee_rebate_rate - h.taker_fee_rebate_rate)
    added_bps = scenario.slippage_bps_add + slope * scenario.latency_ms_add / LATENCY_STEP_MS
    impact_bps = (math.sqrt(volume) - 1.0) * max(h.mean_slippage_bps, 0.0)
    slippage = h.slippage_cost + moved * (h.maker_slippage_rate - h.taker_slippage_rate)
    slippage = volume * (slippage + (added_bps + impact_bps) * notional / BPS)
    charged = volume * charged
    rebate = volume * rebate
    notional = volume * notional
    trades = volume * h.trades

    keep = np.ones(len(h.venues))
    extra_bps = np.zeros(len(h.venues))
    outage = resolve_outage_venue(h, scenario)
    if outage is not None:
        keep[outage] = scenario.outage_reroute_share
        extra_bps[outage] = scenario.outage_extra_bps
    slippage = keep * (slippage + extra_bps * notional / BPS)
    charged = keep * charged
    rebate = keep * rebate
    notional = keep * notional
    trades = keep * trades

    day_trades = trades.sum(axis=1)
    day_notional = notional.sum(axis=1)
    mean_notional = np.divide(
        day_notional, day_trades, out=np.zeros_like(day_notional), where=day_trades > 0
    )
    return ShockedDays(
        fee=(scenario.fee_mult * charged + rebate).sum(axis=1),
        fee_charged_unit=charged.sum(axis=1),
        slippage=slippage.sum(axis=1),
        trades=day_trades,
        notional=day_notional,
        spike_trades=np.rint(day_trades).astype(np.int64),
        slippage_spike_cost=mean_notional * scenario.slippage_spike_bps / BPS,
        slippage_spike_prob=scenario.slippage_spike_prob,
        latency_spike_cost=mean_notional
        * slope
        * scenario.latency_spike_ms
        / LATENCY_STEP_MS
        / BPS,
        latency_spike_prob=scenario.latency_spike_prob,
    )
