"""Mergeable TCO aggregates: exact sums and counts per cell, quantile sketches per group.

A :class:`TcoPartial` is what one batch of trades reduces to. Sums and counts are kept per
*cell* — the report's non-period keys plus ``strategy`` and the UTC day — so infra costs
(monthly, per strategy) can be allocated and any period (day, week, month) rolled up
later; latency and slippage sketches are kept per report *group*. Partials of any split
of a log merge (:func:`merge_partials`) to the partial of the whole: counts and sketch
bucket counts exactly, float sums up to rounding. Group keys become integer codes and
every reduction is one ``np.bincount``, never a Python loop over trades.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.core.tco.sketches import SketchGrid, bucket_index, grid_from_index, regroup_grids
from stage5kit.core.trades.costs import compute_trade_costs
from stage5kit.core.trades.schema import GROUP_KEYS, PERIODS
from stage5kit.core.trades.units import NS_PER_DAY
from stage5kit.errors import ConfigError

DAY = "day"
UNKNOWN_LABEL = "unknown"
SUM_FIELDS = (
    "notional",
    "fees",
    "fees_maker",
    "fees_taker",
    "fees_unknown",
    "slippage_cost",
    "slippage_bps",
    "latency",
    "latency_m2",
    "slippage_bps_m2",
    "latency_slippage_cm",
)
# Centred moments: sums of products of deviations from the row's own means of two summed
# fields. They do not add; rows merge with Chan et al.'s pairwise update instead, which
# stays exact when latency has a large offset and almost no spread (250 ms +- 0.02).
CENTRED_FIELDS = {
    "latency_m2": ("latency", "latency"),
    "slippage_bps_m2": ("slippage_bps", "slippage_bps"),
    "latency_slippage_cm": ("latency", "slippage_bps"),
}
COUNT_FIELDS = ("n_trades", "n_maker", "n_taker", "n_unknown")
_SUM_COLUMN = {name: i for i, name in enumerate(SUM_FIELDS)}
_DENSE_LIMIT = 1 << 24
# q * n is computed in floating point; 0.95 * 100 must count as the integer 95.
_RANK_SLACK = 1e-9
# Row-wise arithmetic runs over chunks this long so its temporaries stay in cache.
_CHUNK_ROWS = 65_536
# Price shortfall sign by side (anything but a buy counts as a sell) and liquidity slot.
_SIDE_SIGNS = {"buy": 1.0, "sell": -1.0}
_LIQUIDITY_SLOTS = {"maker": 1.0, "taker": 2.0}


@dataclass(frozen=True, slots=True)
class GroupSums:
    """Sums and counts per key row; ``keys`` has one row per group, labels as strings.

    Column j of ``sums`` is the field ``sum_fields[j]`` and of ``counts`` ``COUNT_FIELDS[j]``;
    read them by name with :meth:`sum_of` and :meth:`count_of`.
    """

    keys: pd.DataFrame
    sums: np.ndarray
    counts: np.ndarray
    sum_fields: tuple[str, ...] = SUM_FIELDS

    def sum_of(self, name: str) -> np.ndarray:
        """The per-row sum of the field ``name``."""
        column: np.ndarray = self.sums[:, self.sum_fields.index(name)]
        return column

    def count_of(self, name: str) -> np.ndarray:
        """The per-row count ``name`` (n_trades, n_maker or n_taker)."""
        column: np.ndarray = self.counts[:, COUNT_FIELDS.index(name)]
        return column

    def with_sum(self, name: str, values: np.ndarray) -> GroupSums:
        """The same rows with one more summed field, ``name`` (e.g. the allocated infra cost)."""
        return GroupSums(
            keys=self.keys,
            sums=np.column_stack([self.sums, values]),
            counts=self.counts,
            sum_fields=(*self.sum_fields, name),
        )


@dataclass(frozen=True, slots=True)
class TcoPartial:
    """The mergeable reduction of some trades for the report keys ``by``.

    ``trade_values`` keeps each trade's latency and slippage when asked (:func:`aggregate_trades`
    with ``keep_values``), so a report can give exact quantiles; partials merge them while
    every part has them, and fall back to the sketches otherwise.
    """

    by: tuple[str, ...]
    cells: GroupSums
    groups: pd.DataFrame
    latency: SketchGrid
    slippage: SketchGrid
    trade_values: TradeValues | None = None


@dataclass(frozen=True, slots=True)
class TradeValues:
    """Per-trade latency (ms) and slippage (bps) with each trade's report-group row."""

    latency: np.ndarray
    slippage: np.ndarray
    group: np.ndarray


