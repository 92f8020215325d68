"""The one trade-id uniqueness check: across batches and files, in 8 bytes per trade.

Ids arrive batch by batch as validated columns (int64, or Arrow strings). While they keep
strictly increasing, as exchange and pandas exports usually write them, only the last id
is kept: a repeat is then impossible. Otherwise every id is reduced to a 64-bit key
(integers as themselves, strings hashed with numpy over the Arrow buffers, never as
Python objects); equal keys are confirmed, and named with both rows, by a second pass
over the same batches (:func:`name_repeats`), so a hash collision costs time, never
a false report.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from stage5kit.core.trades.schema import TRADE_ID
from stage5kit.errors import MAX_REPORTED_PROBLEMS, InputProblem

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_WORD = 8
# Ids are padded with spaces to whole words, the same way on every path; the length mixed
# in first keeps 'ab' and 'ab ' apart.
_PAD = ord(" ")


class TradeIdLedger:
    """Collects the ids of validated batches and tells which keys occur more than once."""

    def __init__(self) -> None:
        self._last: int | str | None = None
        self._ordered = True
        self._keys: list[np.ndarray] = []
        self._ordered_ids = 0

    def add(self, ids: pd.Series) -> None:
        """Note one batch's ids (int64 or Arrow strings, as validation returns them)."""
        if len(ids) == 0:
            return
        if self._ordered:
            bounds = _increasing_bounds(ids)
            if bounds is not None and (self._last is None or _after(bounds[0], self._last)):
                self._last = bounds[1]
                self._ordered_ids += len(ids)
                return
            self._ordered = False
        self._keys.append(id_keys(ids))

    def repeated_keys(self, replay: Iterable[pd.Series]) -> np.ndarray:
        """Sorted keys held by more than one trade; ``replay`` re-yields the batches' ids.

        ``replay`` is read only when the ids stopped increasing after some batches: the
        ids of those first batches are keyed from it then.
        """
        if self._ordered:
            return np.empty(0, dtype=np.uint64)
        early = [id_keys(ids) for ids in _first_ids(replay, self._ordered_ids)]
        merged = np.concatenate([*early, *self._keys])
        self._keys.clear()
        merged.sort()
        return np.unique(merged[1:][merged[1:] == merged[:-1]])


def _first_ids(replay: Iterable[pd.Series], count: int) -> Iterator[pd.Series]:
    """The first ``count`` ids of ``replay``, batch by batch (nothing read when 0)."""
    if count <= 0:
        return
    for ids in replay:
        yield ids.iloc[:count]
        count -= len(ids)
        if count <= 0:
            return


def name_repeats(located: Iterable[tuple[str, int, object]]) -> tuple[list[InputProblem], int]:
    """Problems (at most 50) for every id seen before, naming both rows; and their count.

    ``located`` yields (file, row, id) of the candidate ids in reading order: the ids whose
    key repeats (:func:`keyed_positions`); ids that only share a hash are not reported.
    """
    first: dict[object, tuple[str, int]] = {}
    problems: list[InputProblem] = []
    count = 0
    for path, row, value in located:
        if value not in first:
            first[value] = (path, row)
            continue
        count += 1
        if len(problems) < MAX_REPORTED_PROBLEMS:
            problems.append(duplicate_problem(path, row, str(value), first[value]))
    return problems, count


def keyed_positions(ids: pd.Series, keys: np.ndarray) -> np.ndarray:
    """Positions in ``ids`` whose key is one of the sorted ``keys``."""
    found: np.ndarray = np.flatnonzero(np.isin(id_keys(ids), keys))
    return found


def duplicate_problem(path: str, row: int, value: str, first: tuple[str, int]) -> InputProblem:
    """The one message for a repeated trade id: where it is and where it was first."""
    where = f"row {first[1]}" if first[0] == path else f"{first[0]}, row {first[1]}"
    return InputProblem(
        path=path,
        row=row,
        column=TRADE_ID,
        value=value[:80],
        message=f"duplicate trade_id (first at {where})",
        hint="trade ids must be unique; drop the repeated trade",
    )


