"""Decision log and decision engine throughput, each beside the limit it cannot beat.

- durable appends (batch mode: one lock, write, fsync and head update per batch) beside
  the same bytes written and fsynced raw (the I/O floor);
- verify (HMAC, chain, sequence, head; 1 and 2 worker processes) beside the HMAC-only
  limit: HMAC-SHA256 over the same entry bytes and nothing else (keyed once, as verify
  does, with the standard library's hashlib), in 1 and 2 processes started the same way;
- the orchestrator: decisions/s vectorised over 100k candidates beside a per-order Python
  loop doing the same checks, and the p50/p99 latency of a single decision
  (``decide_one`` on an order mapping, beside a one-row frame through ``decide``).

The machine's load average is printed first: the machine is shared, so every figure is
measured beside its reference in the same run.

Targets (issue 14): verify >= 200k entries/s on 2 cores, durable appends >= 5k entries/s
in batch mode, >= 100k decisions/s vectorised and p99 <= 1 ms for one decision.
Usage: ``python benchmarks/decision_log.py [--entries N] [--batch B] [--candidates C]``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import math
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

import numpy as np
import pandas as pd

from stage5kit.compliance import KeyRing, NewEntry, append_entries, verify_log
from stage5kit.core.decisions import (
    DecisionKpis,
    DecisionOrchestrator,
    RiskLimits,
    ThresholdRiskEngine,
    check_candidates,
)
from stage5kit.signing import load_signing_key

SECRET = b"\xab" * 32
HMAC_TAIL = len(b',"hmac":"') + 64 + 2
PAYLOAD = {
    "tco_kpi": {"cost_bps": 5.54, "slippage_bps": 2.37, "decision_latency_ms_p95": 106.7},
    "decision_path": [
        {"check": "cost_bps", "value": 5.54, "limit": 12.0, "passed": True},
        {"check": "order_notional", "value": 32000.0, "limit": 250000.0, "passed": True},
    ],
}
STRATEGIES = ("momentum", "market_making", "stat_arb", "twap_execution", "basis_carry")
VENUES = ("binance", "coinbase", "kraken", "okx")
START_METHOD = "fork" if "fork" in get_all_start_methods() else "spawn"
"""How verify starts its workers in a single-threaded process; the reference does the same."""


def _hmac_only(path_and_range: tuple[str, int, int]) -> int:
    """HMAC every entry of a byte range of the log (the verifier's irreducible work).

    The key is set up once (RFC 2104 inner and outer SHA-256 states, copied per entry):
    the fastest HMAC-SHA256 the standard library allows for many short messages.
    """
    path, start, end = path_and_range
    with Path(path).open("rb") as handle:
        handle.seek(start)
        lines = handle.read(end - start).split(b"\n")[:-1]
    block = SECRET.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    tags = []
    for line in lines:
        inner_hash = inner.copy()
        inner_hash.update(line[9:-HMAC_TAIL])
        outer_hash = outer.copy()
        outer_hash.update(inner_hash.digest())
        tags.append(outer_hash.digest())
    assert not lines or tags[-1].hex().encode() == lines[-1][-66:-2], "not the log's HMAC"
    return len(lines)


def _ranges(path: Path, parts: int) -> list[tuple[str, int, int]]:
    data = path.read_bytes()
    bounds = [0]
    for part in range(1, parts):
        bounds.append(data.find(b"\n", len(data) * part // parts) + 1)
    bounds.append(len(data))
    return [(str(path), a, b) for a, b in itertools.pairwise(bounds)]


def bench_appends(folder: Path, entries: int, batch: int) -> tuple[float, float, float]:
    """Entries/s of batch appends, of raw write+fsync of the same bytes, of single appends."""
    key = load_signing_key("hex:" + SECRET.hex(), key_id="bench")
    log = folder / "runtime.jsonl"
    drafts = [NewEntry(category="stage5_incident", payload=PAYLOAD, actor="bench")] * batch
    start = time.perf_counter()
    for _ in range(entries // batch):
        append_entries(log, drafts, key=key)
    batched = (entries // batch) * batch / (time.perf_counter() - start)
    data = log.read_bytes()
    chunk = len(data) * batch // max(entries, 1)
    raw = folder / "raw.jsonl"
    start = time.perf_counter()
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for offset in range(0, len(data), chunk):
            os.write(fd, data[offset : offset + chunk])
            os.fsync(fd)
    finally:
        os.close(fd)
    raw_rate = entries / (time.perf_counter() - start)
    single_log = folder / "single.jsonl"
    singles = 200
    start = time.perf_counter()
    for _ in range(singles):
        append_entries(single_log, drafts[:1], key=key)
    single_rate = singles / (time.perf_counter() - start)
    return batched, raw_rate, single_rate


def _cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished children (user + system)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@dataclass(frozen=True, slots=True)
class Rate:
    """A measured rate: entries per wall second, and CPU microseconds per entry."""

    per_second: float
    cpu_us: float

    def idle_cores(self, cores: int) -> float:
        """Entries/s if each of ``cores`` processes had a core to itself (CPU-bound work)."""
        return cores * 1e6 / self.cpu_us


def _timed(work: Callable[[], int]) -> Rate:
    cpu, start = _cpu_seconds(), time.perf_counter()
    count = work()
    wall, used = time.perf_counter() - start, _cpu_seconds() - cpu
    return Rate(per_second=count / wall, cpu_us=used * 1e6 / count)


def bench_verify(log: Path, workers: int, repeats: int = 3) -> tuple[Rate, Rate]:
    """verify_log and HMAC alone, both with ``workers`` processes (best of ``repeats``: on a
    shared machine the fastest run is the one least disturbed)."""
    key = load_signing_key("hex:" + SECRET.hex(), key_id="bench")
    ring = KeyRing(keys={"bench": key.verification_key()})
    ranges = _ranges(log, workers)

    def verify() -> int:
        result = verify_log(log, keyring=ring, workers=workers)
        assert result.ok, result.summary()
        return result.entries_checked

    def hmac_only() -> int:
        if workers == 1:
            return _hmac_only(ranges[0])
        with ProcessPoolExecutor(workers, mp_context=get_context(START_METHOD)) as pool:
            return sum(pool.map(_hmac_only, ranges))

    verify_runs = [_timed(verify) for _ in range(repeats)]
    hmac_runs = [_timed(hmac_only) for _ in range(repeats)]
    fastest = max(verify_runs, key=lambda run: run.per_second)
    return fastest, max(hmac_runs, key=lambda run: run.per_second)


def _candidates(count: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(count)],
            "strategy": rng.choice(STRATEGIES, count),
            "venue": rng.choice(VENUES, count),
            "symbol": "BTC-USDT",
            "side": rng.choice(("buy", "sell"), count),
            "quantity": rng.uniform(0.01, 10.0, count),
            "price": rng.uniform(100.0, 70_000.0, count),
        }
    )
    return check_candidates(frame, path="benchmark")


def _kpis(seed: int) -> DecisionKpis:
    rng = np.random.default_rng(seed)
    names = ("cost_bps", "slippage_bps", "decision_latency_ms_p95")
    return DecisionKpis(
        overall=dict(zip(names, (5.5, 2.4, 107.0), strict=True)),
        by_strategy_venue={
            (s, v): dict(zip(names, rng.uniform((1, 0.5, 5), (15, 12, 300)), strict=True))
            for s in STRATEGIES
            for v in VENUES
        },
        daily_cost={s: float(rng.uniform(0, 4_000)) for s in STRATEGIES},
    )


def _loop_decide(orders: pd.DataFrame, kpis: DecisionKpis, limits: RiskLimits) -> list[str]:
    """The reference: the same checks, one order at a time in a Python loop."""
    outcomes = []
    actions = ("reject", "reject", "escalate", "escalate", "reduce")
    for row in orders.itertuples(index=False):
        k = kpis.by_strategy_venue.get((row.strategy, row.venue), kpis.overall)
        notional = row.quantity * row.price
        values = (
            k["cost_bps"],
            k["slippage_bps"],
            k["decision_latency_ms_p95"],
            kpis.daily_cost.get(row.strategy, 0.0) + notional * k["cost_bps"] / 10_000,
            notional,
        )
        bounds = (
            limits.max_cost_bps,
            limits.max_slippage_bps,
            limits.max_decision_latency_ms,
            limits.daily_cost_budget,
            limits.max_order_notional,
        )
        outcome = "approve"
        for value, bound, action in zip(values, bounds, actions, strict=True):
            if bound is not None and not value <= bound:
                outcome = "escalate" if math.isnan(value) else action
                break
        outcomes.append(outcome)
    return outcomes


def _percentiles(timings: list[float]) -> tuple[float, float]:
    p50, p99 = np.percentile(np.array(timings) * 1e3, [50, 99])
    return float(p50), float(p99)


def bench_orchestrator(count: int) -> tuple[float, float, tuple[float, float], tuple[float, float]]:
    """Vectorised decisions/s, the loop's decisions/s, and p50/p99 ms of single decisions:
    ``decide_one`` on an order mapping, and a one-row frame through ``decide``."""
    limits = RiskLimits(
        max_cost_bps=12.0,
        max_slippage_bps=10.0,
        max_decision_latency_ms=250.0,
        max_order_notional=250_000.0,
        daily_cost_budget=5_000.0,
    )
    kpis = _kpis(14)
    orders = _candidates(count, 14)
    orchestrator = DecisionOrchestrator(ThresholdRiskEngine(limits))
    start = time.perf_counter()
    decisions = orchestrator.decide(orders, kpis)
    vector_rate = count / (time.perf_counter() - start)
    loop_orders = orders.head(min(count, 20_000))
    start = time.perf_counter()
    looped = _loop_decide(loop_orders, kpis, limits)
    loop_rate = len(loop_orders) / (time.perf_counter() - start)
    assert looped == decisions.outcome[: len(loop_orders)].tolist()
    singles = min(count, 2_000)
    records = orders.head(singles).to_dict("records")
    one_timings = []
    for index, record in enumerate(records):
        start = time.perf_counter()
        decision = orchestrator.decide_one(record, kpis)
        one_timings.append(time.perf_counter() - start)
        assert decision.outcome == decisions.outcome[index]
    frame_timings = []
    for index in range(singles):
        single = orders.iloc[[index]]
        start = time.perf_counter()
        orchestrator.decide(single, kpis)
        frame_timings.append(time.perf_counter() - start)
    return vector_rate, loop_rate, _percentiles(one_timings), _percentiles(frame_timings)


def main() -> None:
    """Run the three benchmarks and print each figure beside its reference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000, help="log entries to write")
    parser.add_argument("--batch", type=int, default=1_000, help="entries per batch append")
    parser.add_argument("--candidates", type=int, default=100_000, help="orders to decide")
    args = parser.parse_args()
    loads = ", ".join(f"{load:.2f}" for load in os.getloadavg())
    print(f"load average (1, 5, 15 min) at start: {loads} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="stage5kit-bench-") as tmp:
        folder = Path(tmp)
        batched, raw, single = bench_appends(folder, args.entries, args.batch)
        print(f"appends ({args.batch}/batch, fsynced): {batched:,.0f} entries/s"
              f"  | raw write+fsync of the same bytes: {raw:,.0f} entries/s"
              f"  | single appends: {single:,.0f}/s  (target >= 5,000/s batched)")  # fmt: skip
        log = folder / "runtime.jsonl"
        for workers in (1, 2):
            verify, hmac_only = bench_verify(log, workers)
            print(f"verify, {workers} process(es): {verify.per_second:,.0f} entries/s"
                  f" ({verify.cpu_us:.2f} us CPU/entry: {verify.idle_cores(workers):,.0f}/s"
                  f" on {workers} idle core(s))"
                  f"  | HMAC-only limit: {hmac_only.per_second:,.0f} entries/s"
                  f" ({hmac_only.cpu_us:.2f} us CPU/entry: {hmac_only.idle_cores(workers):,.0f}/s)"
                  f"  (target >= 200,000/s on 2)")  # fmt: skip
    vector_rate, loop_rate, one, frame = bench_orchestrator(args.candidates)
    print(f"orchestrator, {args.candidates:,} candidates: {vector_rate:,.0f} decisions/s"
          f"  | Python loop: {loop_rate:,.0f} decisions/s ({vector_rate / loop_rate:.0f}x)"
          f"  (target >= 100,000/s)")  # fmt: skip
    print(f"single decision (decide_one): p50 {one[0]:.3f} ms, p99 {one[1]:.3f} ms"
          f"  | one-row frame through decide: p50 {frame[0]:.3f} ms, p99 {frame[1]:.3f} ms"
          f"  (target p99 <= 1 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
