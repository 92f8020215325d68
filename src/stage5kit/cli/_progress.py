"""Progress bars and logging for long commands: one helper, so every bar behaves the same.

A bar shows done/total, rate and ETA on stderr. It stays silent when the output is for a
machine (``--format json``), when the user asked for quiet (``stage5kit --quiet``) or when
stderr is not a terminal (a pipe, a log file, CI). ``stage5kit -v`` turns on the standard
:mod:`logging` output of every layer on stderr (``-vv`` for debug detail).
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Never

import click

if TYPE_CHECKING:
    from tqdm import tqdm

_QUIET_KEY = "stage5kit.quiet"
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_output(ctx: click.Context, *, verbose: int, quiet: bool) -> None:
    """Remember ``--quiet`` for every bar of this run; ``-v`` logs INFO, ``-vv`` DEBUG."""
    ctx.meta[_QUIET_KEY] = quiet
    if verbose:
        level = logging.INFO if verbose == 1 else logging.DEBUG
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        package = logging.getLogger("stage5kit")
        package.addHandler(handler)
        package.setLevel(level)


def progress_wanted(output_format: str = "text") -> bool:
    """True when a bar may be drawn: text output, no ``--quiet``, stderr a terminal."""
    context = click.get_current_context(silent=True)
    quiet = bool(context is not None and context.meta.get(_QUIET_KEY, False))
    return output_format != "json" and not quiet and sys.stderr.isatty()


def progress_bar(
    *, total: float | None, unit: str, desc: str, output_format: str = "text"
) -> tqdm[Never]:
    """A tqdm bar on stderr with a total and an ETA (disabled per :func:`progress_wanted`)."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit=unit,
        desc=desc,
        file=sys.stderr,
        dynamic_ncols=True,
        unit_scale=unit.strip() in {"trades", "rows"},
        disable=not progress_wanted(output_format),
    )
