"""Offline archives of keys (seed 000 agenda 6): encrypted key, metadata, checksum, sheet.

``keys archive`` writes ``<key_id>.key-archive.json`` (the key file encrypted with a
passphrase by scrypt + AES-256-GCM, its registry metadata bound in as associated data),
``<key_id>.key-archive.json.sha256`` (``sha256sum`` format) and a printable recovery
sheet ``<key_id>.recovery.txt`` with the key id and the archive's checksum — never the
passphrase. ``keys restore`` checks the checksum, decrypts and writes the key back (0600).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from stage5kit.compliance.key_registry import KeyRecord, KeyRegistry
from stage5kit.errors import ConfigError, InputError, SignatureError
from stage5kit.files import atomic_write_bytes, atomic_write_text
from stage5kit.signing import canonicalize_json, open_with_passphrase, seal_with_passphrase

ARCHIVE_FORMAT = "stage5kit.key_archive/v1"
ARCHIVE_SUFFIX = ".key-archive.json"
PRIVATE_KEY_MODE = 0o600
MAX_ARCHIVE_BYTES = 1 << 20
_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivedKey:
    """What :func:`archive_key` wrote, and the archive's sha256."""

    key_id: str
    archive: Path
    checksum_file: Path
    sheet: Path
    sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RestoredKey:
    """Where :func:`restore_key` wrote the key (and its public half for Ed25519)."""

    key_id: str
    private_key_path: Path
    public_key_path: Path | None


def _key_source(registry: KeyRegistry, record: KeyRecord) -> Path:
    """The key's file: where its state puts it, else where it was before a pending move."""
    expected = registry.key_file(record)
    if expected.is_file():
        return expected
    before_move = registry.require_key_dir() / f"{record.key_id}.key"
    if before_move.is_file():
        return before_move
    msg = f"{expected}: the key file of {record.key_id!r} is not there; nothing to archive"
    raise ConfigError(msg)


def _grouped(hex_digest: str) -> str:
    return " ".join(hex_digest[i : i + 4] for i in range(0, len(hex_digest), 4))


def recovery_sheet(metadata: dict[str, object], archive_name: str, sha256: str) -> str:
    """The printable recovery sheet: key id, archive name and checksum, how to restore."""
    retired = metadata.get("retired")
    state = f"{metadata['state']}" + (f" since {retired}" if retired else "")
    return "\n".join(
        [
            "stage5kit key archive - recovery sheet",
            "=" * 38,
            "",
            f"Key id:        {metadata['key_id']}",
            f"Bundle:        {metadata['bundle']} ({metadata['purpose']}, {metadata['algorithm']})",
            f"State:         {state}",
            f"Created:       {metadata['created']}",
            f"Archived at:   {metadata['archived_at']}",
            f"Archive file:  {archive_name}",
            f"SHA-256:       {_grouped(sha256)}",
            "Encryption:    scrypt (n=131072, r=8, p=1) + AES-256-GCM",
            "",
            "To restore: compare the SHA-256 above with `sha256sum` of the archive file, then",
            f"  stage5kit keys restore {archive_name} --out DIR",
            "and type the passphrase (or set STAGE5KIT_ARCHIVE_PASSPHRASE).",
            "",
            "The passphrase is not on this sheet. Keep it apart from the archive.",
            "",
        ]
    )


