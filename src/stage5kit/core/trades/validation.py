"""Linter-style checks of a raw trade-log frame: every problem located by file, row and column.

Works on frames of strings (a CSV read as text) and on typed frames (Parquet, a fast CSV
read) alike, returns the typed, validated frame and the problems found; never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from stage5kit.core.trades.schema import (
    KEY_COLUMNS,
    LIQUIDITIES,
    NUMERIC_COLUMNS,
    POSITIVE_COLUMNS,
    REQUIRED_COLUMNS,
    SIDES,
    TIMESTAMP,
    TRADE_COLUMNS,
    TRADE_ID,
)
from stage5kit.core.trades.trade_ids import arrow_array
from stage5kit.errors import MAX_REPORTED_PROBLEMS, InputProblem

NAIVE_TIMESTAMP_NOTE = "naive timestamps (no UTC offset) were taken as UTC"
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_ZONED = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_TIMESTAMP_HINT = "use ISO 8601 such as 2026-01-05T13:45:00Z"
_INTEGER = r"^-?\d+$"
_ID_SAMPLE = 1_000
# Integers of up to 18 digits always fit int64; longer ones stay strings.
_INT64_DIGITS = 18
# Trade times are kept in nanoseconds, which reach from 1677-09-21 to 2262-04-11.
_FIRST_TIME = pd.Timestamp("1677-09-22", tz="UTC")
_LAST_TIME = pd.Timestamp("2262-04-11", tz="UTC")
# Per-trade bounds that keep every cost, bps figure and sum finite and exact enough: far
# beyond any real trade, so a value past them is a unit or export mistake.
MAX_NOTIONAL = 1e18
MAX_SLIPPAGE_BPS = 1e6
MAX_LATENCY_MS = 1e9
_RANGE_HINT = "a trade time lies between 1677-09-22 and 2262-04-10; check the year and unit"


@dataclass(frozen=True, slots=True)
class CheckedTrades:
    """A validated, typed trade frame with the problems, warnings and notes found on the way."""

    frame: pd.DataFrame
    problems: tuple[InputProblem, ...]
    error_count: int
    warnings: tuple[InputProblem, ...]
    notes: tuple[str, ...]


class _Collector:
    """Keeps the first problems of each check and counts them all."""

    def __init__(self, path: str, rows: np.ndarray | None, first_row: int) -> None:
        self.path = path
        self.rows = rows
        self.first_row = first_row
        self.problems: list[InputProblem] = []
        self.count = 0

    def row_of(self, position: int) -> int:
        if self.rows is not None:
            return int(self.rows[position])
        return self.first_row + position

    def add_mask(
        self,
        mask: np.ndarray,
        values: pd.Series,
        *,
        column: str,
        message: str,
        hint: str,
    ) -> None:
        positions = np.flatnonzero(mask)
        self.count += len(positions)
        for position in positions[:MAX_REPORTED_PROBLEMS]:
            self.problems.append(
                InputProblem(
                    path=self.path,
                    row=self.row_of(int(position)),
                    column=column,
                    value=_show(values.iloc[position]),
                    message=message,
                    hint=hint,
                )
            )

    def add(self, problem: InputProblem) -> None:
        self.count += 1
        self.problems.append(problem)


def check_trades(
    raw: pd.DataFrame,
    *,
    path: str,
    first_row: int = 2,
    row_numbers: np.ndarray | None = None,
) -> CheckedTrades:
    """Validate and type a raw trade frame; row ``i`` is reported as ``first_row + i``.

    ``row_numbers`` overrides the row of each record (a CSV record spanning lines).
    """
    found = _Collector(path, row_numbers, first_row)
    columns = [str(c).strip() for c in raw.columns]
    raw = raw.set_axis(columns, axis=1)
    warnings = tuple(
        InputProblem(
            path=path,
            column=name,
            message="unknown column is ignored",
            hint=f"known columns: {', '.join(TRADE_COLUMNS)}",
            severity="warning",
        )
        for name in columns
        if name not in TRADE_COLUMNS
    )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    header_row = first_row - 1 if first_row > 1 else None
    for name in missing:
        found.add(
            InputProblem(
                path=path,
                row=header_row,
                column=name,
                message="required column is missing",
                hint=f"add it; required columns: {', '.join(REQUIRED_COLUMNS)}",
            )
        )
    if missing:
        return _result(pd.DataFrame(), found, warnings, ())
    if len(raw) == 0:
        found.add(InputProblem(path=path, message="file has no trades", hint="add trade rows"))
        return _result(pd.DataFrame(), found, warnings, ())

    notes: list[str] = []
    out: dict[str, object] = {}
    out[TIMESTAMP] = _check_timestamps(raw[TIMESTAMP], found, notes)
    out[TRADE_ID] = _check_trade_ids(raw[TRADE_ID], found)
    for name in KEY_COLUMNS:
        out[name] = _check_labels(raw[name], found, column=name)
    out["side"] = _check_choice(raw["side"], found, column="side", allowed=SIDES, optional=False)
    if "liquidity" in columns:
        out["liquidity"] = _check_choice(
            raw["liquidity"], found, column="liquidity", allowed=LIQUIDITIES, optional=True
        )
    else:
        out["liquidity"] = pd.Categorical([None] * len(raw), categories=list(LIQUIDITIES))
    for name in NUMERIC_COLUMNS:
        out[name] = _check_number(raw[name], found, column=name)
    _check_magnitudes(out, raw, found)
    # copy=False: the checked columns are new arrays already; no consolidating copy.
    frame = pd.DataFrame(out, index=pd.RangeIndex(len(raw)), copy=False)
    return _result(frame[list(TRADE_COLUMNS)], found, warnings, tuple(notes))


def _result(
    frame: pd.DataFrame,
    found: _Collector,
    warnings: tuple[InputProblem, ...],
    notes: tuple[str, ...],
) -> CheckedTrades:
    ordered = sorted(found.problems, key=lambda p: (p.row or 0, _column_rank(p.column)))
    return CheckedTrades(
        frame=frame,
        problems=tuple(ordered[:MAX_REPORTED_PROBLEMS]),
        error_count=found.count,
        warnings=warnings,
        notes=notes,
    )


def _column_rank(column: str | None) -> int:
    return TRADE_COLUMNS.index(column) if column in TRADE_COLUMNS else -1


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _as_text(series: pd.Series) -> pd.Series:
    """Strings with missing values as empty strings, whitespace stripped."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    text = series.astype("str").where(series.notna(), "")
    return text.str.strip()


