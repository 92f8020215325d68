"""A progress bar on stderr with a total and an ETA, quiet when nobody is watching.

Shown only when stderr is a terminal and the command prints text (``--format json``
output is for machines). Commands count work in their own unit: rows, bytes, reports.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(
    *, total: float | None, unit: str, quiet: bool = False
) -> Iterator[Callable[[float], object]]:
    """Yield ``advance(amount)``; a tqdm bar with ``total`` and an ETA when stderr is a tty."""
    if quiet or not sys.stderr.isatty():
        yield _ignore
        return
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, unit_scale=True, file=sys.stderr, leave=False) as bar:
        yield bar.update


def _ignore(amount: float) -> None:
    """Progress nobody sees."""