@dataclass(frozen=True, slots=True)
class ExactQuantiles:
    """Nearest-rank quantiles per report group and over all trades, by column name."""

    per_group: dict[str, np.ndarray]
    overall: dict[str, float]


# The quantiles a report shows: (column, source, level).
QUANTILES = (
    ("slippage_bps_median", "slippage", 0.5),
    ("slippage_bps_p95", "slippage", 0.95),
    ("decision_latency_ms_p50", "latency", 0.5),
    ("decision_latency_ms_p95", "latency", 0.95),
    ("decision_latency_ms_p99", "latency", 0.99),
)


def check_group_keys(by: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Validate report keys: strategy, venue, symbol, liquidity and at most one period."""
    keys = tuple(by)
    unknown = [k for k in keys if k not in GROUP_KEYS and k not in PERIODS]
    if unknown:
        msg = f"unknown group key {unknown[0]!r}; use any of {', '.join(GROUP_KEYS + PERIODS)}"
        raise ConfigError(msg)
    if len(set(keys)) != len(keys):
        msg = f"group keys repeat: {', '.join(keys)}"
        raise ConfigError(msg)
    if sum(k in PERIODS for k in keys) > 1:
        msg = f"group by at most one period ({', '.join(PERIODS)}), got {', '.join(keys)}"
        raise ConfigError(msg)
    return keys


def cell_keys(by: tuple[str, ...]) -> tuple[str, ...]:
    """The cell columns kept for report keys ``by``: its labels, strategy, and the day."""
    labels = [k for k in by if k in GROUP_KEYS]
    if "strategy" not in labels:
        labels.insert(0, "strategy")
    return (*labels, DAY)


def aggregate_trades(
    trades: pd.DataFrame, *, by: tuple[str, ...] | list[str], keep_values: bool = False
) -> TcoPartial:
    """Reduce a validated trade frame to a mergeable partial for the report keys ``by``.

    With ``keep_values`` the partial also keeps each trade's latency and slippage, for
    exact quantiles (16 bytes and a group code per trade).
    """
    keys = check_group_keys(by)
    labels = cell_keys(keys)[:-1]
    n = len(trades)
    stamps = trades["timestamp"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    day = np.floor_divide(stamps, NS_PER_DAY) if n else np.zeros(0, dtype=np.int64)
    codes: list[np.ndarray] = []
    names: list[np.ndarray] = []
    for name in labels:
        code, values = _codes(trades[name])
        codes.append(code)
        names.append(values)
    day_lo = int(day.min()) if n else 0
    codes.append(day - day_lo)
    names.append(np.arange(day_lo, (int(day.max()) if n else day_lo) + 1, dtype=np.int64))
    cell, decoded = _combine(codes, [len(v) for v in names])
    n_cells = len(decoded[0]) if decoded else 0
    key_frame = pd.DataFrame(
        {
            name: values[index]
            for name, values, index in zip((*labels, DAY), names, decoded, strict=True)
        }
    )

    liquidity, slot_of = _coded(trades["liquidity"], _LIQUIDITY_SLOTS, 0)
    liquidity_of = slot_of.astype(np.int64)
    side, sign_of = _coded(trades["side"], _SIDE_SIGNS, -1.0)
    columns = _TradeColumns(
        quantity=trades["quantity"].to_numpy(dtype=np.float64),
        arrival_price=trades["arrival_price"].to_numpy(dtype=np.float64),
        fill_price=trades["fill_price"].to_numpy(dtype=np.float64),
        fee=trades["fee"].to_numpy(dtype=np.float64),
        latency=trades["decision_latency_ms"].to_numpy(dtype=np.float64),
        side=side,
        sign_of=sign_of,
        liquidity=liquidity,
        liquidity_of=liquidity_of,
        cell=cell,
    )
    sums = np.zeros((n_cells, len(SUM_FIELDS)))
    by_liquidity = np.zeros((n_cells, 3), dtype=np.int64)
    latency_index = np.empty(n, dtype=np.int64)
    slippage_index = np.empty(n, dtype=np.int64)
    slippage_bps = np.empty(n, dtype=np.float64)
    for start in range(0, n, _CHUNK_ROWS):
        _reduce_chunk(
            columns,
            slice(start, start + _CHUNK_ROWS),
            sums=sums,
            by_liquidity=by_liquidity,
            latency_index=latency_index,
            slippage_index=slippage_index,
            slippage_bps=slippage_bps,
        )
    n_per_cell = by_liquidity.sum(axis=1)
    _add_centred_moments(columns, slippage_bps, sums=sums, n_per_cell=n_per_cell)
    counts = np.column_stack(
        [n_per_cell, by_liquidity[:, 1], by_liquidity[:, 2], by_liquidity[:, 0]]
    ).astype(np.int64)
    # The labels' codes are ranks and _combine numbers cells in code order, so the cells
    # come out distinct and sorted, as a rollup would leave them.
    cells = GroupSums(
        keys=key_frame,
        sums=sums,
        counts=counts.reshape(n_cells, len(COUNT_FIELDS)),
    )
    group_keys = period_keys(key_frame, keys)
    if keys == cell_keys(keys):
        # The groups are the cells, with the day as its label ('YYYY-MM-DD' sorts as days).
        cell_group, groups = np.arange(n_cells), group_keys
    else:
        cell_group, groups = _factorize_rows(group_keys)
    row_group = cell_group[cell]
    return TcoPartial(
        by=keys,
        cells=cells,
        groups=groups,
        latency=grid_from_index(latency_index, row_group, len(groups)),
        slippage=grid_from_index(slippage_index, row_group, len(groups)),
        trade_values=TradeValues(latency=columns.latency, slippage=slippage_bps, group=row_group)
        if keep_values
        else None,
    )


def exact_group_quantiles(values: TradeValues, n_groups: int) -> ExactQuantiles:
    """Nearest-rank quantiles (the ceil(q n)-th smallest) of each source per group and overall.

    One stable sort of the group codes, then a partition per group: linear in the trades.
    """
    sources = {"latency": values.latency, "slippage": values.slippage}
    order = np.argsort(values.group, kind="stable")
    bounds = np.searchsorted(values.group[order], np.arange(n_groups + 1))
    per_group = {column: np.full(n_groups, np.nan) for column, _, _ in QUANTILES}
    overall: dict[str, float] = {}
    for source in sorted({source for _, source, _ in QUANTILES}):
        wanted = [(column, level) for column, name, level in QUANTILES if name == source]
        ordered = sources[source][order]
        for g in range(n_groups):
            part = ordered[bounds[g] : bounds[g + 1]]
            for column, picked in _nearest_rank(part, [level for _, level in wanted], wanted):
                per_group[column][g] = picked
        # The per-group partitions only reorder within groups: 'ordered' still holds all.
        for column, picked in _nearest_rank(ordered, [lv for _, lv in wanted], wanted):
            overall[column] = picked
    return ExactQuantiles(per_group=per_group, overall=overall)


def _nearest_rank(
    part: np.ndarray, levels: list[float], wanted: list[tuple[str, float]]
) -> list[tuple[str, float]]:
    """(column, value) of each level's nearest-rank order statistic of ``part`` (NaN if empty)."""
    n = len(part)
    if n == 0:
        return [(column, float("nan")) for column, _ in wanted]
    ranks = [max(math.ceil(level * n - _RANK_SLACK), 1) - 1 for level in levels]
    part.partition(sorted(set(ranks)))
    return [(column, float(part[rank])) for (column, _), rank in zip(wanted, ranks, strict=True)]


@dataclass(frozen=True, slots=True)
class _TradeColumns:
    quantity: np.ndarray
    arrival_price: np.ndarray
    fill_price: np.ndarray
    fee: np.ndarray
    latency: np.ndarray
    side: np.ndarray
    sign_of: np.ndarray
    liquidity: np.ndarray
    liquidity_of: np.ndarray
    cell: np.ndarray


def _reduce_chunk(
    columns: _TradeColumns,
    part: slice,
    *,
    sums: np.ndarray,
    by_liquidity: np.ndarray,
    latency_index: np.ndarray,
    slippage_index: np.ndarray,
    slippage_bps: np.ndarray,
) -> None:
    """Add one cache-sized chunk of trades into the sums and counts, fill its bucket indices
    and per-trade slippage (the centred moments need the cell means: a second pass)."""
    n_cells = sums.shape[0]
    cell = columns.cell[part]
    costs = compute_trade_costs(
        quantity=columns.quantity[part],
        arrival_price=columns.arrival_price[part],
        fill_price=columns.fill_price[part],
        fee=columns.fee[part],
        side_sign=columns.sign_of[columns.side[part]],
    )
    latency = columns.latency[part]
    slip = costs.slippage_bps
    sums[:, _SUM_COLUMN["notional"]] += np.bincount(cell, weights=costs.notional, minlength=n_cells)
    # cell * 3 + liquidity (0 unknown, 1 maker, 2 taker): one bincount splits fees and counts.
    cell_liquidity = cell * 3
    cell_liquidity += columns.liquidity_of[columns.liquidity[part]]
    by_liquidity += np.bincount(cell_liquidity, minlength=3 * n_cells).reshape(n_cells, 3)
    fees = np.bincount(cell_liquidity, weights=costs.fee, minlength=3 * n_cells).reshape(n_cells, 3)
    sums[:, _SUM_COLUMN["fees"]] += fees.sum(axis=1)
    sums[:, _SUM_COLUMN["fees_maker"]] += fees[:, 1]
    sums[:, _SUM_COLUMN["fees_taker"]] += fees[:, 2]
    sums[:, _SUM_COLUMN["fees_unknown"]] += fees[:, 0]
    per_trade = {"slippage_cost": costs.slippage_cost, "slippage_bps": slip, "latency": latency}
    for name, weight in per_trade.items():
        sums[:, _SUM_COLUMN[name]] += np.bincount(cell, weights=weight, minlength=n_cells)
    latency_index[part] = bucket_index(latency)
    slippage_index[part] = bucket_index(slip)
    slippage_bps[part] = slip


def _add_centred_moments(
    columns: _TradeColumns, slippage_bps: np.ndarray, *, sums: np.ndarray, n_per_cell: np.ndarray
) -> None:
    """Second pass: sums of deviation products about each cell's own means (two-pass exact)."""
    n_cells = sums.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_latency = sums[:, _SUM_COLUMN["latency"]] / n_per_cell
        mean_slippage = sums[:, _SUM_COLUMN["slippage_bps"]] / n_per_cell
    for start in range(0, len(slippage_bps), _CHUNK_ROWS):
        part = slice(start, start + _CHUNK_ROWS)
        cell = columns.cell[part]
        dx = columns.latency[part] - mean_latency[cell]
        dy = slippage_bps[part] - mean_slippage[cell]
        for name, weight in (
            ("latency_m2", dx * dx),
            ("slippage_bps_m2", dy * dy),
            ("latency_slippage_cm", dx * dy),
        ):
            sums[:, _SUM_COLUMN[name]] += np.bincount(cell, weights=weight, minlength=n_cells)


def merge_partials(partials: list[TcoPartial]) -> TcoPartial:
    """Merge partials of the same report keys into the partial of all their trades."""
    if not partials:
        msg = "nothing to merge"
        raise ValueError(msg)
    by = partials[0].by
    if any(p.by != by for p in partials):
        msg = "partials were built for different group keys"
        raise ValueError(msg)
    cell_targets, keys = _union_rows([p.cells.keys for p in partials])
    cells = _add_parts([p.cells for p in partials], cell_targets, keys)
    if by == cell_keys(by):
        # The groups are the cells (day as its label), row for row in every partial.
        targets, groups = cell_targets, period_keys(keys, by)
    else:
        targets, groups = _union_rows([p.groups for p in partials])
    return TcoPartial(
        by=by,
        cells=cells,
        groups=groups,
        latency=regroup_grids([p.latency for p in partials], targets, len(groups)),
        slippage=regroup_grids([p.slippage for p in partials], targets, len(groups)),
        trade_values=_merge_values(partials, targets),
    )


def _merge_values(partials: list[TcoPartial], targets: list[np.ndarray]) -> TradeValues | None:
    """The partials' per-trade values with groups renumbered, or None unless all have them."""
    kept = [p.trade_values for p in partials]
    if any(v is None for v in kept):
        return None
    present = [v for v in kept if v is not None]
    return TradeValues(
        latency=np.concatenate([v.latency for v in present]),
        slippage=np.concatenate([v.slippage for v in present]),
        group=np.concatenate([t[v.group] for v, t in zip(present, targets, strict=True)]),
    )


def _add_parts(parts: list[GroupSums], targets: list[np.ndarray], keys: pd.DataFrame) -> GroupSums:
    """Add the rows of several GroupSums into the rows of ``keys`` (``targets[i]``: part i's)."""
    return _merge_rows(
        GroupSums(
            keys=keys,
            sums=np.concatenate([p.sums for p in parts]),
            counts=np.concatenate([p.counts for p in parts]),
            sum_fields=parts[0].sum_fields,
        ),
        np.concatenate(targets),
        keys,
    )


def rollup_sums(cells: GroupSums, keys: pd.DataFrame) -> GroupSums:
    """Add cell rows into the groups given by ``keys`` (one key row per cell row)."""
    target, groups = _factorize_rows(keys)
    return _merge_rows(cells, target, groups)


def _merge_rows(rows: GroupSums, target: np.ndarray, keys: pd.DataFrame) -> GroupSums:
    """Merge rows into ``len(keys)`` groups: sums and counts add; centred moments gain the
    spread of the rows' means around their group's mean (Chan, Golub and LeVeque)."""
    n_groups = len(keys)
    sums = _add_rows(rows.sums, target, n_groups)
    n_row = rows.counts[:, 0].astype(np.float64)
    n_group = np.bincount(target, weights=n_row, minlength=n_groups)
    deviation: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for name in {field for pair in CENTRED_FIELDS.values() for field in pair}:
            column = rows.sum_fields.index(name)
            row_mean = rows.sums[:, column] / n_row
            group_mean = sums[:, column] / n_group
            deviation[name] = np.where(n_row > 0, row_mean - group_mean[target], 0.0)
    for name, (first, second) in CENTRED_FIELDS.items():
        spread = n_row * deviation[first] * deviation[second]
        sums[:, rows.sum_fields.index(name)] += np.bincount(
            target, weights=spread, minlength=n_groups
        )
    return GroupSums(
        keys=keys,
        sums=sums,
        counts=_add_rows(rows.counts, target, n_groups),
        sum_fields=rows.sum_fields,
    )


def period_keys(cells: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """The report-key columns of each cell row, with the day turned into the period's label."""
    out: dict[str, np.ndarray] = {}
    for key in by:
        if key in PERIODS:
            out[key] = period_labels(cells[DAY].to_numpy(dtype=np.int64), key)
        else:
            out[key] = cells[key].to_numpy()
    return pd.DataFrame(out, index=pd.RangeIndex(len(cells)))


def period_labels(days: np.ndarray, period: str) -> np.ndarray:
    """Labels of days since 1970-01-01: 'YYYY-MM-DD', the week's Monday, or 'YYYY-MM'."""
    unique, inverse = np.unique(days, return_inverse=True)
    dates = unique.astype("datetime64[D]")
    if period == "day":
        labels = np.datetime_as_string(dates, unit="D")
    elif period == "week":
        monday = (unique - (unique + 3) % 7).astype("datetime64[D]")
        labels = np.datetime_as_string(monday, unit="D")
    else:
        labels = np.datetime_as_string(dates.astype("datetime64[M]"), unit="M")
    return labels.astype(object)[inverse.reshape(-1)]


def _codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes that rank their labels, and the sorted distinct labels; missing is 'unknown'."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        labels = np.asarray(series.cat.categories.astype(str), dtype=object)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        labels = np.asarray(pd.Index(uniques).astype(str), dtype=object)
    if (codes < 0).any():
        labels = np.concatenate([labels, [UNKNOWN_LABEL]])
        codes = np.where(codes < 0, len(labels) - 1, codes)
    distinct, rank = np.unique(labels, return_inverse=True)
    if len(distinct) == len(labels) and bool(np.all(rank == np.arange(len(labels)))):
        return codes, labels
    return rank.reshape(-1)[codes], distinct


def _coded(
    series: pd.Series, values: dict[str, float], default: float
) -> tuple[np.ndarray, np.ndarray]:
    """Category codes of a column and each code's value (``default`` if unlisted or missing).

    ``lookup[codes]`` is the value per row; code -1 (missing) picks the table's last slot.
    """
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    slots = [values.get(str(label), default) for label in series.cat.categories]
    lookup = np.array([*slots, default], dtype=np.float64)
    return series.cat.codes.to_numpy(), lookup


def _combine(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Dense ids of the present code combinations, and each id's code per key."""
    total = 1
    for size in sizes:
        total *= max(size, 1)
    flat = codes[0].astype(np.int64)
    for code, size in zip(codes[1:], sizes[1:], strict=True):
        flat *= max(size, 1)
        flat += code
    if total <= _DENSE_LIMIT:
        present = np.flatnonzero(np.bincount(flat, minlength=total))
        remap = np.full(total, -1, dtype=np.int64)
        remap[present] = np.arange(len(present))
        ids = remap[flat]
    else:
        present, ids = np.unique(flat, return_inverse=True)
        ids = ids.reshape(-1)
    decoded: list[np.ndarray] = []
    rest = present.astype(np.int64)
    for size in reversed(sizes):
        decoded.append(rest % max(size, 1))
        rest = rest // max(size, 1)
    return ids, decoded[::-1]


def _factorize_rows(keys: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Group id of each row (sorted by key) and the frame of distinct key rows."""
    if keys.shape[1] == 0:
        return np.zeros(len(keys), dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1))
    grouped = keys.groupby(list(keys.columns), sort=True, observed=True, dropna=False)
    target = grouped.ngroup().to_numpy(dtype=np.int64)
    distinct = grouped.size().index.to_frame(index=False)
    return target, distinct


def _union_rows(frames: list[pd.DataFrame]) -> tuple[list[np.ndarray], pd.DataFrame]:
    """The sorted distinct rows of several key frames, and where each frame's rows go.

    Frames of sorted distinct rows (every partial's keys) that are all equal - batches of
    one log usually are - map onto themselves without sorting again.
    """
    first = frames[0]
    if all(frame.equals(first) for frame in frames[1:]):
        return [np.arange(len(first))] * len(frames), first
    target, union = _factorize_rows(pd.concat(frames, ignore_index=True))
    splits = np.cumsum([0, *[len(frame) for frame in frames]])
    return [target[splits[i] : splits[i + 1]] for i in range(len(frames))], union


def _add_rows(values: np.ndarray, target: np.ndarray, n: int) -> np.ndarray:
    """Sum rows of ``values`` into ``n`` groups, column by column with ``np.bincount``."""
    columns = [
        np.bincount(target, weights=values[:, j], minlength=n) for j in range(values.shape[1])
    ]
    out = np.column_stack(columns) if columns else np.zeros((n, 0))
    return out.astype(values.dtype).reshape(n, values.shape[1])
