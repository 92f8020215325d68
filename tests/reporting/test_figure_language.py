"""Numbers and dates in Polish and English figures and tables: separators, decimal mark, dates.

The helpers' own formats (``format_number``, ``format_money``, ``format_date``) are in
``test_i18n.py``; here: what a figure's axes and a styled table show in each language.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from stage5kit.core import BUILTIN_SCENARIOS, SimulationSettings, generate_trades, run_stress_test
from stage5kit.reporting import (
    plot_scatter,
    plot_series_with_markers,
    plot_stress_distributions,
    style_table,
)

NBSP = "\N{NO-BREAK SPACE}"
DAYS = pd.DataFrame(
    {
        "day": ["2026-03-13", "2026-03-14", "2026-03-13", "2026-03-14"],
        "strategy": ["momentum", "momentum", "twap", "twap"],
        "cost_bps": [4.56, 6.71, 3.2, 3.9],
        "decision_latency_ms": [12.5, 14.0, 8.0, 9.5],
    }
)
PERIODS = pd.DataFrame(
    {"period": ["2026-01", "2026-02"] * 2, "strategy": ["a", "a", "b", "b"], "spend": [1e4] * 4}
)


@pytest.fixture(scope="module")
def stress_result():
    """A small stress result with a budget of 50 000."""
    trades = generate_trades(rows=1500, seed=4, days=20)
    return run_stress_test(
        trades, BUILTIN_SCENARIOS[:2], SimulationSettings(paths=30, days=3, seed=1), budget=5e4
    )


@pytest.mark.parametrize(("lang", "separators"), [("pl", "," + NBSP), ("en", ".,")])
def test_axis_numbers_use_the_languages_separators(lang: str, separators: str) -> None:
    """Plotly's ``separators``: decimal mark then thousands separator (``40 000,5``)."""
    figure = plot_series_with_markers(
        DAYS, x="day", y="cost_bps", group="strategy", unit="bps", title="t", lang=lang
    )
    assert figure.layout.separators == separators
    assert figure.layout.yaxis.exponentformat == "none"  # 40 000, not 40k
    assert figure.layout.yaxis.separatethousands is True


@pytest.mark.parametrize(
    ("frame", "x", "y", "pattern"),
    [(DAYS, "day", "cost_bps", "%d.%m.%Y"), (PERIODS, "period", "spend", "%m.%Y")],
)
def test_polish_date_axes_read_like_polish_tables(
    frame: pd.DataFrame, x: str, y: str, pattern: str
) -> None:
    """Days as 14.03.2026 and months as 03.2026, not "Mar 14" in a Polish report."""
    polish = plot_series_with_markers(
        frame, x=x, y=y, group="strategy", unit="u", title="t", lang="pl", limits={"max": 5.0}
    )
    assert polish.layout.xaxis.tickformat == pattern
    assert polish.layout.xaxis.hoverformat == pattern
    assert polish.layout.xaxis.dtick == ("M1" if x == "period" else None)
    english = plot_series_with_markers(frame, x=x, y=y, group="strategy", unit="u", title="t")
    assert english.layout.xaxis.tickformat is None


def test_axes_that_are_not_dates_keep_their_number_ticks() -> None:
    """A latency axis or a scenario axis gets no date pattern in Polish."""
    scatter = plot_scatter(
        DAYS,
        x="decision_latency_ms",
        y="cost_bps",
        x_unit="ms",
        y_unit="pb",
        title="t",
        lang="pl",
    )
    assert scatter.layout.xaxis.tickformat is None


def test_stress_figures_take_the_separators_too(stress_result) -> None:
    """The stress box plot (with its budget label) in Polish separators."""
    figure = plot_stress_distributions(stress_result, currency="USD", lang="pl")
    assert figure.layout.separators == "," + NBSP
    assert figure.layout.annotations[0].text == f"budżet: 50{NBSP}000,00 USD"


@pytest.mark.parametrize(
    ("lang", "shown"), [("pl", f"1{NBSP}234{NBSP}567,89"), ("en", "1,234,567.89")]
)
def test_styled_tables_use_the_languages_separators(lang: str, shown: str) -> None:
    """A table cell reads 1 234 567,89 in Polish and 1,234,567.89 in English."""
    table = pd.DataFrame({"strategy": ["momentum"], "trading_cost": [1234567.891]})
    html = style_table(table, lang).to_html()
    assert shown in html
    assert ("koszt transakcyjny" if lang == "pl" else "trading cost") in html


