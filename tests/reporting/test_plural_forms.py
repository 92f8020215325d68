"""Counts in participant-facing text take their plural form: "2 transakcje", "5 transakcji".

The Polish rule is written here a second time, independently of the catalog's
``Plural-Forms`` header, and every count the kit prints in Polish is checked against it.
"""

from __future__ import annotations

import dataclasses
import re
import string

import pytest
from babel.messages.plurals import get_plural
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.core import (
    SimulationSettings,
    TcoOptions,
    add_trade_costs,
    analyse_tco,
    compare_cost_periods,
    find_cost_shift,
    generate_trades,
    run_stress_test,
    select_scenarios,
)
from stage5kit.errors import ConfigError
from stage5kit.reporting import (
    describe_stress_result,
    describe_tco,
    draft_oem_message,
    trade_log_size,
)
from stage5kit.reporting.i18n import (
    catalog,
    format_count,
    plural_catalog,
    plural_rule,
    read_catalog,
    translate_count,
)

NBSP = "\N{NO-BREAK SPACE}"
TRADES = ("transakcja", "transakcje", "transakcji")
STRATEGIES = ("strategia", "strategie", "strategii")
VENUES = ("giełda", "giełdy", "giełd")
COUNTS = (0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 21, 22, 24, 25, 101, 102, 112, 1_000_000, 1_000_002)


def polish_form(count: int) -> int:
    """The Polish form of a whole count: 0 for one, 1 for 2-4 (not 12-14), 2 for the rest."""
    last, last_two = count % 10, count % 100
    if count == 1:
        return 0
    if last in (2, 3, 4) and last_two not in (12, 13, 14):
        return 1
    return 2


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 transakcji"),
        (1, "1 transakcja"),
        (2, "2 transakcje"),
        (4, "4 transakcje"),
        (5, "5 transakcji"),
        (12, "12 transakcji"),
        (14, "14 transakcji"),
        (21, "21 transakcji"),
        (22, "22 transakcje"),
        (25, "25 transakcji"),
        (101, "101 transakcji"),
        (102, "102 transakcje"),
        (112, "112 transakcji"),
        (1_000_000, f"1{NBSP}000{NBSP}000 transakcji"),
        (1_000_002, f"1{NBSP}000{NBSP}002 transakcje"),
    ],
)
def test_polish_counts_of_trades(count: int, text: str) -> None:
    """The examples a Polish reader checks first, with the Polish thousands separator."""
    assert translate_count("pl", "{count} trade", "{count} trades", count) == text


@given(st.integers(min_value=0, max_value=10**12))
def test_polish_plural_rule_matches_the_independent_rule(count: int) -> None:
    """The catalog's Plural-Forms header picks the form the Polish rule above picks."""
    assert plural_rule("pl")(count) == polish_form(count)
    expected = f"{format_count(count, 'pl')} {STRATEGIES[polish_form(count)]}"
    assert translate_count("pl", "{count} strategy", "{count} strategies", count) == expected


@given(st.integers(min_value=0, max_value=10**12))
def test_english_has_one_and_other(count: int) -> None:
    """English: the singular only for exactly one."""
    text = translate_count("en", "{count} venue", "{count} venues", count)
    assert text == f"{count:,} venue" + ("" if count == 1 else "s")


def test_the_header_is_cldrs_polish_rule_and_every_message_has_three_forms() -> None:
    """Plural-Forms agrees with Babel's CLDR data; each plural message fills every form."""
    rule = get_plural("pl")
    assert read_catalog("pl").num_plurals == rule.num_plurals == 3
    assert read_catalog("pl").plural_expr == rule.plural_expr
    assert plural_catalog("pl")
    for singular, forms in plural_catalog("pl").items():
        assert len(forms) == 3, singular
        assert all(form.strip() for form in forms), singular


def test_plural_translations_keep_the_placeholders() -> None:
    """Every Polish form fills the same {fields} as the English singular and plural."""
    formatter = string.Formatter()
    plurals = {
        str(m.id[0]): str(m.id[1]) for m in read_catalog("pl") if isinstance(m.id, tuple | list)
    }
    for singular, forms in plural_catalog("pl").items():
        fields = {name for _, name, _, _ in formatter.parse(singular) if name}
        assert fields == {name for _, name, _, _ in formatter.parse(plurals[singular]) if name}
        assert "count" in fields, singular
        for form in forms:
            assert fields == {name for _, name, _, _ in formatter.parse(form) if name}, form


def test_a_plural_missing_from_the_catalog_is_an_error() -> None:
    """No silent English for a count either."""
    assert translate_count("en", "{count} cat", "{count} cats", 2) == "2 cats"
    with pytest.raises(ConfigError, match="no plural translation"):
        translate_count("pl", "{count} cat", "{count} cats", 2)


@pytest.mark.parametrize("count", COUNTS)
def test_trade_log_size_names_each_count_in_its_form(count: int) -> None:
    """The log's size line: every noun agrees with its own count."""
    text = trade_log_size("pl", trades=count, strategies=count + 1, venues=count + 2)
    number = {n: format_count(n, "pl") for n in (count, count + 1, count + 2)}
    assert text == (
        f"{number[count]} {TRADES[polish_form(count)]}, "
        f"{number[count + 1]} {STRATEGIES[polish_form(count + 1)]}, "
        f"{number[count + 2]} {VENUES[polish_form(count + 2)]}"
    )
    assert (
        trade_log_size("en", trades=1, strategies=2, venues=1) == "1 trade, 2 strategies, 1 venue"
    )


