"""Plain-language reading of a stress result, in the report's language.

The numbers and the lever that answers a scenario come from :mod:`stage5kit.core`
(:func:`~stage5kit.core.advice_lever`); the words come from the message catalog.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from stage5kit.reporting.i18n import (
    catalog,
    format_money,
    format_number,
    format_percent,
    translate,
    translate_count,
)

if TYPE_CHECKING:
    import pandas as pd

    from stage5kit.core import Scenario, StressResult, StressSettings

_Money = Callable[[float], str]

# What to do first, per lever (the shock field core names for the dearest scenario).
ADVICE = {
    "fee_mult": "negotiate the fee tier or move flow to maker orders",
    "maker_share_shift": "protect the maker share: passive quoting, wider limit offsets",
    "slippage_spike_prob": "cap order size in thin books and slice large orders",
    "slippage_bps_add": "cap order size in thin books and slice large orders",
    "latency_spike_prob": "set a latency budget and alert on decision_latency_ms p99",
    "latency_ms_add": "set a latency budget and alert on decision_latency_ms p99",
    "volume_mult": "check the budget scales with volume and split flow across venues",
    "outage_venue": "keep a tested fail-over venue with pre-agreed fees",
}
_NO_LEVER = "review the scenario's assumptions against the latest trade log"


def describe_stress_result(result: StressResult, *, currency: str = "", lang: str = "en") -> str:
    """Return a few Markdown paragraphs that read the result in plain language."""
    from stage5kit.core import BASELINE_SCENARIO, advice_lever

    table = result.table.set_index("scenario")
    settings = result.settings
    base = _record(table, BASELINE_SCENARIO)

    def money(value: float) -> str:
        return format_money(value, currency, lang)

    paragraphs = [
        translate(
            lang,
            "{horizon} ({paths}, seed {seed}, {history}) the baseline costs {cost} on "
            "average: {bps} bps of notional, {per_trade} per trade. One day in twenty costs "
            "more than {var} (VaR95); the worst 2.5% of days average {es} (ES97.5).",
            horizon=translate_count(
                lang,
                "Over {count} simulated day",
                "Over {count} simulated days",
                settings.simulation.days,
            ),
            paths=translate_count(lang, "{count} path", "{count} paths", settings.simulation.paths),
            seed=settings.simulation.seed,
            history=translate_count(
                lang, "history of {count} day", "history of {count} days", settings.history_days
            ),
            cost=money(base["expected_period_cost"]),
            bps=format_number(base["cost_bps"], lang),
            per_trade=money(base["avg_cost_per_trade"]),
            var=money(base["var95_daily_cost"]),
            es=money(base["es975_daily_cost"]),
        )
    ]
    others = table.drop(index=BASELINE_SCENARIO)
    if not others.empty:
        ranked = others.sort_values("delta_expected_period_cost", ascending=False)
        top = ranked.iloc[0]
        listing = ", ".join(
            f"{name} {_signed(row['delta_expected_period_cost'], money)}"
            for name, row in ranked.iterrows()
        )
        paragraphs.append(
            translate(
                lang,
                "The costliest scenario is **{name}**: {delta} over the period ({share}), "
                "{bps} bps of notional. By impact: {listing}.",
                name=ranked.index[0],
                delta=_signed(top["delta_expected_period_cost"], money),
                share=_share(top["delta_expected_period_cost"], base["expected_period_cost"], lang),
                bps=format_number(top["cost_bps"], lang),
                listing=listing,
            )
        )
        dearest = others.sort_values("delta_cost_bps", ascending=False)
        dear_name = str(dearest.index[0])
        lever = advice_lever(result, dear_name)
        paragraphs.append(
            translate(
                lang,
                "Per unit traded the dearest is **{name}**: {delta} bps of notional against "
                "baseline. What to do first: {advice}.",
                name=dear_name,
                delta=format_number(dearest.iloc[0]["delta_cost_bps"], lang, signed=True),
                advice=translate(lang, ADVICE.get(lever or "", _NO_LEVER)),
            )
        )
    paragraphs.extend(_budget_paragraph(table, settings, money, lang))
    paragraphs.extend(_edge_paragraph(table, settings, lang))
    return "\n\n".join(paragraphs)


def _budget_paragraph(
    table: pd.DataFrame, settings: StressSettings, money: _Money, lang: str
) -> list[str]:
    from stage5kit.core import BASELINE_SCENARIO

    budget = settings.budget
    if budget is None:
        return []
    breach = table["p_budget_breach"]
    worst = str(breach.idxmax())
    return [
        translate(
            lang,
            "Against the budget of {budget} ({basis}, whole horizon) the baseline overruns on "
            "{base} of paths; the most exposed scenario is **{worst}** at {share}.",
            budget=money(float(budget)),
            basis=translate(lang, "TCO")
            if settings.include_tco
            else translate(lang, "trading cost"),
            base=format_percent(breach[BASELINE_SCENARIO], lang),
            worst=worst,
            share=format_percent(breach[worst], lang),
        )
    ]


def _edge_paragraph(table: pd.DataFrame, settings: StressSettings, lang: str) -> list[str]:
    from stage5kit.core import BASELINE_SCENARIO

    edge = settings.gross_edge_bps
    if edge is None:
        return []
    base = _record(table, BASELINE_SCENARIO)
    losing = table[table["p_net_pnl_negative"] >= 0.5].index.tolist()
    verdict = (
        translate(
            lang,
            "net PnL is more likely negative than not under: {names}",
            names=", ".join(map(str, losing)),
        )
        if losing
        else translate(lang, "no scenario makes a loss more likely than not")
    )
    drag = base["cost_drag_pct"]
    drag_text = (
        translate(
            lang,
            "costs take {share}% of gross PnL under baseline",
            share=format_number(drag, lang, decimals=0),
        )
        if math.isfinite(drag)
        else translate(lang, "the cost share of gross PnL is undefined (no gross PnL)")
    )
    fee_mult = base["break_even_fee_mult"]
    fee_text = (
        translate(lang, ", or fees {mult}x today's,", mult=format_number(fee_mult, lang))
        if math.isfinite(fee_mult)
        else translate(lang, " (no fee level breaks even: the log pays no fees to scale)")
    )
    return [
        translate(
            lang,
            "With a gross edge of {edge} bps, {drag} and net PnL is negative on {negative} of "
            "paths; {verdict}. Break-even: all-in costs can reach {break_even} bps{fees} "
            "before the expected net PnL is zero.",
            edge=format_number(edge, lang, decimals=2 if edge % 1 else 0),
            drag=drag_text,
            negative=format_percent(base["p_net_pnl_negative"], lang),
            verdict=verdict,
            break_even=format_number(base["break_even_cost_bps"], lang),
            fees=fee_text,
        )
    ]


def _record(table: pd.DataFrame, name: str) -> dict[str, float]:
    row = table.loc[name]
    return {str(k): v for k, v in row.items() if isinstance(v, int | float)}


def _signed(value: float, money: _Money) -> str:
    return f"+{money(value)}" if value >= 0 else f"-{money(-value)}"


def _share(delta: float, base: float, lang: str) -> str:
    """The change as a percentage of baseline; a non-positive baseline has no percentage."""
    if not (math.isfinite(base) and base > 0):
        return translate(lang, "no positive baseline to compare with")
    return translate(
        lang,
        "{share} on baseline",
        share=format_percent(delta / base, lang, decimals=0, signed=True),
    )


def describe_scenarios(scenarios: Sequence[Scenario], lang: str = "en") -> pd.DataFrame:
    """Name and description of each scenario; built-in descriptions come in ``lang``.

    A custom scenario's description is the user's own text and is shown as written.
    """
    import pandas as pd

    known = catalog(lang)
    return pd.DataFrame(
        {
            "scenario": [s.name for s in scenarios],
            "description": [known.get(s.description, s.description) for s in scenarios],
        }
    )