def _check_timestamps(series: pd.Series, found: _Collector, notes: list[str]) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series
        if getattr(series.dtype, "tz", None) is None:
            parsed = series.dt.tz_localize("UTC")
            notes.append(NAIVE_TIMESTAMP_NOTE)
        else:
            parsed = series.dt.tz_convert("UTC")
        empty = parsed.isna().to_numpy()
        found.add_mask(
            empty, series, column=TIMESTAMP, message="timestamp is missing", hint=_TIMESTAMP_HINT
        )
        return _in_time_range(parsed, None, found)
    text = _as_text(series)
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    empty = (text == "").to_numpy()
    bad = parsed.isna().to_numpy() & ~empty
    found.add_mask(
        empty, text, column=TIMESTAMP, message="timestamp is missing", hint=_TIMESTAMP_HINT
    )
    found.add_mask(bad, text, column=TIMESTAMP, message="is not a timestamp", hint=_TIMESTAMP_HINT)
    naive = ~text.str.contains(_ZONED, regex=True).to_numpy() & ~empty & ~bad
    if naive.any():
        notes.append(NAIVE_TIMESTAMP_NOTE)
    return _in_time_range(parsed, text, found)


def _in_time_range(parsed: pd.Series, shown: pd.Series | None, found: _Collector) -> pd.Series:
    """Nanosecond UTC times; a time outside their range is a problem, never a crash.

    ``shown`` is the text as written; typed times are shown in ISO form (numpy prints
    years past 9999, where Python's datetime cannot).
    """
    if parsed.dtype.unit != "ns":  # type: ignore[union-attr]
        outside = ((parsed < _FIRST_TIME) | (parsed >= _LAST_TIME)).to_numpy()
        if outside.any():
            if shown is None:
                naive = parsed.dt.tz_localize(None).to_numpy()
                shown = pd.Series(np.char.add(np.datetime_as_string(naive), "Z"))
            found.add_mask(
                outside,
                shown,
                column=TIMESTAMP,
                message="is outside the supported time range",
                hint=_RANGE_HINT,
            )
            parsed = parsed.where(~outside)
    typed: pd.Series = parsed.astype("datetime64[ns, UTC]")
    return typed