def id_keys(ids: pd.Series) -> np.ndarray:
    """A 64-bit key per id: an integer id itself, a string id's hash of its UTF-8 bytes."""
    if pd.api.types.is_integer_dtype(ids.dtype) and not isinstance(ids.dtype, pd.ArrowDtype):
        return ids.to_numpy(dtype=np.int64).view(np.uint64)
    return _hash_strings(_arrow_strings(ids))


def arrow_array(series: pd.Series) -> pa.Array:
    """The Arrow data behind an Arrow-backed column, as one contiguous array (no copy if one)."""
    data = pa.array(series.array)
    return data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data


def _arrow_strings(ids: pd.Series) -> pa.Array:
    if isinstance(ids.dtype, pd.ArrowDtype):
        array = arrow_array(ids)
    else:
        array = pa.array(ids.astype(str).to_numpy(dtype=object), type=pa.large_string())
    return array.cast(pa.large_string())


def _hash_strings(array: pa.Array) -> np.ndarray:
    """FNV-style hash, 8 bytes per step, vectorised over all strings of a batch.

    ASCII ids (the usual case) are right-padded to one width by Arrow, so the bytes form
    a matrix read as 64-bit words; the length is mixed in first, so padding never makes
    two different ids equal.
    """
    lengths = pc.fill_null(pc.binary_length(array), 0).to_numpy().astype(np.int64)
    keys: np.ndarray = lengths.astype(np.uint64) * _MULTIPLIER
    longest = int(lengths.max()) if len(lengths) else 0
    if longest == 0:
        return keys
    if pc.all(pc.string_is_ascii(array)).as_py():
        array = pc.ascii_rpad(array, width=-(-longest // _WORD) * _WORD, padding=chr(_PAD))
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[
        array.offset : array.offset + len(array) + 1
    ]
    data = array.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.empty(0, np.uint8)
    starts = offsets[:-1] - offsets[0]
    widths = offsets[1:] - offsets[:-1]
    if int(widths.min()) == int(widths.max()) and int(widths[0]) % _WORD == 0:
        # One width, whole words: the bytes are a matrix of 64-bit words, no copy.
        words = raw[offsets[0] : offsets[-1]].reshape(len(widths), -1).view(np.uint64)
        for column in range(words.shape[1]):
            keys = _mix(keys, words[:, column], lengths > column * _WORD)
        return keys
    padded = np.concatenate([raw[offsets[0] : offsets[-1]], np.full(_WORD, _PAD, np.uint8)])
    steps = np.arange(_WORD, dtype=np.int64)
    for start in range(0, longest, _WORD):
        take = np.clip(widths - start, 0, _WORD)
        index = np.minimum(starts[:, None] + start + steps, len(padded) - 1)
        chunk = np.where(steps < take[:, None], padded[index], _PAD).astype(np.uint8)
        word = np.ascontiguousarray(chunk).view(np.uint64).ravel()
        keys = _mix(keys, word, lengths > start)
    return keys


def _mix(keys: np.ndarray, word: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Fold one 64-bit word into the keys of the ids that still have bytes there."""
    mixed: np.ndarray = (keys ^ word) * _MULTIPLIER
    mixed ^= mixed >> np.uint64(29)
    return np.where(active, mixed, keys)


def _increasing_bounds(ids: pd.Series) -> tuple[int | str, int | str] | None:
    """(first, last) id when the batch's ids strictly increase, else None."""
    if isinstance(ids.dtype, pd.ArrowDtype):
        array = arrow_array(ids)
        increasing = pc.all(pc.greater(array[1:], array[:-1])).as_py() is not False
        if array.null_count or not increasing:
            return None
        return str(array[0].as_py()), str(array[-1].as_py())
    if not pd.api.types.is_integer_dtype(ids.dtype):
        return None
    values = ids.to_numpy()
    if not bool(np.all(values[1:] > values[:-1])):
        return None
    return int(values[0]), int(values[-1])


def _after(first: int | str, last: int | str) -> bool:
    """Whether a batch starting at ``first`` continues an increasing run ending at ``last``."""
    if isinstance(first, int) and isinstance(last, int):
        return first > last
    if isinstance(first, str) and isinstance(last, str):
        return first > last
    return False
