"""`stage5kit keys generate`, `stage5kit sign` and `stage5kit verify`: the signing commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from stage5kit.cli._options import format_option, key_option, out_dir_option
from stage5kit.cli.keys import archive, plan, restore, rotate, status

if TYPE_CHECKING:
    from stage5kit.signing import VerificationReport


@click.group("keys")
def keys() -> None:
    """Create, rotate, plan, archive and restore keys."""


for _command in (status, rotate, plan, archive, restore):
    keys.add_command(_command)


@keys.command("generate")
@click.option(
    "--algorithm", type=click.Choice(["ed25519", "hmac"]), required=True, help="Key type."
)
@click.option("--key-id", required=True, help="Id carried by every signature; names the files.")
@out_dir_option("Folder for ID.key (mode 0600) and, for ed25519, ID.pub.")
def generate(algorithm: Literal["ed25519", "hmac"], key_id: str, out_dir: Path) -> None:
    """Generate a key: OUT/ID.key (private, 0600) and for ed25519 OUT/ID.pub (public)."""
    from stage5kit.signing import generate_keypair

    generated = generate_keypair(algorithm=algorithm, key_id=key_id, out_dir=out_dir)
    click.echo(f"private key: {generated.private_key_path}")
    if generated.public_key_path is not None:
        click.echo(f"public key: {generated.public_key_path}")


@click.command("sign")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@key_option()
@click.option("--key-id", help="Key id to record (default: from the key's source or its hash).")
def sign(paths: tuple[Path, ...], key_spec: str | None, key_id: str | None) -> None:
    """Sign each PATH: a file gets PATH.sig, a folder manifest.json + manifest.json.sig.

    Re-signing a signed folder keeps its manifest's metadata and adds a ``resigned`` record.
    A folder is signed in a copy (hard links) beside it that then replaces it whole, under
    a lock: a second signer meanwhile exits 3, and no manifest ever pairs with another
    signer's signature.
    """
    from stage5kit.files import link_tree, output_directory
    from stage5kit.signing import load_signing_key, sign_file, sign_folder, signature_path

    key = load_signing_key(key_spec, key_id=key_id)
    for path in paths:
        if path.is_dir():
            with output_directory(path, owned=None) as folder:
                link_tree(path, folder)
                manifest = sign_folder(folder, key)
            click.echo(str(signature_path(path / manifest.name)))
        else:
            click.echo(str(sign_file(path, key)))


def _echo_report(path: Path, report: VerificationReport, *, output_format: str) -> None:
    """Print a verification report as JSON or as one status line plus one line per file."""
    if output_format == "json":
        document = {"path": str(path), **report.to_dict()}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    signer = f" (key id {printable(report.key_id)})" if report.key_id else ""
    click.echo(f"{report.status}: {printable(str(path))}: {printable(report.message)}{signer}")
    for label, names in (
        ("modified", report.modified),
        ("missing", report.missing),
        ("unexpected", report.unexpected),
    ):
        for name in names:
            click.echo(f"  {label}: {printable(name)}")


def printable(text: str) -> str:
    """``text`` with every non-printable character escaped (``\\n``, ``\\x1b``, ``\\u202e``).

    A file name holding a newline or an ANSI escape must not forge a line a person reads.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _signed_target(path: Path) -> Path:
    """What a PATH given to verify stands for: X for X.sig, the folder for manifest.json.sig.

    A ``.sig`` that is itself signed (``X.sig.sig`` exists) is verified as a file.
    """
    from stage5kit.signing import MANIFEST_NAME, signature_path

    if not path.is_file() or path.suffix != ".sig" or signature_path(path).exists():
        return path
    signed = path.with_suffix("")
    return signed.parent if signed.name == MANIFEST_NAME else signed


def _named_signature(path: Path) -> tuple[Path, Path] | None:
    """(file, signature) when PATH is one half of a pair whose signature is not ``X.sig``.

    The smoke test signs ``sample_incident.json`` as ``smoke.sig`` (seed 000's names):
    either file given to verify stands for that pair.
    """
    from stage5kit.signing import signature_path

    if path.name not in {"smoke.sig", "sample_incident.json"}:
        return None
    from stage5kit.compliance.smoke import INCIDENT_NAME, SIGNATURE_NAME

    incident, signature = path.parent / INCIDENT_NAME, path.parent / SIGNATURE_NAME
    if path == signature and path.is_file() and not path.with_suffix("").exists():
        return incident, signature
    if path == incident and not signature_path(path).exists() and signature.is_file():
        return incident, signature
    return None


@click.command("verify")
@click.argument("path", type=click.Path(path_type=Path))
@key_option()
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ed25519 public key file (PEM), for verifiers who hold no secret.",
)
@format_option(help_text="text: a status line and one line per bad file; json: the full report.")
@click.pass_context
def verify(
    ctx: click.Context,
    path: Path,
    key_spec: str | None,
    public_key: Path | None,
    output_format: str,
) -> None:
    """Verify PATH (a file against PATH.sig, a folder against its manifest); exit 1 unless ok.

    Given a signature (X.sig) it verifies X; given a folder's manifest.json.sig, the folder.
    A .zip with no X.zip.sig beside it is a signed bundle, verified without extracting it.
    The smoke test's smoke.sig (or its sample_incident.json) verifies the incident.
    """
    from stage5kit.signing import (
        VerificationReport,
        load_verification_key,
        signature_path,
        verify_file,
        verify_manifest,
    )

    if key_spec is not None and public_key is not None:
        msg = "give --key or --public-key, not both"
        raise click.UsageError(msg)
    key = load_verification_key(key_spec, public_key=public_key)
    named = _named_signature(path)
    signed = named[0] if named is not None else _signed_target(path)
    if signed != path:
        shown = (printable(str(path)), printable(str(signed)))
        click.echo(f"note: {shown[0]} is a signature; verifying {shown[1]}", err=True)
        path = signed
    if named is not None:
        report = verify_file(path, key, signature_file=named[1])
    elif not path.exists() and not signature_path(path).exists():
        report = VerificationReport(
            status="missing", message="file not found", missing=(path.name,)
        )
    elif path.is_dir():
        report = verify_manifest(path, key)
    elif path.suffix.lower() == ".zip" and not signature_path(path).exists():
        from stage5kit.compliance.observability import verify_bundle

        report = verify_bundle(path, key)
    else:
        report = verify_file(path, key)
    _echo_report(path, report, output_format=output_format)
    if not report.ok:
        ctx.exit(1)
