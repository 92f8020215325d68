"""TCO analysis: KPIs per group and overall, daily costs, anomalies, budgets and breaches.

:func:`analyse_tco` is the single entry point for a trade frame in memory (the notebook);
:func:`stage5kit.core.io.streaming.analyse_tco_file` streams a file of any size through the
same reduction (the CLI). Both end in :func:`summarise_partial`, so they agree.

KPI definitions (see docs/tco.md): ``trading_cost = fees + slippage_cost``;
``tco = trading_cost + infra_cost``; ``avg_cost_per_trade = tco / n_trades``;
``cost_bps = trading_cost / notional`` and ``tco_bps = tco / notional`` (in bps);
``slippage_bps`` is notional-weighted (``slippage_cost / notional``), with the
equal-weighted mean, median and p95 beside it. Quantiles are exact nearest-rank order
statistics when the whole log is analysed at once, and come from the mergeable sketch
(1% relative error) when it is streamed or merged; ``quantile_method`` records which.
The latency-slippage relation is the OLS slope of per-trade slippage_bps on
decision_latency_ms, scaled to +10 ms, with its standard error, from centred moments; it
is NaN (with a note) when latency has no spread or a group has fewer than 3 trades.
Fees and counts have an ``unknown`` liquidity bucket, so maker + taker + unknown = all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stage5kit.core.tco.aggregates import (
    DAY,
    QUANTILES,
    ExactQuantiles,
    GroupSums,
    TcoPartial,
    aggregate_trades,
    exact_group_quantiles,
    period_keys,
    period_labels,
    rollup_sums,
)
from stage5kit.core.tco.anomalies import detect_cost_anomalies
from stage5kit.core.tco.budgets import Budget, evaluate_budgets
from stage5kit.core.tco.infra import allocate_infra_costs, month_coverage
from stage5kit.core.tco.options import TcoOptions
from stage5kit.core.tco.sketches import RELATIVE_ACCURACY, SketchGrid, grid_quantiles
from stage5kit.core.tco.thresholds import Thresholds, find_breaches
from stage5kit.core.trades.units import BPS, LATENCY_STEP_MS
from stage5kit.core.trades.validation import check_trades
from stage5kit.errors import ConfigError, InputError

INFRA_COST = "infra_cost"
# Latency whose standard deviation is below this share of its mean is constant up to rounding.
FLAT_LATENCY_SHARE = 1e-12
KPI_COLUMNS = (
    "n_trades",
    "n_maker",
    "n_taker",
    "n_unknown",
    "notional",
    "fees",
    "fees_maker",
    "fees_taker",
    "fees_unknown",
    "slippage_cost",
    "trading_cost",
    "infra_cost",
    "tco",
    "avg_cost_per_trade",
    "cost_bps",
    "tco_bps",
    "fee_bps",
    "slippage_bps",
    "slippage_bps_mean",
    "slippage_bps_median",
    "slippage_bps_p95",
    "decision_latency_ms_mean",
    "decision_latency_ms_p50",
    "decision_latency_ms_p95",
    "decision_latency_ms_p99",
    "slippage_bps_per_10ms",
    "slippage_bps_per_10ms_se",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TcoResult:
    """Everything a TCO report shows; frames are plain pandas, ready for CSV, JSON or plots.

    ``kpis``: one row per group (the ``by`` keys, then KPI_COLUMNS). ``overall``: the same
    KPIs over all trades. ``daily_costs``: per strategy and UTC day, the cost series the
    anomaly check uses. ``anomalies``, ``budget_status``, ``breaches``: see their modules.
    ``latency_slippage``: per strategy, slippage_bps per +10 ms of latency and its
    standard error. ``notes``: facts a reader must know (e.g. naive timestamps as UTC).
    ``options`` and ``budget``: what the analysis was asked for.
    """

    options: TcoOptions
    budget: Budget | None
    kpis: pd.DataFrame
    overall: dict[str, float]
    daily_costs: pd.DataFrame
    anomalies: pd.DataFrame
    budget_status: pd.DataFrame
    breaches: pd.DataFrame
    latency_slippage: pd.DataFrame
    unallocated_infra: pd.DataFrame
    notes: tuple[str, ...]
    quantile_method: str = "sketch"

    @property
    def by(self) -> tuple[str, ...]:
        """The report keys: one row of ``kpis`` per distinct combination of them."""
        return self.options.by

    @property
    def parameters(self) -> dict[str, object]:
        """What the summary JSON records as the analysis parameters."""
        return {
            "by": list(self.options.by),
            "allocation": self.options.allocation,
            "anomaly_window_days": self.options.anomaly_window_days,
            "anomaly_k": self.options.anomaly_k,
            "infra_proration": self.options.infra_proration,
            "quantile_method": self.quantile_method,
            "quantile_relative_accuracy": (
                RELATIVE_ACCURACY if self.quantile_method == "sketch" else 0.0
            ),
            "budget_period": self.budget.period if self.budget else None,
            "budget_basis": self.budget.basis if self.budget else None,
        }


def analyse_tco(
    trades: pd.DataFrame,
    options: TcoOptions = TcoOptions(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    infra_costs: pd.DataFrame | None = None,
    thresholds: Thresholds | None = None,
    budget: Budget | None = None,
) -> TcoResult:
    """Validate a trade frame and compute its TCO KPIs, anomalies, budgets and breaches."""
    checked = check_trades(trades, path="trades", first_row=1)
    if checked.error_count:
        raise InputError.from_problems(checked.problems, total=checked.error_count)
    notes = (*trades.attrs.get("notes", ()), *checked.notes, *(str(w) for w in checked.warnings))
    return summarise_partial(
        aggregate_trades(checked.frame, by=options.by, keep_values=True),
        options,
        infra_costs=infra_costs,
        thresholds=thresholds,
        budget=budget,
        notes=notes,
    )


def summarise_partial(
    partial: TcoPartial,
    options: TcoOptions | None = None,
    *,
    infra_costs: pd.DataFrame | None = None,
    thresholds: Thresholds | None = None,
    budget: Budget | None = None,
    notes: Sequence[str] = (),
) -> TcoResult:
    """Turn a (merged) partial into the report: KPIs, overall, anomalies, budgets, breaches.

    ``options`` default to the defaults with the partial's report keys; their ``by`` must be
    the keys the partial was aggregated for.
    """
    options = TcoOptions(by=partial.by) if options is None else options
    if options.by != partial.by:
        msg = (
            f"the partial was aggregated by {', '.join(partial.by) or '(nothing)'}, "
            f"the options ask for {', '.join(options.by) or '(nothing)'}"
        )
        raise ConfigError(msg)
    cells = partial.cells
    day = cells.keys[DAY].to_numpy(dtype=np.int64)
    months = period_labels(day, "month")
    infra = np.zeros(len(cells.keys))
    unallocated = pd.DataFrame({"strategy": [], "month": [], "amount": []})
    found_notes = list(dict.fromkeys(notes))
    if infra_costs is not None and len(cells.keys):
        coverage = (
            month_coverage(int(day.min()), int(day.max()))
            if options.infra_proration == "days"
            else None
        )
        if coverage is not None and (coverage < 1).any():
            partial_months = ", ".join(
                f"{month} ({share:.0%})" for month, share in coverage[coverage < 1].items()
            )
            found_notes.append(
                "infra costs prorated to the share of each month's days the log covers: "
                f"{partial_months}"
            )
        if coverage is not None:
            outside = sorted(set(infra_costs["month"].astype(str)) - set(coverage.index))
            if outside:
                found_notes.append(
                    f"infra costs of months outside the log's days ({', '.join(outside)}) "
                    "are not in its TCO"
                )
        allocated = allocate_infra_costs(
            pd.DataFrame({"strategy": cells.keys["strategy"].to_numpy(), "month": months}),
            n_trades=cells.count_of("n_trades"),
            notional=cells.sum_of("notional"),
            infra_costs=infra_costs,
            allocation=options.allocation,
            coverage=coverage,
        )
        infra = allocated.per_cell
        unallocated = allocated.unallocated
        if len(unallocated):
            total = float(unallocated["amount"].sum())
            found_notes.append(
                f"infra costs of {total:.2f} fall in months or strategies without trades "
                "and are not in the TCO"
            )
    with_infra = cells.with_sum(INFRA_COST, infra)
    grouped = rollup_sums(with_infra, period_keys(cells.keys, partial.by))
    exact = (
        None
        if partial.trade_values is None
        else exact_group_quantiles(partial.trade_values, len(partial.groups))
    )
    kpis = pd.concat([grouped.keys, _kpi_frame(grouped, _group_quantiles(partial, exact))], axis=1)
    whole = rollup_sums(with_infra, pd.DataFrame(index=pd.RangeIndex(len(cells.keys))))
    overall_frame = _kpi_frame(whole, _overall_quantiles(partial, exact))
    overall = (
        {str(c): _plain(overall_frame[c].iloc[0]) for c in overall_frame.columns}
        if len(cells.keys)
        else {}
    )

    daily = _daily_costs(with_infra)
    anomalies = detect_cost_anomalies(
        daily, window_days=options.anomaly_window_days, k=options.anomaly_k
    )
    budget_status = _budget_status(with_infra, budget, found_notes)
    breaches = _breaches(kpis, overall_frame, thresholds, partial.by)
    per_strategy = rollup_sums(with_infra, cells.keys[["strategy"]])
    relation = pd.concat([per_strategy.keys, _slope_frame(per_strategy)], axis=1)
    flat = relation.loc[relation["slope_note"] != "", ["strategy", "slope_note"]]
    found_notes.extend(
        f"latency-slippage slope of {row.strategy} not available: {row.slope_note}"
        for row in flat.itertuples()
    )
    return TcoResult(
        options=options,
        budget=budget,
        kpis=kpis,
        overall=overall,
        daily_costs=daily,
        anomalies=anomalies,
        budget_status=budget_status,
        breaches=breaches,
        latency_slippage=relation,
        unallocated_infra=unallocated,
        notes=tuple(found_notes),
        quantile_method="sketch" if partial.trade_values is None else "exact",
    )


def _plain(value: object) -> float | int:
    """A KPI as JSON wants it: counts stay integers, everything else a float."""
    if isinstance(value, np.integer):
        return int(value)
    return float(value)  # type: ignore[arg-type]


def _collapse(grid: SketchGrid) -> SketchGrid:
    return SketchGrid(counts=grid.counts.sum(axis=0, keepdims=True), lo=grid.lo)


def _group_quantiles(partial: TcoPartial, exact: ExactQuantiles | None) -> dict[str, np.ndarray]:
    """Each report group's quantiles: exact when the trades were kept, else from the sketch."""
    if exact is not None:
        return exact.per_group
    grids = {"latency": partial.latency, "slippage": partial.slippage}
    return {column: grid_quantiles(grids[source], q) for column, source, q in QUANTILES}


