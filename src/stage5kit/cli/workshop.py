"""`stage5kit workshop build|answers|preflight|demo`: notebooks, answer key, checks, demo."""

from __future__ import annotations

import json
from pathlib import Path

import click

from stage5kit.cli._options import format_option, key_option, root_option, workspace_of

EXERCISE_SOURCE = Path("notebooks") / "workshop_exercise.ipynb"
SAMPLE_ARTIFACTS = Path("sample_artifacts")


def _find_in_checkout(relative: Path) -> Path | None:
    """A path under the working directory, else in the source checkout; None if in neither."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (root / relative).exists():
            return root / relative
    return None


def _find_source() -> Path:
    """The exercise source: under the working directory, else in the source checkout."""
    found = _find_in_checkout(EXERCISE_SOURCE)
    if found is None:
        msg = f"{EXERCISE_SOURCE} not found; pass --source or run from the stage5kit source folder"
        raise click.UsageError(msg)
    return found


def _parse_seeds(text: str) -> list[int]:
    """Seeds from '1-30', '3,7,11' or a mix ('1-5,9'); UsageError naming the bad part."""
    seeds: list[int] = []
    for part in text.split(","):
        bounds = part.strip().split("-")
        if len(bounds) > 2 or not all(b.strip().isdigit() for b in bounds):
            msg = f"--seeds: {part.strip()!r} is not a seed or a range like 1-30"
            raise click.BadParameter(msg)
        low, high = int(bounds[0]), int(bounds[-1])
        if high < low:
            msg = f"--seeds: range {part.strip()!r} ends before it starts"
            raise click.BadParameter(msg)
        seeds.extend(range(low, high + 1))
    return list(dict.fromkeys(seeds))


@click.group("workshop")
def workshop() -> None:
    """The Stage5 workshop exercise: participant and facilitator notebooks, answer key."""


@workshop.command("build")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for cwiczenie_uczestnik.ipynb, cwiczenie_prowadzacy.ipynb and dane/; an "
    "earlier build there is replaced, a folder holding other files is refused.",
)
@click.option(
    "--source",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Exercise source with '# ROZWIĄZANIE' answer lines. Default: {EXERCISE_SOURCE}.",
)
def build(*, out_dir: Path, source: Path | None) -> None:
    """Build the participant notebook (answers to fill) and the facilitator one (solutions).

    The folder is built beside OUT and renamed into place: a failed build leaves OUT as it was.
    """
    from stage5kit.reporting import build_workshop

    built = build_workshop(source if source is not None else _find_source(), out_dir)
    click.echo(f"participant: {built.participant}")
    click.echo(f"facilitator: {built.facilitator}")
    click.echo(f"inputs:      {built.data}")


@workshop.command("answers")
@click.option("--seeds", default="1-30", show_default=True, help="Seeds: '1-30', '3,7,11'.")
@click.option("--rows", type=int, help="Trades per log. Default: the notebook's.")
@click.option("--days", type=int, help="Days per log. Default: the notebook's.")
@click.option(
    "--source",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"The exercise notebook whose defaults the key follows. Default: {EXERCISE_SOURCE}.",
)
@format_option(help_text="Output: a printable Polish table, or JSON keyed by the notebook's names.")
def answers(
    *, seeds: str, rows: int | None, days: int | None, source: Path | None, output_format: str
) -> None:
    """Print the answer key of each seed as the exercise notebook's self-checks expect it.

    ``klucz`` is the key whose rotation state question 6 asks about; ``komunikat`` the facts
    the OEM message (question 7) must state.
    """
    from stage5kit.reporting import answer_key, render_answer_key

    given = {name: value for name, value in (("rows", rows), ("days", days)) if value is not None}
    key = answer_key(
        source if source is not None else _find_source(), _parse_seeds(seeds), parameters=given
    )
    if output_format == "json":
        document = {str(seed.seed): seed.to_dict() for seed in key}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(render_answer_key(key))


@workshop.command("preflight")
@root_option()
@key_option("Your signing key spec (file:PATH) to check it can be read.")
@click.option(
    "--samples",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Signed sample artifacts to verify. Default: {SAMPLE_ARTIFACTS}/ of the kit.",
)
@format_option(help_text="Output: one line per check, or JSON.")
def preflight(
    *, root: Path | None, key_spec: str | None, samples: Path | None, output_format: str
) -> None:
    """Check this machine for the exercise: each check ok or a fix in Polish; exit 1 on any FAIL."""
    from stage5kit.reporting.preflight import run_preflight

    workspace = workspace_of(root)
    folder = samples if samples is not None else _find_in_checkout(SAMPLE_ARTIFACTS)
    checks = run_preflight(
        root=workspace.root,
        samples=folder if folder is not None else SAMPLE_ARTIFACTS,
        key_spec=key_spec,
    )
    if output_format == "json":
        click.echo(
            json.dumps(
                [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in checks],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for check in checks:
            click.echo(f"{'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
    if not all(check.ok for check in checks):
        raise SystemExit(1)


@workshop.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the built notebooks (notebooki/), a workspace (ws/) and the signed report.",
)
@click.option("--seed", default=7, show_default=True, help="The demo participant's seed.")
def demo(*, out_dir: Path, seed: int) -> None:
    """Run the whole exercise headless as a demo participant, signed with DEMO keys.

    In a fresh workspace (``ws/``): the decision-engine smoke test with a ticket, the
    facilitator notebook signed by ``report run`` (a passed exercise is registered), the
    observability bundle, the stage5 audit and the decision log verified; each signed
    artifact's path is printed.
    """
    from stage5kit.cli.report import echo_registration
    from stage5kit.cli.sample_artifacts import _run_stage5kit
    from stage5kit.reporting.kernel_launch import make_non_dumpable
    from stage5kit.reporting.workshop_demo import DemoStep, run_workshop_demo

    make_non_dumpable()
    for step in run_workshop_demo(_find_source(), out_dir, seed=seed, run_command=_run_stage5kit):
        if isinstance(step, DemoStep):
            click.echo(f"{step.label}: {step.where}")
        else:
            echo_registration(step)


@workshop.command(
    "lab", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False}
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out") / "lab",
    show_default=True,
    help="Workshop folder; built here first when it holds no participant notebook.",
)
@click.argument("lab_args", nargs=-1, type=click.UNPROCESSED)
def lab(*, folder: Path, lab_args: tuple[str, ...]) -> None:
    """Open JupyterLab on the participant notebook: no news pop-up, the kit's kernel.

    LAB_ARGS after `--` go to `jupyter lab` (e.g. `-- --port=8899 --no-browser`). As root
    (containers) `--allow-root` is added, since Lab refuses root otherwise.
    """
    import os

    from stage5kit.reporting.workshop_build import PARTICIPANT_NOTEBOOK, build_participant_folder
    from stage5kit.reporting.workshop_lab import effective_uid, prepare_lab, root_arguments

    if not (folder / PARTICIPANT_NOTEBOOK).is_file():
        build_participant_folder(_find_source(), folder)
    added = root_arguments(lab_args, euid=effective_uid())
    if added:
        click.echo(
            f"note: running as root, so `jupyter lab` gets {' '.join(added)} "
            "(it refuses to start as root otherwise)",
            err=True,
        )
    command = prepare_lab(folder, extra_args=(*lab_args, *added))
    # Lab takes this process's place, so Ctrl-C reaches it alone and it shuts its kernels down.
    os.execv(command[0], command)  # noqa: S606 - Lab's argv, no shell
