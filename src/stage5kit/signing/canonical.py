"""Canonical JSON (RFC 8785, JCS): the only byte form in which stage5kit signs JSON."""

from __future__ import annotations

import rfc8785

from stage5kit.errors import InputError


def canonicalize_json(value: object, *, what: str = "value") -> bytes:
    """Return the RFC 8785 bytes of a JSON value; InputError names ``what`` if it is not JSON.

    Objects need string keys; integers must fit a double exactly (|n| < 2**53); NaN and
    infinities are refused.
    """
    try:
        return rfc8785.dumps(value)  # type: ignore[arg-type]  # errors caught below
    except rfc8785.CanonicalizationError as error:
        msg = f"{what}: cannot be written as canonical JSON ({error})"
        raise InputError(msg) from None
