"""Report language: the message catalog and number, money, percent and date formats.

English is the source language: every message is written in English in the code and
looked up, for another language, in ``locales/<lang>.po`` (a gettext catalog shipped as
package data and read with Babel's PO reader, so an editable install and a wheel behave
the same and no compile step is needed). Numbers and dates follow Babel's CLDR data:
``pl`` gives ``12 548,50`` (non-breaking space, decimal comma) and ``14 marca 2026``.
A message missing from a catalog is an error, never silent English in a Polish report.

A text with a count ("1 transakcja", "2 transakcje", "5 transakcji") is a gettext plural
message (``msgid``/``msgid_plural`` and one ``msgstr[i]`` per form); the form for a count
comes from the catalog's ``Plural-Forms`` header (Polish has three), see
:func:`translate_count`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import gettext
import math
import re
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from stage5kit.errors import ConfigError

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LANGUAGES = ("en", "pl")
DEFAULT_LANG = "en"
_LOCALES = {"en": "en_US", "pl": "pl_PL"}
_MISSING = {"en": "n/a", "pl": "b/d"}
# strftime patterns of a day and of a month in tables and on chart axes.
_SHORT_DATES = {"en": ("%Y-%m-%d", "%Y-%m"), "pl": ("%d.%m.%Y", "%m.%Y")}
# strftime pattern of a moment (day and minute) on a time axis.
_MINUTES = {"en": "%Y-%m-%d %H:%M", "pl": "%d.%m.%Y %H:%M"}
# How a Prometheus duration unit (``5m``, ``1h``, ``3d``) is written after its number.
_DURATION_UNITS = {"pl": {"s": "s", "m": "min", "h": "h", "d": "d", "w": "tyg."}}
_DURATION = re.compile(r"(\d+)([smhdw])")


def check_lang(lang: str) -> str:
    """Return ``lang`` when the kit has a catalog for it, else a ConfigError naming the choices."""
    if lang not in LANGUAGES:
        msg = f"lang {lang!r} is not supported; use one of: {', '.join(LANGUAGES)}"
        raise ConfigError(msg)
    return lang


@functools.cache
def read_catalog(lang: str) -> Catalog:
    """The Babel catalog of ``locales/<lang>.po``: header (``Plural-Forms``) and messages."""
    from babel.messages.pofile import read_po

    source = resources.files("stage5kit.reporting") / "locales" / f"{lang}.po"
    with source.open("rb") as handle:
        return read_po(handle, locale=_LOCALES[lang])


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """The translations of ``lang`` keyed by their English source (empty for English)."""
    if check_lang(lang) == DEFAULT_LANG:
        return {}
    return {
        str(message.id): str(message.string)
        for message in read_catalog(lang)
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


@functools.cache
def plural_catalog(lang: str) -> dict[str, tuple[str, ...]]:
    """The plural messages of ``lang``: English singular -> one text per plural form."""
    if check_lang(lang) == DEFAULT_LANG:
        return {}
    return {
        str(message.id[0]): tuple(str(form) for form in message.string)
        for message in read_catalog(lang)
        if isinstance(message.id, tuple | list)
        and isinstance(message.string, tuple | list)
        and all(message.string)
        and not message.fuzzy
    }


@functools.cache
def plural_rule(lang: str) -> Callable[[int], int]:
    """The index of the plural form ``lang`` uses for a count (its ``Plural-Forms`` header).

    English has two forms (1 / everything else); Polish three: 1, then 2-4, 22-24, ...
    (not 12-14), then the rest (0, 5-21, 25-31, ...).
    """
    if check_lang(lang) == DEFAULT_LANG:
        return gettext.c2py("n != 1")
    return gettext.c2py(str(read_catalog(lang).plural_expr))


def translate(lang: str, source: str, **fields: object) -> str:
    """``source`` (English) in ``lang``, with ``{name}`` fields filled from ``fields``."""
    if check_lang(lang) == DEFAULT_LANG:
        text = source
    else:
        try:
            text = catalog(lang)[source]
        except KeyError:
            msg = f"the {lang!r} catalog has no translation of {source[:60]!r}"
            raise ConfigError(msg) from None
    return text.format(**fields) if fields else text


def translate_count(lang: str, singular: str, plural: str, count: int, **fields: object) -> str:
    """The form of a message ``lang`` uses for ``count`` things (gettext's ``ngettext``).

    ``singular`` and ``plural`` are the English source; ``{count}`` is filled with the count
    in the language's number format (``1 000 000``) and ``{name}`` fields from ``fields``.
    """
    whole = int(count)
    if check_lang(lang) == DEFAULT_LANG:
        forms: tuple[str, ...] = (singular, plural)
    else:
        try:
            forms = plural_catalog(lang)[singular]
        except KeyError:
            msg = f"the {lang!r} catalog has no plural translation of {singular[:60]!r}"
            raise ConfigError(msg) from None
    text = forms[plural_rule(lang)(abs(whole))]
    return text.format(count=format_count(whole, lang), **fields)


def format_number(value: float, lang: str, *, decimals: int = 2, signed: bool = False) -> str:
    """A number with the language's thousands separator and decimal mark (``1 234,50``)."""
    from babel.numbers import format_decimal

    number = float(value)
    if not math.isfinite(number):
        return _MISSING[check_lang(lang)]
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):  # 21.05 -> 21.1, as people round
        text = format_decimal(
            number, format=pattern, locale=_LOCALES[check_lang(lang)], decimal_quantization=True
        )
    if signed and number >= 0:
        text = "+" + text
    return text


