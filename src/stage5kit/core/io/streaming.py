"""TCO over a trade log of any size: validated batches reduced and merged, bounded memory.

Memory holds about two batches (one read and validated while the previous one is reduced
in a worker thread) plus a few partials (cells and sketches, independent of the number of
trades); see :class:`~stage5kit.core.io.trade_logs.TradeIdLedger` for the duplicate-id check.

Quantiles are exact while the log has at most ``exact_rows`` trades (default
``EXACT_QUANTILE_ROWS``, 5 million: each kept trade costs 24 bytes); past that the kept
values are dropped and the sketches (1% relative error) answer. ``exact_rows=0`` (the
CLI's ``--stream``) always uses the sketches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from stage5kit.core.io.trade_logs import DEFAULT_BATCH_ROWS, iter_trade_batches
from stage5kit.core.tco.aggregates import (
    TcoPartial,
    aggregate_trades,
    check_group_keys,
    merge_partials,
)
from stage5kit.core.tco.analysis import TcoResult, summarise_partial
from stage5kit.core.tco.budgets import Budget
from stage5kit.core.tco.options import DEFAULT_BY, TcoOptions
from stage5kit.core.tco.thresholds import Thresholds
from stage5kit.errors import InputError, InputProblem

_MERGE_EVERY = 4
EXACT_QUANTILE_ROWS = 5_000_000


def aggregate_trade_file(
    path: str | Path,
    *,
    by: Sequence[str] = DEFAULT_BY,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Callable[[int], object] | None = None,
    exact_rows: int = EXACT_QUANTILE_ROWS,
) -> tuple[TcoPartial, tuple[str, ...], int]:
    """Stream a trade log into one merged partial; returns it, the notes, and the trade count.

    ``progress`` is called with the number of trades of each batch read (a progress bar).
    The partial keeps per-trade values for exact quantiles while at most ``exact_rows``.
    """
    keys = check_group_keys(tuple(by))
    reducer = _Reducer(keys, exact_rows=exact_rows)
    notes: dict[str, None] = {}
    rows = 0
    # One batch is reduced and merged in a worker thread while the main thread reads and
    # validates the next (both spend most of their time in numpy/pyarrow code that
    # releases the GIL); the single worker keeps the merges in order.
    with ThreadPoolExecutor(max_workers=1) as pool:
        running: Future[None] | None = None
        for batch in iter_trade_batches(path, batch_rows=batch_rows):
            if running is not None:
                running.result()
            running = pool.submit(reducer.add, batch.frame)
            notes.update(dict.fromkeys(batch.notes))
            rows += len(batch.frame)
            if progress is not None:
                progress(len(batch.frame))
        if running is not None:
            running.result()
    total = reducer.result()
    if total is None:
        problem = InputProblem(path=str(path), message="file has no trades", hint="add trade rows")
        raise InputError.from_problems([problem])
    return total, tuple(notes), rows


class _Reducer:
    """Reduces batches to partials and merges them every few batches (bounded memory)."""

    def __init__(self, keys: tuple[str, ...], *, exact_rows: int) -> None:
        self._keys = keys
        self._pending: list[TcoPartial] = []
        self._rows_left = exact_rows

    def add(self, frame: pd.DataFrame) -> None:
        self._rows_left -= len(frame)
        keep = self._rows_left >= 0
        if not keep and any(p.trade_values is not None for p in self._pending):
            self._pending = [dataclasses.replace(p, trade_values=None) for p in self._pending]
        self._pending.append(aggregate_trades(frame, by=self._keys, keep_values=keep))
        if len(self._pending) >= _MERGE_EVERY:
            self._pending = [merge_partials(self._pending)]

    def result(self) -> TcoPartial | None:
        return merge_partials(self._pending) if self._pending else None


def analyse_tco_file(
    path: str | Path,
    options: TcoOptions = TcoOptions(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    infra_costs: pd.DataFrame | None = None,
    thresholds: Thresholds | None = None,
    budget: Budget | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Callable[[int], object] | None = None,
    exact_rows: int = EXACT_QUANTILE_ROWS,
) -> TcoResult:
    """Like :func:`~stage5kit.core.tco.analyse_tco`, streaming a CSV/Parquet file or folder.

    Quantiles are exact for logs of at most ``exact_rows`` trades, else from the sketches.
    """
    partial, notes, _ = aggregate_trade_file(
        path, by=options.by, batch_rows=batch_rows, progress=progress, exact_rows=exact_rows
    )
    return summarise_partial(
        partial,
        options,
        infra_costs=infra_costs,
        thresholds=thresholds,
        budget=budget,
        notes=notes,
    )
