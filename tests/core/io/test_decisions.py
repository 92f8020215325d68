"""Candidate-order files are validated like trade logs: file, row, column, value and a fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stage5kit.core.io.decisions import load_candidate_orders
from stage5kit.errors import InputError

HEADER = "order_id,strategy,venue,symbol,side,quantity,price\n"
GOOD = "o1,momentum,binance,BTC-USDT,buy,0.5,64000\n"

BAD_FILES = {
    "missing_column.csv": (
        "order_id,strategy,venue,symbol,side,quantity\no1,m,b,BTC,buy,1\n",
        1, "price", "required column is missing",
    ),
    "empty_strategy.csv": (HEADER + GOOD + "o2,,binance,BTC,buy,1,1\n", 3, "strategy", "is empty"),
    "bad_side.csv": (HEADER + "o1,m,b,BTC,long,1,1\n", 2, "side", "not a side (write buy or sell)"),
    "zero_quantity.csv": (HEADER + "o1,m,b,BTC,buy,0,1\n", 2, "quantity", "is not a quantity > 0"),
    "decimal_comma.csv": (
        HEADER + "o1,m,b,BTC,buy,\"1,5\",1\n", 2, "quantity", "use '.' as the decimal separator",
    ),
    "negative_price.csv": (HEADER + "o1,m,b,BTC,sell,1,-3\n", 2, "price", "is not a price > 0"),
    "text_price.csv": (HEADER + "o1,m,b,BTC,sell,1,abc\n", 2, "price", "is not a price > 0"),
    "no_rows.csv": (HEADER, None, None, "no candidate orders"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_order_file_names_file_row_and_column(tmp_path: Path, name: str) -> None:
    """Every bad candidate file raises InputError at the right row and column, with a fix."""
    text, row, column, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_candidate_orders(path)
    assert name in str(caught.value)
    assert message in str(caught.value)
    assert (caught.value.row, caught.value.column) == (row, column)


def test_every_problem_is_listed(tmp_path: Path) -> None:
    """Two bad cells give one error listing both, first by row."""
    path = tmp_path / "two.csv"
    path.write_text(HEADER + "o1,m,b,BTC,hold,1,1\no2,m,b,BTC,buy,-1,1\n")
    with pytest.raises(InputError, match="2 problem\\(s\\) in input") as caught:
        load_candidate_orders(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "side"), (3, "quantity")]


def test_an_unreadable_file_says_what_is_expected(tmp_path: Path) -> None:
    """A file that is not CSV text is an InputError naming the file."""
    path = tmp_path / "orders.csv"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(InputError, match="cannot read the candidate orders"):
        load_candidate_orders(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    """A path that does not exist is an InputError, not a traceback."""
    with pytest.raises(InputError, match=r"no_such\.csv"):
        load_candidate_orders(tmp_path / "no_such.csv")


def test_parquet_orders_with_limit_price_are_read(tmp_path: Path) -> None:
    """Parquet works, limit_price stands for price, and order ids default to the row."""
    path = tmp_path / "orders.parquet"
    pd.DataFrame(
        {"strategy": ["m"], "venue": ["b"], "symbol": ["X"], "side": ["SELL"], "quantity": [2.0],
         "limit_price": [10.0]}
    ).to_parquet(path)  # fmt: skip
    orders = load_candidate_orders(path)
    assert orders.to_dict("records") == [
        {"order_id": "row-1", "strategy": "m", "venue": "b", "symbol": "X", "side": "sell",
         "quantity": 2.0, "price": 10.0}
    ]  # fmt: skip


def test_bad_parquet_rows_are_counted_from_1(tmp_path: Path) -> None:
    """In Parquet (no header row) the first order is row 1."""
    path = tmp_path / "orders.parquet"
    pd.DataFrame(
        {"strategy": ["m"], "venue": ["b"], "symbol": ["X"], "side": ["buy"], "quantity": [0.0],
         "price": [10.0]}
    ).to_parquet(path)  # fmt: skip
    with pytest.raises(InputError) as caught:
        load_candidate_orders(path)
    assert (caught.value.row, caught.value.column) == (1, "quantity")