def _overall_quantiles(partial: TcoPartial, exact: ExactQuantiles | None) -> dict[str, np.ndarray]:
    """The quantiles over all trades, exact or from the collapsed sketches."""
    if exact is not None:
        return {column: np.array([value]) for column, value in exact.overall.items()}
    grids = {"latency": _collapse(partial.latency), "slippage": _collapse(partial.slippage)}
    return {column: grid_quantiles(grids[source], q) for column, source, q in QUANTILES}


def _kpi_frame(sums: GroupSums, quantiles: dict[str, np.ndarray]) -> pd.DataFrame:
    n = sums.count_of("n_trades").astype(np.float64)
    notional = sums.sum_of("notional")
    fees = sums.sum_of("fees")
    slippage_cost = sums.sum_of("slippage_cost")
    trading = fees + slippage_cost
    infra = sums.sum_of(INFRA_COST)
    tco = trading + infra
    with np.errstate(divide="ignore", invalid="ignore"):
        columns: dict[str, np.ndarray] = {
            "n_trades": sums.count_of("n_trades"),
            "n_maker": sums.count_of("n_maker"),
            "n_taker": sums.count_of("n_taker"),
            "n_unknown": sums.count_of("n_unknown"),
            "notional": notional,
            "fees": fees,
            "fees_maker": sums.sum_of("fees_maker"),
            "fees_taker": sums.sum_of("fees_taker"),
            "fees_unknown": sums.sum_of("fees_unknown"),
            "slippage_cost": slippage_cost,
            "trading_cost": trading,
            "infra_cost": infra,
            "tco": tco,
            "avg_cost_per_trade": tco / n,
            "cost_bps": trading / notional * BPS,
            "tco_bps": tco / notional * BPS,
            "fee_bps": fees / notional * BPS,
            "slippage_bps": slippage_cost / notional * BPS,
            "slippage_bps_mean": sums.sum_of("slippage_bps") / n,
            "slippage_bps_median": quantiles["slippage_bps_median"],
            "slippage_bps_p95": quantiles["slippage_bps_p95"],
            "decision_latency_ms_mean": sums.sum_of("latency") / n,
            "decision_latency_ms_p50": quantiles["decision_latency_ms_p50"],
            "decision_latency_ms_p95": quantiles["decision_latency_ms_p95"],
            "decision_latency_ms_p99": quantiles["decision_latency_ms_p99"],
        }
    slope = _slope_frame(sums)
    columns["slippage_bps_per_10ms"] = slope["slippage_bps_per_10ms"].to_numpy()
    columns["slippage_bps_per_10ms_se"] = slope["slippage_bps_per_10ms_se"].to_numpy()
    return pd.DataFrame(columns, index=pd.RangeIndex(len(n)))


