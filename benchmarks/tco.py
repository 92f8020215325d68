"""TCO benchmark: the kit beside DuckDB SQL and a plain pandas groupby, from the same run.

    python benchmarks/tco.py [--rows N] [--stream-rows M] [--csv-rows K] [--repeat R]
                             [--data-dir DIR]

1. N-trade Parquet, KPIs by strategy x venue x day with latency p95: kit wall vs DuckDB
   SQL over the same file and vs a straightforward pandas groupby (with quantile); peak RSS.
   Targets: <= 1.5x DuckDB, >= 2.5x faster than pandas, peak RSS <= 1 GiB (at 10M).
2. M-trade Parquet in streaming mode: kit peak RSS (target <= 1.5 GiB at 50M), DuckDB's
   peak RSS on the same query beside it.
3. K-row CSV: kit wall vs DuckDB read_csv + the same aggregation (target <= 1.5x at 2M).

Every measurement runs in a fresh child process, which imports what it needs, then reports
the wall time of the work, its CPU time (user + sys, all threads) and its peak RSS (VmHWM
from /proc/self/status). The input file is read once just before each run, so every
contender starts with it in the page cache. Each contender runs --repeat times (3),
interleaved, and the fastest run (wall) is shown, with the least CPU time beside it. The
kit runs its full path: validation of every column, KPIs, sketches, anomalies. Generated
inputs are cached in --data-dir.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIB = 1024**3
CHUNK_ROWS = 1_000_000
BY = ("strategy", "venue", "day")
COLUMNS = [
    "timestamp",
    "strategy",
    "venue",
    "side",
    "quantity",
    "arrival_price",
    "fill_price",
    "fee",
    "decision_latency_ms",
]
DUCKDB_SQL = """
SELECT strategy, venue, CAST("timestamp" AS DATE) AS day,
    count(*) AS n_trades,
    sum(quantity * arrival_price) AS notional,
    sum(fee) AS fees,
    sum(CASE WHEN side = 'buy' THEN 1 ELSE -1 END * (fill_price - arrival_price) * quantity)
        AS slippage_cost,
    avg(CASE WHEN side = 'buy' THEN 1 ELSE -1 END * (fill_price - arrival_price)
        / arrival_price * 1e4) AS slippage_bps_mean,
    quantile_disc(decision_latency_ms, 0.95) AS decision_latency_ms_p95
