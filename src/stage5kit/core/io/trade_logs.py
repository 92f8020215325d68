"""Reading and writing trade logs: CSV, Parquet or a folder of Parquet files.

The only module that touches trade-log files. Reads validate through
:func:`stage5kit.core.trades.validation.check_trades`; bad input raises one
:class:`~stage5kit.errors.InputError` listing up to 50 problems. Rows are numbered as an
editor shows them: in a CSV the header is row 1 and the first trade row 2; in Parquet,
row N is the N-th record (1-based).
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from pandas.api.types import union_categoricals

from stage5kit.core.trades.schema import (
    KEY_COLUMNS,
    NUMERIC_COLUMNS,
    REQUIRED_COLUMNS,
    TIMESTAMP,
    TRADE_COLUMNS,
    TRADE_ID,
)
from stage5kit.core.trades.trade_ids import TradeIdLedger, keyed_positions, name_repeats
from stage5kit.core.trades.validation import NAIVE_TIMESTAMP_NOTE, CheckedTrades, check_trades
from stage5kit.errors import MAX_REPORTED_PROBLEMS, InputError, InputProblem
from stage5kit.files import atomic_path

DEFAULT_BATCH_ROWS = 500_000
# Longest field the exact reader takes; longer ones are nearly always an unclosed quote.
MAX_FIELD_CHARS = 16 << 20
_CSV_BYTES_PER_ROW = 128
# A CSV batch is parsed as this many segments: finer work for the parser threads keeps
# both cores busy at the start and end of a file.
_CSV_SEGMENTS_PER_BATCH = 2
_CSV_PARSERS = 2
# Blocks a CSV segment is parsed in; fewer, larger blocks are cheaper to convert to pandas.
_CSV_BLOCK_BYTES = 1 << 23
T = TypeVar("T")
R = TypeVar("R")
_PARQUET_BUFFER_BYTES = 1 << 20
_SLOW_CHUNK_ROWS = 200_000
_WRITE_SLICE_ROWS = 100_000
_PARQUET_SUFFIXES = (".parquet", ".pq")
_DICTIONARY_COLUMNS = (*KEY_COLUMNS, "side", "liquidity")


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
    table = _to_table(frame, for_csv=not _is_parquet(target))
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
    frame = _concat_frames([b.frame for b in batches])
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


def _concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate validated frames, keeping label columns categorical across them."""
    if len(frames) == 1:
        return frames[0]
    labels = {
        name: union_categoricals([f[name] for f in frames], ignore_order=True)
        for name in _DICTIONARY_COLUMNS
    }
    frame = pd.concat([f.drop(columns=list(labels)) for f in frames], ignore_index=True)
    for name, values in labels.items():
        frame[name] = values
    return frame[list(frames[0].columns)]


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in _PARQUET_SUFFIXES


def _to_table(frame: pd.DataFrame, *, for_csv: bool) -> pa.Table:
    columns: dict[str, pa.Array] = {}
    for name in frame.columns:
        series = frame[name]
        if name == TIMESTAMP and for_csv:
            utc = series.dt.tz_localize("UTC") if series.dt.tz is None else series
            stamps = utc.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ms]")
            text = np.char.add(np.datetime_as_string(stamps, unit="ms"), "Z")
            columns[name] = pa.array(text, type=pa.string())
        elif isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object:
            array = pa.array(series.astype(object).to_numpy(), type=pa.string())
            columns[name] = array if for_csv or name == TRADE_ID else array.dictionary_encode()
        elif pd.api.types.is_string_dtype(series.dtype):
            array = pa.array(series.to_numpy(dtype=object), type=pa.string())
            columns[name] = array if for_csv or name == TRADE_ID else array.dictionary_encode()
        else:
            columns[name] = pa.array(series.to_numpy())
    return pa.table(columns)