def _slope_frame(sums: GroupSums) -> pd.DataFrame:
    """OLS slope of slippage_bps on latency (per +10 ms) and its standard error, per row.

    From centred moments, so a large latency offset costs no precision. No spread means a
    latency standard deviation below ``FLAT_LATENCY_SHARE`` of its mean's magnitude (or
    1e-12 ms): rounding, not data. ``slope_note`` says why a row has no slope.
    """
    n = sums.count_of("n_trades").astype(np.float64)
    sxx = sums.sum_of("latency_m2")
    sxy = sums.sum_of("latency_slippage_cm")
    syy = sums.sum_of("slippage_bps_m2")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.abs(sums.sum_of("latency") / n)
        spread = np.sqrt(np.maximum(sxx, 0.0) / n)
        slope = sxy / sxx
        residual = np.maximum(syy - slope * sxy, 0.0)
        se = np.sqrt(residual / (n - 2) / sxx)
    few = n < 3
    flat = ~few & (spread <= np.maximum(FLAT_LATENCY_SHARE * mean, 1e-12))
    usable = ~few & ~flat
    note = np.select(
        [few, flat],
        ["fewer than 3 trades", "decision latency has no spread"],
        default="",
    )
    return pd.DataFrame(
        {
            "n_trades": sums.count_of("n_trades"),
            "slippage_bps_per_10ms": np.where(usable, slope * LATENCY_STEP_MS, np.nan),
            "slippage_bps_per_10ms_se": np.where(usable, se * LATENCY_STEP_MS, np.nan),
            "slope_note": note.astype(object),
        }
    )