def number_symbols(lang: str) -> tuple[str, str]:
    """The decimal mark and thousands separator of ``lang`` (``(",", "\xa0")`` for Polish)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = _LOCALES[check_lang(lang)]
    return str(get_decimal_symbol(locale)), str(get_group_symbol(locale))


def format_count(value: float, lang: str) -> str:
    """A whole count with thousands separators (``20 000`` in Polish, ``20,000`` in English)."""
    return format_number(value, lang, decimals=0)


def format_money(value: float, currency: str, lang: str, *, decimals: int = 2) -> str:
    """An amount followed by its currency code (``12 548,00 USD``; ``12,548.00 USD``)."""
    number = format_number(value, lang, decimals=decimals)
    return f"{number} {currency}" if currency else number


def format_percent(share: float, lang: str, *, decimals: int = 1, signed: bool = False) -> str:
    """A share (0.125) as a percentage (``12,5%`` in Polish, ``12.5%`` in English)."""
    return f"{format_number(float(share) * 100.0, lang, decimals=decimals, signed=signed)}%"


def format_date(day: str | dt.date, lang: str) -> str:
    """A day as readers of ``lang`` write it in prose (``14 marca 2026``; ``March 14, 2026``)."""
    from babel.dates import format_date as babel_date

    date = dt.date.fromisoformat(day[:10]) if isinstance(day, str) else day
    return str(babel_date(date, format="long", locale=_LOCALES[check_lang(lang)]))


def format_short_date(day: str | dt.date, lang: str) -> str:
    """A day in a table or axis (``14.03.2026`` in Polish, ``2026-03-14`` in English)."""
    date = dt.date.fromisoformat(day[:10]) if isinstance(day, str) else day
    return date.strftime(date_patterns(lang)[0])


def date_patterns(lang: str) -> tuple[str, str]:
    """The strftime patterns of a day and of a month in tables and on chart axes of ``lang``
    (``%d.%m.%Y`` and ``%m.%Y`` in Polish, ISO in English)."""
    return _SHORT_DATES[check_lang(lang)]


def minute_pattern(lang: str) -> str:
    """The strftime pattern of a moment on a time axis (``14.03.2026 09:15`` in Polish)."""
    return _MINUTES[check_lang(lang)]


def format_factor(factor: float, lang: str) -> str:
    """A multiple such as a burn-rate factor: 14,4 and a multiplication sign in Polish,
    ``14.4x`` in English."""
    text = f"{float(factor):g}"
    if check_lang(lang) == DEFAULT_LANG:
        return f"{text}x"
    return f"{text.replace('.', number_symbols(lang)[0])}\N{MULTIPLICATION SIGN}"


def format_window(window: str, lang: str) -> str:
    """A Prometheus duration (``5m``, ``1h``) as readers of ``lang`` write it (``5 min``, ``1 h``).

    English and a text that is not one duration are returned unchanged.
    """
    match = _DURATION.fullmatch(window)
    if check_lang(lang) == DEFAULT_LANG or match is None:
        return window
    return f"{match.group(1)}\N{NO-BREAK SPACE}{_DURATION_UNITS[lang][match.group(2)]}"
