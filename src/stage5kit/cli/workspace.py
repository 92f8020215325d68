"""`stage5kit init [DIR]`: create the workspace tree the seed's tools share."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=Path(), required=False
)
@click.option(
    "--with-key",
    is_flag=True,
    help="Also write a new HMAC decision-log key to secrets/decision_log.key (0600).",
)
def init(directory: Path, *, with_key: bool) -> None:
    """Create the workspace in DIRECTORY (default: here); no keys unless asked."""
    from stage5kit.compliance import init_workspace

    workspace, created = init_workspace(directory, with_key=with_key)
    for path in created:
        click.echo(f"created {click.format_filename(path)}", err=True)
    click.echo(f"workspace ready at {click.format_filename(workspace.root)}", err=True)
