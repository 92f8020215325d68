"""Reading a Parquet trade log in validated batches, numbered by record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from stage5kit.core.io._file_problems import unreadable
from stage5kit.core.io._trade_arrow import DICTIONARY_COLUMNS, to_frame
from stage5kit.core.trades.schema import REQUIRED_COLUMNS, TRADE_COLUMNS
from stage5kit.core.trades.validation import CheckedTrades, check_trades
from stage5kit.errors import InputProblem

_PARQUET_BUFFER_BYTES = 1 << 20


def read_parquet(path: Path, batch_rows: int) -> Iterator[tuple[CheckedTrades, int]]:
    """(checked batch, row number of its first record) over one Parquet file."""
    # Besides pyarrow's own errors, damaged pandas metadata surfaces as ValueError,
    # KeyError or TypeError while converting: each makes the file unreadable, not a crash.
    try:
        schema = pq.read_schema(path)
        names = schema.names
        problems = _parquet_schema_problems(path, schema)
        source = None if problems else _open_parquet(path, names)
    except (OSError, pa.ArrowException, ValueError, KeyError, TypeError) as error:
        yield unreadable(path, error), 0
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
            frame = to_frame(pa.Table.from_batches([batch])).assign(**extra)
            yield check_trades(frame, path=str(path), first_row=first), first
            first += batch.num_rows
    except (OSError, pa.ArrowException, ValueError, KeyError, TypeError) as error:
        yield unreadable(path, error), first


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


def _open_parquet(path: Path, names: list[str]) -> pq.ParquetFile:
    # Without pre-buffering, pyarrow reads column chunks as it decodes them: about a
    # quarter of the memory, and faster on large row groups.
    return pq.ParquetFile(
        path,
        read_dictionary=[n for n in names if n in DICTIONARY_COLUMNS],
        pre_buffer=False,
        buffer_size=_PARQUET_BUFFER_BYTES,
    )