def _unreadable(path: Path, error: BaseException | str) -> CheckedTrades:
    detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    problem = InputProblem(
        path=str(path),
        message=f"file cannot be read: {detail}",
        hint="check that it is a UTF-8 CSV or a Parquet file",
    )
    return CheckedTrades(
        frame=pd.DataFrame(), problems=(problem,), error_count=1, warnings=(), notes=()
    )


def _empty(path: Path) -> CheckedTrades:
    problem = InputProblem(
        path=str(path), message="file is empty", hint="export the trade log again"
    )
    return CheckedTrades(
        frame=pd.DataFrame(), problems=(problem,), error_count=1, warnings=(), notes=()
    )


def _read_batches(path: Path, batch_rows: int) -> Iterator[tuple[CheckedTrades, int]]:
    """(checked batch, row number of its first record) over one file."""
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as error:
        yield _unreadable(path, error), 0
        return
    if size == 0:
        yield _empty(path), 0
        return
    if _is_parquet(path):
        yield from _read_parquet(path, batch_rows)
    else:
        yield from _read_csv(path, batch_rows)


def _read_parquet(path: Path, batch_rows: int) -> Iterator[tuple[CheckedTrades, int]]:
    # Besides pyarrow's own errors, damaged pandas metadata surfaces as ValueError,
    # KeyError or TypeError while converting: each makes the file unreadable, not a crash.
    try:
        schema = pq.read_schema(path)
        names = schema.names
        problems = _parquet_schema_problems(path, schema)
        source = None if problems else _open_parquet(path, names)
    except (OSError, pa.ArrowException, ValueError, KeyError, TypeError) as error:
        yield _unreadable(path, error), 0
        return
    if source is None:
        yield CheckedTrades(pd.DataFrame(), problems, len(problems), (), ()), 0
        return
    if any(n not in names for n in REQUIRED_COLUMNS) or source.metadata.num_rows == 0:
        yield check_trades(pd.DataFrame(columns=names), path=str(path), first_row=1), 1
        return
    wanted = [n for n in names if n in TRADE_COLUMNS]
    extra = dict.fromkeys(n for n in names if n not in TRADE_COLUMNS)
    first = 1
    try:
        for batch in source.iter_batches(batch_size=batch_rows, columns=wanted):
            frame = _to_frame(pa.Table.from_batches([batch])).assign(**extra)
            yield check_trades(frame, path=str(path), first_row=first), first
            first += batch.num_rows
    except (OSError, pa.ArrowException, ValueError, KeyError, TypeError) as error:
        yield _unreadable(path, error), first


def _parquet_schema_problems(path: Path, schema: pa.Schema) -> tuple[InputProblem, ...]:
    """Columns no trade log can hold: a name given twice, a trade column of nested values."""
    problems = [
        InputProblem(
            path=str(path),
            column=name,
            message="column appears more than once in the file",
            hint="write the file again with one column of each name",
        )
        for name in dict.fromkeys(n for n in schema.names if schema.names.count(n) > 1)
    ]
    problems.extend(
        InputProblem(
            path=str(path),
            column=field.name,
            message=f"column holds nested values ({str(field.type)[:60]})",
            hint="store one plain value per row: text for labels, numbers for amounts",
        )
        for field in schema
        if field.name in TRADE_COLUMNS and pa.types.is_nested(field.type)
    )
    return tuple(problems)


def _to_frame(table: pa.Table) -> pd.DataFrame:
    """A pandas frame of an Arrow table; string trade ids stay Arrow (no Python objects)."""
    index = table.schema.get_field_index(TRADE_ID)
    kind = table.schema.field(index).type if index >= 0 else None
    if kind is not None and pa.types.is_dictionary(kind):
        kind = kind.value_type
        table = table.set_column(index, TRADE_ID, pc.cast(table.column(index), kind))
    if kind is None or not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        whole: pd.DataFrame = table.to_pandas(split_blocks=True)
        return whole
    ids = pd.arrays.ArrowExtensionArray(table.column(index))
    frame: pd.DataFrame = table.remove_column(index).to_pandas(split_blocks=True)
    frame.insert(index, TRADE_ID, pd.Series(ids, index=frame.index))
    return frame


