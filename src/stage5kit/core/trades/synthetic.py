"""Deterministic synthetic trade logs with the cost structure the Stage5 workshop discusses.

Several strategies trade several symbols on several venues; makers earn rebates or pay
low fees, takers pay more; arrival slippage grows with decision latency; partway through
the period a cost regime shift (fee hike on one venue, slower decisions and wider
slippage for two strategies) gives the workshop's cost-growth story.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.core.trades.schema import TRADE_COLUMNS
from stage5kit.core.trades.units import BPS, NS_PER_DAY


@dataclass(frozen=True, slots=True)
class _Strategy:
    name: str
    weight: float
    maker_share: float
    latency_ms: float
    symbols: tuple[str, ...]
    notional: float


@dataclass(frozen=True, slots=True)
class _Venue:
    name: str
    weight: float
    maker_bps: float
    taker_bps: float
    spread_bps: float


_STRATEGIES = (
    _Strategy("market_making", 0.34, 0.85, 4.0, ("BTC-USD", "ETH-USD"), 20_000.0),
    _Strategy("stat_arb", 0.24, 0.45, 12.0, ("BTC-USD", "ETH-USD", "SOL-USD"), 35_000.0),
    _Strategy("momentum", 0.18, 0.15, 35.0, ("ETH-USD", "SOL-USD", "XRP-USD"), 50_000.0),
    _Strategy("twap_execution", 0.14, 0.30, 60.0, ("BTC-USD", "XRP-USD"), 80_000.0),
    _Strategy("basis_carry", 0.10, 0.55, 20.0, ("BTC-USD", "ETH-USD"), 120_000.0),
)
_VENUES = (
    _Venue("binance", 0.38, -0.5, 4.0, 1.0),
    _Venue("coinbase", 0.22, 2.5, 6.0, 1.6),
    _Venue("kraken", 0.22, 1.0, 4.5, 1.8),
    _Venue("okx", 0.18, -0.2, 5.0, 1.2),
)
_PRICES = {"BTC-USD": 65_000.0, "ETH-USD": 3_200.0, "SOL-USD": 150.0, "XRP-USD": 0.6}
_DECIMALS = {"BTC-USD": 2, "ETH-USD": 2, "SOL-USD": 3, "XRP-USD": 5}
_SHIFT_FEE_FACTOR = 1.6
_SHIFT_LATENCY_FACTOR = 1.8
_SLIPPAGE_BPS_PER_MS = 0.04
_ANOMALY_DAYS = 3
_START = "2026-01-01"


@dataclass(frozen=True, slots=True)
class RegimeShift:
    """When the cost regime shifts (share of the period), whose latency and impact grow, and
    which venue raises its fees; the default is the sample log's."""

    at: float = 0.6
    strategies: tuple[str, ...] = ("momentum", "twap_execution")
    venue: str = "coinbase"


STRATEGY_NAMES = tuple(s.name for s in _STRATEGIES)
VENUE_NAMES = tuple(v.name for v in _VENUES)


