"""Reading a CSV trade log: pyarrow's typed parse, and the csv module where it cannot."""

from __future__ import annotations

import contextlib
import csv
import re
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from stage5kit.core.io._file_problems import empty, unreadable
from stage5kit.core.io._trade_arrow import DICTIONARY_COLUMNS, to_frame
from stage5kit.core.trades.schema import NUMERIC_COLUMNS, REQUIRED_COLUMNS, TIMESTAMP
from stage5kit.core.trades.validation import NAIVE_TIMESTAMP_NOTE, CheckedTrades, check_trades
from stage5kit.errors import MAX_REPORTED_PROBLEMS, InputProblem

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
_SLOW_CHUNK_ROWS = 200_000


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
        elif name in DICTIONARY_COLUMNS:
            types[name] = pa.string()
    return types


def _encode_labels(table: pa.Table) -> pa.Table:
    """Dictionary-encode the label columns of a parsed CSV table, in one chunk per column.

    Parsing them as plain strings and encoding afterwards (one dictionary across the
    table) costs about a third of pyarrow's per-block dictionary conversion.
    """
    for name in DICTIONARY_COLUMNS:
        index = table.schema.get_field_index(name)
        if index >= 0:
            table = table.set_column(index, name, table.column(index).dictionary_encode())
    return table.combine_chunks()


def read_csv(path: Path, batch_rows: int) -> Iterator[tuple[CheckedTrades, int]]:
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
                yield to_frame(table)


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
                yield empty(path), 0
                return
            header = [c.strip() for c in first]
            yield from _check_slow_chunks(path, reader, header, delimiter, skip=skip)
    except UnicodeDecodeError:
        yield unreadable(path, "not UTF-8 text"), 0
    except csv.Error as error:
        if "field limit" not in str(error) or reader is None:
            yield unreadable(path, error), 0
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
