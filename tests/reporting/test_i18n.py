"""Report language: number, money, percent and date formats, and a complete Polish catalog."""

from __future__ import annotations

import io
import json
import re
import string
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir, extract_python
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.core import BUILTIN_SCENARIOS
from stage5kit.errors import ConfigError
from stage5kit.reporting.i18n import (
    catalog,
    check_lang,
    format_count,
    format_date,
    format_factor,
    format_money,
    format_number,
    format_percent,
    format_short_date,
    format_window,
    translate,
)
from stage5kit.reporting.labels import COLUMN_LABELS, VALUE_LABELS
from stage5kit.reporting.plotly_locale import PLOTLY_TEXTS
from stage5kit.reporting.report_text import SECTIONS
from stage5kit.reporting.stress_reading import ADVICE
from stage5kit.reporting.tco_view import HEADLINE

ROOT = Path(__file__).resolve().parents[2]
REPORTING = ROOT / "src" / "stage5kit" / "reporting"
NOTEBOOKS = ("tco_analysis", "stress_test", "workshop_exercise")
NBSP = "\N{NO-BREAK SPACE}"
COST_COMPONENTS = ("maker fees", "taker fees", "rebates", "slippage", "infra", "total")
DEFAULT_TITLES = ("Where the money goes",)


def english_sources() -> set[str]:
    """Every English text the reports translate: translate() calls in code and notebooks, tables."""
    found = {
        message
        for _, _, message, *_ in extract_from_dir(
            str(REPORTING), method_map=[("**.py", "python")], keywords={"translate": (2,)}
        )
        if isinstance(message, str)
    }
    assert len(found) > 50  # the extraction itself works
    for name in NOTEBOOKS:
        notebook = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            code = io.BytesIO("".join(cell["source"]).encode("utf-8"))
            for _, _, message, _ in extract_python(code, {"translate": None}, [], {}):
                if isinstance(message, tuple) and len(message) > 1 and message[1]:
                    found.add(message[1])
    tables = [
        *COLUMN_LABELS.values(),
        *(word for words in VALUE_LABELS.values() for word in words),
        *PLOTLY_TEXTS,
        *ADVICE.values(),
        *SECTIONS.values(),
        *(label for _, label, _ in HEADLINE),
        *COST_COMPONENTS,
        *DEFAULT_TITLES,
        *(s.description for s in BUILTIN_SCENARIOS),
    ]
    return found | set(tables)


@pytest.mark.parametrize(
    ("value", "lang", "options", "text"),
    [
        (1234567.891, "pl", {}, f"1{NBSP}234{NBSP}567,89"),
        (1234567.891, "en", {}, "1,234,567.89"),
        (-1234.5, "pl", {}, f"-1{NBSP}234,50"),
        (-1234.5, "en", {}, "-1,234.50"),
        (2.2151, "pl", {"signed": True}, "+2,22"),
        (2.2151, "en", {"signed": True}, "+2.22"),
        (70001.3, "pl", {"decimals": 0}, f"70{NBSP}001"),
        (4.56, "pl", {}, "4,56"),
        (float("nan"), "pl", {}, "b/d"),
        (float("inf"), "en", {}, "n/a"),
    ],
)
def test_numbers(value: float, lang: str, options: dict[str, Any], text: str) -> None:
    """Polish: non-breaking space between thousands, decimal comma; English: comma and point."""
    assert format_number(value, lang, **options) == text


def test_counts_money_and_percent() -> None:
    """Counts are whole, money ends in its currency code, shares read as percentages."""
    assert format_count(20000, "pl") == f"20{NBSP}000"
    assert format_count(20000, "en") == "20,000"
    assert format_money(12548, "USD", "pl") == f"12{NBSP}548,00 USD"
    assert format_money(12548, "USD", "en") == "12,548.00 USD"
    assert format_percent(0.125, "pl") == "12,5%"
    assert format_percent(0.125, "en") == "12.5%"
    assert format_percent(0.05, "pl", decimals=0, signed=True) == "+5%"


@pytest.mark.parametrize(
    ("day", "lang", "long", "short"),
    [
        ("2026-03-14", "pl", "14 marca 2026", "14.03.2026"),
        ("2026-01-01", "pl", "1 stycznia 2026", "01.01.2026"),
        ("2025-12-31", "pl", "31 grudnia 2025", "31.12.2025"),
        ("2026-03-14", "en", "March 14, 2026", "2026-03-14"),
    ],
)
def test_dates(day: str, lang: str, long: str, short: str) -> None:
    """Prose dates have the month's name (Polish genitive); table dates are numeric."""
    assert format_date(day, lang) == long
    assert format_short_date(day, lang) == short


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 4))
def test_polish_numbers_read_back(value: float, decimals: int) -> None:
    """Undoing the Polish separators gives back the number to within one step of the last digit.

    (A decimal tie such as 0.125 rounds half up; Python rounds the nearest binary value.)
    """
    text = format_number(value, "pl", decimals=decimals)
    assert float(text.replace(NBSP, "").replace(",", ".")) == pytest.approx(
        float(f"{value:.{decimals}f}"), abs=1.5 * 10**-decimals
    )


@pytest.mark.parametrize(
    ("lang", "factor", "window", "factor_text", "window_text"),
    [
        ("pl", 14.4, "5m", "14,4\N{MULTIPLICATION SIGN}", f"5{NBSP}min"),
        ("pl", 6.0, "3d", "6\N{MULTIPLICATION SIGN}", f"3{NBSP}d"),
        ("en", 14.4, "5m", "14.4x", "5m"),
    ],
)
def test_factors_and_windows(
    lang: str, factor: float, window: str, factor_text: str, window_text: str
) -> None:
    """Burn-rate factors and alert windows: 14,4 times, 5 min in Polish; 14.4x, 5m in English."""
    assert format_factor(factor, lang) == factor_text
    assert format_window(window, lang) == window_text


def test_an_unknown_language_is_refused() -> None:
    """A language without a catalog is a ConfigError naming the supported ones."""
    with pytest.raises(ConfigError, match="en, pl"):
        check_lang("de")


def test_a_text_missing_from_the_catalog_is_an_error_not_english() -> None:
    """Polish never falls back to English silently; English needs no catalog."""
    assert translate("en", "no such {thing}", thing="text") == "no such text"
    with pytest.raises(ConfigError, match="no translation"):
        translate("pl", "no such {thing}", thing="text")


def test_polish_catalog_covers_every_english_source() -> None:
    """Each English text of the reports has a Polish translation (none fuzzy or empty)."""
    missing = sorted(english_sources() - set(catalog("pl")))
    assert missing == []


def test_polish_translations_keep_the_placeholders() -> None:
    """A translation fills the same {fields} as its English source."""
    formatter = string.Formatter()
    for source, text in catalog("pl").items():
        fields = {name for _, name, _, _ in formatter.parse(source) if name}
        assert fields == {name for _, name, _, _ in formatter.parse(text) if name}, source


@pytest.mark.parametrize(
    "avoid",
    [r"\bkit\b", r"\bbps\b", "stres test", "per strategi", "notebook liczy", "daje polecenie"],
)
def test_polish_catalog_follows_the_glossary(avoid: str) -> None:
    """No term the glossary says to avoid appears in Polish prose (identifiers and fields aside)."""
    prose = [re.sub(r"`[^`]*`|\{\w*\}", "", text) for text in catalog("pl").values()]
    assert [text for text in prose if re.search(avoid, text.lower())] == []


def test_catalog_ships_as_package_data() -> None:
    """The .po file is listed as package data, so a wheel carries it."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"reporting/locales/*.po"' in pyproject
