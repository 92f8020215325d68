"""One TCO report on logs of growing length: HTML size, kernel peak RSS, wall; `tco` beside it.

    python benchmarks/report.py [--rows 20000,1000000,10000000] [--data-dir DIR]

For each length: ``stage5kit report run notebooks/tco_analysis.ipynb`` on a synthetic
Parquet log of that many trades (unsigned), then ``stage5kit tco`` on the same file. Each
runs in a fresh child process; the peak RSS is the largest of its descendants (the
kernel), from ``getrusage(RUSAGE_CHILDREN)``. Targets at 10M trades: ``report.html``
<= 10 MB, kernel peak RSS <= 1.5 GiB, report wall <= 2x `stage5kit tco` plus the fixed
report overhead (the report's wall on the 20k-trade sample).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "tco_analysis.ipynb"
INPUTS = ROOT / "sample_artifacts" / "inputs"
MIB = 1024**2
GIB = 1024**3
CHUNK_ROWS = 1_000_000


def _child(command: list[str]) -> None:
    """Run ``command``; print its wall seconds and the peak RSS of its largest process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STAGE5KIT_SIGNING")}
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"wall": wall, "rss": rss}))


def _measure(command: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(command)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _make_log(path: Path, rows: int) -> Path:
    """A synthetic Parquet log in 1M-row chunks (bounded memory), ids increasing."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stage5kit.core import generate_trades

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer = None
    for done in range(0, rows, CHUNK_ROWS):
        frame = generate_trades(rows=min(CHUNK_ROWS, rows - done), seed=5 + done // CHUNK_ROWS)
        frame["trade_id"] += done
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
        writer.write_table(table, row_group_size=CHUNK_ROWS)
    if writer is not None:
        writer.close()
    tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="20000,1000000,10000000")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "stage5kit-bench"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(json.loads(args.child))
        return
    kit = str(Path(sys.executable).with_name("stage5kit"))
    print(
        f"{'trades':>12} {'html MB':>8} {'ipynb MB':>9} {'kernel GiB':>11} {'report s':>9} "
        f"{'tco s':>7} {'tco GiB':>8}"
    )
    for rows in (int(r) for r in args.rows.split(",")):
        log = _make_log(args.data_dir / f"report_trades_{rows}.parquet", rows)
        with tempfile.TemporaryDirectory() as work:
            out = Path(work) / "report"
            report = _measure(
                [
                    kit, "report", "run", str(NOTEBOOK), "--out", str(out),
                    "-p", "trades_path", str(log),
                    "-p", "infra_costs_path", str(INPUTS / "infra_costs.csv"),
                    "-p", "thresholds_path", str(INPUTS / "thresholds.yaml"),
                    "-p", "budget_path", str(INPUTS / "budget.yaml"),
                ]
            )  # fmt: skip
            html = (out / "report.html").stat().st_size / MIB
            ipynb = (out / "report.ipynb").stat().st_size / MIB
            tco = _measure([kit, "tco", str(log), "--out", str(Path(work) / "tco")])
        print(
            f"{rows:>12,} {html:>8.2f} {ipynb:>9.2f} {report['rss'] / GIB:>11.2f} "
            f"{report['wall']:>9.1f} {tco['wall']:>7.1f} {tco['rss'] / GIB:>8.2f}"
        )


if __name__ == "__main__":
    main()
