"""Trade logs load from CSV, Parquet and folders, validated, with timestamps in UTC."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stage5kit.core import generate_trades, iter_trade_batches, load_trades, write_trades
from stage5kit.core.trades.validation import NAIVE_TIMESTAMP_NOTE
from stage5kit.errors import InputError

HEADER = (
    "timestamp,trade_id,strategy,venue,symbol,side,liquidity,"
    "quantity,arrival_price,fill_price,fee,decision_latency_ms"
)
ROW = "2026-01-05T10:00:00Z,1,mm,binance,BTC-USD,buy,maker,1.5,100.0,100.1,0.01,5.0"


@pytest.fixture(scope="module")
def trades() -> pd.DataFrame:
    return generate_trades(rows=3_000, seed=2)


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in ("strategy", "venue", "symbol", "side", "liquidity"):
        out[name] = out[name].astype(str)
    out["timestamp"] = out["timestamp"].astype("datetime64[ns, UTC]")
    return out


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_written_log_loads_back_equal(tmp_path: Path, trades: pd.DataFrame, suffix: str) -> None:
    """A log written as CSV or Parquet loads back with the same values."""
    path = write_trades(trades, tmp_path / f"t{suffix}")
    pd.testing.assert_frame_equal(_comparable(load_trades(path)), _comparable(trades))


def test_folder_of_parquet_loads_as_one_log(tmp_path: Path, trades: pd.DataFrame) -> None:
    """A folder of Parquet files loads as their concatenation, in file-name order."""
    write_trades(trades.iloc[:1000], tmp_path / "a.parquet")
    write_trades(trades.iloc[1000:], tmp_path / "b.parquet")
    loaded = load_trades(tmp_path)
    pd.testing.assert_frame_equal(_comparable(loaded), _comparable(trades))
    assert all(isinstance(loaded[n].dtype, pd.CategoricalDtype) for n in ("strategy", "side"))


def test_batches_cover_the_log(tmp_path: Path, trades: pd.DataFrame) -> None:
    """Streaming batches of a CSV concatenate to the whole log."""
    path = write_trades(trades, tmp_path / "t.csv")
    batches = list(iter_trade_batches(path, batch_rows=500))
    assert len(batches) > 1
    joined = pd.concat([b.frame for b in batches], ignore_index=True)
    pd.testing.assert_frame_equal(_comparable(joined), _comparable(trades))


def test_offsets_convert_to_utc(tmp_path: Path) -> None:
    """A timestamp with a +02:00 offset becomes the same instant in UTC."""
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER}\n{ROW.replace('10:00:00Z', '12:00:00+02:00')}\n")
    loaded = load_trades(path)
    assert loaded["timestamp"].iloc[0] == pd.Timestamp("2026-01-05T10:00:00Z")
    assert loaded.attrs["notes"] == ()


def test_naive_timestamps_are_taken_as_utc_and_noted(tmp_path: Path) -> None:
    """Naive timestamps are read as UTC and the load notes it."""
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER}\n{ROW.replace('10:00:00Z', '10:00:00')}\n")
    loaded = load_trades(path)
    assert loaded["timestamp"].iloc[0] == pd.Timestamp("2026-01-05T10:00:00Z")
    assert NAIVE_TIMESTAMP_NOTE in loaded.attrs["notes"]


def test_mixed_naive_and_zoned_timestamps_load(tmp_path: Path) -> None:
    """A file mixing zoned and naive timestamps loads (slow path) with the note."""
    second = ROW.replace("10:00:00Z", "11:00:00").replace(",1,", ",2,", 1)
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER}\n{ROW}\n{second}\n")
    loaded = load_trades(path)
    assert list(loaded["timestamp"].dt.hour) == [10, 11]
    assert NAIVE_TIMESTAMP_NOTE in loaded.attrs["notes"]


def test_bom_crlf_and_quotes_are_read(tmp_path: Path) -> None:
    """A UTF-8 BOM, CRLF line ends and quoted fields read like a plain CSV."""
    quoted = ROW.replace("mm,", '"mm",').replace("1.5,", '"1.5",')
    path = tmp_path / "t.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + quoted + "\r\n").encode("utf-8"))
    loaded = load_trades(path)
    assert loaded["strategy"].iloc[0] == "mm"
    assert loaded["quantity"].iloc[0] == 1.5


def test_semicolon_file_with_decimal_commas_is_rejected_with_hint(tmp_path: Path) -> None:
    """A ';'-separated export with decimal commas names the cell and the '.' hint."""
    path = tmp_path / "t.csv"
    row = ROW.replace(",", ";").replace("1.5", "1,5")
    path.write_text(f"{HEADER.replace(',', ';')}\n{row}\n")
    with pytest.raises(InputError) as caught:
        load_trades(path)
    assert caught.value.row == 2
    assert caught.value.column == "quantity"
    assert "use '.' as the decimal separator" in str(caught.value)


def test_unknown_column_is_a_warning_note(tmp_path: Path) -> None:
    """An extra column does not fail the load; it is named in the notes."""
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER},comment\n{ROW},hello\n")
    loaded = load_trades(path)
    assert any("comment" in note and "unknown column" in note for note in loaded.attrs["notes"])


def test_many_problems_are_reported_at_most_fifty(tmp_path: Path) -> None:
    """A file with 80 bad rows reports 50 of them and the count of the rest."""
    rows = [ROW.replace(",1,", f",{i},", 1).replace("1.5", "-1") for i in range(80)]
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as caught:
        load_trades(path)
    assert len(caught.value.problems) == 50
    assert "80 problem(s)" in str(caught.value)
    assert "and 30 more problems" in str(caught.value)


def test_duplicates_across_folder_files_are_found(tmp_path: Path, trades: pd.DataFrame) -> None:
    """A trade id repeated in a second Parquet file is reported with both places."""
    write_trades(trades.iloc[:10], tmp_path / "a.parquet")
    write_trades(trades.iloc[5:20], tmp_path / "b.parquet")
    with pytest.raises(InputError) as caught:
        load_trades(tmp_path)
    assert caught.value.column == "trade_id"
    assert caught.value.path is not None
    assert caught.value.path.endswith("b.parquet")
    assert caught.value.row == 1


def test_repeat_across_streamed_batches_is_found(tmp_path: Path, trades: pd.DataFrame) -> None:
    """A string id repeated far apart in a CSV is found when streaming in small batches."""
    log = trades.iloc[:2_000].copy()
    log["trade_id"] = [f"T{i:05d}" for i in range(len(log))][::-1]
    log.loc[1_900, "trade_id"] = log.loc[10, "trade_id"]
    path = write_trades(log, tmp_path / "t.csv")
    with pytest.raises(InputError) as caught:
        list(iter_trade_batches(path, batch_rows=300))
    assert (caught.value.row, caught.value.column) == (1_902, "trade_id")
    assert "first at row 12" in str(caught.value)
    assert "row 12" in str(caught.value)


def test_unordered_unique_ids_pass(tmp_path: Path, trades: pd.DataFrame) -> None:
    """Unique ids in no particular order stream without a duplicate report."""
    log = trades.iloc[:2_000].copy()
    log["trade_id"] = log["trade_id"].to_numpy()[::-1]
    path = write_trades(log, tmp_path / "t.parquet")
    assert sum(len(b.frame) for b in iter_trade_batches(path, batch_rows=300)) == 2_000


def test_mid_file_naive_timestamp_streams_every_row_once(
    tmp_path: Path, trades: pd.DataFrame
) -> None:
    """A naive timestamp deep in a streamed CSV switches reader without losing or repeating rows."""
    path = write_trades(trades, tmp_path / "t.csv")
    lines = path.read_text().splitlines()
    lines[2_500] = lines[2_500].replace("Z", "", 1)
    path.write_text("\n".join(lines) + "\n")
    batches = list(iter_trade_batches(path, batch_rows=300))
    joined = pd.concat([b.frame for b in batches], ignore_index=True)
    pd.testing.assert_frame_equal(_comparable(joined), _comparable(trades))
    assert any(NAIVE_TIMESTAMP_NOTE in b.notes for b in batches)


def test_mid_file_bad_value_is_located_when_streaming(tmp_path: Path, trades: pd.DataFrame) -> None:
    """A bad value deep in a streamed CSV is reported at its editor row."""
    path = write_trades(trades, tmp_path / "t.csv")
    lines = path.read_text().splitlines()
    fields = lines[2_000].split(",")
    fields[7] = "-4"
    lines[2_000] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        list(iter_trade_batches(path, batch_rows=300))
    assert (caught.value.row, caught.value.column) == (2_001, "quantity")


@pytest.mark.parametrize(
    ("eol", "bom", "final_newline"),
    [("\r\n", True, True), ("\n", False, False), ("\r\n", False, False)],
)
def test_segmented_csv_reading_keeps_every_row(
    tmp_path: Path, trades: pd.DataFrame, eol: str, bom: bool, final_newline: bool
) -> None:
    """Streaming a CSV in many parallel-parsed segments gives the whole log, in order."""
    text = write_trades(trades, tmp_path / "plain.csv").read_text()
    lines = text.splitlines()
    body = eol.join(lines) + (eol if final_newline else "")
    path = tmp_path / "t.csv"
    path.write_bytes((("\ufeff" if bom else "") + body).encode("utf-8"))
    batches = list(iter_trade_batches(path, batch_rows=100))
    assert len(batches) > 10
    assert [b.first_row for b in batches][:2] == [2, 2 + len(batches[0].frame)]
    joined = pd.concat([b.frame for b in batches], ignore_index=True)
    pd.testing.assert_frame_equal(_comparable(joined), _comparable(trades))


def test_quoted_line_break_falls_back_to_the_exact_reader(tmp_path: Path) -> None:
    """A quoted field holding a line break streams correctly (the exact reader takes over)."""
    rows = [ROW.replace(",1,", f",{i},", 1) for i in range(1, 400)]
    rows[200] = rows[200].replace(",mm,", ',"m\nm",', 1)
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    batches = list(iter_trade_batches(path, batch_rows=50))
    joined = pd.concat([b.frame for b in batches], ignore_index=True)
    assert list(joined["trade_id"]) == list(range(1, 400))
    assert joined["strategy"].astype(str).iloc[200] == "m\nm"
