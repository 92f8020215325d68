"""Stress simulation speed: the kit's vectorised engine beside a straightforward numba loop.

Both simulate the same model on the same cost history (the sample trade log): for every
scenario, P paths x D days of stationary block-bootstrapped days with the scenario's
deterministic shocks and binomial spikes, then the same summary (mean, VaR95, ES97.5,
worst day, fan bands). numba is a benchmark-only dependency; the kit never imports it.

Usage: python benchmarks/stress.py [--paths 10000] [--days 252] [--workers 1]
Targets (issue 5): kit <= 3 s on 2 cores for 10k x 252 x 7 scenarios; kit / numba <= 1.5.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from numba import njit

from stage5kit.core import (
    BUILTIN_SCENARIOS,
    SimulationSettings,
    TcoOptions,
    add_trade_costs,
    analyse_tco,
    load_trades,
    simulate_stress,
)
from stage5kit.core.stress.history import CostHistory, build_cost_history
from stage5kit.core.stress.metrics import (
    compute_expected_shortfall,
    compute_quantile_bands,
    compute_value_at_risk,
)
from stage5kit.core.stress.shocks import shock_history

SAMPLE = Path(__file__).resolve().parents[1] / "sample_artifacts" / "inputs" / "trades.csv"
BLOCK_LENGTH = 5.0


@njit(cache=False)
def _simulate_loop(  # noqa: PLR0917 (numba-compiled functions take positional arguments)
    rng: np.random.Generator,
    cost: np.ndarray,
    notional: np.ndarray,
    trades: np.ndarray,
    slippage_spike_cost: np.ndarray,
    slippage_spike_prob: float,
    latency_spike_cost: np.ndarray,
    latency_spike_prob: float,
    paths: int,
    days: int,
    block_length: float,
) -> tuple[np.ndarray, np.ndarray]:
    """One path at a time, one day at a time: the textbook stationary bootstrap loop."""
    history = cost.shape[0]
    daily = np.empty((paths, days))
    path_notional = np.zeros(paths)
    restart = 1.0 / block_length
    for p in range(paths):
        day = rng.integers(0, history)
        for d in range(days):
            if d > 0:
                day = rng.integers(0, history) if rng.random() < restart else day + 1
                if day == history:
                    day = 0
            value = cost[day]
            if slippage_spike_prob > 0.0:
                value += rng.binomial(trades[day], slippage_spike_prob) * (slippage_spike_cost[day])
            if latency_spike_prob > 0.0:
                value += rng.binomial(trades[day], latency_spike_prob) * (latency_spike_cost[day])
            daily[p, d] = value
            path_notional[p] += notional[day]
    return daily, path_notional


def run_numba(history: CostHistory, *, paths: int, days: int, seed: int) -> dict[str, float]:
    """Simulate every scenario with the numba loop and summarise it like the kit does."""
    means = {}
    for number, scenario in enumerate(BUILTIN_SCENARIOS):
        shocked = shock_history(history, scenario)
        daily, path_notional = _simulate_loop(
            np.random.default_rng([seed, number]),
            shocked.cost,
            shocked.notional,
            shocked.spike_trades,
            shocked.slippage_spike_cost,
            shocked.slippage_spike_prob,
            shocked.latency_spike_cost,
            shocked.latency_spike_prob,
            paths,
            days,
            BLOCK_LENGTH,
        )
        period = daily.sum(axis=1)
        compute_value_at_risk(daily)
        compute_expected_shortfall(daily)
        compute_quantile_bands(np.cumsum(daily, axis=1))
        float(daily.max())
        float(path_notional.mean())
        means[scenario.name] = float(period.mean())
    return means


def load_history() -> CostHistory:
    """Cost the sample trade log with the TCO core and reduce it to daily sums."""
    trades = load_trades(SAMPLE)
    slope = float(
        analyse_tco(trades, TcoOptions(by=("strategy",))).overall["slippage_bps_per_10ms"]
    )
    return build_cost_history(add_trade_costs(trades), latency_slope_bps_per_10ms=slope)


def main() -> None:
    """Time the kit and the numba loop on the same history and print both with the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=252)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    history = load_history()
    settings = SimulationSettings(
        paths=args.paths, days=args.days, seed=args.seed, workers=args.workers
    )
    run_numba(history, paths=min(args.paths, 50), days=min(args.days, 5), seed=args.seed)

    start = time.perf_counter()
    result = simulate_stress(history, BUILTIN_SCENARIOS, settings)
    kit_seconds = time.perf_counter() - start

    start = time.perf_counter()
    numba_means = run_numba(history, paths=args.paths, days=args.days, seed=args.seed)
    numba_seconds = time.perf_counter() - start

    kit_means = result.table.set_index("scenario")["expected_period_cost"]
    for name, mean in numba_means.items():
        gap = abs(kit_means[name] - mean) / mean
        assert gap < 0.1, f"{name}: kit and numba disagree by {gap:.1%}"
    size = f"{args.paths} paths x {args.days} days x {len(BUILTIN_SCENARIOS)} scenarios"
    print(f"stress simulation, {size}, history {len(history.days)} days")
    print(f"kit (workers={args.workers}):  {kit_seconds:8.3f} s")
    print(f"numba loop (1 thread): {numba_seconds:8.3f} s")
    print(f"ratio kit / numba:     {kit_seconds / numba_seconds:8.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
