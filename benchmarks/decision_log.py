"""Decision log and decision engine throughput, each beside the limit it cannot beat.

- durable appends (batch mode: one lock, write, fsync and head update per batch) beside
  the same bytes written and fsynced raw (the I/O floor);
- verify (HMAC, chain, sequence, head; 1 and 2 worker processes) beside the HMAC-only
  limit: HMAC-SHA256 over the same entry bytes and nothing else, in 1 and 2 processes;
- the orchestrator: decisions/s vectorised over 100k candidates beside a per-order Python
  loop doing the same checks, and the p99 latency of a single decision.

Targets (issue 14): verify >= 200k entries/s on 2 cores, durable appends >= 5k entries/s
in batch mode, >= 100k decisions/s vectorised and p99 <= 1 ms for one decision.
Usage: ``python benchmarks/decision_log.py [--entries N] [--batch B] [--candidates C]``.
"""

from __future__ import annotations

import argparse
import hmac
import itertools
import math
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
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


def _hmac_only(path_and_range: tuple[str, int, int]) -> int:
    """HMAC every entry of a byte range of the log (the verifier's irreducible work)."""
    path, start, end = path_and_range
    with Path(path).open("rb") as handle:
        handle.seek(start)
        lines = handle.read(end - start).split(b"\n")[:-1]
    for line in lines:
        hmac.digest(SECRET, line[9:-HMAC_TAIL], "sha256")
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


def bench_verify(log: Path, workers: int) -> tuple[float, float]:
    """Entries/s of verify_log and of HMAC alone, both with ``workers`` processes."""
    key = load_signing_key("hex:" + SECRET.hex(), key_id="bench")
    ring = KeyRing(keys={"bench": key.verification_key()})
    start = time.perf_counter()
    result = verify_log(log, keyring=ring, workers=workers)
    verify_rate = result.entries_checked / (time.perf_counter() - start)
    assert result.ok, result.summary()
    ranges = _ranges(log, workers)
    start = time.perf_counter()
    if workers == 1:
        counted = _hmac_only(ranges[0])
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            counted = sum(pool.map(_hmac_only, ranges))
    hmac_rate = counted / (time.perf_counter() - start)
    return verify_rate, hmac_rate


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


def bench_orchestrator(count: int) -> tuple[float, float, float, float]:
    """Vectorised decisions/s, the loop's decisions/s, and p50/p99 ms of single decisions."""
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
    singles = [orders.iloc[[i]] for i in range(2_000)]
    timings = []
    for single in singles:
        start = time.perf_counter()
        orchestrator.decide(single, kpis)
        timings.append((time.perf_counter() - start) * 1e3)
    p50, p99 = np.percentile(timings, [50, 99])
    return vector_rate, loop_rate, float(p50), float(p99)


def main() -> None:
    """Run the three benchmarks and print each figure beside its reference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000, help="log entries to write")
    parser.add_argument("--batch", type=int, default=1_000, help="entries per batch append")
    parser.add_argument("--candidates", type=int, default=100_000, help="orders to decide")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stage5kit-bench-") as tmp:
        folder = Path(tmp)
        batched, raw, single = bench_appends(folder, args.entries, args.batch)
        print(f"appends ({args.batch}/batch, fsynced): {batched:,.0f} entries/s"
              f"  | raw write+fsync of the same bytes: {raw:,.0f} entries/s"
              f"  | single appends: {single:,.0f}/s  (target >= 5,000/s batched)")  # fmt: skip
        log = folder / "runtime.jsonl"
        for workers in (1, 2):
            verify_rate, hmac_rate = bench_verify(log, workers)
            print(f"verify, {workers} process(es): {verify_rate:,.0f} entries/s"
                  f"  | HMAC-only limit: {hmac_rate:,.0f} entries/s"
                  f"  ({verify_rate / hmac_rate:.0%} of it; target >= 200,000/s on 2)")  # fmt: skip
    vector_rate, loop_rate, p50, p99 = bench_orchestrator(args.candidates)
    print(f"orchestrator, {args.candidates:,} candidates: {vector_rate:,.0f} decisions/s"
          f"  | Python loop: {loop_rate:,.0f} decisions/s ({vector_rate / loop_rate:.0f}x)"
          f"  (target >= 100,000/s)")  # fmt: skip
    print(f"single decision: p50 {p50:.3f} ms, p99 {p99:.3f} ms  (target p99 <= 1 ms)")


if __name__ == "__main__":
    main()
