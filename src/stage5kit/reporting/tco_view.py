"""Shape a TCO analysis for the report notebook: headline table, cost components, reading.

The KPIs themselves come from :func:`stage5kit.core.analyse_tco`; this module only
selects, labels and explains them so the notebook's cells stay one short call each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stage5kit.reporting.i18n import format_number, translate, translate_count

if TYPE_CHECKING:
    import pandas as pd

    from stage5kit.core import TcoResult
    from stage5kit.core.io import TradeLogProfile

HEADLINE = (
    ("n_trades", "trades", "count"),
    ("tco", "total cost of ownership", "currency"),
    ("trading_cost", "trading cost (fees + slippage)", "currency"),
    ("infra_cost", "allocated infra cost", "currency"),
    ("avg_cost_per_trade", "cost per trade", "currency"),
    ("cost_bps", "execution cost", "bps"),
    ("tco_bps", "TCO", "bps"),
    ("slippage_bps", "slippage (notional-weighted)", "bps"),
    ("decision_latency_ms_p50", "decision latency p50", "ms"),
    ("decision_latency_ms_p95", "decision latency p95", "ms"),
    ("decision_latency_ms_p99", "decision latency p99", "ms"),
)
_WARN_STATUSES = ("warn", "critical", "over")


def headline_table(result: TcoResult, *, lang: str = "en", currency: str = "") -> pd.DataFrame:
    """The headline KPIs over all trades as a three-column table (KPI, value, unit).

    ``currency`` names the unit of money KPIs (the log's quote currency when empty).
    """
    import pandas as pd

    units = {
        "count": "",
        "currency": currency or translate(lang, "quote currency"),
        "bps": translate(lang, "bps"),
        "ms": "ms",
    }
    columns = [translate(lang, "KPI"), translate(lang, "value"), translate(lang, "unit")]
    # one column of counts and amounts: object dtype keeps a count whole (20 000, not 20 000,00)
    values = [
        int(result.overall[key]) if unit == "count" else float(result.overall[key])
        for key, _, unit in HEADLINE
    ]
    table = pd.DataFrame(
        {
            columns[0]: [translate(lang, label) for _, label, _ in HEADLINE],
            columns[1]: pd.Series(values, dtype=object),
            columns[2]: [units[unit] for _, _, unit in HEADLINE],
        }
    )
    return table.set_index(columns[0])


def daily_cost_per_trade(daily: pd.DataFrame) -> pd.DataFrame:
    """Daily rows per strategy with ``cost_per_trade`` (trading cost / trades) added."""
    frame = daily.copy()
    frame["cost_per_trade"] = frame["trading_cost"] / frame["n_trades"]
    return frame


def anomaly_points(daily: pd.DataFrame, anomalies: pd.DataFrame) -> pd.DataFrame:
    """The daily rows flagged as anomalies, with every daily column (for chart markers)."""
    keys = anomalies[["strategy", "day"]].astype(str)
    frame = daily.assign(strategy=daily["strategy"].astype(str), day=daily["day"].astype(str))
    return frame.merge(keys, on=["strategy", "day"], how="inner")


def budget_limits(result: TcoResult) -> dict[str, float]:
    """Per-strategy budget amounts from the analysis (strategy -> amount), as chart budgets."""
    status = result.budget_status
    if status.empty:
        return {}
    amounts = status.groupby("strategy", observed=True)["budget"].first()
    return {str(name): float(value) for name, value in amounts.items()}


def describe_tco(result: TcoResult, *, lang: str = "en") -> str:
    """A short 'what this means / what to do' text in Markdown, built from the numbers."""
    overall = result.overall
    lines = [
        translate_count(
            lang,
            "- Over **{count} trade** the total cost of ownership was **{tco}** ({tco_bps} bps "
            "of notional); execution alone cost {cost_bps} bps, of which slippage "
            "{slippage_bps} bps.",
            "- Over **{count} trades** the total cost of ownership was **{tco}** ({tco_bps} bps "
            "of notional); execution alone cost {cost_bps} bps, of which slippage "
            "{slippage_bps} bps.",
            int(overall["n_trades"]),
            tco=format_number(overall["tco"], lang, decimals=0),
            tco_bps=format_number(overall["tco_bps"], lang),
            cost_bps=format_number(overall["cost_bps"], lang),
            slippage_bps=format_number(overall["slippage_bps"], lang),
        )
    ]
    by_strategy = result.latency_slippage.sort_values("slippage_bps_per_10ms", ascending=False)
    if not by_strategy.empty:
        worst = by_strategy.iloc[0]
        lines.append(
            translate(
                lang,
                "- Latency costs most in **{strategy}**: every +10 ms of decision latency adds "
                "{slope} bps of slippage there. Cutting its latency is the cheapest saving to "
                "try first.",
                strategy=worst["strategy"],
                slope=format_number(worst["slippage_bps_per_10ms"], lang),
            )
        )
    lines.append(_breach_line(result, lang))
    lines.append(_budget_line(result, lang))
    if not result.anomalies.empty:
        counts = result.anomalies["strategy"].astype(str).value_counts()
        top = ", ".join(f"{name} ({count})" for name, count in counts.head(3).items())
        lines.append(
            translate(
                lang,
                "- **Anomalous cost days: {count}** (above the mean + k standard deviations of "
                "the previous days); most in {top}. Check venue fee changes and latency on "
                "those days.",
                count=len(result.anomalies),
                top=top,
            )
        )
    return "\n".join(lines)


def _breach_line(result: TcoResult, lang: str) -> str:
    if result.breaches.empty:
        return translate(lang, "- No cost, slippage or latency limit was breached.")
    metrics = ", ".join(sorted(result.breaches["metric"].astype(str).unique()))
    scopes = result.breaches["scope"].astype(str)
    return translate(
        lang,
        "- **Limit breaches: {count}** ({metrics}), first in `{scope}`. Escalate per the "
        "limits policy and log the decision.",
        count=len(result.breaches),
        metrics=metrics,
        scope=scopes.iloc[0],
    )


def _budget_line(result: TcoResult, lang: str) -> str:
    status = result.budget_status
    if status.empty:
        return translate(lang, "- No budget was given, so spend was not compared with one.")
    flagged = status[status["status"].isin(_WARN_STATUSES)]
    if flagged.empty:
        return translate(lang, "- Every strategy stayed below 80% of its budget in every period.")
    over = int((flagged["status"] == "over").sum())
    names = ", ".join(sorted(flagged["strategy"].astype(str).unique()))
    return translate(
        lang,
        "- **Strategy-periods at or above 80% of budget: {count}** ({over} over 100%): "
        "{names}. Review their cost drivers before the next period starts.",
        count=len(flagged),
        over=over,
        names=names,
    )


def profile_cost_components(profile: TradeLogProfile) -> dict[str, float]:
    """The cost waterfall's components from a streamed profile: maker and taker fees, rebates,
    slippage and infra (currency)."""
    overall = profile.result.overall
    return {
        **profile.fee_split,
        "slippage": float(overall["slippage_cost"]),
        "infra": float(overall["infra_cost"]),
    }


def box_summary(
    frame: pd.DataFrame, *, value: str, group: str, max_outliers: int = 100, seed: int = 0
) -> pd.DataFrame:
    """Quartiles, Tukey fences (1.5 IQR, clipped to the data), mean and a seeded sample of
    at most ``max_outliers`` outliers per group: a box plot of bounded size."""
    import numpy as np
    import pandas as pd

    rows = []
    rng = np.random.default_rng(seed)
    for name, part in frame.groupby(group, observed=True):
        values = part[value].to_numpy(dtype=float)
        q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
        reach = 1.5 * (q3 - q1)
        inside = values[(values >= q1 - reach) & (values <= q3 + reach)]
        outliers = values[(values < q1 - reach) | (values > q3 + reach)]
        if len(outliers) > max_outliers:
            outliers = np.sort(rng.choice(outliers, size=max_outliers, replace=False))
        rows.append(
            {
                group: str(name),
                "q1": q1,
                "median": median,
                "q3": q3,
                "lowerfence": inside.min(),
                "upperfence": inside.max(),
                "mean": values.mean(),
                "outliers": outliers.tolist(),
            }
        )
    return pd.DataFrame(rows)
