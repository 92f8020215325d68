"""Reading and writing trade logs: CSV, Parquet or a folder of Parquet files.

The formats' readers are ``_csv_trades`` and ``_parquet_trades``. Reads validate through
:func:`stage5kit.core.trades.validation.check_trades`; bad input raises one
:class:`~stage5kit.errors.InputError` listing up to 50 problems. Rows are numbered as an
editor shows them: in a CSV the header is row 1 and the first trade row 2; in Parquet,
row N is the N-th record (1-based).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from stage5kit.core.io._csv_trades import csv_field_limit, read_csv
from stage5kit.core.io._file_problems import empty, unreadable
from stage5kit.core.io._parquet_trades import read_parquet
from stage5kit.core.io._trade_arrow import concat_frames, to_table
from stage5kit.core.trades.schema import TRADE_ID
from stage5kit.core.trades.trade_ids import TradeIdLedger, keyed_positions, name_repeats
from stage5kit.core.trades.validation import CheckedTrades
from stage5kit.errors import MAX_REPORTED_PROBLEMS, InputError, InputProblem
from stage5kit.files import atomic_path

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "TradeBatch",
    "csv_field_limit",
    "iter_trade_batches",
    "load_trades",
    "locate_trade_ids",
    "trade_files",
    "write_trades",
]

DEFAULT_BATCH_ROWS = 500_000
_WRITE_SLICE_ROWS = 100_000
_PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True, slots=True)
class TradeBatch:
    """One validated slice of a trade log, with the notes its reading produced."""

    frame: pd.DataFrame
    path: str
    first_row: int
    notes: tuple[str, ...]


def write_trades(
    frame: pd.DataFrame, path: str | Path, *, progress: Callable[[int], object] | None = None
) -> Path:
    """Write a trade frame to CSV or Parquet (by suffix) atomically, byte-identical per input.

    ``progress`` is called with the number of rows each time a slice of rows is written.
    """
    target = Path(path)
    table = to_table(frame, for_csv=not _is_parquet(target))
    advance = progress if progress is not None else (lambda _rows: None)
    with atomic_path(target) as tmp:
        if _is_parquet(target):
            pq.write_table(table, tmp, row_group_size=1_000_000, compression="zstd")
            advance(table.num_rows)
        else:
            with pa_csv.CSVWriter(tmp, table.schema) as writer:
                for start in range(0, table.num_rows, _WRITE_SLICE_ROWS):
                    part = table.slice(start, _WRITE_SLICE_ROWS)
                    writer.write_table(part)
                    advance(part.num_rows)
    return target


def load_trades(path: str | Path) -> pd.DataFrame:
    """Read and validate a whole trade log; timestamps UTC, notes in ``frame.attrs['notes']``.

    The streamed batches of :func:`iter_trade_batches`, concatenated.
    """
    batches = list(iter_trade_batches(path))
    frame = concat_frames([b.frame for b in batches])
    frame.attrs["notes"] = tuple(dict.fromkeys(n for b in batches for n in b.notes))
    return frame


def iter_trade_batches(
    path: str | Path, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[TradeBatch]:
    """Yield validated batches of a trade log of any size with bounded memory.

    Problems are collected and raised as one InputError after the last batch (or once 50
    are found), so callers must not write anything before the iterator finishes. Trade
    ids are checked for repeats across the whole log (:class:`TradeIdLedger`).
    """
    ledger = TradeIdLedger()
    problems: list[InputProblem] = []
    count = 0
    files = trade_files(path)
    for file in files:
        for checked, first_row in _read_batches(file, batch_rows):
            problems.extend(checked.problems)
            count += checked.error_count
            if count >= MAX_REPORTED_PROBLEMS:
                raise InputError.from_problems(problems, total=count)
            if count:
                continue
            ledger.add(checked.frame[TRADE_ID])
            notes = checked.notes + tuple(str(w) for w in checked.warnings)
            yield TradeBatch(frame=checked.frame, path=str(file), first_row=first_row, notes=notes)
    if not count:
        problems, count = _repeated_ids(files, ledger, batch_rows)
    if count:
        raise InputError.from_problems(problems, total=count)


def trade_files(path: str | Path) -> list[Path]:
    """The files a trade-log path stands for: itself, or the Parquet files of a folder or glob."""
    source = Path(path)
    if not source.exists() and any(c in source.name for c in "*?["):
        matched = sorted(p for p in source.parent.glob(source.name) if _is_parquet(p))
        if matched:
            return matched
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() in _PARQUET_SUFFIXES)
        if not files:
            problem = InputProblem(
                path=str(source),
                message="folder holds no Parquet files",
                hint="point to a CSV or Parquet file, or a folder of *.parquet files",
            )
            raise InputError.from_problems([problem])
        return files
    if not source.is_file():
        problem = InputProblem(path=str(source), message="file not found", hint="check the path")
        raise InputError.from_problems([problem])
    return [source]


def _repeated_ids(
    files: list[Path], ledger: TradeIdLedger, batch_rows: int
) -> tuple[list[InputProblem], int]:
    """Repeated ids over ``files``; the batches are read again only if keys repeat."""

    def replay() -> Iterator[pd.Series]:
        for file in files:
            for checked, _ in _read_batches(file, batch_rows):
                yield checked.frame[TRADE_ID]

    repeated = ledger.repeated_keys(replay())
    if len(repeated) == 0:
        return [], 0
    return name_repeats(
        located for file in files for located in locate_trade_ids(file, repeated, batch_rows)
    )


def locate_trade_ids(
    path: str | Path, keys: np.ndarray, batch_rows: int = DEFAULT_BATCH_ROWS
) -> list[tuple[str, int, object]]:
    """(file, row, id) of every trade of a file whose id key is in the sorted ``keys``."""
    found: list[tuple[str, int, object]] = []
    for checked, first_row in _read_batches(Path(path), batch_rows):
        ids = checked.frame[TRADE_ID]
        found.extend(
            (str(path), first_row + int(i), ids.iloc[int(i)]) for i in keyed_positions(ids, keys)
        )
    return found


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in _PARQUET_SUFFIXES


def _read_batches(path: Path, batch_rows: int) -> Iterator[tuple[CheckedTrades, int]]:
    """(checked batch, row number of its first record) over one file."""
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as error:
        yield unreadable(path, error), 0
        return
    if size == 0:
        yield empty(path), 0
        return
    if _is_parquet(path):
        yield from read_parquet(path, batch_rows)
    else:
        yield from read_csv(path, batch_rows)
