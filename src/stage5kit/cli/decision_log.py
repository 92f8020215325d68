"""`stage5kit decision-log append|verify|show|repair`: the signed, hash-chained decision log."""

from __future__ import annotations

import getpass
import json
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from stage5kit.cli._options import (
    _KeySpecOption,
    format_option,
    key_option,
    root_option,
    workspace_of,
)

if TYPE_CHECKING:
    from stage5kit.compliance import LogEntry, LogVerification
    from stage5kit.signing import VerificationKey

F = TypeVar("F", bound=Callable[..., object])

LOG_KEY_HELP = (
    "Decision-log HMAC key spec: hex:<hex>, base64:<b64>, file:<path>, env:<VAR>."
    " Default: $STAGE5KIT_DECISION_LOG_KEY, then $LIVE_DECISION_LOG_HMAC,"
    " then the workspace's secrets/decision_log.key."
)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text from a file made safe to print: control characters (newline, ESC) escaped."""
    return _UNPRINTABLE.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _path_option() -> Callable[[F], F]:
    return click.option(
        "--path",
        "log_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Decision log file. Default: audit/decision_logs/runtime.jsonl in the workspace.",
    )


def _log_path(log_path: Path | None, root: Path | None) -> Path:
    return log_path if log_path is not None else workspace_of(root).decision_log


@click.group("decision-log")
def decision_log() -> None:
    """Append to, verify, show and repair the decision log (HMAC-signed, hash-chained)."""


def _read_payload(payload: str) -> dict[str, object]:
    from stage5kit.compliance import parse_payload
    from stage5kit.errors import InputError

    if not payload.startswith("@"):
        return parse_payload(payload, source="--payload")
    source = Path(payload[1:])
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        msg = f"{source}: cannot read the payload file ({reason})"
        raise InputError(msg, path=source) from None
    return parse_payload(text, source=str(source))


@decision_log.command("append")
@click.option("--category", required=True, help="Entry category, e.g. stage5_incident.")
@click.option(
    "--payload",
    required=True,
    metavar="JSON|@FILE",
    help="The payload: a JSON object, or @FILE to read it from a file.",
)
@click.option("--ticket", help="Incident or change ticket number to record.")
@click.option("--actor", help="Who records the entry. Default: the login name.")
@_path_option()
@root_option()
@key_option(LOG_KEY_HELP)
@format_option(help_text="Output: one line, or the entry as JSON.")
def append(
    *,
    category: str,
    payload: str,
    ticket: str | None,
    actor: str | None,
    log_path: Path | None,
    root: Path | None,
    key_spec: str | None,
    output_format: str,
) -> None:
    """Append one signed entry to the decision log (file-locked, fsynced)."""
    from stage5kit.compliance import append_entry, load_log_key

    workspace = workspace_of(root)
    key = load_log_key(key_spec, default_key_file=workspace.decision_log_key)
    path = _log_path(log_path, root)
    entry = append_entry(
        path,
        category=category,
        payload=_read_payload(payload),
        key=key,
        actor=actor or getpass.getuser(),
        ticket=ticket,
    )
    if output_format == "json":
        click.echo(json.dumps(entry.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"appended seq {entry.seq} ({entry.category}) to {printable(str(path))}")


def _echo_verification(result: LogVerification, output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(printable(result.summary()))
    if result.key_ids:
        click.echo(f"  signed with keys: {', '.join(result.key_ids)}")
    for note in result.notes:
        click.echo(f"  note: {note}")


def _report_key(spec: str | None) -> VerificationKey | None:
    """The report verification key for --expect-head: the spec, else the signing key
    variables; None when neither is set (a saved head file needs no key)."""
    from stage5kit.signing import KEY_ENV_VARS, load_verification_key

    if spec is None and not any(os.environ.get(name) for name in KEY_ENV_VARS):
        return None
    return load_verification_key(spec)


@decision_log.command("verify")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@root_option()
@key_option(LOG_KEY_HELP)
@click.option(
    "--retired-key",
    "retired_keys",
    multiple=True,
    metavar="SPEC",
    help="A retired key (verify only); repeatable. secrets/retired/*.key are always added.",
)
@click.option(
    "--expect-head",
    "expect_head",
    type=click.Path(exists=True, path_type=Path),
    help="A copy of the head kept elsewhere: a signed report folder or its manifest.json"
    " (metadata.decision_log_head), or a saved head file. The log must still hold that"
    " entry; a rollback of log and head together fails with reason rolled_back.",
)
@click.option(
    "--report-key",
    "report_key_spec",
    metavar="SPEC",
    help="Key that verifies the report given to --expect-head before its head is trusted:"
    " a key spec or an Ed25519 public key file, as `stage5kit verify` takes."
    " Default: {key_variables}.",
    cls=_KeySpecOption,
)
@format_option(help_text="Output: a summary line, or the full result as JSON.")
def verify(
    *,
    path: Path | None,
    root: Path | None,
    key_spec: str | None,
    retired_keys: tuple[str, ...],
    expect_head: Path | None,
    report_key_spec: str | None,
    output_format: str,
) -> None:
    """Verify every line, the chain and the head; exit 1 naming the first bad line and why.

    A log with no entries exits 1 too: nothing was verified.
    """
    from stage5kit.compliance import load_keyring, load_recorded_head, verify_log

    recorded = None
    if expect_head is not None:
        recorded = load_recorded_head(expect_head, key=_report_key(report_key_spec))

    workspace = workspace_of(root)
    keyring = load_keyring(
        key_spec,
        retired=retired_keys,
        retired_dir=workspace.retired_keys_dir,
        default_key_file=workspace.decision_log_key,
        require_current=False,
    )
    result = verify_log(_log_path(path, root), keyring=keyring, recorded_head=recorded)
    _echo_verification(result, output_format)
    if not result.ok:
        raise SystemExit(1)


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        since = datetime.fromisoformat(value)
    except ValueError:
        msg = f"--since {value!r}: not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC)"
        raise click.BadParameter(msg) from None
    return since if since.tzinfo is not None else since.replace(tzinfo=UTC)


def _entry_line(entry: LogEntry) -> str:
    ticket = entry.ticket or "-"
    payload = json.dumps(dict(entry.payload), ensure_ascii=False, separators=(",", ":"))
    if len(payload) > 80:
        payload = payload[:77] + "..."
    text = f"{entry.seq:>6}  {entry.timestamp}  {entry.category:<16} {entry.actor:<12} {ticket:<10}"
    return printable(f"{text} {payload}")


@decision_log.command("show")
@click.option("--category", help="Only entries of this category.")
@click.option("--since", help="Only entries at or after this UTC date/time (YYYY-MM-DD[THH:MM]).")
@_path_option()
@root_option()
@format_option(help_text="Output: a table, or the entries as JSON.")
def show(
    *,
    category: str | None,
    since: str | None,
    log_path: Path | None,
    root: Path | None,
    output_format: str,
) -> None:
    """List the log's entries (unverified: run `decision-log verify` to check them)."""
    from stage5kit.compliance import read_entries

    entries = read_entries(_log_path(log_path, root), category=category, since=_parse_since(since))
    if output_format == "json":
        rows = [entry.to_dict() for entry in entries]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    click.echo(f"{'seq':>6}  {'timestamp (UTC)':<27} {'category':<16} {'actor':<12} ticket")
    for entry in entries:
        click.echo(_entry_line(entry))
    click.echo(f"{len(entries)} entries", err=True)


@decision_log.command("repair")
@_path_option()
@root_option()
def repair(log_path: Path | None, root: Path | None) -> None:
    """Remove a torn last line left by an interrupted append; nothing else is ever changed."""
    from stage5kit.compliance import repair_log

    result = repair_log(_log_path(log_path, root))
    click.echo(printable(result.message))
