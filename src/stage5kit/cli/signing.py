"""`stage5kit keys generate`, `stage5kit sign` and `stage5kit verify`: the signing commands.

The ``keys`` group loads further subcommands lazily from ``_KEYS_SUBCOMMANDS`` (name ->
"module:attribute"), so key rotation can live in its own module.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

if TYPE_CHECKING:
    from stage5kit.signing import VerificationReport

_KEYS_SUBCOMMANDS: dict[str, str] = {}

KEY_SPEC_HELP = (
    "Key spec: hex:<hex>, base64:<b64>, file:<path> (or a bare path), env:<VAR>."
    " Default: $STAGE5KIT_SIGNING_KEY, then $BOT_CORE_SECURITY_AUDIT_KEY."
)


class _LazyKeysGroup(click.Group):
    """The ``keys`` group: its own commands plus those named in ``_KEYS_SUBCOMMANDS``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_KEYS_SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _KEYS_SUBCOMMANDS:
            module_name, attribute = _KEYS_SUBCOMMANDS[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module_name), attribute)
            return command
        return super().get_command(ctx, cmd_name)


@click.group("keys", cls=_LazyKeysGroup)
def keys() -> None:
    """Create and manage signing keys."""


@keys.command("generate")
@click.option(
    "--algorithm", type=click.Choice(["ed25519", "hmac"]), required=True, help="Key type."
)
@click.option("--key-id", required=True, help="Id carried by every signature; names the files.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for ID.key (mode 0600) and, for ed25519, ID.pub.",
)
def generate(algorithm: Literal["ed25519", "hmac"], key_id: str, out_dir: Path) -> None:
    """Generate a key: OUT/ID.key (private, 0600) and for ed25519 OUT/ID.pub (public)."""
    from stage5kit.signing import generate_keypair

    generated = generate_keypair(algorithm=algorithm, key_id=key_id, out_dir=out_dir)
    click.echo(f"private key: {generated.private_key_path}")
    if generated.public_key_path is not None:
        click.echo(f"public key: {generated.public_key_path}")


@click.command("sign")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--key", "key_spec", help=KEY_SPEC_HELP)
@click.option("--key-id", help="Key id to record (default: from the key's source or its hash).")
def sign(paths: tuple[Path, ...], key_spec: str | None, key_id: str | None) -> None:
    """Sign each PATH: a file gets PATH.sig, a folder manifest.json + manifest.json.sig."""
    from stage5kit.signing import load_signing_key, sign_file, sign_manifest, signature_path

    key = load_signing_key(key_spec, key_id=key_id)
    for path in paths:
        if path.is_dir():
            click.echo(str(signature_path(sign_manifest(path, key))))
        else:
            click.echo(str(sign_file(path, key)))


def _echo_report(path: Path, report: VerificationReport, *, output_format: str) -> None:
    """Print a verification report as JSON or as one status line plus one line per file."""
    if output_format == "json":
        click.echo(json.dumps({"path": str(path), **report.to_dict()}, indent=2))
        return
    signer = f" (key id {report.key_id})" if report.key_id else ""
    click.echo(f"{report.status}: {path}: {report.message}{signer}")
    for label, names in (
        ("modified", report.modified),
        ("missing", report.missing),
        ("unexpected", report.unexpected),
    ):
        for name in names:
            click.echo(f"  {label}: {name}")


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--key", "key_spec", help=KEY_SPEC_HELP)
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ed25519 public key file (PEM), for verifiers who hold no secret.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def verify(
    ctx: click.Context,
    path: Path,
    key_spec: str | None,
    public_key: Path | None,
    output_format: str,
) -> None:
    """Verify PATH (a file against PATH.sig, a folder against its manifest); exit 1 unless ok."""
    from stage5kit.signing import load_verification_key, verify_file, verify_manifest

    if key_spec is not None and public_key is not None:
        msg = "give --key or --public-key, not both"
        raise click.UsageError(msg)
    key = load_verification_key(key_spec, public_key=public_key)
    report = verify_manifest(path, key) if path.is_dir() else verify_file(path, key)
    _echo_report(path, report, output_format=output_format)
    if not report.ok:
        ctx.exit(1)
