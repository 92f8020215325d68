"""Candidate orders: the columns the decision engine takes, checked like a trade log.

Every problem is located by file, editor row (the header is row 1), column and value,
with a fix; the checked frame is typed (quantity, price float64; side buy/sell).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stage5kit.errors import InputError, InputProblem

TEXT_COLUMNS = ("strategy", "venue", "symbol", "side")
PRICE_COLUMNS = ("price", "limit_price", "arrival_price")
CANDIDATE_COLUMNS = ("order_id", "strategy", "venue", "symbol", "side", "quantity", "price")
SIDES = ("buy", "sell")
_COLUMNS_HINT = (
    "candidate orders have columns strategy, venue, symbol, side, quantity and price"
    " (or limit_price / arrival_price), optionally order_id"
)


def _shown(value: object) -> str:
    return str(value)[:80]


def _numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Floats of a column (text or numeric) and the mask of cells that are not numbers."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, ~np.isfinite(values)
    values = pd.to_numeric(column.astype(str).str.strip(), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    return values, ~np.isfinite(values)


def check_candidates(frame: pd.DataFrame, *, path: str, first_row: int = 2) -> pd.DataFrame:
    """Validate candidate orders; raise one InputError listing every problem, else the typed frame.

    ``first_row`` is the editor row of the first data row (2 for a CSV with a header).
    """
    columns = [str(c).strip() for c in frame.columns]
    frame = frame.set_axis(columns, axis=1)
    price_column = next((c for c in PRICE_COLUMNS if c in columns), "")
    missing = [c for c in (*TEXT_COLUMNS, "quantity") if c not in columns]
    if not price_column:
        missing.append("price")
    if missing:
        missing_columns = [
            InputProblem(
                path=path,
                row=1,
                column=name,
                message="required column is missing",
                hint=_COLUMNS_HINT,
            )
            for name in missing
        ]
        raise InputError.from_problems(missing_columns)
    if frame.empty:
        msg = f"{path}: no candidate orders (the file has a header and no rows)"
        raise InputError(msg, path=path)
    problems: list[InputProblem] = []
    text = {c: frame[c].astype(str).str.strip() for c in TEXT_COLUMNS}
    rows = np.arange(len(frame)) + first_row

    def add(mask: np.ndarray, column: str, raw: pd.Series, message: str, hint: str) -> None:
        for position in np.flatnonzero(mask)[:50]:
            problems.append(
                InputProblem(
                    path=path,
                    row=int(rows[position]),
                    column=column,
                    value=_shown(raw.iloc[position]),
                    message=message,
                    hint=hint,
                )
            )

    for column in ("strategy", "venue", "symbol"):
        empty = (text[column] == "") | frame[column].isna().to_numpy()
        add(empty.to_numpy(), column, frame[column], "is empty", f"give the order's {column}")
    side = text["side"].str.lower()
    add(~side.isin(SIDES).to_numpy(), "side", frame["side"], "is not a side", "write buy or sell")
    quantity, bad_quantity = _numbers(frame["quantity"])
    add(bad_quantity | (quantity <= 0), "quantity", frame["quantity"], "is not a quantity > 0",
        _decimal_hint(frame["quantity"]))  # fmt: skip
    price, bad_price = _numbers(frame[price_column])
    add(bad_price | (price <= 0), price_column, frame[price_column], "is not a price > 0",
        _decimal_hint(frame[price_column]))  # fmt: skip
    if problems:
        problems.sort(
            key=lambda p: (p.row or 0, columns.index(p.column or "") if p.column in columns else 0)
        )
        raise InputError.from_problems(problems)
    order_ids = (
        frame["order_id"].astype(str).str.strip().to_numpy(dtype=object)
        if "order_id" in columns
        else np.array([f"row-{r}" for r in rows], dtype=object)
    )
    return pd.DataFrame(
        {
            "order_id": order_ids,
            "strategy": text["strategy"].to_numpy(dtype=object),
            "venue": text["venue"].to_numpy(dtype=object),
            "symbol": text["symbol"].to_numpy(dtype=object),
            "side": side.to_numpy(dtype=object),
            "quantity": quantity,
            "price": price,
        }
    )


def _decimal_hint(column: pd.Series) -> str:
    if column.astype(str).str.contains(",", regex=False).any():
        return "use '.' as the decimal separator"
    return "a number greater than 0"


def replay_candidates(trades: pd.DataFrame, *, last: int) -> pd.DataFrame:
    """The ``last`` trades of a trade log as candidate orders (the desk's recent flow replayed).

    The trade id becomes the order id and the arrival price the order's price.
    """
    recent = trades.tail(last)
    orders = pd.DataFrame(
        {
            "order_id": recent["trade_id"].astype(str).to_numpy(dtype=object),
            "strategy": recent["strategy"].astype(str).to_numpy(dtype=object),
            "venue": recent["venue"].astype(str).to_numpy(dtype=object),
            "symbol": recent["symbol"].astype(str).to_numpy(dtype=object),
            "side": recent["side"].astype(str).to_numpy(dtype=object),
            "quantity": recent["quantity"].to_numpy(dtype=np.float64),
            "price": recent["arrival_price"].to_numpy(dtype=np.float64),
        }
    )
    return check_candidates(orders, path="trade log", first_row=len(trades) - len(recent) + 2)
