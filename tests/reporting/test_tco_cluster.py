"""`stage5kit tco --scheduler`: a multi-file log on a real Dask LocalCluster, same as local."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.core import generate_trades, iter_trade_batches, load_trades, write_trades
from stage5kit.errors import InputError
from stage5kit.reporting.tco_cluster import analyse_tco_on_cluster

FILES = 4
ROWS_PER_FILE = 1_500


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def _string_ids(frame: pd.DataFrame, offset: int) -> pd.DataFrame:
    out = frame.copy()
    out["trade_id"] = [
        f"{(i * 7919) % 100_003:06d}-ORD-{i}" for i in range(offset, offset + len(out))
    ]
    return out


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four Parquet files of one log, with string ids in no particular order."""
    folder = tmp_path_factory.mktemp("log")
    trades = generate_trades(rows=FILES * ROWS_PER_FILE, seed=12)
    for i in range(FILES):
        part = trades.iloc[i * ROWS_PER_FILE : (i + 1) * ROWS_PER_FILE]
        write_trades(_string_ids(part, i * ROWS_PER_FILE), folder / f"part-{i}.parquet")
    return folder


def _run(args: list[str]) -> tuple[bytes, dict[str, object]]:
    result = CliRunner().invoke(main, ["tco", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    out = Path(args[args.index("--out") + 1])
    summary = json.loads((out / "tco_summary.json").read_text())
    return (out / "tco_report.csv").read_bytes(), summary


def test_cluster_and_local_streamed_runs_are_identical(
    tmp_path: Path, log_dir: Path, scheduler: str
) -> None:
    """The same CSV bytes and the same KPIs in the JSON, by folder and by glob."""
    by = "strategy,venue,day"
    local_csv, local = _run([str(log_dir), "--by", by, "--out", str(tmp_path / "local")])
    glob = str(log_dir / "part-*.parquet")
    dask_csv, dask = _run(
        [glob, "--by", by, "--scheduler", scheduler, "--out", str(tmp_path / "dask")]
    )
    assert dask_csv == local_csv
    del dask["inputs"], local["inputs"]
    assert dask == local
    assert "sketch" in json.dumps(local)
    assert local["overall"]["n_trades"] == FILES * ROWS_PER_FILE  # type: ignore[index]


def test_duplicate_string_id_across_files_names_both_rows(
    tmp_path: Path, log_dir: Path, scheduler: str
) -> None:
    """An id of file 1 repeated deep in file 4 is refused in memory, streamed and on Dask."""
    folder = tmp_path / "dup"
    folder.mkdir()
    for path in sorted(log_dir.iterdir()):
        folder.joinpath(path.name).write_bytes(path.read_bytes())
    last = pd.read_parquet(folder / f"part-{FILES - 1}.parquet")
    last["trade_id"] = last["trade_id"].astype(str)
    first_id = str(pd.read_parquet(folder / "part-0.parquet")["trade_id"].iloc[3])
    last.loc[1_200, "trade_id"] = first_id
    write_trades(last, folder / f"part-{FILES - 1}.parquet")
    readers = {
        "memory": lambda: load_trades(folder),
        "streamed": lambda: list(iter_trade_batches(folder, batch_rows=400)),
        "dask": lambda: analyse_tco_on_cluster(folder, scheduler),
    }
    for name, read in readers.items():
        with pytest.raises(InputError) as caught:
            read()
        error = caught.value
        assert str(error.path).endswith(f"part-{FILES - 1}.parquet"), name
        assert (error.row, error.column, error.value) == (1_201, "trade_id", first_id), name
        assert "part-0.parquet, row 4)" in str(error), name


def test_worker_validation_error_names_file_row_and_column(
    tmp_path: Path, log_dir: Path, scheduler: str
) -> None:
    """A bad value in one file is reported from the worker with its file, row and column."""
    folder = tmp_path / "bad"
    folder.mkdir()
    for path in sorted(log_dir.iterdir()):
        folder.joinpath(path.name).write_bytes(path.read_bytes())
    frame = pd.read_parquet(folder / "part-2.parquet")
    frame.loc[700, "quantity"] = -1.0
    write_trades(frame, folder / "part-2.parquet")
    with pytest.raises(InputError) as caught:
        analyse_tco_on_cluster(folder, scheduler)
    assert str(caught.value.path).endswith("part-2.parquet")
    assert (caught.value.row, caught.value.column) == (701, "quantity")
