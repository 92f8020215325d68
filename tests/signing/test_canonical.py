"""canonicalize_json: its C-encoder fast path gives exactly the RFC 8785 reference's bytes."""

from __future__ import annotations

import math

import pytest
import rfc8785
from hypothesis import example, given, settings
from hypothesis import strategies as st

from stage5kit.errors import InputError
from stage5kit.signing import canonicalize_json

KEYS = st.text(max_size=8) | st.sampled_from(["a", "B", "\ue000", "\U0001f600", "é", "seq"])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, 1e-4, 9.99e-5, 1e16, 1e21, 2.0**53, 2.0**53 - 1, 5e-324])
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


def _reference(value: object) -> bytes | None:
    """The rfc8785 package's bytes, or None when it refuses the value."""
    try:
        return rfc8785.dumps(value)  # type: ignore[arg-type]
    except rfc8785.CanonicalizationError:
        return None


@settings(max_examples=400)
@given(VALUES)
@example({"limit": 12.0, "value": 5.54, "big": 1e16, "tiny": 1e-7, "n": 2**53})
@example({"\U0001f600": 1, "\ue000": 2})
@example(["\ud800"])
def test_fast_path_gives_the_reference_bytes(value: object) -> None:
    expected = _reference(value)
    if expected is None:
        with pytest.raises(InputError, match="cannot be written as canonical JSON"):
            canonicalize_json(value)
    else:
        assert canonicalize_json(value) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12.0, "12"),
        (-0.0, "0"),
        (1e16, "10000000000000000"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.0001, "0.0001"),
        (2.0**53, "9007199254740992"),
        ({"b": 1, "a": [True, None, "x\n"]}, '{"a":[true,null,"x\\n"],"b":1}'),
    ],
)
def test_known_forms(value: object, text: str) -> None:
    assert canonicalize_json(value) == text.encode()


@pytest.mark.parametrize("value", [math.nan, math.inf, 2**53, {1: "x"}, {"a": object()}])
def test_refused_values_name_what(value: object) -> None:
    with pytest.raises(InputError, match="payload: cannot be written as canonical JSON"):
        canonicalize_json(value, what="payload")
