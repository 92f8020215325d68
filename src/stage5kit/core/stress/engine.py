"""Monte Carlo stress simulation: block-bootstrapped cost paths under each scenario.

P paths x D days are drawn from the cost history with a stationary or circular block
bootstrap over whole days (keeping the clustering of bad days), shocked by a scenario,
and summarised per scenario. Work is done over fixed chunks of paths, each with its own
seed, so memory stays bounded and the numbers are the same for any number of workers.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.core.stress.history import CostHistory
from stage5kit.core.stress.metrics import (
    FAN_LEVELS,
    compute_quantile_bands,
    compute_tail_risk,
)
from stage5kit.core.stress.sampling import (
    BLOCK_KINDS,
    BinomialTable,
    BlockKind,
    bootstrap_day_indices,
    build_binomial_table,
    chunk_generator,
    draw_binomial,
)
from stage5kit.core.stress.scenarios import BASELINE_SCENARIO, Scenario
from stage5kit.core.stress.shocks import ShockedDays, shock_history
from stage5kit.core.trades.units import BPS
from stage5kit.errors import ConfigError

CHUNK_PATHS = 1024
_log = logging.getLogger(__name__)
FAN_POINTS = 64
METRIC_COLUMNS = (
    "expected_trades",
    "expected_notional",
    "expected_fee_cost",
    "expected_slippage_cost",
    "expected_period_cost",
    "period_cost_se",
    "expected_infra_cost",
    "expected_tco",
    "avg_cost_per_trade",
    "cost_bps",
    "var95_daily_cost",
    "es975_daily_cost",
    "worst_day_cost",
    "p_budget_breach",
    "p_net_pnl_negative",
    "cost_drag_pct",
    "break_even_cost_bps",
    "break_even_fee_mult",
)
_TCO_ONLY = ("expected_infra_cost", "expected_tco")


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationSettings:
    """How paths are drawn: how many, how long, from which seed, in which blocks."""

    paths: int
    days: int
    seed: int
    block: BlockKind = "stationary"
    block_length: float = 5.0
    workers: int = 1

    def __post_init__(self) -> None:
        """Refuse settings the bootstrap cannot honour, naming the option and the fix."""
        problems = [
            (self.paths >= 1, f"paths must be >= 1 (got {self.paths})"),
            (self.days >= 1, f"days must be >= 1 (got {self.days})"),
            (self.seed >= 0, f"seed must be >= 0 (got {self.seed})"),
            (self.workers >= 1, f"workers must be >= 1 (got {self.workers})"),
            (self.block in BLOCK_KINDS, f"block must be one of {BLOCK_KINDS} (got {self.block!r})"),
            (
                math.isfinite(self.block_length) and self.block_length >= 1.0,
                f"block_length must be a number of days >= 1 (got {self.block_length})",
            ),
        ]
        for ok, message in problems:
            if not ok:
                raise ConfigError(message)

    def memory_bytes(self, scenarios: int) -> int:
        """About the peak memory a run needs: the drawn days, one scenario's daily costs and
        their running sum (8 bytes per path-day each), and every scenario's path totals.
        """
        return 8 * (3 * self.paths * self.days + self.paths * (scenarios + 2))


@dataclass(frozen=True, slots=True, kw_only=True)
class StressSettings:
    """How a stress result was made: the draws, the cost options, and the history resampled.

    ``infra_cost_per_day`` is 0 unless ``include_tco``; ``budget`` is for the whole horizon.
    """

    simulation: SimulationSettings
    include_tco: bool
    infra_cost_per_day: float
    budget: float | None
    gross_edge_bps: float | None
    history_days: int
    history_first_day: str
    history_last_day: str
    venues: tuple[str, ...]
    latency_slope_bps_per_10ms: float

    def as_record(self) -> dict[str, object]:
        """One flat record (the simulation settings first), as the stress summary stores it."""
        record = dataclasses.asdict(self.simulation)
        record |= {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "simulation"
        }
        return record


@dataclass(frozen=True, slots=True, kw_only=True)
class StressResult:
    """Per-scenario metrics, each path's period cost, and fan-chart bands of cumulative cost."""

    scenarios: tuple[Scenario, ...]
    table: pd.DataFrame
    period_costs: pd.DataFrame
    fan: pd.DataFrame
    settings: StressSettings
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Batch:
    """Chunks of paths for one scenario, run in one process."""

    settings: SimulationSettings
    history_days: int
    chunks: tuple[int, ...]
    scenario: str
    shocked: ShockedDays
    indices: tuple[np.ndarray, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Sample:
    """What a batch of paths returns: daily costs, each path's notional, day usage counts."""

    daily: np.ndarray
    notional: np.ndarray
    day_counts: np.ndarray


def simulate_daily_costs(
    history: CostHistory, scenario: Scenario, settings: SimulationSettings
) -> np.ndarray:
    """Return the (paths, days) simulated daily trading cost of one scenario."""
    shocked = shock_history(history, scenario)
    sample = _simulate_scenario(history, scenario.name, shocked, settings, executor=None)
    return sample.daily


def simulate_stress(
    history: CostHistory,
    scenarios: Sequence[Scenario],
    settings: SimulationSettings,
    *,
    include_tco: bool = False,
    infra_cost_per_day: float = 0.0,
    budget: float | None = None,
    gross_edge_bps: float | None = None,
    on_scenario_done: Callable[[str], None] | None = None,
    on_chunks_done: Callable[[int, int], None] | None = None,
) -> StressResult:
    """Simulate every scenario (baseline always included) and summarise each against baseline.

    ``budget`` is for the whole horizon and is compared with the period cost, or with the
    TCO (trading cost + ``infra_cost_per_day`` x days) when ``include_tco``.
    ``on_scenario_done`` is called with each scenario's name when it is done, and
    ``on_chunks_done(done, total)`` each time chunks of paths are simulated (progress).
    """
    _check_options(infra_cost_per_day=infra_cost_per_day, budget=budget, edge=gross_edge_bps)
    ordered = _baseline_first(scenarios)
    infra = infra_cost_per_day * settings.days if include_tco else 0.0
    rows: list[dict[str, object]] = []
    totals: dict[str, np.ndarray] = {}
    bands: list[pd.DataFrame] = []
    executor = _open_executor(settings.workers)
    # One process: draw each chunk's days once and share them across scenarios.
    indices = () if executor else _draw_all_indices(settings, len(history.days))
    fan_days = _fan_days(settings.days)
    progress = _ChunkProgress(len(ordered) * _chunk_count(settings), on_chunks_done)
    try:
        for scenario in ordered:
            shocked = shock_history(history, scenario)
            sample = _simulate_scenario(
                history,
                scenario.name,
                shocked,
                settings,
                executor=executor,
                indices=indices,
                progress=progress,
            )
            row = _summarise(
                scenario,
                shocked,
                sample,
                infra=infra,
                budget=budget,
                edge=gross_edge_bps,
            )
            rows.append(row)
            cumulative = np.cumsum(sample.daily, axis=1)[:, fan_days - 1]
            if include_tco:
                cumulative += infra_cost_per_day * fan_days
            totals[scenario.name] = cumulative[:, -1]
            bands.append(_fan_frame(scenario.name, fan_days, compute_quantile_bands(cumulative)))
            _log.info("scenario %s simulated (%d paths)", scenario.name, settings.paths)
            if on_scenario_done is not None:
                on_scenario_done(scenario.name)
    finally:
        if executor is not None:
            executor.shutdown()
    table = _with_deltas(pd.DataFrame(rows), include_tco=include_tco)
    return StressResult(
        scenarios=ordered,
        table=table,
        period_costs=pd.DataFrame(totals),
        fan=pd.concat(bands, ignore_index=True),
        settings=StressSettings(
            simulation=settings,
            include_tco=include_tco,
            infra_cost_per_day=infra_cost_per_day if include_tco else 0.0,
            budget=budget,
            gross_edge_bps=gross_edge_bps,
            history_days=len(history.days),
            history_first_day=history.days[0],
            history_last_day=history.days[-1],
            venues=tuple(history.venues),
            latency_slope_bps_per_10ms=history.latency_slope_bps_per_10ms,
        ),
    )


def _check_options(*, infra_cost_per_day: float, budget: float | None, edge: float | None) -> None:
    if not (math.isfinite(infra_cost_per_day) and infra_cost_per_day >= 0):
        msg = f"infra cost per day must be a number >= 0 (got {infra_cost_per_day})"
        raise ConfigError(msg)
    if budget is not None and not (math.isfinite(budget) and budget > 0):
        msg = f"budget must be a positive amount for the whole horizon (got {budget})"
        raise ConfigError(msg)
    if edge is not None and not math.isfinite(edge):
        msg = f"gross edge must be a finite number of bps (got {edge})"
        raise ConfigError(msg)


def _baseline_first(scenarios: Sequence[Scenario]) -> tuple[Scenario, ...]:
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        msg = f"scenario names must be unique (got {names})"
        raise ConfigError(msg)
    base = next(
        (s for s in scenarios if s.name == BASELINE_SCENARIO), Scenario(name=BASELINE_SCENARIO)
    )
    return (base, *(s for s in scenarios if s.name != BASELINE_SCENARIO))


def _open_executor(workers: int) -> ProcessPoolExecutor | None:
    if workers == 1:
        return None
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


class _ChunkProgress:
    """Counts simulated chunks of all scenarios and reports ``(done, total)`` to a callback."""

    def __init__(self, total: int, callback: Callable[[int, int], None] | None) -> None:
        self.total = total
        self.done = 0
        self._callback = callback

    def advance(self, chunks: int) -> None:
        """Record ``chunks`` more chunks done and tell the callback."""
        self.done += chunks
        if self._callback is not None:
            self._callback(self.done, self.total)


def _chunk_count(settings: SimulationSettings) -> int:
    return -(-settings.paths // CHUNK_PATHS)


def _draw_chunk_indices(settings: SimulationSettings, history_days: int, chunk: int) -> np.ndarray:
    """Return one chunk's (paths, days) historical day indices from the chunk's own seed."""
    return bootstrap_day_indices(
        chunk_generator(settings.seed, chunk),
        paths=min(CHUNK_PATHS, settings.paths - chunk * CHUNK_PATHS),
        days=settings.days,
        history_days=history_days,
        block=settings.block,
        block_length=settings.block_length,
    )


def _draw_all_indices(settings: SimulationSettings, history_days: int) -> tuple[np.ndarray, ...]:
    return tuple(
        _draw_chunk_indices(settings, history_days, chunk)
        for chunk in range(_chunk_count(settings))
    )


def _fan_days(days: int) -> np.ndarray:
    """Return the (1-based) days the fan chart is drawn at: every day, or 64 spread evenly."""
    points = np.linspace(1, days, min(days, FAN_POINTS))
    days_at: np.ndarray = np.unique(np.rint(points).astype(np.int64))
    return days_at


def _simulate_scenario(
    history: CostHistory,
    name: str,
    shocked: ShockedDays,
    settings: SimulationSettings,
    *,
    executor: ProcessPoolExecutor | None,
    indices: tuple[np.ndarray, ...] = (),
    progress: _ChunkProgress | None = None,
) -> _Sample:
    chunks = np.arange(_chunk_count(settings))
    groups = np.array_split(chunks, settings.workers if executor else 1)
    batches = [
        _Batch(
            settings=settings,
            history_days=len(history.days),
            chunks=tuple(int(c) for c in group),
            scenario=name,
            shocked=shocked,
            indices=indices,
        )
        for group in groups
        if len(group)
    ]
    advance = progress.advance if progress is not None else None
    if executor is None:
        return _run_batch(batches[0], advance)
    parts = []
    for batch, part in zip(batches, executor.map(_run_batch, batches), strict=True):
        parts.append(part)
        if advance is not None:
            advance(len(batch.chunks))
    return _Sample(
        daily=np.concatenate([p.daily for p in parts]),
        notional=np.concatenate([p.notional for p in parts]),
        day_counts=np.sum([p.day_counts for p in parts], axis=0),
    )


def _run_batch(batch: _Batch, advance: Callable[[int], None] | None = None) -> _Sample:
    """Simulate a batch's chunks in order; module-level so a process pool can run it."""
    shocked = batch.shocked
    spikes = [
        (build_binomial_table(shocked.spike_trades, prob), cost)
        for prob, cost in (
            (shocked.slippage_spike_prob, shocked.slippage_spike_cost),
            (shocked.latency_spike_prob, shocked.latency_spike_cost),
        )
        if prob > 0 and np.any(cost != 0)
    ]
    settings = batch.settings
    first = batch.chunks[0] * CHUNK_PATHS
    paths = min(settings.paths, (batch.chunks[-1] + 1) * CHUNK_PATHS) - first
    daily = np.empty((paths, settings.days))
    notional = np.empty(paths)
    counts = np.zeros(batch.history_days, dtype=np.int64)
    for chunk in batch.chunks:
        indices = (
            batch.indices[chunk]
            if batch.indices
            else _draw_chunk_indices(settings, batch.history_days, chunk)
        )
        rows = slice(chunk * CHUNK_PATHS - first, chunk * CHUNK_PATHS - first + len(indices))
        daily[rows] = _chunk_daily_cost(batch, chunk, indices, spikes)
        notional[rows] = shocked.notional[indices].sum(axis=1)
        counts += np.bincount(indices.ravel(), minlength=batch.history_days)
        if advance is not None:
            advance(1)
    return _Sample(daily=daily, notional=notional, day_counts=counts)


def _chunk_daily_cost(
    batch: _Batch,
    chunk: int,
    indices: np.ndarray,
    spikes: list[tuple[BinomialTable, np.ndarray]],
) -> np.ndarray:
    daily: np.ndarray = batch.shocked.cost[indices]
    if spikes:
        rng = chunk_generator(batch.settings.seed, chunk, scenario=batch.scenario)
        for table, cost in spikes:
            daily += draw_binomial(rng, table, indices) * cost[indices]
    return daily


def _summarise(
    scenario: Scenario,
    shocked: ShockedDays,
    sample: _Sample,
    *,
    infra: float,
    budget: float | None,
    edge: float | None,
) -> dict[str, object]:
    paths = sample.daily.shape[0]
    usage = sample.day_counts / paths
    trades = float(usage @ shocked.trades)
    notional = float(usage @ shocked.notional)
    fee = float(usage @ shocked.fee)
    fee_unit = float(usage @ shocked.fee_charged_unit)
    period = sample.daily.sum(axis=1)
    cost = float(period.mean())
    total = period + infra
    expected_total = cost + infra
    var95, es975 = compute_tail_risk(sample.daily)
    row: dict[str, object] = {
        "scenario": scenario.name,
        "description": scenario.description,
        "expected_trades": trades,
        "expected_notional": notional,
        "expected_fee_cost": fee,
        "expected_slippage_cost": cost - fee,
        "expected_period_cost": cost,
        "period_cost_se": float(period.std(ddof=1) / math.sqrt(paths)) if paths > 1 else math.nan,
        "expected_infra_cost": infra,
        "expected_tco": expected_total,
        "avg_cost_per_trade": cost / trades if trades > 0 else math.nan,
        "cost_bps": cost / notional * BPS if notional > 0 else math.nan,
        "var95_daily_cost": var95,
        "es975_daily_cost": es975,
        "worst_day_cost": float(sample.daily.max()),
        "p_budget_breach": float(np.mean(total > budget)) if budget is not None else math.nan,
    }
    if edge is None or notional <= 0:
        row |= dict.fromkeys(
            ("p_net_pnl_negative", "cost_drag_pct", "break_even_cost_bps", "break_even_fee_mult"),
            math.nan,
        )
        return row
    gross = edge / BPS * notional
    net = gross - expected_total
    row |= {
        "p_net_pnl_negative": float(np.mean(edge / BPS * sample.notional - total < 0)),
        "cost_drag_pct": 100.0 * expected_total / gross if gross != 0 else math.nan,
        "break_even_cost_bps": edge - infra / notional * BPS,
        "break_even_fee_mult": scenario.fee_mult + net / fee_unit if fee_unit > 0 else math.nan,
    }
    return row


def _with_deltas(table: pd.DataFrame, *, include_tco: bool) -> pd.DataFrame:
    metrics = [m for m in METRIC_COLUMNS if include_tco or m not in _TCO_ONLY]
    table = table[["scenario", "description", *metrics]]
    baseline = table.iloc[0]
    deltas = pd.DataFrame(
        {f"delta_{m}": table[m].astype(float) - float(baseline[m]) for m in metrics},
        index=table.index,
    )
    return pd.concat([table, deltas], axis=1)


def _fan_frame(name: str, days: np.ndarray, bands: np.ndarray) -> pd.DataFrame:
    levels = bands.shape[0]
    return pd.DataFrame(
        {
            "scenario": name,
            "day": np.tile(days, levels),
            "quantile": np.repeat(FAN_LEVELS, len(days)),
            "cumulative_cost": bands.ravel(),
        }
    )
