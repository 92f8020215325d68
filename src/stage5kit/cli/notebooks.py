"""`stage5kit notebooks list` and `stage5kit notebooks copy DIR`: the notebooks the kit ships."""

from __future__ import annotations

import json
from pathlib import Path

import click

from stage5kit.cli._options import format_option


@click.group("notebooks")
def notebooks() -> None:
    """The report notebooks shipped with the kit: list them, copy them out for JupyterLab."""


@notebooks.command("list")
@format_option(help_text="text: one line per notebook; json: name, title and path.")
def list_notebooks(output_format: str) -> None:
    """Show each shipped notebook's name (usable in `report run NAME`), title and file."""
    from stage5kit.reporting import bundled_notebooks

    found = bundled_notebooks()
    if output_format == "json":
        payload = [{"name": n.name, "title": n.title, "path": str(n.path)} for n in found]
        click.echo(json.dumps(payload, indent=2))
        return
    width = max((len(n.name) for n in found), default=0)
    for notebook in found:
        click.echo(f"{notebook.name:<{width}}  {notebook.title}")
    if found:
        click.echo(f"folder: {found[0].path.parent}")


@notebooks.command("copy")
@click.argument("target", type=click.Path(path_type=Path))
def copy(target: Path) -> None:
    """Put editable copies of the notebooks and sample inputs into TARGET (a new folder)."""
    from stage5kit.reporting import copy_notebooks

    copied = copy_notebooks(target)
    for path in copied:
        click.echo(str(path))
    click.echo(f"open them with: jupyter lab {target / 'notebooks'}")
