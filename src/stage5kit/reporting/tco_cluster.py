"""TCO of a multi-file trade log on a Dask cluster: one file per task, merged here.

Each worker reads its file itself (shared file system), validates it and reduces it to a
mergeable partial (:func:`~stage5kit.core.io.streaming.aggregate_one_file`) plus the
sorted 64-bit keys of its trade ids. The caller merges the partials in file order, the
same merge a local streamed run does, so both give the same bytes; the keys reveal ids
repeated across files, which the workers then locate so both rows are named.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stage5kit.core import TcoOptions, summarise_partial
from stage5kit.core.io import trade_files
from stage5kit.core.io.streaming import FileAggregate, aggregate_one_file, merge_file_aggregates
from stage5kit.core.io.trade_logs import DEFAULT_BATCH_ROWS, locate_trade_ids
from stage5kit.core.trades.trade_ids import name_repeats
from stage5kit.errors import ConfigError, InputError, InputProblem

if TYPE_CHECKING:
    from stage5kit.core import Budget, TcoResult, Thresholds


def analyse_tco_on_cluster(
    path: str | Path,
    scheduler: str,
    options: TcoOptions = TcoOptions(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    infra_costs: pd.DataFrame | None = None,
    thresholds: Thresholds | None = None,
    budget: Budget | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Callable[[int], object] | None = None,
) -> TcoResult:
    """Like :func:`~stage5kit.core.analyse_tco_file` on a folder or glob, one task per file.

    ``progress`` is called with each finished file's trade count.
    """
    try:
        from distributed import Client
    except ImportError as error:
        msg = "--scheduler needs Dask: pip install 'stage5kit[dask]'"
        raise ConfigError(msg) from error
    files = [str(f) for f in trade_files(path)]
    with Client(scheduler) as client:
        futures = [
            client.submit(aggregate_one_file, f, by=options.by, batch_rows=batch_rows, pure=False)
            for f in files
        ]
        parts: list[FileAggregate] = []
        keys: list[np.ndarray] = []
        problems: list[InputProblem] = []
        for future in futures:
            failure = future.exception()
            if isinstance(failure, InputError) and failure.problems:
                problems.extend(failure.problems)
                continue
            part, file_keys = future.result()
            parts.append(part)
            keys.append(file_keys)
            if progress is not None:
                progress(part.rows)
        if problems:
            raise InputError.from_problems(problems)
        repeated = _repeated(keys)
        if len(repeated):
            located = client.gather(
                [client.submit(locate_trade_ids, f, repeated, batch_rows) for f in files]
            )
            found, count = name_repeats(item for rows in located for item in rows)
            if count:
                raise InputError.from_problems(found, total=count)
    total = merge_file_aggregates(parts)
    return summarise_partial(
        total.partial,
        options,
        infra_costs=infra_costs,
        thresholds=thresholds,
        budget=budget,
        notes=total.notes,
    )


def _repeated(keys: list[np.ndarray]) -> np.ndarray:
    """Keys held by more than one trade over all files (each file's keys are unique)."""
    merged = np.concatenate(keys)
    merged.sort()
    return np.unique(merged[1:][merged[1:] == merged[:-1]])