FROM {source}
GROUP BY ALL
"""


def _peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _child(task: str, path: str) -> None:
    """Run one measured task in this (fresh) process and print wall seconds and peak RSS.

    The libraries a task uses are imported before the clock starts, for every contender.
    """
    for module in _IMPORTS[task]:
        importlib.import_module(module)
    cpu = _cpu_seconds()
    start = time.perf_counter()
    groups = _TASKS[task](path)
    wall = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "rss": _peak_rss(), "groups": groups}))


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _kit(path: str) -> int:
    from stage5kit.core import TcoOptions, analyse_tco_file

    return len(analyse_tco_file(path, TcoOptions(by=BY)).kpis)


def _kit_stream(path: str) -> int:
    from stage5kit.core import TcoOptions, analyse_tco_file

    return len(analyse_tco_file(path, TcoOptions(by=BY), batch_rows=250_000).kpis)


def _duckdb(source: str) -> int:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return len(con.execute(DUCKDB_SQL.format(source=source)).fetchall())


def _duckdb_parquet(path: str) -> int:
    return _duckdb(f"read_parquet('{path}')")


def _duckdb_csv(path: str) -> int:
    return _duckdb(f"read_csv('{path}')")


def _pandas(path: str) -> int:
    import numpy as np
    import pandas as pd

    frame = pd.read_parquet(path, columns=COLUMNS)
    frame["day"] = frame["timestamp"].dt.floor("D")
    sign = np.where(frame["side"] == "buy", 1.0, -1.0)
    shortfall = sign * (frame["fill_price"] - frame["arrival_price"])
    frame["notional"] = frame["quantity"] * frame["arrival_price"]
    frame["slippage_cost"] = shortfall * frame["quantity"]
    frame["slippage_bps"] = shortfall / frame["arrival_price"] * 1e4
    grouped = frame.groupby(list(BY), observed=True)
    sums = grouped.agg(
        n_trades=("fee", "size"),
        notional=("notional", "sum"),
        fees=("fee", "sum"),
        slippage_cost=("slippage_cost", "sum"),
        slippage_bps_mean=("slippage_bps", "mean"),
    )
    sums["decision_latency_ms_p95"] = grouped["decision_latency_ms"].quantile(0.95)
    return len(sums)


_IMPORTS = {
    "kit": ["stage5kit.core"],
    "kit-stream": ["stage5kit.core"],
    "duckdb-parquet": ["duckdb"],
    "duckdb-csv": ["duckdb"],
    "pandas": ["pandas", "numpy", "pyarrow.parquet"],
}
_TASKS = {
    "kit": _kit,
    "kit-stream": _kit_stream,
    "duckdb-parquet": _duckdb_parquet,
    "duckdb-csv": _duckdb_csv,
    "pandas": _pandas,
}


def _measure(task: str, path: Path) -> dict[str, float]:
    _warm(path)
    out = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _measure_all(tasks: list[str], path: Path, repeat: int) -> list[dict[str, float]]:
    """Each task ``repeat`` times, interleaved; per task the fastest wall and least CPU."""
    runs = [[_measure(task, path) for task in tasks] for _ in range(repeat)]
    best = []
    for i in range(len(tasks)):
        mine = [run[i] for run in runs]
        fastest = min(mine, key=lambda r: r["wall"])
        best.append({**fastest, "cpu": min(r["cpu"] for r in mine)})
    return best


def _warm(path: Path) -> None:
    """Read a file once so that the measured run finds it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def _make_parquet(path: Path, rows: int) -> Path:
    """Write ``rows`` synthetic trades in 1M-row chunks (bounded memory), ids increasing."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stage5kit.core import generate_trades

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer = None
    done = 0
    chunk = 0
    while done < rows:
        n = min(CHUNK_ROWS, rows - done)
        frame = generate_trades(rows=n, seed=1_000 + chunk)
        frame["trade_id"] += done
        for name in ("side", "liquidity"):
            frame[name] = frame[name].astype("category")
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
        writer.write_table(table, row_group_size=CHUNK_ROWS)
        done += n
        chunk += 1
    if writer is not None:
        writer.close()
    tmp.replace(path)
    return path


def _make_csv(path: Path, rows: int) -> Path:
    from stage5kit.core import generate_trades, write_trades

    if not path.exists():
        write_trades(generate_trades(rows=rows, seed=77), path)
    return path


def _line(name: str, kit: float, reference_name: str, reference: float, unit: str) -> None:
    ratio = kit / reference if reference else float("nan")
    print(
        f"{name:<34} kit {kit:>9.3f} {unit:<4} | "
        f"{reference_name:<18} {reference:>9.3f} {unit:<4} | kit/ref {ratio:6.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--stream-rows", type=int, default=50_000_000)
    parser.add_argument("--csv-rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (best shown)")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "stage5kit-bench"
    )
    parser.add_argument("--child", nargs=2, metavar=("TASK", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return

    parquet = _make_parquet(args.data_dir / f"trades_{args.rows}.parquet", args.rows)
    kit, duck, pandas = _measure_all(["kit", "duckdb-parquet", "pandas"], parquet, args.repeat)
    assert kit["groups"] == duck["groups"] == pandas["groups"], (kit, duck, pandas)
    print(f"1. {args.rows:,}-trade Parquet, KPIs by strategy x venue x day with latency p95")
    _line("  wall vs DuckDB SQL (<= 1.5)", kit["wall"], "DuckDB", duck["wall"], "s")
    _line("  CPU vs DuckDB SQL", kit["cpu"], "DuckDB", duck["cpu"], "s")
    _line("  wall vs pandas groupby (<= 0.4)", kit["wall"], "pandas", pandas["wall"], "s")
    _line("  peak RSS vs 1 GiB target", kit["rss"] / GIB, "target", 1.0, "GiB")
    _line("  peak RSS vs DuckDB", kit["rss"] / GIB, "DuckDB", duck["rss"] / GIB, "GiB")

    stream = _make_parquet(args.data_dir / f"trades_{args.stream_rows}.parquet", args.stream_rows)
    kit_stream, duck_stream = _measure_all(["kit-stream", "duckdb-parquet"], stream, args.repeat)
    print(f"2. {args.stream_rows:,}-trade Parquet, streaming mode")
    _line("  peak RSS vs 1.5 GiB target", kit_stream["rss"] / GIB, "target", 1.5, "GiB")
    _line(
        "  peak RSS vs DuckDB", kit_stream["rss"] / GIB, "DuckDB", duck_stream["rss"] / GIB, "GiB"
    )
    _line("  wall vs DuckDB", kit_stream["wall"], "DuckDB", duck_stream["wall"], "s")
    _line("  CPU vs DuckDB", kit_stream["cpu"], "DuckDB", duck_stream["cpu"], "s")

    csv = _make_csv(args.data_dir / f"trades_{args.csv_rows}.csv", args.csv_rows)
    kit_csv, duck_csv = _measure_all(["kit", "duckdb-csv"], csv, args.repeat)
    assert kit_csv["groups"] == duck_csv["groups"], (kit_csv, duck_csv)
    print(f"3. {args.csv_rows:,}-row CSV")
    _line("  wall vs DuckDB read_csv (<= 1.5)", kit_csv["wall"], "DuckDB", duck_csv["wall"], "s")
    _line("  CPU vs DuckDB read_csv", kit_csv["cpu"], "DuckDB", duck_csv["cpu"], "s")
    _line("  peak RSS vs DuckDB", kit_csv["rss"] / GIB, "DuckDB", duck_csv["rss"] / GIB, "GiB")


if __name__ == "__main__":
    main()
