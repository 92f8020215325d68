"""Shape a TCO analysis for the report notebook: headline table, cost components, reading.

The KPIs themselves come from :func:`stage5kit.core.analyse_tco`; this module only
selects, labels and explains them so the notebook's cells stay one short call each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from stage5kit.core import TcoResult

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


def headline_table(result: TcoResult, *, currency: str | None = None) -> pd.DataFrame:
    """The headline KPIs over all trades as a table (KPI, value), each value with its unit.

    Counts are whole numbers, money has 2 decimals and ``currency`` (else "currency"),
    bps 2 decimals, ms 1 (see :func:`stage5kit.reporting.formatting.format_kpi`).
    """
    import pandas as pd

    from stage5kit.reporting.formatting import format_kpi

    rows = [
        (label, format_kpi(result.overall[key], unit, currency=currency))
        for key, label, unit in HEADLINE
    ]
    return pd.DataFrame(rows, columns=["KPI", "value"]).set_index("KPI")


def cost_components(costed: pd.DataFrame, *, infra_cost: float) -> dict[str, float]:
    """Split total cost into maker fees, taker fees, rebates, slippage and infra (currency)."""
    fee = costed["fee"]
    maker = costed["liquidity"].astype("string").fillna("") == "maker"
    return {
        "maker fees": float(fee[maker & (fee > 0)].sum()),
        "taker fees": float(fee[~maker & (fee > 0)].sum()),
        "rebates": float(fee[fee < 0].sum()),
        "slippage": float(costed["slippage_cost"].sum()),
        "infra": float(infra_cost),
    }


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
    """Per-strategy budget amounts from the analysis, as chart limit lines."""
    status = result.budget_status
    if status.empty:
        return {}
    amounts = status.groupby("strategy", observed=True)["budget"].first()
    return {f"budget {name}": float(value) for name, value in amounts.items()}


def describe_tco(result: TcoResult) -> str:
    """A short 'what this means / what to do' text in Markdown, built from the numbers."""
    overall = result.overall
    lines = [
        f"- Over **{overall['n_trades']:,.0f} trades** the total cost of ownership was "
        f"**{overall['tco']:,.0f}** ({overall['tco_bps']:.2f} bps of notional); execution "
        f"alone cost {overall['cost_bps']:.2f} bps, of which slippage "
        f"{overall['slippage_bps']:.2f} bps.",
    ]
    by_strategy = result.latency_slippage.sort_values("slippage_bps_per_10ms", ascending=False)
    if not by_strategy.empty:
        worst = by_strategy.iloc[0]
        lines.append(
            f"- Latency costs most in **{worst['strategy']}**: every +10 ms of decision "
            f"latency adds {worst['slippage_bps_per_10ms']:.2f} bps of slippage there. "
            "Cutting its latency is the cheapest saving to try first."
        )
    lines.append(_breach_line(result))
    lines.append(_budget_line(result))
    if not result.anomalies.empty:
        counts = result.anomalies["strategy"].astype(str).value_counts()
        top = ", ".join(f"{name} ({count})" for name, count in counts.head(3).items())
        lines.append(
            f"- **{len(result.anomalies)} anomalous cost days** (above the mean + k standard "
            f"deviations of the previous days); most in {top}. Check venue fee changes and "
            "latency on those days."
        )
    return "\n".join(lines)


def _breach_line(result: TcoResult) -> str:
    if result.breaches.empty:
        return "- No cost, slippage or latency limit was breached."
    metrics = ", ".join(sorted(result.breaches["metric"].astype(str).unique()))
    scopes = result.breaches["scope"].astype(str)
    return (
        f"- **{len(result.breaches)} limit breach(es)** ({metrics}), first in "
        f"`{scopes.iloc[0]}`. Escalate per the limits policy and log the decision."
    )


def _budget_line(result: TcoResult) -> str:
    status = result.budget_status
    if status.empty:
        return "- No budget was given, so spend was not compared with one."
    flagged = status[status["status"].isin(_WARN_STATUSES)]
    if flagged.empty:
        return "- Every strategy stayed below 80% of its budget in every period."
    over = int((flagged["status"] == "over").sum())
    names = ", ".join(sorted(flagged["strategy"].astype(str).unique()))
    return (
        f"- **{len(flagged)} strategy-period(s) at or above 80% of budget** ({over} over "
        f"100%): {names}. Review their cost drivers before the next period starts."
    )
