"""Trade-id keys and the ledger: equal ids give equal keys, repeats are found once, anywhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.core.trades.trade_ids import TradeIdLedger, id_keys, name_repeats


def _arrow(values: list[str]) -> pd.Series:
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values, type=pa.large_string())))


@given(st.lists(st.text(max_size=40), min_size=1, max_size=60))
def test_keys_are_equal_exactly_for_equal_ids(values: list[str]) -> None:
    """Hashing over Arrow buffers: same id, same key; distinct ids (a few dozen) never collide."""
    keys = id_keys(_arrow(values))
    by_value: dict[str, int] = {}
    for value, key in zip(values, keys.tolist(), strict=True):
        assert by_value.setdefault(value, key) == key
    assert len(set(by_value.values())) == len(by_value)


@given(st.lists(st.text(alphabet="ab -", max_size=20), min_size=2, max_size=30, unique=True))
def test_keys_do_not_depend_on_the_batch(values: list[str]) -> None:
    """A key is the same whether its id sits in an ASCII, mixed-width or one-id batch."""
    whole = id_keys(_arrow(values))
    single = np.concatenate([id_keys(_arrow([v])) for v in values])
    assert whole.tolist() == single.tolist()
    assert id_keys(_arrow([*values, "ż"]))[:-1].tolist() == whole.tolist()


def test_padding_never_makes_two_ids_equal() -> None:
    """'ab' and 'ab ' (the ASCII padding) differ, as do ids differing past 8 bytes."""
    keys = id_keys(_arrow(["ab", "ab ", "abcdefgh1", "abcdefgh2", ""]))
    assert len(set(keys.tolist())) == 5


def test_integer_ids_are_their_own_keys() -> None:
    """Integer ids need no hash: the key is the value."""
    assert id_keys(pd.Series([5, -1, 7])).view(np.int64).tolist() == [5, -1, 7]


@pytest.mark.parametrize("kind", ["int", "str"])
def test_ledger_finds_a_repeat_after_the_order_breaks(kind: str) -> None:
    """Increasing batches keep nothing; once a batch breaks the order, the early ids are
    keyed again from the replay and a repeat in the first batch is found."""

    def make(numbers: list[int]) -> pd.Series:
        return pd.Series(numbers) if kind == "int" else _arrow([f"{x:04d}" for x in numbers])

    batches = [make([1, 2, 3]), make([4, 5, 6]), make([9, 8, 2])]
    ledger = TradeIdLedger()
    for ids in batches:
        ledger.add(ids)
    repeated = ledger.repeated_keys(iter(batches))
    assert len(repeated) == 1
    assert repeated.tolist() == id_keys(make([2])).tolist()


def test_increasing_ids_need_no_second_look() -> None:
    """While ids increase across batches the replay is never read."""
    ledger = TradeIdLedger()
    ledger.add(_arrow(["A1", "A2"]))
    ledger.add(_arrow(["A3", "B1"]))

    def replay() -> pd.Series:
        raise AssertionError

    assert len(ledger.repeated_keys(iter([replay]))) == 0  # type: ignore[list-item]


def test_name_repeats_names_both_rows_and_skips_collisions() -> None:
    """Only ids that are really equal are reported, at the repeat, naming the first."""
    located = [("a.csv", 2, "X"), ("a.csv", 3, "Y"), ("b.parquet", 7, "X")]
    problems, count = name_repeats(located)
    assert count == 1
    assert (problems[0].path, problems[0].row, problems[0].value) == ("b.parquet", 7, "X")
    assert "first at a.csv, row 2" in problems[0].message