def _check_trade_ids(series: pd.Series, found: _Collector) -> pd.Series:
    """Ids as int64 when every id is an integer, else as stripped strings; empty ids named.

    Repeats are the ledger's job (:mod:`stage5kit.core.trades.trade_ids`), across batches.
    """
    if pd.api.types.is_integer_dtype(series.dtype):
        return series
    if isinstance(series.dtype, pd.ArrowDtype):
        return _check_arrow_ids(series, found)
    text = _as_text(series)
    _add_empty_ids((text == "").to_numpy(), text, found)
    if _all_integral(pa.array(text.to_numpy(dtype=object), type=pa.large_string())):
        return text.astype(np.int64)
    return text


def _check_arrow_ids(series: pd.Series, found: _Collector) -> pd.Series:
    """The string-id path without Python objects: Arrow compute kernels only."""
    ids = arrow_array(series)
    stripped = pc.utf8_trim_whitespace(ids)
    empty = pc.fill_null(pc.equal(pc.binary_length(stripped), 0), True)
    if pc.any(empty).as_py():
        _add_empty_ids(empty.to_numpy(zero_copy_only=False), series, found)
    if _all_integral(stripped):
        return pd.Series(pc.cast(stripped, pa.int64()).to_numpy(), name=series.name)
    return pd.Series(
        pd.arrays.ArrowExtensionArray(stripped.cast(pa.large_string())), name=series.name
    )


def _add_empty_ids(empty: np.ndarray, values: pd.Series, found: _Collector) -> None:
    found.add_mask(
        empty, values, column=TRADE_ID, message="trade_id is missing", hint="give every trade an id"
    )


def _all_integral(ids: pa.Array) -> bool:
    """Whether every id is an integer that fits int64, deciding from a sample first."""
    if len(ids) == 0 or ids.null_count:
        return False
    for part in (ids.slice(0, _ID_SAMPLE), ids):
        if not pc.all(pc.match_substring_regex(part, _INTEGER)).as_py():
            return False
    return bool(pc.max(pc.binary_length(ids)).as_py() <= _INT64_DIGITS)


def _check_labels(series: pd.Series, found: _Collector, *, column: str) -> pd.Categorical[str]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        # Clean categories and no missing code: the categorical is already valid.
        labels = series.cat.categories.tolist()
        codes = series.cat.codes.to_numpy()
        clean = all(isinstance(label, str) and label and label == label.strip() for label in labels)
        if clean and (len(codes) == 0 or codes.min() >= 0):
            return pd.Categorical.from_codes(codes, categories=pd.Index(labels, dtype=object))
    text = _as_text(series)
    empty = (text == "").to_numpy()
    found.add_mask(
        empty, text, column=column, message=f"{column} is missing", hint=f"name the {column}"
    )
    return pd.Categorical(text)


def _check_choice(
    series: pd.Series,
    found: _Collector,
    *,
    column: str,
    allowed: tuple[str, ...],
    optional: bool,
) -> pd.Categorical[str]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        lowered = [str(label).strip().lower() for label in series.cat.categories.tolist()]
        codes = series.cat.codes.to_numpy()
        unique = len(set(lowered)) == len(lowered)
        present = optional or len(codes) == 0 or codes.min() >= 0
        if unique and set(lowered) <= set(allowed) and present:
            return pd.Categorical.from_codes(codes, categories=pd.Index(lowered, dtype=object))
    text = _as_text(series).str.lower()
    empty = (text == "").to_numpy()
    known = text.isin(allowed).to_numpy()
    bad = ~known & (~empty if optional else np.ones(len(text), dtype=bool))
    hint = " or ".join(repr(a) for a in allowed) + (" or leave empty" if optional else "")
    found.add_mask(
        bad, _as_text(series), column=column, message=f"unknown {column}", hint=f"use {hint}"
    )
    return pd.Categorical(text.where(known, None), categories=list(allowed))