def _open_parquet(path: Path, names: list[str]) -> pq.ParquetFile:
    # Without pre-buffering, pyarrow reads column chunks as it decodes them: about a
    # quarter of the memory, and faster on large row groups.
    return pq.ParquetFile(
        path,
        read_dictionary=[n for n in names if n in _DICTIONARY_COLUMNS],
        pre_buffer=False,
        buffer_size=_PARQUET_BUFFER_BYTES,
    )


def _ordered(
    pool: ThreadPoolExecutor, task: Callable[[T], R], items: Iterable[T], ahead: int
) -> Iterator[R]:
    """``task`` over ``items`` in the pool, results in order, at most ``ahead`` in flight."""
    pending = iter(items)
    running = deque(pool.submit(task, item) for item in islice(pending, ahead))
    while running:
        result = running.popleft().result()
        running.extend(pool.submit(task, item) for item in islice(pending, 1))
        yield result


def _sniff_delimiter(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(65536).decode("utf-8-sig", errors="replace")
    line = head.splitlines()[0] if head else ""
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_types(header: list[str], *, zoned: bool) -> dict[str, pa.DataType]:
    types: dict[str, pa.DataType] = {}
    for name in header:
        if name == TIMESTAMP:
            types[name] = pa.timestamp("ns", tz="UTC") if zoned else pa.timestamp("ns")
        elif name in NUMERIC_COLUMNS:
            types[name] = pa.float64()
        elif name in _DICTIONARY_COLUMNS:
            types[name] = pa.string()
    return types


def _encode_labels(table: pa.Table) -> pa.Table:
    """Dictionary-encode the label columns of a parsed CSV table, in one chunk per column.

    Parsing them as plain strings and encoding afterwards (one dictionary across the
    table) costs about a third of pyarrow's per-block dictionary conversion.
    """
    for name in _DICTIONARY_COLUMNS:
        index = table.schema.get_field_index(name)
        if index >= 0:
            table = table.set_column(index, name, table.column(index).dictionary_encode())
    return table.combine_chunks()


def _read_csv(path: Path, batch_rows: int) -> Iterator[tuple[CheckedTrades, int]]:
    """Fast typed read via pyarrow; from the first batch it cannot take, the exact reader."""
    delimiter = _sniff_delimiter(path)
    try:
        header = _csv_header(path, delimiter)
    except (OSError, UnicodeDecodeError, csv.Error):
        header = None
    if header is not None and any(n not in header for n in REQUIRED_COLUMNS):
        yield check_trades(pd.DataFrame(columns=header), path=str(path), first_row=2), 2
        return
    left: int | None = 2
    if header is not None and len(set(header)) == len(header):
        left = yield from _read_csv_fast(path, header, delimiter, batch_rows)
    if left is None:
        return
    # Problems are located by the csv module, whose line numbers match an editor's even
    # when a quoted field spans lines.
    yield from _read_csv_slow(path, delimiter, skip=left - 2)


def _read_csv_fast(
    path: Path, header: list[str], delimiter: str, batch_rows: int
) -> Generator[tuple[CheckedTrades, int], None, int | None]:
    """Clean batches parsed by pyarrow, with zoned timestamps or else naive ones.

    Returns None once the whole file was read, else the row of the first record left for
    the exact reader (a batch with a problem, or text pyarrow cannot parse).
    """
    first = 2
    for zoned in (True, False):
        try:
            for frame in _csv_frames(path, header, delimiter, zoned=zoned, batch_rows=batch_rows):
                checked = check_trades(frame, path=str(path), first_row=first)
                if checked.error_count:
                    return first
                yield (checked if zoned else _with_note(checked, NAIVE_TIMESTAMP_NOTE)), first
                first += len(frame)
        except pa.ArrowInvalid as error:
            if zoned and first == 2 and "zone offset" in str(error):
                continue
            return first
        return None if first > 2 else first
    return first


def _with_note(checked: CheckedTrades, note: str) -> CheckedTrades:
    return CheckedTrades(
        frame=checked.frame,
        problems=checked.problems,
        error_count=checked.error_count,
        warnings=checked.warnings,
        notes=tuple(dict.fromkeys((*checked.notes, note))),
    )


def _csv_frames(
    path: Path, header: list[str], delimiter: str, *, zoned: bool, batch_rows: int
) -> Iterator[pd.DataFrame]:
    """Typed frames of a CSV, about ``batch_rows`` each, parsed two segments at a time.

    The file is cut at line ends into segments of about half a batch; two threads read
    and parse segments ahead of the consumer, which takes them in file order (memory: a
    few segments). Like pyarrow's own parallel reader this assumes quoted fields hold no
    line breaks; where one does, parsing fails and the exact reader takes over.
    """
    parse = pa_csv.ParseOptions(delimiter=delimiter)
    convert = pa_csv.ConvertOptions(column_types=_csv_types(header, zoned=zoned))
    options = pa_csv.ReadOptions(
        column_names=header, use_threads=False, block_size=_CSV_BLOCK_BYTES
    )

    def parse_segment(bounds: tuple[int, int]) -> pa.Table:
        start, end = bounds
        # Read into Arrow's memory pool, which reuses freed pages (fewer page faults).
        with pa.OSFile(str(path)) as handle:
            handle.seek(start)
            segment = pa.BufferReader(handle.read_buffer(end - start))
        return _encode_labels(
            pa_csv.read_csv(
                segment, read_options=options, parse_options=parse, convert_options=convert
            )
        )

    segment_bytes = batch_rows * _CSV_BYTES_PER_ROW // _CSV_SEGMENTS_PER_BATCH
    bounds = _segment_bounds(path, max(1 << 12, segment_bytes))
    with ThreadPoolExecutor(max_workers=_CSV_PARSERS) as pool:
        for table in _ordered(pool, parse_segment, bounds, _CSV_PARSERS):
            if table.num_rows:
                yield _to_frame(table)


def _segment_bounds(path: Path, segment_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges after the header line, each ending just after a line break (or at EOF)."""
    size = path.stat().st_size
    bounds: list[tuple[int, int]] = []
    with path.open("rb") as handle:
        start = _line_end(handle, 0, size)
        while start < size:
            end = _line_end(handle, min(start + segment_bytes, size) - 1, size)
            bounds.append((start, end))
            start = end
    return bounds


def _line_end(handle: BinaryIO, position: int, size: int) -> int:
    """The offset just after the first line break at or after ``position`` (or the size)."""
    handle.seek(position)
    while position < size:
        window = handle.read(1 << 16)
        found = window.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(window)
    return size


def _csv_header(path: Path, delimiter: str) -> list[str] | None:
    with path.open(encoding="utf-8-sig", newline="") as handle, csv_field_limit():
        first = next(csv.reader(handle, delimiter=delimiter), None)
    return None if first is None else [c.strip() for c in first]


def _read_csv_slow(path: Path, delimiter: str, *, skip: int) -> Iterator[tuple[CheckedTrades, int]]:
    """Read every field as text with the csv module: exact line numbers and every problem."""
    header: list[str] = []
    reader: _TrackedReader | None = None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle, csv_field_limit():
            reader = _TrackedReader(csv.reader(handle, delimiter=delimiter))
            first = next(reader, None)
            if first is None:
                yield _empty(path), 0
                return
            header = [c.strip() for c in first]
            yield from _check_slow_chunks(path, reader, header, delimiter, skip=skip)
    except UnicodeDecodeError:
        yield _unreadable(path, "not UTF-8 text"), 0
    except csv.Error as error:
        if "field limit" not in str(error) or reader is None:
            yield _unreadable(path, error), 0
            return
        yield _long_field(path, reader.ended + 1, header, delimiter), 0


class _TrackedReader:
    """A csv reader that remembers the line its last complete record ended on."""

    def __init__(self, reader: Iterator[list[str]]) -> None:
        self._reader = reader
        self.ended = 0

    def __iter__(self) -> _TrackedReader:
        return self

    def __next__(self) -> list[str]:
        record = next(self._reader)
        self.ended = self.line_num
        return record

    @property
    def line_num(self) -> int:
        """The csv reader's current line (1-based, as an editor counts)."""
        return int(getattr(self._reader, "line_num", 0))


def _long_field(path: Path, row: int, header: list[str], delimiter: str) -> CheckedTrades:
    """The problem of a field past MAX_FIELD_CHARS, located at the row and column it starts."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        line = next(islice(handle, row - 1, row), "")[:MAX_FIELD_CHARS]
    opened = re.search(f'(?:^|{re.escape(delimiter)})"', line)
    index = line[: opened.start() + 1].count(delimiter) if opened else None
    column = header[index] if index is not None and index < len(header) else None
    problem = InputProblem(
        path=str(path),
        row=row,
        column=column,
        value=line[opened.end() - 1 :][:80] if opened else None,
        message=f"field runs on for more than {MAX_FIELD_CHARS:,} characters",
        hint='look for a quote (") that is opened and never closed',
    )
    return CheckedTrades(pd.DataFrame(), (problem,), 1, (), ())


@contextlib.contextmanager
def csv_field_limit(limit: int | None = None) -> Iterator[None]:
    """Let the csv module read fields up to ``limit`` characters (16 Mi) for the block."""
    previous = csv.field_size_limit(MAX_FIELD_CHARS if limit is None else limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _check_slow_chunks(
    path: Path, reader: Iterator[list[str]], header: list[str], delimiter: str, *, skip: int
) -> Iterator[tuple[CheckedTrades, int]]:
    width = len(header)
    duplicated = [n for n in dict.fromkeys(header) if header.count(n) > 1]
    if duplicated:
        problem = InputProblem(
            path=str(path),
            row=1,
            column=duplicated[0],
            message="column appears more than once in the header",
            hint="keep one column of each name",
        )
        yield CheckedTrades(pd.DataFrame(), (problem,), 1, (), ()), 1
        return
    records: list[list[str]] = []
    lines: list[int] = []
    shape_problems: list[InputProblem] = []
    shape_count = 0
    seen_rows = False
    any_record = False
    for record in reader:
        line = getattr(reader, "line_num", 0)
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if len(record) != width:
            shape_count += 1
            if len(shape_problems) < MAX_REPORTED_PROBLEMS:
                shape_problems.append(_shape_problem(path, line, record, width, delimiter))
            continue
        any_record = True
        if skip > 0:
            skip -= 1
            continue
        records.append(record)
        lines.append(line)
        if len(records) >= _SLOW_CHUNK_ROWS:
            yield _check_text(path, records, lines, header), lines[0]
            seen_rows = True
            records, lines = [], []
    if records or not (seen_rows or any_record or shape_count):
        yield _check_text(path, records, lines, header), lines[0] if lines else 2
    if shape_count:
        yield CheckedTrades(pd.DataFrame(), tuple(shape_problems), shape_count, (), ()), 0


def _shape_problem(
    path: Path, line: int, record: list[str], width: int, delimiter: str
) -> InputProblem:
    hint = "quote fields that contain the separator"
    if len(record) > width and delimiter == ",":
        hint = "a decimal comma splits the number; use '.' as the decimal separator"
    return InputProblem(
        path=str(path),
        row=line,
        value=delimiter.join(record)[:80],
        message=f"row has {len(record)} fields but the header has {width}",
        hint=hint,
    )


def _check_text(
    path: Path, records: list[list[str]], lines: list[int], header: list[str]
) -> CheckedTrades:
    frame = pd.DataFrame(records, columns=header, dtype=object) if records else None
    if frame is None:
        frame = pd.DataFrame({name: pd.Series(dtype=object) for name in header})
    return check_trades(frame, path=str(path), row_numbers=np.asarray(lines, dtype=np.int64))
