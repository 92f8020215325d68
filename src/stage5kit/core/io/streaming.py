"""TCO over a trade log of any size: validated batches reduced and merged, bounded memory.

The report notebooks read logs the same way: :func:`profile_trade_file` (TCO report) and
:func:`read_stress_inputs` (stress test) make one streamed pass each.

Memory holds about two batches (one read and validated while the previous one is reduced
in a worker thread) plus a few partials (cells and sketches, independent of the number of
trades); see :class:`~stage5kit.core.trades.trade_ids.TradeIdLedger` for the duplicate-id check.

Quantiles are exact while the log has at most ``exact_rows`` trades (default
``EXACT_QUANTILE_ROWS``, 5 million: each kept trade costs 24 bytes); past that the kept
values are dropped and the sketches (1% relative error) answer. ``exact_rows=0`` (the
CLI's ``--stream``) always uses the sketches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from stage5kit.core.io.trade_logs import DEFAULT_BATCH_ROWS, iter_trade_batches, trade_files
from stage5kit.core.stress.history import cost_cells, history_from_cells, merge_cost_cells
from stage5kit.core.stress.run import StressInputs
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
from stage5kit.core.trades.costs import add_trade_costs
from stage5kit.core.trades.schema import TRADE_ID
from stage5kit.core.trades.trade_ids import id_keys
from stage5kit.errors import InputError, InputProblem

_MERGE_EVERY = 4
EXACT_QUANTILE_ROWS = 5_000_000


@dataclass(frozen=True, slots=True)
class FileAggregate:
    """One trade file (or a whole log) reduced: its partial, reading notes and trade count."""

    partial: TcoPartial
    notes: tuple[str, ...]
    rows: int


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
    A single file keeps per-trade values for exact quantiles while at most ``exact_rows``
    trades; a folder is reduced file by file and merged in file order with the sketches
    (:func:`merge_file_aggregates`), exactly as a Dask cluster does it.
    """
    keys = check_group_keys(tuple(by))
    files = trade_files(path)
    exact = exact_rows if len(files) == 1 else 0
    reducers: dict[str, _Reducer] = {}
    notes: dict[str, dict[str, None]] = {}
    rows: dict[str, int] = {}
    # One batch is reduced and merged in a worker thread while the main thread reads and
    # validates the next (both spend most of their time in numpy/pyarrow code that
    # releases the GIL); the single worker keeps the merges in order.
    with ThreadPoolExecutor(max_workers=1) as pool:
        running: Future[None] | None = None
        for batch in iter_trade_batches(path, batch_rows=batch_rows):
            reducer = reducers.setdefault(batch.path, _Reducer(keys, exact_rows=exact))
            if running is not None:
                running.result()
            running = pool.submit(reducer.add, batch.frame)
            notes.setdefault(batch.path, {}).update(dict.fromkeys(batch.notes))
            rows[batch.path] = rows.get(batch.path, 0) + len(batch.frame)
            if progress is not None:
                progress(len(batch.frame))
        if running is not None:
            running.result()
    parts = [
        FileAggregate(partial, tuple(notes[name]), rows[name])
        for name, reducer in reducers.items()
        if (partial := reducer.result()) is not None
    ]
    if not parts:
        problem = InputProblem(path=str(path), message="file has no trades", hint="add trade rows")
        raise InputError.from_problems([problem])
    total = merge_file_aggregates(parts)
    return total.partial, total.notes, total.rows


def merge_file_aggregates(parts: Sequence[FileAggregate]) -> FileAggregate:
    """Merge per-file aggregates in the given (file) order: the same bytes wherever made."""
    if len(parts) == 1:
        return parts[0]
    return FileAggregate(
        partial=merge_partials([p.partial for p in parts]),
        notes=tuple(dict.fromkeys(n for p in parts for n in p.notes)),
        rows=sum(p.rows for p in parts),
    )


def aggregate_one_file(
    path: str | Path, *, by: Sequence[str] = DEFAULT_BY, batch_rows: int = DEFAULT_BATCH_ROWS
) -> tuple[FileAggregate, np.ndarray]:
    """One file of a multi-file log reduced with the sketches, and its sorted trade-id keys.

    The unit of work of a cluster: repeats within the file are refused here; the keys
    (8 bytes per trade) let the caller find ids repeated across files.
    """
    keys = check_group_keys(tuple(by))
    reducer = _Reducer(keys, exact_rows=0)
    notes: dict[str, None] = {}
    rows = 0
    id_key_parts: list[np.ndarray] = []
    for batch in iter_trade_batches(path, batch_rows=batch_rows):
        reducer.add(batch.frame)
        id_key_parts.append(id_keys(batch.frame[TRADE_ID]))
        notes.update(dict.fromkeys(batch.notes))
        rows += len(batch.frame)
    partial = reducer.result()
    if partial is None:
        problem = InputProblem(path=str(path), message="file has no trades", hint="add trade rows")
        raise InputError.from_problems([problem])
    sorted_keys = np.concatenate(id_key_parts)
    sorted_keys.sort()
    return FileAggregate(partial, tuple(notes), rows), sorted_keys


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


