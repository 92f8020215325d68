"""`stage5kit workshop build|answers|preflight|demo`: notebooks, answer key, checks, demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from stage5kit.cli._options import format_option, key_option, root_option, workspace_of

if TYPE_CHECKING:
    from stage5kit.compliance import Workspace
    from stage5kit.signing import SigningKey

EXERCISE_SOURCE = Path("notebooks") / "workshop_exercise.ipynb"
_DEMO_TCO_INPUTS = (
    ("infra-costs", "infra_costs.csv"),
    ("thresholds", "thresholds.yaml"),
    ("budget", "budget.yaml"),
)
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
    help="Folder for cwiczenie_uczestnik.ipynb, cwiczenie_prowadzacy.ipynb and dane/.",
)
@click.option(
    "--source",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Exercise source with '# ROZWIĄZANIE' answer lines. Default: {EXERCISE_SOURCE}.",
)
def build(*, out_dir: Path, source: Path | None) -> None:
    """Build the participant notebook (answers to fill) and the facilitator one (solutions)."""
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
    help="Folder for the built notebooks, a workspace (ws/) and the signed report.",
)
@click.option("--seed", default=7, show_default=True, help="The demo participant's seed.")
def demo(*, out_dir: Path, seed: int) -> None:
    """Run the whole exercise headless as a demo participant, signed with DEMO keys.

    In a fresh workspace (``ws/``): the decision-engine smoke test with a ticket, the
    facilitator notebook signed by ``report run`` (a passed exercise is registered), the
    observability bundle, the stage5 audit and the decision log verified; each signed
    artifact's path is printed.
    """
    from stage5kit.cli.demo import DEMO_KEY_ID, DEMO_KEY_NOTE
    from stage5kit.cli.report import register_exercise
    from stage5kit.compliance import init_workspace, load_log_key, run_smoke
    from stage5kit.files import atomic_write_text
    from stage5kit.reporting import build_workshop, run_report
    from stage5kit.reporting.kernel_launch import make_non_dumpable
    from stage5kit.signing import check_signing_key, generate_keypair, load_signing_key

    make_non_dumpable()
    report_dir = out_dir / f"cwiczenie-{seed}"
    if report_dir.exists():
        msg = f"{report_dir} already exists; remove it or use another --out"
        raise click.UsageError(msg)
    built = build_workshop(_find_source(), out_dir)
    workspace, _ = init_workspace(out_dir / "ws", with_key=True)
    key_dir = out_dir / "demo-key"
    private = key_dir / f"{DEMO_KEY_ID}.key"
    if not private.exists():
        generate_keypair(algorithm="ed25519", key_id=DEMO_KEY_ID, out_dir=key_dir)
        atomic_write_text(key_dir / "README-DEMO-KEY.txt", DEMO_KEY_NOTE)
    key = load_signing_key(f"file:{private}", key_id=DEMO_KEY_ID)
    smoke = run_smoke(
        workspace.decision_engine_dir,
        key=key,
        ticket=f"INC-DEMO-{seed}",
        decision_log=workspace.decision_log,
        log_key=load_log_key(default_key_file=workspace.decision_log_key),
    )
    click.echo(f"smoke test (signed): {smoke.incident_path} + {smoke.signature_path.name}")
    result = run_report(
        built.facilitator,
        parameters={"participant": "Uczestnik DEMO", "seed": seed},
        out_dir=report_dir,
        key=check_signing_key(f"file:{private}", key_id=DEMO_KEY_ID),
        decision_log=workspace.decision_log,
    )
    register_exercise(result.results, result.folder, signed=result.signed, root=workspace.root)
    click.echo(f"signed exercise report: {result.html.resolve()}")
    _demo_terminal_steps(workspace, built.data, key, private, result.folder / "trades.csv")
    click.echo(f"demo key (NOT for production): {private}")
    public = key_dir / f"{DEMO_KEY_ID}.pub"
    click.echo(f"verify with: stage5kit verify {result.folder} --public-key {public}")


def _demo_terminal_steps(
    workspace: Workspace, data: Path, key: SigningKey, key_file: Path, trades: Path
) -> None:
    """The exercise's terminal steps after the report, as the commands do them: the TCO
    report and the rotation registry in the workspace, the bundle, the facilitator's
    training record, then the stage5 audit and the decision log verified.
    """
    import shutil
    from datetime import UTC, datetime

    from stage5kit.cli.sample_artifacts import _run_stage5kit
    from stage5kit.compliance import load_keyring, verify_log
    from stage5kit.compliance.audit import AuditOptions, run_audit, write_audit_report
    from stage5kit.compliance.key_registry import save_registry
    from stage5kit.compliance.observability import (
        load_observability_config,
        verify_bundle,
        write_bundle,
    )
    from stage5kit.compliance.samples import sample_key_registry
    from stage5kit.core import load_budget, load_thresholds
    from stage5kit.signing import generate_keypair, load_signing_key

    root = workspace.root.resolve()
    spec = f"file:{key_file.resolve()}"
    inputs = [f"--{name}={(data / file).resolve()}" for name, file in _DEMO_TCO_INPUTS]
    _run_stage5kit(
        ("tco", str(trades.resolve()), *inputs, "--root", str(root), "--key", spec), cwd=root
    )
    click.echo(f"TCO report (signed): {workspace.tco_dir.resolve()}")
    (workspace.root / "config").mkdir(exist_ok=True)
    shutil.copyfile(data / "thresholds.yaml", workspace.root / "config" / "thresholds.yaml")
    save_registry(sample_key_registry(workspace.security_dir / "key_rotation.json"))
    bundle = write_bundle(
        workspace.observability_dir / "stage5_bundle.zip",
        key,
        load_observability_config(None),
        budget=load_budget(data / "budget.yaml"),
        thresholds=load_thresholds(data / "thresholds.yaml"),
    )
    verified = verify_bundle(bundle, key.verification_key())
    click.echo(f"observability bundle (signed, {verified.status}): {bundle.resolve()}")
    training_key = generate_keypair(
        algorithm="hmac", key_id="stage5_training", out_dir=workspace.secrets_dir
    ).private_key_path
    _run_stage5kit(
        (
            "training",
            "log",
            "--facilitator",
            "Prowadzący DEMO",
            "--location",
            "demo",
            "--training-date",
            datetime.now(UTC).date().isoformat(),
            "--participant",
            "Uczestnik DEMO",
            "--log-hmac-key-file",
            str(training_key.resolve()),
            "--root",
            str(root),
        ),
        cwd=root,
    )
    click.echo(f"training session (signed): {workspace.training_dir.resolve()}")
    keyring = load_keyring(default_key_file=workspace.decision_log_key)
    audit = run_audit(
        "stage5",
        AuditOptions(
            workspace=workspace,
            now=datetime.now(UTC),
            artifact_key=key.verification_key(),
            log_keyring=keyring,
            training_key=load_signing_key(f"file:{training_key}").verification_key(),
        ),
    )
    written = write_audit_report(audit, workspace.root / "var" / "audit" / "compliance", key)
    click.echo(
        f"audit --profile stage5 (signed): {written.resolve()}: {audit.status}, "
        f"compliance_audit_score {audit.score}, {len(audit.issues)} issues, "
        f"{len(audit.warnings)} warnings"
    )
    log = verify_log(workspace.decision_log, keyring=keyring)
    click.echo(
        f"decision log ({log.status}, {log.entries_checked} entries): "
        f"{workspace.decision_log.resolve()}"
    )


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

    LAB_ARGS after `--` go to `jupyter lab` (e.g. `-- --port=8899 --no-browser`).
    """
    import os

    from stage5kit.reporting import build_workshop
    from stage5kit.reporting.workshop_build import PARTICIPANT_NOTEBOOK
    from stage5kit.reporting.workshop_lab import prepare_lab

    if not (folder / PARTICIPANT_NOTEBOOK).is_file():
        build_workshop(_find_source(), folder)
    command = prepare_lab(folder, extra_args=lab_args)
    # Lab takes this process's place, so Ctrl-C reaches it alone and it shuts its kernels down.
    os.execv(command[0], command)  # noqa: S606 - Lab's argv, no shell