def archive_key(
    registry: KeyRegistry,
    *,
    key_id: str,
    out_dir: Path,
    passphrase: str,
    now: datetime | None = None,
) -> ArchivedKey:
    """Encrypt a registered key's file into an offline archive with a checksum and a sheet."""
    record = registry.find(key_id)
    if record is None:
        msg = f"{registry.path}: no key {key_id!r} in the registry"
        raise ConfigError(msg)
    source = _key_source(registry, record)
    public = source.with_suffix(".pub")
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    metadata: dict[str, object] = {
        "key_id": record.key_id,
        "bundle": record.bundle,
        "purpose": record.purpose,
        "algorithm": record.algorithm,
        "state": record.state,
        "created": record.created.isoformat(),
        "last_rotated": record.last_rotated.isoformat(),
        "retired": None if record.retired is None else record.retired.isoformat(),
        "archived_at": stamp,
        "public_key_pem": public.read_text(encoding="ascii") if public.is_file() else None,
    }
    sealed = seal_with_passphrase(
        source.read_bytes(),
        passphrase,
        associated_data=canonicalize_json(metadata, what="archive metadata"),
    )
    document = {"format": ARCHIVE_FORMAT, "metadata": metadata, "sealed": sealed}
    data = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
    sha256 = hashlib.sha256(data).hexdigest()
    archive = out_dir / f"{record.key_id}{ARCHIVE_SUFFIX}"
    checksum_file = archive.with_name(archive.name + ".sha256")
    sheet = out_dir / f"{record.key_id}.recovery.txt"
    atomic_write_bytes(archive, data)
    atomic_write_text(checksum_file, f"{sha256}  {archive.name}\n")
    atomic_write_text(sheet, recovery_sheet(metadata, archive.name, sha256))
    return ArchivedKey(
        key_id=record.key_id,
        archive=archive,
        checksum_file=checksum_file,
        sheet=sheet,
        sha256=sha256,
    )


def _read_archive(archive: Path) -> tuple[bytes, dict[str, object], dict[str, object]]:
    try:
        data = archive.read_bytes()
    except OSError as error:
        msg = f"{archive}: cannot read the archive ({error.strerror or type(error).__name__})"
        raise InputError(msg, path=archive) from None
    if len(data) > MAX_ARCHIVE_BYTES:
        msg = f"{archive}: over 1 MiB; not a key archive"
        raise InputError(msg, path=archive)
    try:
        document = json.loads(data)
    except ValueError:
        document = None
    if (
        not isinstance(document, dict)
        or document.get("format") != ARCHIVE_FORMAT
        or not isinstance(document.get("metadata"), dict)
        or not isinstance(document.get("sealed"), dict)
    ):
        msg = f"{archive}: not a stage5kit key archive ({ARCHIVE_FORMAT})"
        raise InputError(msg, path=archive)
    metadata, sealed = document["metadata"], document["sealed"]
    if not _KEY_ID.fullmatch(str(metadata.get("key_id", ""))):
        msg = f"{archive}: the archive's key id is not a valid key id"
        raise InputError(msg, path=archive)
    return data, metadata, sealed


def _check_checksum(archive: Path, data: bytes) -> None:
    checksum_file = archive.with_name(archive.name + ".sha256")
    if not checksum_file.is_file():
        return
    expected = checksum_file.read_text(encoding="ascii", errors="replace").split(" ")[0].strip()
    if not hmac.compare_digest(expected, hashlib.sha256(data).hexdigest()):
        msg = f"{archive}: sha256 differs from {checksum_file.name}; the archive was changed"
        raise SignatureError(msg)


def restore_key(archive: Path, *, passphrase: str, out_dir: Path) -> RestoredKey:
    """Decrypt an archive and write ``<key_id>.key`` (0600, never over an existing file)."""
    data, metadata, sealed = _read_archive(archive)
    _check_checksum(archive, data)
    key_id = str(metadata["key_id"])
    private = out_dir / f"{key_id}.key"
    public = out_dir / f"{key_id}.pub"
    public_pem = metadata.get("public_key_pem")
    for path in (private, public) if public_pem else (private,):
        if path.exists():
            msg = f"{path}: already exists; refusing to overwrite a key"
            raise InputError(msg, path=path)
    secret = open_with_passphrase(
        sealed, passphrase, associated_data=canonicalize_json(metadata, what="archive metadata")
    )
    atomic_write_bytes(private, secret, mode=PRIVATE_KEY_MODE)
    if public_pem:
        atomic_write_text(public, str(public_pem))
    return RestoredKey(
        key_id=key_id, private_key_path=private, public_key_path=public if public_pem else None
    )