@pytest.mark.parametrize(("lang", "yes", "no"), [("pl", "tak", "nie"), ("en", "yes", "no")])
def test_styled_tables_show_flags_as_words_of_the_language(lang: str, yes: str, no: str) -> None:
    """A True/False column (decision_path's "passed") reads tak/nie in Polish, never True."""
    table = pd.DataFrame({"check": ["cost_bps", "slippage_bps"], "passed": [True, False]})
    html = style_table(table, lang).to_html()
    assert f">{yes}</td>" in html
    assert f">{no}</td>" in html
    assert "True" not in html
    assert "False" not in html


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html)


def _headers(html: str) -> list[str]:
    return re.findall(r"<th[^>]*>(.*?)</th>", html)


def test_polish_tables_show_counts_shares_and_missing_values_as_polish_readers_do() -> None:
    """Counts whole (20 000), utilisation and probabilities in percent, no "nan"."""
    table = pd.DataFrame(
        {
            "n_trades": [20000.0, 1500.0],
            "utilisation": [0.7823, 1.05],
            "p_budget_breach": [0.002, 1.0],
            "limit": [6.0, float("nan")],
        }
    )
    html = style_table(table, "pl").to_html()
    assert _cells(html) == [
        f"20{NBSP}000",
        "78%",
        "0,2%",
        "6,00",
        f"1{NBSP}500",
        "105%",
        "100,0%",
        "\N{EM DASH}",
    ]
    assert "nan" not in html


def test_polish_tables_translate_sides_and_write_dates_the_polish_way() -> None:
    """buy/sell read kupno/sprzedaż; ISO days and months read 01.05.2026 and 01.2026; the
    answers participants type (ok, due, approve) keep their English values."""
    table = pd.DataFrame(
        {
            "side": ["buy", "sell"],
            "due_date": ["2026-05-01", "2026-04-24"],
            "period": ["2026-01", "2026-02"],
            "status": ["ok", "over"],
        }
    )
    polish = _cells(style_table(table, "pl").to_html())
    assert polish == [
        "kupno",
        "01.05.2026",
        "01.2026",
        "ok",
        "sprzedaż",
        "24.04.2026",
        "02.2026",
        "over",
    ]
    english = _cells(style_table(table, "en").to_html())
    assert english == [
        "buy",
        "2026-05-01",
        "2026-01",
        "ok",
        "sell",
        "2026-04-24",
        "2026-02",
        "over",
    ]


def test_table_headers_name_their_units() -> None:
    """Period comparisons say pb, ms and the report's currency in their headers."""
    table = pd.DataFrame(
        {
            "strategy": ["momentum"],
            "cost_bps_before": [6.58],
            "decision_latency_ms_change": [33.5],
            "extra_cost": [28021.17],
            "p_net_pnl_negative": [0.5],
        }
    )
    assert _headers(style_table(table, "pl", currency="USD").to_html()) == [
        "strategia",
        "koszt wykonania przed (pb)",
        "zmiana opóźnienia decyzji (ms)",
        "dodatkowy koszt po zmianie (USD)",
        "P(wynik netto < 0)",
    ]
    assert _headers(style_table(table, "en").to_html()) == [
        "strategy",
        "execution cost before (bps)",
        "change of decision latency (ms)",
        "extra cost after the shift",
        "P(net PnL < 0)",
    ]


def test_polish_alert_names_keep_the_rule_but_read_polish() -> None:
    """The Prometheus rule 14.4x 1h/5m reads 14,4 times 1 h/5 min in a Polish table."""
    table = pd.DataFrame({"alert": ["14.4x 1h/5m", "1x 3d/6h"], "times_fired": [3, 349]})
    assert _cells(style_table(table, "pl").to_html()) == [
        f"14,4\N{MULTIPLICATION SIGN} 1{NBSP}h/5{NBSP}min",
        "3",
        f"1\N{MULTIPLICATION SIGN} 3{NBSP}d/6{NBSP}h",
        "349",
    ]
    assert _cells(style_table(table, "en").to_html())[0] == "14.4x 1h/5m"
