"""`stage5kit sample ...` (deterministic sample inputs) and `stage5kit tco` (TCO report)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("sample")
def sample() -> None:
    """Write deterministic sample inputs (same seed, same bytes)."""


@sample.command("trades")
@click.option("--rows", type=click.IntRange(min=1), default=20_000, show_default=True)
@click.option("--seed", type=int, default=5, show_default=True)
@click.option("--days", type=click.IntRange(min=1), default=120, show_default=True)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Target file; .csv or .parquet decides the format.",
)
def sample_trades(rows: int, seed: int, days: int, out: Path) -> None:
    """Write a synthetic trade log of ROWS trades (CSV or Parquet by suffix)."""
    from stage5kit.core import generate_trades, write_trades

    write_trades(generate_trades(rows=rows, seed=seed, days=days), out)
    click.echo(f"wrote {rows} trades to {out}", err=True)