@dataclass(frozen=True, slots=True)
class TradeLogProfile:
    """What a report shows of a log of any size, from one streamed pass.

    ``result`` is the TCO analysis for the report keys, ``by_strategy`` the same by
    strategy alone (latency percentiles), ``sample`` a seeded uniform sample of at most
    ``sample_rows`` validated trades (scatter and box plots), ``fee_split`` the log's
    positive maker fees, positive other fees and rebates (the cost waterfall), ``venues``
    every venue of the log, sorted (a venue too rare for the sample still counts).
    """

    result: TcoResult
    by_strategy: TcoResult
    sample: pd.DataFrame
    fee_split: dict[str, float]
    venues: tuple[str, ...]


def profile_trade_file(
    path: str | Path,
    options: TcoOptions = TcoOptions(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    infra_costs: pd.DataFrame | None = None,
    thresholds: Thresholds | None = None,
    budget: Budget | None = None,
    sample_rows: int = 20_000,
    seed: int = 0,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> TradeLogProfile:
    """Analyse a trade log for a report in one streamed pass: memory and output bounded.

    Quantiles are exact while the log fits ``EXACT_QUANTILE_ROWS`` (as ``analyse_tco_file``).
    """
    keys = check_group_keys(tuple(options.by))
    exact = EXACT_QUANTILE_ROWS if len(trade_files(path)) == 1 else 0
    main, strategy = _Reducer(keys, exact_rows=exact), _Reducer(("strategy",), exact_rows=exact)
    sampler = _Sampler(sample_rows, seed)
    fees = np.zeros(3)
    notes: dict[str, None] = {}
    venues: set[str] = set()
    for batch in iter_trade_batches(path, batch_rows=batch_rows):
        main.add(batch.frame)
        strategy.add(batch.frame)
        sampler.add(batch.frame)
        fee = batch.frame["fee"].to_numpy()
        maker = (batch.frame["liquidity"] == "maker").to_numpy()
        fees += (fee[maker & (fee > 0)].sum(), fee[~maker & (fee > 0)].sum(), fee[fee < 0].sum())
        notes.update(dict.fromkeys(batch.notes))
        venues.update(map(str, batch.frame["venue"].dropna().unique()))
    whole, by_strategy = main.result(), strategy.result()
    if whole is None or by_strategy is None:
        problem = InputProblem(path=str(path), message="file has no trades", hint="add trade rows")
        raise InputError.from_problems([problem])
    result = summarise_partial(
        whole,
        options,
        infra_costs=infra_costs,
        thresholds=thresholds,
        budget=budget,
        notes=tuple(notes),
    )
    return TradeLogProfile(
        result=result,
        by_strategy=summarise_partial(by_strategy, TcoOptions(by=("strategy",))),
        sample=sampler.result(),
        fee_split=dict(zip(("maker fees", "taker fees", "rebates"), map(float, fees), strict=True)),
        venues=tuple(sorted(venues)),
    )


class _Sampler:
    """A seeded uniform sample of at most ``size`` trades of a stream (smallest random keys)."""

    def __init__(self, size: int, seed: int) -> None:
        self._size = size
        self._rng = np.random.default_rng(seed)
        self._kept: pd.DataFrame | None = None
        self._keys = np.empty(0)

    def add(self, frame: pd.DataFrame) -> None:
        fresh = self._rng.random(len(frame))
        if len(self._keys) >= self._size:
            wanted = fresh < self._keys.max()
            frame, fresh = frame[wanted], fresh[wanted]
        keys = np.concatenate([self._keys, fresh])
        joined = frame if self._kept is None else pd.concat([self._kept, frame], ignore_index=True)
        order = np.sort(np.argsort(keys, kind="stable")[: self._size])
        self._kept = joined.iloc[order].reset_index(drop=True)
        self._keys = keys[order]

    def result(self) -> pd.DataFrame:
        return pd.DataFrame() if self._kept is None else self._kept


def read_stress_inputs(
    path: str | Path,
    *,
    infra_costs: pd.DataFrame | None = None,
    infra_proration: Literal["days", "none"] = "days",
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> StressInputs:
    """A stress test's inputs from one streamed pass over a trade log: bounded memory.

    The same as :func:`~stage5kit.core.stress.stress_inputs` on the loaded log (sums added
    in another order, so equal to rounding); give ``infra_costs`` only for the TCO view.
    """
    # The stress test uses the slope and infra cost, never a quantile: sketches suffice.
    reducer = _Reducer(("strategy",), exact_rows=0)
    cells: list[pd.DataFrame] = []
    notes: dict[str, None] = {}
    rows = 0
    for batch in iter_trade_batches(path, batch_rows=batch_rows):
        reducer.add(batch.frame)
        cells.append(cost_cells(add_trade_costs(batch.frame)))
        if len(cells) >= _MERGE_EVERY:
            cells = [merge_cost_cells(cells)]
        notes.update(dict.fromkeys(batch.notes))
        rows += len(batch.frame)
    partial = reducer.result()
    if partial is None:
        problem = InputProblem(path=str(path), message="file has no trades", hint="add trade rows")
        raise InputError.from_problems([problem])
    tco = summarise_partial(
        partial,
        TcoOptions(by=("strategy",), infra_proration=infra_proration),
        infra_costs=infra_costs,
        notes=tuple(notes),
    )
    slope = float(tco.overall["slippage_bps_per_10ms"])
    history = history_from_cells(merge_cost_cells(cells), latency_slope_bps_per_10ms=slope)
    return StressInputs(history=history, tco=tco, n_trades=rows)


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
