"""`stage5kit training log|verify`: the workshop register (seed 000, `log_stage5_training.py`)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from stage5kit.cli._options import format_option, root_option, workspace_of


@click.group("training")
def training() -> None:
    """Record workshop sessions in the signed training register and verify it."""


def _key_file(path: Path, option: str) -> str:
    if not path.is_file():
        msg = f"{path}: no such key file"
        raise click.BadParameter(msg, param_hint=option)
    return f"file:{path}"


@training.command("log")
@click.option("--facilitator", required=True, help="Who ran the session.")
@click.option("--location", required=True, help="Where it took place (e.g. 'Sala 3A').")
@click.option(
    "--training-date",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Day of the session, YYYY-MM-DD.",
)
@click.option(
    "--participant",
    "participants",
    multiple=True,
    required=True,
    help="A participant's name; repeat for each one.",
)
@click.option("--material", "materials", multiple=True, help="Material used; repeatable.")
@click.option(
    "--artifact",
    "artifacts",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to keep with the record (slides, recording); copied to the training folder's"
    " <date>/ with its sha256. Repeatable.",
)
@click.option(
    "--log-hmac-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="HMAC key that signs the register entry (e.g. secrets/stage5_training.key).",
)
@click.option(
    "--decision-log-path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Decision log for the stage5_training entry (default: ROOT's"
    " audit/decision_logs/runtime.jsonl).",
)
@click.option(
    "--decision-log-hmac-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Decision-log HMAC key file (default: $STAGE5KIT_DECISION_LOG_KEY,"
    " $LIVE_DECISION_LOG_HMAC or ROOT/secrets/decision_log.key).",
)
@click.option(
    "--update-doc",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also append the session to this Markdown record (e.g. docs/training/stage5_workshop.md).",
)
@root_option()
def log(
    *,
    facilitator: str,
    location: str,
    training_date: datetime,
    participants: tuple[str, ...],
    materials: tuple[str, ...],
    artifacts: tuple[Path, ...],
    log_hmac_key_file: Path,
    decision_log_path: Path | None,
    decision_log_hmac_key_file: Path | None,
    update_doc: Path | None,
    root: Path | None,
) -> None:
    """Record a session: a signed register entry, copied artifacts, a decision-log entry."""
    from stage5kit.compliance.decision_log import append_entry
    from stage5kit.compliance.log_keys import load_log_key
    from stage5kit.compliance.training import (
        REGISTER_NAME,
        TRAINING_CATEGORY,
        TrainingSession,
        append_session_to_doc,
        decision_log_payload,
        record_session,
    )
    from stage5kit.signing import load_signing_key

    workspace = workspace_of(root)
    register_key = load_signing_key(_key_file(log_hmac_key_file, "--log-hmac-key-file"))
    log_key = load_log_key(
        None
        if decision_log_hmac_key_file is None
        else _key_file(decision_log_hmac_key_file, "--decision-log-hmac-key-file"),
        default_key_file=workspace.decision_log_key,
    )
    session = TrainingSession(
        facilitator=facilitator,
        location=location,
        training_date=training_date.date(),
        participants=participants,
        materials=materials,
        artifacts=artifacts,
    )
    entry = record_session(session, training_dir=workspace.training_dir, key=register_key)
    register = workspace.training_dir / REGISTER_NAME
    logged = append_entry(
        decision_log_path or workspace.decision_log,
        category=TRAINING_CATEGORY,
        payload=decision_log_payload(entry, register),
        key=log_key,
        actor=facilitator,
    )
    click.echo(f"training register: {register} (entry {entry.entry['seq']})")
    click.echo(f"decision log: stage5_training entry seq {logged.seq}")
    if update_doc is not None:
        append_session_to_doc(update_doc, entry)
        click.echo(f"training record updated: {update_doc}")


@training.command("verify")
@click.option(
    "--log-hmac-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="HMAC key the register is signed with.",
)
@root_option()
@format_option(help_text="text: one status line; json: the full result.")
@click.pass_context
def verify(
    ctx: click.Context, log_hmac_key_file: Path, root: Path | None, output_format: str
) -> None:
    """Verify every entry of the training register; exit 1 naming the first bad line."""
    from stage5kit.compliance.training import REGISTER_NAME, verify_register
    from stage5kit.signing import load_verification_key

    key = load_verification_key(_key_file(log_hmac_key_file, "--log-hmac-key-file"))
    report = verify_register(workspace_of(root).training_dir / REGISTER_NAME, key)
    if output_format == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        status = "ok" if report.ok else "invalid"
        click.echo(f"{status}: {click.format_filename(report.path)}: {report.message}")
    if not report.ok:
        ctx.exit(1)