@pytest.fixture(scope="module")
def trades():
    """A small synthetic log with a cost shift."""
    return generate_trades(rows=3000, seed=3, days=40)


@pytest.fixture(scope="module")
def stress(trades):
    """A small stress result with the workshop's scenario and a budget."""
    return run_stress_test(
        trades,
        select_scenarios(["exercise_cost_growth"]),
        SimulationSettings(paths=50, days=5, seed=1),
        budget=40_000.0,
    )


def _with_counts(stress, *, days: int, paths: int, history: int):
    """``stress`` with its settings saying ``days``, ``paths`` and ``history`` days."""
    simulation = dataclasses.replace(stress.settings.simulation, days=days, paths=paths)
    settings = dataclasses.replace(stress.settings, simulation=simulation, history_days=history)
    return dataclasses.replace(stress, settings=settings)


@pytest.mark.parametrize(
    ("days", "paths", "history", "words"),
    [
        (1, 1, 1, ("W ciągu 1 symulowanego dnia", "(1 ścieżka,", "historia z 1 dnia)")),
        (22, 2, 22, ("W ciągu 22 symulowanych dni", "(2 ścieżki,", "historia z 22 dni)")),
        (5, 1000, 12, ("W ciągu 5 symulowanych dni", f"(1{NBSP}000 ścieżek,", "z 12 dni)")),
        (21, 22, 101, ("W ciągu 21 symulowanych dni", "(22 ścieżki,", "historia z 101 dni)")),
    ],
)
def test_stress_reading_counts(stress, days: int, paths: int, history: int, words) -> None:
    """Horizon, paths and history in the stress reading agree with their counts."""
    first = describe_stress_result(
        _with_counts(stress, days=days, paths=paths, history=history), currency="USD", lang="pl"
    ).split("\n\n")[0]
    for word in words:
        assert word in first
    english = describe_stress_result(_with_counts(stress, days=1, paths=2, history=1))
    assert english.startswith("Over 1 simulated day (2 paths, seed 1, history of 1 day) ")


@pytest.mark.parametrize(
    ("count", "polish", "english"),
    [
        (1, "Przy **1 transakcji**", "Over **1 trade**"),
        (2, "Przy **2 transakcjach**", "Over **2 trades**"),
        (25, "Przy **25 transakcjach**", "Over **25 trades**"),
    ],
)
def test_tco_reading_counts(trades, count: int, polish: str, english: str) -> None:
    """The TCO reading's trade count: locative singular for one, plural otherwise."""
    result = analyse_tco(trades.head(40), TcoOptions(by=("strategy",)))
    counted = dataclasses.replace(result, overall={**result.overall, "n_trades": float(count)})
    assert describe_tco(counted, lang="pl").startswith(f"- {polish} ")
    assert describe_tco(counted).startswith(f"- {english} ")


@pytest.mark.parametrize(("days", "words"), [(1, "na 1 dzień"), (2, "na 2 dni"), (30, "na 30 dni")])
def test_oem_draft_counts_the_horizon(trades, stress, days: int, words: str) -> None:
    """The OEM draft's stress horizon: "na 1 dzień", "na 2 dni"."""
    shift = find_cost_shift(analyse_tco(trades, TcoOptions(by=("strategy",))).daily_costs)
    costed = add_trade_costs(trades)
    message = draft_oem_message(
        shift=shift,
        by_strategy=compare_cost_periods(costed, split=shift.day, by=("strategy",)),
        by_venue=compare_cost_periods(costed, split=shift.day, by=("venue",)),
        stress=_with_counts(stress, days=days, paths=50, history=40),
        currency="USD",
    )
    assert f"oczekiwany koszt {words} wynosi" in message


def plural_sources() -> set[tuple[str, str]]:
    """Every (singular, plural) English pair passed to translate_count in the reporting code."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir

    reporting = Path(__file__).resolve().parents[2] / "src" / "stage5kit" / "reporting"
    return {
        (message[0], message[1])
        for _, _, message, *_ in extract_from_dir(
            str(reporting), method_map=[("**.py", "python")], keywords={"translate_count": (2, 3)}
        )
        if isinstance(message, tuple) and all(isinstance(m, str) for m in message)
    }


def test_polish_catalog_covers_every_plural_source() -> None:
    """Each counted text of the reports has its Polish forms, under the same English plural."""
    plurals = {
        str(m.id[0]): str(m.id[1]) for m in read_catalog("pl") if isinstance(m.id, tuple | list)
    }
    sources = plural_sources()
    assert len(sources) >= 9
    assert sorted(s for s, p in sources if plurals.get(s) != p) == []


COUNT_FIELDS = {"count", "trades", "days", "paths", "history", "strategies", "venues"}
COUNT_FIELDS |= {"days_before", "days_after", "over"}
UNITS = {
    "pb",
    "ms",
    "USD",
    "z",
    "do",
    "w",
    "na",
    "oraz",
}  # units and words that agree with any count


def test_no_fixed_noun_follows_a_count_in_a_singular_polish_message() -> None:
    """A count in a one-form message is followed by punctuation, a unit or a preposition,
    never by a noun in one fixed form ("{trades} transakcji" is wrong for 22).
    """
    nouns = [
        (source, match.group(0))
        for source, text in catalog("pl").items()
        for match in re.finditer(r"\{(\w+)\} (\w+)", text)
        if match.group(1) in COUNT_FIELDS and match.group(2) not in UNITS
    ]
    assert nouns == []
