"""Trade logs and infra costs whose values break products, time ranges or the file's shape."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.robustness.conftest import assert_refused, edit_csv, run_cli

from stage5kit.core import generate_trades, write_trades
from stage5kit.core.io import _csv_trades


def _refused_tco(trades: Path, tmp_path: Path, *says: str, extra: tuple[str, ...] = ()) -> None:
    out = tmp_path / "out"
    outcome = run_cli(["tco", str(trades), "--out", str(out), *extra])
    assert_refused(outcome, says=(trades.name, *says))
    assert not out.exists()


@pytest.mark.parametrize("stamp", ["2300-01-01T00:00:00Z", "1600-06-01T12:00:00Z"])
def test_csv_timestamp_outside_the_range_is_an_input_error(
    trades_csv: Path, tmp_path: Path, stamp: str
) -> None:
    """A year 2300 or 1600 timestamp names row and column (was OutOfBoundsDatetime)."""
    bad = edit_csv(trades_csv, tmp_path / "years.csv", {(4, "timestamp"): stamp})
    _refused_tco(bad, tmp_path, "row 4", "column 'timestamp'", stamp, "outside the supported")


def test_parquet_millisecond_timestamp_in_2302_is_an_input_error(tmp_path: Path) -> None:
    """A Parquet timestamp[ms] in 2302 names its record (was a traceback)."""
    table = pa.Table.from_pandas(generate_trades(rows=50, seed=3, days=5), preserve_index=False)
    stamps = table.column("timestamp").cast(pa.timestamp("ms", tz="UTC")).to_pylist()
    stamps[6] = dt.datetime(2302, 1, 1, tzinfo=dt.UTC)
    table = table.set_column(0, "timestamp", pa.array(stamps, pa.timestamp("ms", tz="UTC")))
    path = tmp_path / "ms.parquet"
    pq.write_table(table, path)
    _refused_tco(path, tmp_path, "row 7", "column 'timestamp'", "2302-01-01")
    _refused_tco(path, tmp_path, "row 7", extra=("--batch-rows", "1000"))


def test_prices_whose_ratio_overflows_are_an_input_error(trades_csv: Path, tmp_path: Path) -> None:
    """arrival_price 1e-300 with fill_price 1e300 names the fill (was OverflowError in a sketch)."""
    cells = {(5, "arrival_price"): "1e-300", (5, "fill_price"): "1e300"}
    bad = edit_csv(trades_csv, tmp_path / "ratio.csv", cells)
    _refused_tco(bad, tmp_path, "row 5", "column 'fill_price'", "times arrival_price")


def test_quantity_times_price_overflow_is_an_input_error(trades_csv: Path, tmp_path: Path) -> None:
    """quantity = price = 1e200 is refused, not reported as cost_bps 0.0 with exit 0."""
    cells = {(6, "quantity"): "1e200", (6, "arrival_price"): "1e200", (6, "fill_price"): "1e200"}
    bad = edit_csv(trades_csv, tmp_path / "product.csv", cells)
    _refused_tco(bad, tmp_path, "row 6", "column 'quantity'", "times the price is above")


def test_product_underflow_is_an_input_error(trades_csv: Path, tmp_path: Path) -> None:
    """quantity = price = 1e-200 would make every bps figure divide by zero: refused."""
    cells = {(3, "quantity"): "1e-200", (3, "arrival_price"): "1e-200", (3, "fill_price"): "1e-200"}
    bad = edit_csv(trades_csv, tmp_path / "tiny.csv", cells)
    _refused_tco(bad, tmp_path, "row 3", "column 'quantity'", "too small")


def _parquet(tmp_path: Path, name: str, table: pa.Table) -> Path:
    path = tmp_path / name
    pq.write_table(table, path)
    return path


def _table() -> pa.Table:
    return pa.Table.from_pandas(generate_trades(rows=30, seed=4, days=3), preserve_index=False)


def test_parquet_with_a_repeated_column_name_is_an_input_error(tmp_path: Path) -> None:
    """Two 'fee' columns name the column (was AttributeError)."""
    table = _table()
    doubled = pa.Table.from_arrays(
        [*table.columns, table.column("fee")], names=[*table.column_names, "fee"]
    )
    _refused_tco(
        _parquet(tmp_path, "dup.parquet", doubled), tmp_path, "column 'fee'", "more than once"
    )


@pytest.mark.parametrize(
    ("column", "make"),
    [
        ("strategy", lambda values: pa.array([[v] for v in values])),
        ("quantity", lambda values: pa.array([{"q": v} for v in values])),
    ],
)
def test_parquet_nested_trade_column_is_an_input_error(
    tmp_path: Path, column: str, make: object
) -> None:
    """A list-typed label or struct-typed amount names the column (was KeyError)."""
    table = _table()
    index = table.column_names.index(column)
    nested = table.set_column(index, column, make(table.column(column).to_pylist()))  # type: ignore[operator]
    _refused_tco(
        _parquet(tmp_path, "nested.parquet", nested),
        tmp_path,
        f"column '{column}'",
        "nested values",
    )


def test_200_kb_field_names_row_and_column_with_a_short_value(
    trades_csv: Path, tmp_path: Path
) -> None:
    """A 200 KB fee names row 7 and column 'fee' with at most ~80 characters of it."""
    bad = edit_csv(trades_csv, tmp_path / "wide.csv", {(7, "fee"): "9" * 200_000})
    _refused_tco(bad, tmp_path, "row 7", "column 'fee'", "200,000 characters")


def test_unclosed_quote_names_where_the_field_starts(
    trades_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quote opened in row 5 and never closed is located at row 5, column 'venue'."""
    monkeypatch.setattr(_csv_trades, "MAX_FIELD_CHARS", 100_000)  # 16 Mi in real use
    lines = trades_csv.read_text(encoding="utf-8").replace('"', "").splitlines()
    fields = lines[4].split(",")
    fields[3] = '"unclosed'
    lines[4] = ",".join(fields)
    filler = ["x" * 1000] * 150
    bad = tmp_path / "quote.csv"
    bad.write_text("\n".join([*lines, *filler]) + "\n", encoding="utf-8")
    _refused_tco(bad, tmp_path, "row 5", "column 'venue'", "never closed")


def test_infra_costs_with_a_repeated_column_are_refused(trades_csv: Path, tmp_path: Path) -> None:
    """Two 'amount' columns are refused instead of the later, looser one silently winning."""
    infra = tmp_path / "infra.csv"
    infra.write_text("month,strategy,category,amount,amount\n2026-01,shared,servers,100,5\n")
    out = tmp_path / "out"
    outcome = run_cli(["tco", str(trades_csv), "--out", str(out), "--infra-costs", str(infra)])
    assert_refused(outcome, says=("infra.csv, row 1, column 'amount'", "more than once"))
    assert not out.exists()


def test_valid_log_still_runs(tmp_path: Path) -> None:
    """The checks leave a plain valid log alone (exit 0, both outputs written)."""
    trades = write_trades(generate_trades(rows=300, seed=2, days=5), tmp_path / "t.parquet")
    out = tmp_path / "out"
    outcome = run_cli(["tco", str(trades), "--out", str(out)])
    assert outcome.exit_code == 0, outcome.stderr
    assert (out / "tco_summary.json").is_file()
