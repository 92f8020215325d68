"""`stage5kit report run`, `report batch` and `report params`: signed reports from notebooks.

NOTEBOOK is a path to an .ipynb file or the name of a notebook shipped with the kit
(`stage5kit notebooks list`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from stage5kit.cli._options import (
    format_option,
    key_option,
    optional_out_dir_option,
    out_dir_option,
    root_option,
    workspace_of,
)

if TYPE_CHECKING:
    from stage5kit.reporting.exercise_registration import ExerciseRegistration
    from stage5kit.signing import DeferredSigningKey

LITERAL_KEY_SCHEMES = ("hex:", "base64:")
KEY_HELP = (
    "Signing key spec (hex:, base64:, file:, env:VAR or a path). Default: "
    "{key_variables}; with none set the report is written unsigned, with a warning."
)


def _signing_key(spec: str | None) -> DeferredSigningKey | None:
    """The checked key spec to sign with (bytes read after the kernels), or None with a warning.

    This process becomes non-dumpable first, so other processes of the same user (the
    notebook kernel among them) cannot read its environment or memory; see docs/security.md.
    """
    from stage5kit.reporting.execute import CONFINEMENT_UNAVAILABLE, confinement_available
    from stage5kit.reporting.kernel_launch import make_non_dumpable
    from stage5kit.signing import KEY_ENV_VARS, check_signing_key

    make_non_dumpable()
    if not confinement_available():
        click.echo(CONFINEMENT_UNAVAILABLE, err=True)
    if spec is None and not any(os.environ.get(name) for name in KEY_ENV_VARS):
        click.echo(
            f"warning: no signing key (--key or ${KEY_ENV_VARS[0]}); "
            "the report is NOT signed and cannot be verified",
            err=True,
        )
        return None
    if spec is not None and spec.startswith(LITERAL_KEY_SCHEMES):
        click.echo(
            "warning: a key given as hex:/base64: on the command line can be read by other "
            "processes (ps, /proc/<pid>/cmdline), the notebook included; "
            f"use --key file:<path> or ${KEY_ENV_VARS[0]}",
            err=True,
        )
    return check_signing_key(spec)


_cell_timeout_option = click.option(
    "--cell-timeout",
    type=click.IntRange(min=1),
    default=600,
    show_default=True,
    help="Seconds one cell may run.",
)


@click.group("report")
def report() -> None:
    """Run notebooks headlessly into signed reports (HTML, PDF, results, manifest)."""


_notebook_argument = click.argument("notebook", metavar="NOTEBOOK")


def _resolve(notebook: str) -> Path:
    """NOTEBOOK as a file; a notebook without a parameters cell gets a warning."""
    from stage5kit.reporting import resolve_notebook
    from stage5kit.reporting.parameters import parameters_source

    path = resolve_notebook(notebook)
    if parameters_source(path) is None:
        click.echo(
            f"warning: {path.name} has no cell tagged 'parameters'; it runs unchanged "
            "(as papermill runs it) and accepts no -p values",
            err=True,
        )
    return path


@report.command("run")
@_notebook_argument
@click.option(
    "-p",
    "--parameter",
    "pairs",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="A notebook parameter; the value is checked against the parameters cell's type.",
)
@click.option(
    "-f",
    "--parameters-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML mapping of parameters; -p values override it.",
)
@optional_out_dir_option(
    "Report folder: report.ipynb, report.html, results.json, data, manifest."
    " Default: var/audit/tco/<notebook name>/ in the workspace."
)
@root_option()
@key_option(KEY_HELP)
@click.option("--pdf", is_flag=True, help="Also print report.pdf with headless Chromium.")
@click.option(
    "--cwd",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The kernel's working folder, as papermill's --cwd. Default: the report folder for "
    "notebooks that import stage5kit, the notebook's own folder for any other. record() and "
    "save_table() always write into the report.",
)
@_cell_timeout_option
@format_option(help_text="text: short lines for people; json: the same facts on stdout.")
def run(
    *,
    notebook: str,
    pairs: tuple[tuple[str, str], ...],
    parameters_file: Path | None,
    out_dir: Path | None,
    root: Path | None,
    key_spec: str | None,
    pdf: bool,
    cwd: Path | None,
    cell_timeout: int,
    output_format: str,
) -> None:
    """Run NOTEBOOK (a file or a shipped notebook's name) into a signed report folder OUT."""
    from stage5kit.cli._options import format_kpi
    from stage5kit.cli._progress import progress_wanted
    from stage5kit.reporting import prepare_report, run_report
    from stage5kit.reporting.exercise_registration import register_exercise
    from stage5kit.reporting.parameters import load_parameter_file

    given: dict[str, object] = {}
    if parameters_file is not None:
        given.update(load_parameter_file(parameters_file))
    given.update(dict(pairs))
    path = _resolve(notebook)
    prepare_report(path, given, cwd=cwd)
    key = _signing_key(key_spec)
    workspace = workspace_of(root)
    out_dir = out_dir if out_dir is not None else workspace.tco_dir / path.stem
    result = run_report(
        path,
        parameters=given,
        out_dir=out_dir,
        key=key,
        pdf=pdf,
        cell_timeout=cell_timeout,
        progress=progress_wanted(output_format),
        cwd=cwd,
        decision_log=workspace.decision_log,
    )
    echo_registration(
        register_exercise(result.results, result.folder, signed=result.signed, workspace=workspace)
    )
    if output_format == "json":
        payload = {
            "folder": str(result.folder),
            "html": str(result.html),
            "pdf": str(result.pdf) if result.pdf else None,
            "signed": result.signed,
            "parameters": result.parameters,
            "results": result.results,
            "seconds": round(result.seconds, 3),
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    state = "signed" if result.signed else "UNSIGNED"
    click.echo(f"report ({state}): {result.html}")
    if result.pdf:
        click.echo(f"pdf: {result.pdf}")
    for name, value in sorted(result.results.items()):
        click.echo(f"  {name}: {format_kpi(value)}")


def echo_registration(outcome: ExerciseRegistration) -> None:
    """Tell the participant (on stderr) whether the exercise went into the decision log."""
    from stage5kit.reporting.exercise_registration import NotRegistered

    if outcome.seq is not None:
        click.echo(f"exercise registered: stage5_training entry seq {outcome.seq}", err=True)
    elif outcome.reason is NotRegistered.NO_WORKSPACE:
        click.echo(
            "exercise: every self-check passed, but no workspace was found "
            "(run inside one made by `stage5kit init`, or pass --root); nothing registered",
            err=True,
        )
    elif outcome.reason is not NotRegistered.NOT_AN_EXERCISE:
        click.echo(
            "exercise: not every self-check passed (or the report is unsigned); "
            "nothing registered in the decision log",
            err=True,
        )


@report.command("batch")
@click.argument("grid", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@out_dir_option("Folder for one report folder per parameter set, index.csv and index.html.")
@root_option()
@click.option("--workers", type=click.IntRange(min=1), help="Local worker processes [CPU count].")
@click.option(
    "--scheduler", help="Dask scheduler address (tcp://host:8786) instead of a local pool."
)
@key_option(KEY_HELP)
@click.option("--pdf", is_flag=True, help="Also print report.pdf for each report.")
@_cell_timeout_option
@click.option(
    "--max-reports",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Refuse a grid of more reports than this, before anything starts.",
)
@click.option(
    "--wait",
    is_flag=True,
    help="If another batch is writing into OUT, wait for it instead of exiting 3.",
)
@format_option(help_text="text: short lines for people; json: the same facts on stdout.")
@click.pass_context
def batch(
    ctx: click.Context,
    *,
    grid: Path,
    out_dir: Path,
    root: Path | None,
    workers: int | None,
    scheduler: str | None,
    key_spec: str | None,
    pdf: bool,
    cell_timeout: int,
    max_reports: int,
    wait: bool,
    output_format: str,
) -> None:
    """Run every parameter set of GRID (YAML) into OUT/<name>/; exit 1 if any report failed.

    A rerun resumes every signed report whose parameters, notebook and input files are
    unchanged and rebuilds the rest, saying why. One batch at a time writes into OUT.
    Each signed manifest records the workspace decision log's head, as `report run` does.
    """
    from stage5kit.cli._progress import progress_wanted
    from stage5kit.reporting import load_grid, run_batch

    plan = load_grid(grid, max_reports=max_reports)
    key = _signing_key(key_spec)
    result = run_batch(
        plan,
        out_dir=out_dir,
        workers=workers,
        scheduler=scheduler,
        key=key,
        pdf=pdf,
        cell_timeout=cell_timeout,
        max_reports=max_reports,
        wait=wait,
        progress=progress_wanted(output_format),
        decision_log=workspace_of(root).decision_log,
    )
    if output_format == "json":
        entries = [
            {
                "name": e.name,
                "status": e.status,
                "error": e.error,
                "note": e.note,
                "results": e.results,
            }
            for e in result.entries
        ]
        document = {"out_dir": str(out_dir), "reports": entries}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for entry in result.entries:
            suffix = f"  {entry.error}" if entry.error else ""
            rebuilt = f"  (rebuilt: {entry.note})" if entry.note else ""
            click.echo(f"{entry.status:9} {entry.name}{suffix}{rebuilt}")
        click.echo(f"index: {out_dir / 'index.html'}")
    if result.failed:
        ctx.exit(1)


@report.command("params")
@_notebook_argument
@format_option(
    help_text="text: a table for people; json: a list of {name, type, default, comment}."
)
def params(notebook: str, output_format: str) -> None:
    """List NOTEBOOK's parameters: name, type, default and the comment that explains it."""
    from stage5kit.reporting import read_parameters, resolve_notebook

    declared = read_parameters(resolve_notebook(notebook))
    rows = [
        {
            "name": p.name,
            "type": p.type_name,
            "default": p.default,
            "expression": p.expression,
            "comment": p.comment,
        }
        for p in declared.values()
    ]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo(f"{notebook}: no parameters (no cell tagged 'parameters')")
        return
    shown = [
        (
            str(row["name"]),
            str(row["type"]),
            str(row["default"]) if row["expression"] else json.dumps(row["default"]),
            str(row["comment"]),
        )
        for row in rows
    ]
    widths = [
        max(len(cells[i]) for cells in [("name", "type", "default", ""), *shown]) for i in range(3)
    ]
    click.echo(f"{'name':<{widths[0]}}  {'type':<{widths[1]}}  {'default':<{widths[2]}}  comment")
    for name, kind, default, comment in shown:
        click.echo(f"{name:<{widths[0]}}  {kind:<{widths[1]}}  {default:<{widths[2]}}  {comment}")
