"""Canonical JSON (RFC 8785, JCS): the only byte form in which stage5kit signs JSON.

Most values are written by the C ``json`` encoder, which gives exactly the RFC 8785 bytes
for ASCII keys, safe integers and floats whose shortest form has no exponent in either
notation; anything else goes to the ``rfc8785`` reference implementation (about ten times
slower in pure Python). A property test checks that both give the same bytes.
"""

from __future__ import annotations

import json

import rfc8785

from stage5kit.errors import InputError

MAX_SAFE_INTEGER = 2**53 - 1
_FIXED_NOTATION = (1e-4, 1e16)
"""Floats ``x`` with ``lo <= |x| < hi`` print without exponent both in Python (repr) and
ECMAScript (RFC 8785 3.2.2.3), and with the same shortest round-trip digits."""

_ENCODER = json.JSONEncoder(
    ensure_ascii=False,
    allow_nan=False,
    sort_keys=True,
    separators=(",", ":"),
    check_circular=False,
)


class _NotPlain(Exception):  # noqa: N818 - internal control flow, never leaves this module
    """A value the C encoder would not write as RFC 8785 (the reference must)."""


def _plain(value: object) -> object:
    """``value`` with integral floats as ints; raise :class:`_NotPlain` when the C encoder's
    bytes could differ from RFC 8785's."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:  # type: ignore[operator]
            return value
        raise _NotPlain
    if kind is float:
        number: float = value  # type: ignore[assignment]
        if number.is_integer():
            if abs(number) <= MAX_SAFE_INTEGER:
                return int(number)
            raise _NotPlain
        if _FIXED_NOTATION[0] <= abs(number) < _FIXED_NOTATION[1]:
            return number
        raise _NotPlain
    if kind is dict:
        mapping: dict[object, object] = value  # type: ignore[assignment]
        if not all(type(key) is str and key.isascii() for key in mapping):
            raise _NotPlain
        return {key: _plain(item) for key, item in mapping.items()}
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]  # type: ignore[attr-defined]
    raise _NotPlain


def canonicalize_json(value: object, *, what: str = "value") -> bytes:
    """Return the RFC 8785 bytes of a JSON value; InputError names ``what`` if it is not JSON.

    Objects need string keys; integers must fit a double exactly (|n| < 2**53); NaN and
    infinities are refused.
    """
    try:
        return _ENCODER.encode(_plain(value)).encode("utf-8")
    except (_NotPlain, UnicodeEncodeError):
        pass
    try:
        return rfc8785.dumps(value)  # type: ignore[arg-type]  # errors caught below
    except rfc8785.CanonicalizationError as error:
        msg = f"{what}: cannot be written as canonical JSON ({error})"
        raise InputError(msg) from None
