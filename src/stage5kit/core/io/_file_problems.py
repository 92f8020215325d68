"""A trade-log file none of which can be read (unreadable or empty), as one checked problem."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stage5kit.core.trades.validation import CheckedTrades
from stage5kit.errors import InputProblem


def unreadable(path: Path, error: BaseException | str) -> CheckedTrades:
    """A file that cannot be opened or parsed, with the first line of the reason."""
    detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    problem = InputProblem(
        path=str(path),
        message=f"file cannot be read: {detail}",
        hint="check that it is a UTF-8 CSV or a Parquet file",
    )
    return CheckedTrades(
        frame=pd.DataFrame(), problems=(problem,), error_count=1, warnings=(), notes=()
    )


def empty(path: Path) -> CheckedTrades:
    """A file with no bytes, or a CSV with no header."""
    problem = InputProblem(
        path=str(path), message="file is empty", hint="export the trade log again"
    )
    return CheckedTrades(
        frame=pd.DataFrame(), problems=(problem,), error_count=1, warnings=(), notes=()
    )