def generate_trades(
    *, rows: int, seed: int, days: int = 120, shift: RegimeShift = RegimeShift()
) -> pd.DataFrame:
    """Return a synthetic trade log of ``rows`` trades, identical for identical arguments.

    Timestamps are UTC over ``days`` days from 2026-01-01; the cost regime ``shift`` happens
    after its share of the period (60% by default).
    """
    if rows < 0 or days < 1:
        msg = f"need rows >= 0 and days >= 1 (got {rows}, {days})"
        raise ValueError(msg)
    _check_shift(shift)
    rng = np.random.default_rng(seed)
    start_ns = pd.Timestamp(_START, tz="UTC").value
    offsets = np.sort(rng.integers(0, days * NS_PER_DAY // 10**6, size=rows)) * 10**6
    day = offsets // NS_PER_DAY
    shifted = day >= int(days * shift.at)

    strategy_idx = rng.choice(len(_STRATEGIES), size=rows, p=[s.weight for s in _STRATEGIES])
    venue_idx = rng.choice(len(_VENUES), size=rows, p=[v.weight for v in _VENUES])
    symbol_names = tuple(_PRICES)
    symbol_idx = np.empty(rows, dtype=np.int64)
    for i, strategy in enumerate(_STRATEGIES):
        mask = strategy_idx == i
        choices = np.array([symbol_names.index(s) for s in strategy.symbols])
        symbol_idx[mask] = choices[rng.integers(0, len(choices), size=int(mask.sum()))]

    maker_share = np.array([s.maker_share for s in _STRATEGIES])[strategy_idx]
    is_maker = rng.random(rows) < maker_share
    is_buy = rng.random(rows) < 0.5
    side_sign = np.where(is_buy, 1.0, -1.0)

    base_latency = np.array([s.latency_ms for s in _STRATEGIES])[strategy_idx]
    shift_strategy = np.isin(strategy_idx, [_name_index(n) for n in shift.strategies])
    base_latency = np.where(
        shifted & shift_strategy, base_latency * _SHIFT_LATENCY_FACTOR, base_latency
    )
    latency = np.round(base_latency * rng.lognormal(0.0, 0.5, size=rows), 3)

    price = _simulate_prices(rng, symbol_names, days)[symbol_idx, day]
    decimals = np.array([_DECIMALS[s] for s in symbol_names])[symbol_idx]
    arrival = _round_to(price, decimals)
    notional_target = np.array([s.notional for s in _STRATEGIES])[strategy_idx]
    quantity = np.round(notional_target * rng.lognormal(-0.5, 0.8, size=rows) / arrival, 6)
    quantity = np.maximum(quantity, 1e-6)

    spread = np.array([v.spread_bps for v in _VENUES])[venue_idx]
    impact = 0.6 * np.sqrt(quantity * arrival / 50_000.0)
    anomaly = _anomaly_days(rng, days, shifted_from=int(days * shift.at))
    stress = np.where(np.isin(day, anomaly) & (strategy_idx == _name_index("stat_arb")), 4.0, 1.0)
    taker_slip = spread / 2 + impact + _SLIPPAGE_BPS_PER_MS * latency
    maker_slip = -spread / 4 + 0.3 * _SLIPPAGE_BPS_PER_MS * latency
    slip_bps = np.where(is_maker, maker_slip, taker_slip)
    slip_bps = slip_bps * np.where(shifted & shift_strategy, 1.5, 1.0) * stress
    slip_bps = slip_bps + rng.normal(0.0, 1.5, size=rows)
    fill = _round_to(arrival * (1.0 + side_sign * slip_bps / BPS), decimals)
    fill = np.where(fill > 0, fill, arrival)

    maker_bps = np.array([v.maker_bps for v in _VENUES])[venue_idx]
    taker_bps = np.array([v.taker_bps for v in _VENUES])[venue_idx]
    fee_bps = np.where(is_maker, maker_bps, taker_bps)
    hike = shifted & (venue_idx == VENUE_NAMES.index(shift.venue))
    fee_bps = np.where(hike & (fee_bps > 0), fee_bps * _SHIFT_FEE_FACTOR, fee_bps)
    fee = np.round(quantity * fill * fee_bps / BPS, 6)

    frame = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(start_ns + offsets, utc=True).astype("datetime64[ms, UTC]"),
            "trade_id": np.arange(1, rows + 1, dtype=np.int64),
            "strategy": _labels([s.name for s in _STRATEGIES], strategy_idx),
            "venue": _labels([v.name for v in _VENUES], venue_idx),
            "symbol": _labels(list(symbol_names), symbol_idx),
            "side": np.where(is_buy, "buy", "sell").astype(object),
            "liquidity": np.where(is_maker, "maker", "taker").astype(object),
            "quantity": quantity,
            "arrival_price": arrival,
            "fill_price": fill,
            "fee": fee,
            "decision_latency_ms": latency,
        }
    )
    return frame[list(TRADE_COLUMNS)]


def _check_shift(shift: RegimeShift) -> None:
    if not 0 < shift.at < 1 or shift.venue not in VENUE_NAMES:
        msg = f"need a shift inside the period on a known venue (got {shift})"
        raise ValueError(msg)
    if not set(shift.strategies) <= set(STRATEGY_NAMES):
        msg = f"unknown shift strategies {shift.strategies}; known: {', '.join(STRATEGY_NAMES)}"
        raise ValueError(msg)


def _name_index(name: str) -> int:
    return [s.name for s in _STRATEGIES].index(name)


def _labels(names: list[str], codes: np.ndarray) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(names))


def _round_to(values: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    scale = 10.0**decimals
    return np.round(values * scale) / scale


def _simulate_prices(rng: np.random.Generator, symbols: tuple[str, ...], days: int) -> np.ndarray:
    """Daily mid prices per symbol: a geometric random walk from a typical level."""
    steps = rng.normal(0.0, 0.03, size=(len(symbols), days))
    levels = np.array([_PRICES[s] for s in symbols])[:, None]
    return levels * np.exp(np.cumsum(steps, axis=1))


def _anomaly_days(rng: np.random.Generator, days: int, *, shifted_from: int) -> np.ndarray:
    """A few days late in the period on which one strategy's slippage spikes."""
    low = max(min(shifted_from, days - 1), min(35, days - 1))
    return rng.integers(low, days, size=_ANOMALY_DAYS) if days > 1 else np.array([], dtype=int)