def _daily_costs(cells: GroupSums) -> pd.DataFrame:
    daily = rollup_sums(cells, cells.keys[["strategy", DAY]])
    trading = daily.sum_of("fees") + daily.sum_of("slippage_cost")
    notional = daily.sum_of("notional")
    return pd.DataFrame(
        {
            "strategy": daily.keys["strategy"].to_numpy(dtype=object),
            "day": period_labels(daily.keys[DAY].to_numpy(dtype=np.int64), "day"),
            "n_trades": daily.count_of("n_trades"),
            "notional": notional,
            "fees": daily.sum_of("fees"),
            "slippage_cost": daily.sum_of("slippage_cost"),
            "trading_cost": trading,
            "infra_cost": daily.sum_of(INFRA_COST),
            "cost_bps": trading / notional * BPS,
        }
    )


def _budget_status(cells: GroupSums, budget: Budget | None, notes: list[str]) -> pd.DataFrame:
    if budget is None:
        return pd.DataFrame(
            {c: [] for c in ("strategy", "period", "spend", "budget", "utilisation", "status")}
        )
    keys = pd.DataFrame(
        {
            "strategy": cells.keys["strategy"].to_numpy(),
            "period": period_labels(cells.keys[DAY].to_numpy(dtype=np.int64), budget.period),
        }
    )
    spend = rollup_sums(cells, keys)
    trading = spend.sum_of("fees") + spend.sum_of("slippage_cost")
    value = trading + spend.sum_of(INFRA_COST) if budget.basis == "tco" else trading
    frame = spend.keys.assign(spend=value)
    missing = sorted(set(frame["strategy"]) - set(budget.amounts))
    if missing:
        notes.append(f"no budget for strategies: {', '.join(missing)}")
    idle = sorted(set(budget.amounts) - set(frame["strategy"]))
    if idle:
        notes.append(f"budgeted strategies without trades in the log (spend 0): {', '.join(idle)}")
    return evaluate_budgets(frame, budget)


def _breaches(
    kpis: pd.DataFrame,
    overall: pd.DataFrame,
    thresholds: Thresholds | None,
    by: tuple[str, ...],
) -> pd.DataFrame:
    if thresholds is None:
        return find_breaches(kpis.iloc[:0], Thresholds(), keys=by)
    per_group = find_breaches(kpis, thresholds, keys=by)
    whole = find_breaches(overall, thresholds, keys=(), scope="overall")
    parts = [p for p in (whole, per_group) if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else per_group
