"""TCO benchmark: the kit beside DuckDB on the trade-log shapes analysts meet, same run.

    python benchmarks/tco.py [--rows N] [--csv-rows K] [--stream-rows M] [--repeat R]
                             [--dask-files F] [--dask-rows D] [--data-dir DIR]

Shapes (each N rows unless said), every one beside DuckDB computing the same KPIs *and*
``count(distinct trade_id)`` on the same file (the kit checks every id is unique):

1. today's shape: integer trade ids, dictionary-encoded (categorical) labels, Parquet;
2. pandas-default Parquet: string ids like ``X123-000000001``, plain string labels,
   ``timestamp[us, tz=UTC]``, 1M-row row groups;
3. the same with UUID4 trade ids;
4. a CSV export (string ids, ISO-8601 timestamps with ``Z``), K rows (2M).
Then, with ``--stream-rows M`` (slow; 0 skips it): shape 2 at M rows (50M) streamed by
``stage5kit tco --stream``, peak RSS (target <= 1.5 GiB). With ``--dask-files F`` (0 skips
it): a folder of F shape-2 files of D rows each (8 x 2M) through ``stage5kit tco
--scheduler`` on a real 2-worker ``LocalCluster`` (one thread each, started before the
clock, as a running cluster would be), beside ``stage5kit tco --stream`` on the same
folder in one process and DuckDB on the same files; the Dask and local CSVs must be equal.

Targets: shapes 1-3 at 10M kit wall <= 1.5x DuckDB and peak RSS <= 1 GiB; shape 4 <= 1.5x.
The kit runs its full path: validation of every column, the trade-id uniqueness check,
KPIs, sketches, anomalies. DuckDB reads a Parquet file twice (the aggregation, then the
distinct count); a CSV it loads once into a temporary table and queries twice.

Every measurement runs in a fresh child process, which imports what it needs, then reports
the wall time of the work, its CPU time (user + sys, all threads) and its peak RSS (VmHWM
from /proc/self/status). The input file is read once just before each run, so every
contender starts with it in the page cache. Each contender runs --repeat times (3),
interleaved with the other, and the fastest run (wall) is shown: on a shared machine the
best of N is the fairest figure. Generated inputs are cached in --data-dir.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pyarrow as pa
    from distributed import Client

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

    The libraries a task uses are imported before the clock starts, for every contender;
    a Dask task's cluster is started before it too, and its workers' CPU time (added to
    the caller's) and largest peak RSS are reported.
    """
    for module in _IMPORTS[task]:
        importlib.import_module(module)
    with _cluster() if task == "cli-dask" else contextlib.nullcontext() as client:
        workers = client.run(_cpu_seconds) if client else {}
        cpu = _cpu_seconds()
        start = time.perf_counter()
        found = _TASKS[task](path, *([client.scheduler.address] if client else []))
        wall = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu
        extra = {}
        if client:
            cpu += sum(client.run(_cpu_seconds).values()) - sum(workers.values())
            extra = {"worker_rss": max(client.run(_peak_rss).values())}
    groups, more = found if isinstance(found, tuple) else (found, {})
    print(
        json.dumps(
            {"wall": wall, "cpu": cpu, "rss": _peak_rss(), "groups": groups, **more, **extra}
        )
    )


