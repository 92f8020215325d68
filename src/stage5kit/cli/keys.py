"""`stage5kit keys status|rotate|plan|archive|restore`: key rotation and offline archives.

These commands join the ``keys`` group of :mod:`stage5kit.cli.signing`. Paths default
to the workspace (``--root``): the registry is ``var/security/key_rotation.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from stage5kit.cli._options import format_option, root_option, workspace_of

if TYPE_CHECKING:
    from stage5kit.compliance.key_registry import KeyRegistry
    from stage5kit.compliance.key_rotation import RotationJournal

F = TypeVar("F", bound=Callable[..., object])

REGISTRY_NAME = "key_rotation.json"
PASSPHRASE_VARIABLE = "STAGE5KIT_ARCHIVE_PASSPHRASE"  # noqa: S105  # a variable name
_UNSAFE = str.maketrans({chr(c): f"\\x{c:02x}" for c in [*range(32), 127]})


def safe(value: object) -> str:
    """Text from a file, with control characters escaped so it cannot forge terminal lines."""
    return str(value).translate(_UNSAFE)


def registry_option() -> Callable[[F], F]:
    """``--registry PATH`` (default: the workspace's var/security/key_rotation.json)."""
    return click.option(
        "--registry",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Key rotation registry (default: ROOT/var/security/key_rotation.json).",
    )


def registry_path(root: Path | None, registry: Path | None) -> Path:
    """The registry ``--registry`` names, else the workspace's."""
    return registry if registry is not None else workspace_of(root).security_dir / REGISTRY_NAME


def _load(root: Path | None, registry: Path | None) -> KeyRegistry:
    from stage5kit.compliance.key_registry import load_registry

    return load_registry(registry_path(root, registry))


def today_utc() -> date:
    """Today's date in UTC: the day rotation ages are counted to."""
    return datetime.now(UTC).date()


@click.command("status")
@click.argument("bundle_argument", metavar="[BUNDLE]", required=False)
@click.option("--bundle", help="Only this bundle (also accepted as the BUNDLE argument).")
@root_option()
@registry_option()
@click.option(
    "--today",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Count ages to this day (YYYY-MM-DD), e.g. the sample registry's 2026-05-01. [today, UTC]",
)
@format_option(help_text="text: a table and a summary line; json: summary and entries.")
def status(
    *,
    bundle_argument: str | None,
    bundle: str | None,
    root: Path | None,
    registry: Path | None,
    as_of: datetime | None,
    output_format: str,
) -> None:
    """Rotation state of each active key: ok, due (in the warning window) or overdue."""
    from stage5kit.compliance.key_registry import registry_status

    if bundle_argument and bundle and bundle_argument != bundle:
        msg = f"BUNDLE {bundle_argument!r} and --bundle {bundle!r} disagree; give one"
        raise click.UsageError(msg)
    report = registry_status(
        _load(root, registry),
        today=today_utc() if as_of is None else as_of.date(),
        bundle=bundle or bundle_argument,
    )
    if output_format == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    rows = [("bundle", "purpose", "key_id", "state", "age", "due", "window opens")]
    rows += [
        (
            safe(e.record.bundle),
            e.record.purpose,
            safe(e.record.key_id),
            e.state,
            str(e.age_days),
            e.due_date.isoformat(),
            e.record.window_opens().isoformat(),
        )
        for e in report.entries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    summary = report.to_dict()["summary"]
    assert isinstance(summary, dict)  # noqa: S101  # to_dict builds it
    click.echo(
        f"summary: {summary['total']} keys: {summary['ok']} ok, {summary['due']} due,"
        f" {summary['overdue']} overdue; next due {summary['next_due'] or '-'}"
    )
    for key_id in report.unfinished:
        click.echo(
            f"unfinished rotation to {safe(key_id)}: rerun `stage5kit keys rotate --execute`",
        )


def _journal(log_path: Path, key_spec: str | None, root: Path | None) -> RotationJournal:
    from stage5kit.compliance.key_rotation import decision_log_journal
    from stage5kit.compliance.log_keys import load_log_key

    key = load_log_key(key_spec, default_key_file=workspace_of(root).decision_log_key)
    return decision_log_journal(log_path, key=key)


@click.command("rotate")
@click.option("--bundle", required=True, help="Bundle whose keys to rotate (e.g. core-oem).")
@click.option("--key-id", help="Rotate only this key, even when not yet due.")
@click.option("--dry-run", "mode", flag_value="dry-run", help="Print the plan; change nothing.")
@click.option("--execute", "mode", flag_value="execute", help="Rotate, then log it.")
@root_option()
@registry_option()
@click.option(
    "--decision-log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Decision log for the key_rotation entry (default: ROOT's audit/decision_logs/).",
)
@click.option(
    "--decision-log-key",
    metavar="SPEC",
    help="Decision-log HMAC key (default: $STAGE5KIT_DECISION_LOG_KEY, $LIVE_DECISION_LOG_HMAC"
    " or ROOT/secrets/decision_log.key).",
)
@click.option(
    "--today",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="With --dry-run: plan as of this day (YYYY-MM-DD), e.g. the sample registry's "
    "2026-05-01. A rotation itself always happens today. [today, UTC]",
)
@format_option(help_text="text: one line per rotation; json: the plan as a list.")
def rotate(
    *,
    bundle: str,
    key_id: str | None,
    mode: str | None,
    root: Path | None,
    registry: Path | None,
    decision_log: Path | None,
    decision_log_key: str | None,
    as_of: datetime | None,
    output_format: str,
) -> None:
    """Rotate the bundle's due and overdue keys (or --key-id): --dry-run or --execute.

    --execute writes the new key (0600), retires the old one into retired/, updates the
    registry and appends a key_rotation entry to the decision log; a rerun after a crash
    finishes an unfinished rotation.
    """
    from stage5kit.compliance.key_rotation import execute_rotation, plan_rotation

    if mode is None:
        msg = "give --dry-run (print the plan) or --execute (rotate)"
        raise click.UsageError(msg)
    if as_of is not None and mode == "execute":
        msg = "--today only plans (--dry-run); a rotation is dated the day it happens"
        raise click.UsageError(msg)
    path = registry_path(root, registry)
    today = today_utc() if as_of is None else as_of.date()
    if mode == "dry-run":
        from stage5kit.compliance.key_registry import load_registry

        plans = plan_rotation(load_registry(path), bundle=bundle, key_id=key_id, today=today)
    else:
        log_path = decision_log or workspace_of(root).decision_log
        journal = _journal(log_path, decision_log_key, root)
        plans = execute_rotation(
            path,
            bundle=bundle,
            key_id=key_id,
            today=today,
            journal=journal,
        )
    if output_format == "json":
        document = {"mode": mode, "plan": [p.to_dict() for p in plans]}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if not plans:
        click.echo(f"nothing to rotate in {safe(bundle)}: no key is due (see `keys status`)")
    verb = "would rotate" if mode == "dry-run" else "rotated"
    for p in plans:
        action = "finish rotating" if p.resume and mode == "dry-run" else verb
        if p.resume and mode == "execute":
            action = "finished rotating"
        click.echo(
            f"{action} {safe(p.bundle)} {p.purpose}: {safe(p.old_key_id)} -> {safe(p.new_key_id)}"
        )


@click.command("plan")
@click.option(
    "--horizon",
    default="180d",
    show_default=True,
    help="How far ahead to plan, in days (e.g. 180d or 180).",
)
@click.option("--bundle", help="Only this bundle.")
@root_option()
@registry_option()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for rotation_plan.csv and rotation_plan.ics (default: ROOT/var/security).",
)
def plan(
    horizon: str,
    bundle: str | None,
    root: Path | None,
    registry: Path | None,
    out_dir: Path | None,
) -> None:
    """Write the rotation reminder schedule as CSV and as an iCalendar (.ics) file."""
    from stage5kit.compliance.rotation_schedule import (
        reminders_csv,
        reminders_ics,
        rotation_reminders,
    )
    from stage5kit.files import atomic_write_text

    text = horizon.strip().removesuffix("d")
    if not text.isdigit() or not 0 < int(text) <= 3660:
        msg = f"--horizon {horizon!r}: use a number of days from 1 to 3660, e.g. 180d"
        raise click.BadParameter(msg, param_hint="--horizon")
    loaded = _load(root, registry)
    reminders = rotation_reminders(loaded, today=today_utc(), horizon_days=int(text), bundle=bundle)
    folder = out_dir or workspace_of(root).security_dir
    csv_path = atomic_write_text(folder / "rotation_plan.csv", reminders_csv(reminders))
    ics_path = atomic_write_text(
        folder / "rotation_plan.ics",
        reminders_ics(reminders, generated_at=datetime.now(UTC)),
    )
    click.echo(f"{len(reminders)} reminders until {horizon}: {csv_path}, {ics_path}")


def _passphrase(*, confirm: bool) -> str:
    """The archive passphrase from $STAGE5KIT_ARCHIVE_PASSPHRASE, else a hidden prompt."""
    from_env = os.environ.get(PASSPHRASE_VARIABLE)
    if from_env:
        return from_env
    value: str = click.prompt(
        "Archive passphrase", hide_input=True, confirmation_prompt=confirm, err=True
    )
    return value


@click.command("archive")
@click.option("--key-id", required=True, help="Registered key to archive (usually retired).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the archive, its .sha256 and the recovery sheet (offline media).",
)
@root_option()
@registry_option()
def archive(key_id: str, out_dir: Path, root: Path | None, registry: Path | None) -> None:
    """Encrypt a key into an offline archive with a checksum and a printable recovery sheet.

    The passphrase comes from $STAGE5KIT_ARCHIVE_PASSPHRASE or a hidden prompt, never
    from an argument.
    """
    from stage5kit.compliance.key_archive import archive_key

    loaded = _load(root, registry)
    if loaded.find(key_id) is None:
        msg = f"{loaded.path}: no key {key_id!r} in the registry"
        raise click.BadParameter(msg, param_hint="--key-id")
    archived = archive_key(
        loaded, key_id=key_id, out_dir=out_dir, passphrase=_passphrase(confirm=True)
    )
    click.echo(f"archive: {archived.archive}")
    click.echo(f"sha256: {archived.sha256}")
    click.echo(f"recovery sheet (print it): {archived.sheet}")


@click.command("restore")
@click.argument("archive_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write KEY_ID.key (0600) into; an existing key is never overwritten.",
)
def restore(archive_path: Path, out_dir: Path) -> None:
    """Decrypt a key archive back into a key file; exit 1 if the passphrase or archive is wrong.

    The passphrase comes from $STAGE5KIT_ARCHIVE_PASSPHRASE or a hidden prompt.
    """
    from stage5kit.compliance.key_archive import restore_key

    restored = restore_key(archive_path, passphrase=_passphrase(confirm=False), out_dir=out_dir)
    click.echo(f"restored {safe(restored.key_id)}: {restored.private_key_path}")