def _check_number(series: pd.Series, found: _Collector, *, column: str) -> np.ndarray:
    unparsed = np.zeros(len(series), dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        shown = series
    else:
        shown = _as_text(series)
        numbers = pd.to_numeric(shown, errors="coerce")
        values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
        unparsed = np.isnan(values) & ~shown.str.lower().isin(["", "nan"]).to_numpy()
        comma = shown.str.match(_DECIMAL_COMMA).to_numpy() & unparsed
        found.add_mask(
            comma,
            shown,
            column=column,
            message="is not a number",
            hint="use '.' as the decimal separator",
        )
        found.add_mask(
            unparsed & ~comma,
            shown,
            column=column,
            message="is not a number",
            hint="write a plain number such as 12.5",
        )
    if len(values) and _in_range(values, column):
        return values
    missing = np.isnan(values) & ~unparsed
    found.add_mask(
        missing, shown, column=column, message="is missing or NaN", hint="every trade needs a value"
    )
    infinite = np.isinf(values)
    found.add_mask(
        infinite, shown, column=column, message="is not finite", hint="write a finite number"
    )
    finite = np.isfinite(values)
    if column in POSITIVE_COLUMNS:
        found.add_mask(
            finite & (values <= 0),
            shown,
            column=column,
            message="must be > 0",
            hint=f"{column} is a positive amount",
        )
    elif column == "decision_latency_ms":
        found.add_mask(
            finite & (values < 0),
            shown,
            column=column,
            message="must be >= 0",
            hint="latency in milliseconds cannot be negative",
        )
    return values


def _check_magnitudes(out: dict[str, object], raw: pd.DataFrame, found: _Collector) -> None:
    """Refuse amounts whose products overflow or underflow (quantity x price, slippage in bps).

    Each value can be a finite number while ``quantity * price`` is infinite (then every
    cost in bps would silently read 0) or the fill/arrival ratio overflows the sketches.
    """
    quantity, arrival, fill, fee, latency = (
        np.asarray(out[name], dtype=np.float64) for name in NUMERIC_COLUMNS
    )
    with np.errstate(all="ignore"):
        if _magnitudes_fit(quantity, arrival, fill, fee, latency):
            return
        valid = np.isfinite(quantity + arrival + fill) & (quantity > 0) & (arrival > 0) & (fill > 0)
        low = quantity * np.minimum(arrival, fill)
        high = quantity * np.maximum(arrival, fill)
        ratio = fill / arrival
    found.add_mask(
        valid & ~(high <= MAX_NOTIONAL),
        raw["quantity"],
        column="quantity",
        message=f"times the price is above {MAX_NOTIONAL:g}, beyond any real trade",
        hint="check the units of quantity, arrival_price and fill_price",
    )
    found.add_mask(
        valid & (high <= MAX_NOTIONAL) & ~(low > np.finfo(np.float64).tiny),
        raw["quantity"],
        column="quantity",
        message="times the price is too small to compute a cost from",
        hint="check the units of quantity, arrival_price and fill_price",
    )
    bound = 1 + MAX_SLIPPAGE_BPS / 1e4
    found.add_mask(
        valid & ~(ratio <= bound),
        raw["fill_price"],
        column="fill_price",
        message=f"is more than {bound:g} times arrival_price",
        hint="check that both prices are in the same unit",
    )
    found.add_mask(
        np.abs(fee) > MAX_NOTIONAL,
        raw["fee"],
        column="fee",
        message=f"is beyond {MAX_NOTIONAL:g}",
        hint="check the fee's unit",
    )
    found.add_mask(
        latency > MAX_LATENCY_MS,
        raw["decision_latency_ms"],
        column="decision_latency_ms",
        message=f"is above {MAX_LATENCY_MS:g} ms",
        hint="write the latency in milliseconds",
    )


def _magnitudes_fit(*columns: np.ndarray) -> bool:
    """Whether the column-wide extremes already rule out every magnitude problem."""
    quantity, arrival, fill, fee, latency = columns
    if len(quantity) == 0:
        return True
    # NaN (a missing value, reported already) fails every comparison: checked row by row.
    q_low, q_high = quantity.min(), quantity.max()
    p_low = min(arrival.min(), fill.min())
    p_high = max(arrival.max(), fill.max())
    return bool(
        q_low > 0
        and p_low > 0
        and q_high * p_high <= MAX_NOTIONAL
        and q_low * p_low > np.finfo(np.float64).tiny
        and fill.max() / arrival.min() <= 1 + MAX_SLIPPAGE_BPS / 1e4
        and np.abs(fee).max() <= MAX_NOTIONAL
        and latency.max() <= MAX_LATENCY_MS
    )


def _in_range(values: np.ndarray, column: str) -> bool:
    """Whether every value is allowed, from two reductions (NaN fails every comparison)."""
    low, high = float(values.min()), float(values.max())
    if column in POSITIVE_COLUMNS:
        return low > 0 and high < np.inf
    if column == "decision_latency_ms":
        return low >= 0 and high < np.inf
    return low > -np.inf and high < np.inf
