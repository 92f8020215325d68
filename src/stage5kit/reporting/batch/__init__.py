"""Run a grid of reports: a local process pool by default, a Dask cluster when asked.

Workers only execute and render; the key stays in this process, which scans, signs and
renames each report into place. Every report is built in a temporary folder beside its
final one and renamed only once complete and signed, so a batch killed at any moment
resumes: a rerun skips every report whose signed manifest verifies for the same
parameters and rebuilds the rest. ``index.csv`` and ``index.html`` list every report.

- :mod:`~stage5kit.reporting.batch.grid`: the grid file and the report folder names;
- :mod:`~stage5kit.reporting.batch.backends`: where reports are built (registry of backends);
- :mod:`~stage5kit.reporting.batch.index`: the index files;
- :mod:`~stage5kit.reporting.batch.run`: the batch itself (resume, sealing, renaming).
"""

from __future__ import annotations

from stage5kit.reporting.batch.grid import BatchGrid, load_grid, report_names
from stage5kit.reporting.batch.index import INDEX_CSV, INDEX_HTML, write_index
from stage5kit.reporting.batch.result import BatchEntry, BatchResult, Status
from stage5kit.reporting.batch.run import run_batch

__all__ = [
    "INDEX_CSV",
    "INDEX_HTML",
    "BatchEntry",
    "BatchGrid",
    "BatchResult",
    "Status",
    "load_grid",
    "report_names",
    "run_batch",
    "write_index",
]