@contextlib.contextmanager
def _cluster() -> Iterator[Client]:
    """A real 2-worker Dask LocalCluster (processes, one thread each) and a client of it."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _kit(path: str) -> int:
    from stage5kit.core import TcoOptions, analyse_tco_file

    return len(analyse_tco_file(path, TcoOptions(by=BY)).kpis)


def _cli_tco(path: str, *options: str) -> tuple[int, dict[str, Any]]:
    """``stage5kit tco PATH --by strategy,venue,day OPTIONS`` in this process: groups and the
    SHA-256 of its tco_report.csv (the Dask and local runs must write the same bytes)."""
    from stage5kit.cli import main

    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "tco"
        command = ["tco", path, "--by", ",".join(BY), "--out", str(out), *options]
        main.main(command, standalone_mode=False)
        report = (out / "tco_report.csv").read_bytes()
    groups = report.count(b"\n") - 1
    return groups, {"csv_sha256": hashlib.sha256(report).hexdigest()}


def _cli_stream(path: str) -> tuple[int, dict[str, Any]]:
    return _cli_tco(path, "--stream")


def _cli_dask(path: str, scheduler: str) -> tuple[int, dict[str, Any]]:
    return _cli_tco(path, "--scheduler", scheduler)


def _duckdb(source: str, *, load: bool) -> int:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if load:
        con.execute(f"CREATE TEMP TABLE trades AS SELECT * FROM {source}")  # noqa: S608
        source = "trades"
    groups = len(con.execute(DUCKDB_SQL.format(source=source)).fetchall())
    total, distinct = con.execute(
        f"SELECT count(*), count(DISTINCT trade_id) FROM {source}"  # noqa: S608
    ).fetchone() or (0, 0)
    if total != distinct:
        msg = f"{total - distinct} repeated trade ids"
        raise SystemExit(msg)
    return groups


def _duckdb_parquet(path: str) -> int:
    return _duckdb(f"read_parquet('{path}')", load=False)


def _duckdb_folder(path: str) -> int:
    return _duckdb(f"read_parquet('{path}/*.parquet')", load=False)


def _duckdb_csv(path: str) -> int:
    return _duckdb(f"read_csv('{path}')", load=True)


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
    "cli-stream": ["stage5kit.cli", "stage5kit.core"],
    "cli-dask": ["stage5kit.cli", "stage5kit.core", "stage5kit.reporting.tco_cluster"],
    "duckdb-parquet": ["duckdb"],
    "duckdb-folder": ["duckdb"],
    "duckdb-csv": ["duckdb"],
    "pandas": ["pandas", "numpy", "pyarrow.parquet"],
}
_TASKS = {
    "kit": _kit,
    "cli-stream": _cli_stream,
    "cli-dask": _cli_dask,
    "duckdb-parquet": _duckdb_parquet,
    "duckdb-folder": _duckdb_folder,
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
    """Read a file (or a folder's files) once so the measured run finds it in the page cache."""
    for each in sorted(path.glob("*.parquet")) if path.is_dir() else [path]:
        with each.open("rb") as handle:
            while handle.read(1 << 24):
                pass


def _make_parquet(path: Path, rows: int, shape: int, *, first: int = 0) -> Path:
    """Write ``rows`` synthetic trades of a shape in 1M-row chunks (bounded memory).

    Trade ids (and chunk seeds) start at ``first``, so files of one folder never share an id.
    """
    import pyarrow.parquet as pq

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer = None
    for done in range(first, first + rows, CHUNK_ROWS):
        table = _chunk(done, min(CHUNK_ROWS, first + rows - done), shape)
        if writer is None:
            codec = "snappy" if shape > 1 else "zstd"
            writer = pq.ParquetWriter(tmp, table.schema, compression=codec)
        writer.write_table(table, row_group_size=CHUNK_ROWS)
    if writer is not None:
        writer.close()
    tmp.replace(path)
    return path


def _chunk(done: int, rows: int, shape: int) -> pa.Table:
    """One chunk of a shape: 1 integer ids and categoricals, 2 string ids, 3 UUID4 ids."""
    import pyarrow as pa

    from stage5kit.core import generate_trades

    frame = generate_trades(rows=rows, seed=1_000 + done // CHUNK_ROWS)
    frame["trade_id"] += done
    if shape == 1:
        for name in ("side", "liquidity"):
            frame[name] = frame[name].astype("category")
        return pa.Table.from_pandas(frame, preserve_index=False)
    for name in ("strategy", "venue", "symbol", "side", "liquidity"):
        frame[name] = frame[name].astype(str)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us, UTC]")
    table = pa.Table.from_pandas(frame.drop(columns="trade_id"), preserve_index=False)
    ids = _string_ids(frame["trade_id"].to_numpy()) if shape == 2 else _uuid4_ids(rows, done)
    return table.add_column(1, "trade_id", ids)


def _string_ids(numbers: np.ndarray) -> pa.Array:
    """Exchange-style ids: ``X<venue no.>-<9-digit sequence>``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=9, padding="0")
    prefix = pa.array(np.char.add("X", (numbers % 997).astype(str)))
    return pc.binary_join_element_wise(prefix, digits, "-")


def _uuid4_ids(rows: int, seed: int) -> pa.Array:
    """Random version-4 UUIDs as 36-character strings, built in numpy."""
    import pyarrow as pa

    raw = np.random.default_rng(seed).integers(0, 256, size=(rows, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hexed = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    nibbles = np.stack([raw >> 4, raw & 0x0F], axis=2).reshape(rows, 32)
    text = hexed[nibbles]
    dash = np.full((rows, 1), ord("-"), dtype=np.uint8)
    parts = [text[:, :8], dash, text[:, 8:12], dash, text[:, 12:16], dash, text[:, 16:20]]
    chars = np.ascontiguousarray(np.concatenate([*parts, dash, text[:, 20:]], axis=1))
    offsets = pa.py_buffer(np.arange(0, rows * 36 + 1, 36, dtype=np.int32).tobytes())
    return pa.StringArray.from_buffers(rows, offsets, pa.py_buffer(chars.tobytes()))


def _make_csv(path: Path, rows: int) -> Path:
    """A CSV export with string ids and ISO-8601 ``Z`` timestamps."""
    from stage5kit.core import generate_trades, write_trades

    if not path.exists():
        frame = generate_trades(rows=rows, seed=77)
        numbers = frame["trade_id"].to_numpy().astype(str)
        frame["trade_id"] = np.char.add("T11-", np.char.zfill(numbers, 9))
        write_trades(frame, path)
    return path


def _make_folder(path: Path, files: int, rows: int) -> Path:
    """A folder of ``files`` shape-2 Parquet files of ``rows`` trades, ids unique across them."""
    for index in range(files):
        _make_parquet(path / f"part-{index:03d}.parquet", rows, 2, first=index * rows)
    return path


def _dask_section(folder: Path, files: int, rows: int) -> None:
    """Measure the folder once through Dask, locally streamed and in DuckDB; print them."""
    local, dask, duck = _measure_all(["cli-stream", "cli-dask", "duckdb-folder"], folder, 1)
    assert local["groups"] == dask["groups"] == duck["groups"], (local, dask, duck)
    assert local["csv_sha256"] == dask["csv_sha256"], "Dask and local tco_report.csv differ"
    print(f"6. {files} files x {rows:,} trades (shape 2), one folder; CSVs identical")
    _line(
        "  CPU Dask (caller + workers) vs local", dask["cpu"], "local --stream", local["cpu"], "s"
    )
    _line("  CPU local streamed vs DuckDB", local["cpu"], "DuckDB", duck["cpu"], "s")
    _line("  Dask 2 workers vs local streamed", dask["wall"], "local --stream", local["wall"], "s")
    _line("  Dask 2 workers vs DuckDB", dask["wall"], "DuckDB", duck["wall"], "s")
    _line("  local streamed vs DuckDB", local["wall"], "DuckDB", duck["wall"], "s")
    _line(
        "  peak RSS worker vs local", dask["worker_rss"] / GIB, "local", local["rss"] / GIB, "GiB"
    )
    _line("  peak RSS driver vs DuckDB", dask["rss"] / GIB, "DuckDB", duck["rss"] / GIB, "GiB")


def _line(name: str, kit: float, reference_name: str, reference: float, unit: str) -> None:
    ratio = kit / reference if reference else float("nan")
    print(
        f"{name:<34} kit {kit:>9.3f} {unit:<4} | "
        f"{reference_name:<18} {reference:>9.3f} {unit:<4} | kit/ref {ratio:6.2f}"
    )


def _shape(title: str, kit: dict[str, float], duck: dict[str, float]) -> None:
    assert kit["groups"] == duck["groups"], (kit, duck)
    print(title)
    _line("  wall vs DuckDB + distinct ids (<= 1.5)", kit["wall"], "DuckDB", duck["wall"], "s")
    _line("  CPU vs DuckDB", kit["cpu"], "DuckDB", duck["cpu"], "s")
    _line("  peak RSS vs 1 GiB target", kit["rss"] / GIB, "target", 1.0, "GiB")
    _line("  peak RSS vs DuckDB", kit["rss"] / GIB, "DuckDB", duck["rss"] / GIB, "GiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--csv-rows", type=int, default=2_000_000)
    parser.add_argument("--stream-rows", type=int, default=0, help="shape 2 streamed; 0 skips")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (best shown)")
    parser.add_argument("--dask-files", type=int, default=0, help="Dask folder files; 0 skips")
    parser.add_argument("--dask-rows", type=int, default=2_000_000, help="trades per Dask file")
    parser.add_argument("--only-extra", action="store_true", help="skip shapes 1-4")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "stage5kit-bench"
    )
    parser.add_argument("--child", nargs=2, metavar=("TASK", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return

    if not args.only_extra:
        _shapes(args)
    if args.stream_rows:
        rows = args.stream_rows
        stream = _make_parquet(args.data_dir / f"trades_shape2_{rows}.parquet", rows, 2)
        (kit,) = _measure_all(["cli-stream"], stream, 1)
        print(f"5. {rows:,}-trade pandas-default Parquet (shape 2), `stage5kit tco --stream`")
        _line("  peak RSS vs 1.5 GiB target", kit["rss"] / GIB, "target", 1.5, "GiB")
        print(f"  wall {kit['wall']:.1f} s, CPU {kit['cpu']:.1f} s")
    if args.dask_files:
        name = f"dask_{args.dask_files}x{args.dask_rows}"
        folder = _make_folder(args.data_dir / name, args.dask_files, args.dask_rows)
        _dask_section(folder, args.dask_files, args.dask_rows)


def _shapes(args: argparse.Namespace) -> None:
    """Shapes 1-4, each beside DuckDB (and shape 1 beside pandas)."""
    n = args.rows
    shape1 = _make_parquet(args.data_dir / f"trades_{n}.parquet", n, 1)
    kit, duck, pandas = _measure_all(["kit", "duckdb-parquet", "pandas"], shape1, args.repeat)
    _shape(f"1. {n:,}-trade Parquet, integer ids, categorical labels", kit, duck)
    _line("  wall vs pandas groupby (<= 0.4)", kit["wall"], "pandas", pandas["wall"], "s")
    for shape, name in ((2, "string ids, plain strings, tz-aware"), (3, "UUID4 ids")):
        path = _make_parquet(args.data_dir / f"trades_shape{shape}_{n}.parquet", n, shape)
        kit, duck = _measure_all(["kit", "duckdb-parquet"], path, args.repeat)
        _shape(f"{shape}. {n:,}-trade pandas-default Parquet, {name}", kit, duck)
    csv = _make_csv(args.data_dir / f"trades_strings_{args.csv_rows}.csv", args.csv_rows)
    kit, duck = _measure_all(["kit", "duckdb-csv"], csv, args.repeat)
    _shape(f"4. {args.csv_rows:,}-row CSV export, string ids, ISO-8601 Z", kit, duck)


if __name__ == "__main__":
    main()
