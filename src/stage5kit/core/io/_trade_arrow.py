"""Trade frames to and from Arrow: label columns dictionary-encoded, string trade ids in Arrow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from stage5kit.core.trades.schema import KEY_COLUMNS, TIMESTAMP, TRADE_ID

DICTIONARY_COLUMNS = (*KEY_COLUMNS, "side", "liquidity")


def to_frame(table: pa.Table) -> pd.DataFrame:
    """A pandas frame of an Arrow table; string trade ids stay Arrow (no Python objects)."""
    index = table.schema.get_field_index(TRADE_ID)
    kind = table.schema.field(index).type if index >= 0 else None
    if kind is not None and pa.types.is_dictionary(kind):
        kind = kind.value_type
        table = table.set_column(index, TRADE_ID, pc.cast(table.column(index), kind))
    if kind is None or not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        whole: pd.DataFrame = table.to_pandas(split_blocks=True)
        return whole
    ids = pd.arrays.ArrowExtensionArray(table.column(index))
    frame: pd.DataFrame = table.remove_column(index).to_pandas(split_blocks=True)
    frame.insert(index, TRADE_ID, pd.Series(ids, index=frame.index))
    return frame


def to_table(frame: pd.DataFrame, *, for_csv: bool) -> pa.Table:
    """A trade frame as Arrow: ISO UTC timestamp text for CSV, encoded labels for Parquet."""
    columns: dict[str, pa.Array] = {}
    for name in frame.columns:
        series = frame[name]
        if name == TIMESTAMP and for_csv:
            utc = series.dt.tz_localize("UTC") if series.dt.tz is None else series
            stamps = utc.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ms]")
            text = np.char.add(np.datetime_as_string(stamps, unit="ms"), "Z")
            columns[name] = pa.array(text, type=pa.string())
        elif isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object:
            array = pa.array(series.astype(object).to_numpy(), type=pa.string())
            columns[name] = array if for_csv or name == TRADE_ID else array.dictionary_encode()
        elif pd.api.types.is_string_dtype(series.dtype):
            array = pa.array(series.to_numpy(dtype=object), type=pa.string())
            columns[name] = array if for_csv or name == TRADE_ID else array.dictionary_encode()
        else:
            columns[name] = pa.array(series.to_numpy())
    return pa.table(columns)


def concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate validated frames, keeping label columns categorical across them."""
    if len(frames) == 1:
        return frames[0]
    labels = {
        name: union_categoricals([f[name] for f in frames], ignore_order=True)
        for name in DICTIONARY_COLUMNS
    }
    frame = pd.concat([f.drop(columns=list(labels)) for f in frames], ignore_index=True)
    for name, values in labels.items():
        frame[name] = values
    return frame[list(frames[0].columns)]
