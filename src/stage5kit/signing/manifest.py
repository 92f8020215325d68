"""Signed folders: ``manifest.json`` lists every file's path, size and sha256 and is signed.

The manifest is canonical JSON ``{"exclude", "files": [{"path", "sha256", "size"}],
"format", "metadata"}``; ``manifest.json.sig`` is its detached signature. Verifying compares
the folder with the manifest and names the modified, missing and unexpected files.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import os
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from stage5kit.errors import InputError, SignatureError
from stage5kit.files import atomic_write_bytes
from stage5kit.signing.canonical import canonicalize_json
from stage5kit.signing.detached import (
    SIGNATURE_DOES_NOT_VERIFY,
    hash_file,
    read_signed_subject,
    sign_file,
    signature_path,
    signed_subject_of,
)
from stage5kit.signing.dsse.statement import loads_strict_json
from stage5kit.signing.keys import SigningKey, VerificationKey
from stage5kit.signing.report import VerificationReport

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "stage5kit-manifest/v1"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def _relative_entries(folder: Path) -> Iterator[tuple[str, Path]]:
    """Yield (relative POSIX path, path) of every non-directory entry below ``folder``."""
    for root, dirs, names in os.walk(folder):
        base = Path(root)
        linked_dirs = [name for name in dirs if (base / name).is_symlink()]
        dirs[:] = sorted(name for name in dirs if name not in linked_dirs)
        for name in sorted([*names, *linked_dirs]):
            path = base / name
            yield path.relative_to(folder).as_posix(), path


def _is_excluded(relative: str, exclude: Collection[str]) -> bool:
    if relative in (MANIFEST_NAME, signature_path(MANIFEST_NAME).name):
        return True
    return any(fnmatch.fnmatchcase(relative, pattern) for pattern in exclude)


def _folder_files(folder: Path, exclude: Collection[str]) -> dict[str, Path]:
    return {
        relative: path
        for relative, path in _relative_entries(folder)
        if not _is_excluded(relative, exclude)
    }


def _require_folder(folder: Path) -> None:
    if not folder.is_dir():
        msg = f"{folder}: not a folder"
        raise InputError(msg, path=folder)


def sign_manifest(
    folder: str | Path,
    key: SigningKey,
    *,
    metadata: Mapping[str, object] | None = None,
    exclude: Collection[str] = (),
) -> Path:
    """Write ``folder/manifest.json`` and its signature ``manifest.json.sig``; return the manifest.

    Every file below ``folder`` is listed except the manifest, its signature and paths that
    match an ``exclude`` glob (matched against the relative POSIX path; ``*`` crosses ``/``).
    ``metadata`` (parameters, input hashes, versions) is stored under ``metadata``.
    Symbolic links are refused: a signed folder holds its own bytes.
    """
    root = Path(folder)
    _require_folder(root)
    entries = []
    for relative, path in sorted(_folder_files(root, exclude).items()):
        if path.is_symlink() or not path.is_file():
            msg = f"{path}: symbolic links and special files cannot be signed"
            raise InputError(msg, path=path)
        entries.append({"path": relative, "sha256": hash_file(path), "size": path.stat().st_size})
    document = {
        "exclude": sorted(exclude),
        "files": entries,
        "format": MANIFEST_FORMAT,
        "metadata": dict(metadata or {}),
    }
    manifest = atomic_write_bytes(
        root / MANIFEST_NAME, canonicalize_json(document, what=f"{root / MANIFEST_NAME}")
    )
    sign_file(manifest, key)
    return manifest


def _is_safe_relative(relative: object) -> bool:
    if not isinstance(relative, str) or not relative or "\\" in relative:
        return False
    parts = PurePosixPath(relative).parts
    return not relative.startswith("/") and ".." not in parts and "." not in relative.split("/")


def _listed_files(data: bytes) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Parse verified manifest bytes strictly; ValueError if not what sign_manifest writes."""
    document = loads_strict_json(data)
    if not isinstance(document, dict) or set(document) != {
        "exclude",
        "files",
        "format",
        "metadata",
    }:
        msg = "manifest keys"
        raise ValueError(msg)
    exclude, files = document["exclude"], document["files"]
    if document["format"] != MANIFEST_FORMAT or not isinstance(files, list):
        msg = "manifest format"
        raise ValueError(msg)
    if not isinstance(exclude, list) or not all(isinstance(p, str) for p in exclude):
        msg = "manifest exclude"
        raise ValueError(msg)
    listed: dict[str, tuple[int, str]] = {}
    for entry in files:
        if not isinstance(entry, dict) or set(entry) != {"path", "sha256", "size"}:
            msg = "manifest entry"
            raise ValueError(msg)
        relative, sha256, size = entry["path"], entry["sha256"], entry["size"]
        if (
            not _is_safe_relative(relative)
            or not isinstance(sha256, str)
            or not _SHA256_HEX.fullmatch(sha256)
            or not isinstance(size, int)
            or isinstance(size, bool)
            or size < 0
            or relative in listed
        ):
            msg = "manifest entry"
            raise ValueError(msg)
        listed[relative] = (size, sha256)
    return listed, exclude


def _read_manifest(manifest: Path) -> bytes:
    """Read the manifest once: the bytes hashed are the bytes parsed."""
    try:
        return manifest.read_bytes()
    except OSError as error:
        msg = f"{manifest}: cannot read ({error.strerror or type(error).__name__})"
        raise InputError(msg, path=manifest) from None


def _matches(path: Path, size: int, sha256: str) -> bool:
    if path.is_symlink() or not path.is_file() or path.stat().st_size != size:
        return False
    return hmac.compare_digest(hash_file(path), sha256)


@dataclass(frozen=True, slots=True)
class ManifestListing:
    """What a verified manifest lists: path -> (size, sha256), its exclude globs, the signer."""

    key_id: str
    files: Mapping[str, tuple[int, str]]
    exclude: tuple[str, ...]


def open_manifest_bytes(
    manifest: bytes, signature: bytes, key: VerificationKey
) -> ManifestListing | VerificationReport:
    """Check manifest bytes against their signature's bytes: what it lists, or a failure report.

    For manifests that are not files in a folder (a signed bundle read inside its zip).
    """
    try:
        subject, key_id = signed_subject_of(signature, key, name=MANIFEST_NAME)
        if not hmac.compare_digest(hashlib.sha256(manifest).hexdigest(), subject.sha256):
            return VerificationReport(
                status="invalid",
                message="manifest.json was modified",
                key_id=key_id,
                modified=(MANIFEST_NAME,),
            )
        listed, exclude = _listed_files(manifest)
    except (SignatureError, ValueError):
        return VerificationReport(status="invalid", message=SIGNATURE_DOES_NOT_VERIFY)
    return ManifestListing(key_id=key_id, files=listed, exclude=tuple(exclude))


def _open_manifest(
    manifest: Path, key: VerificationKey
) -> VerificationReport | tuple[str, dict[str, tuple[int, str]], list[str]]:
    """Check the manifest's signature and digest; return a failure report or what it lists."""
    try:
        subject, key_id = read_signed_subject(signature_path(manifest), key, name=MANIFEST_NAME)
        data = _read_manifest(manifest)
        if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), subject.sha256):
            return VerificationReport(
                status="invalid",
                message="manifest.json was modified",
                key_id=key_id,
                modified=(MANIFEST_NAME,),
            )
        listed, exclude = _listed_files(data)
    except (SignatureError, ValueError):
        return VerificationReport(status="invalid", message=SIGNATURE_DOES_NOT_VERIFY)
    return key_id, listed, exclude


def verify_manifest(folder: str | Path, key: VerificationKey) -> VerificationReport:
    """Verify a signed folder; the report names modified, missing and unexpected files."""
    root = Path(folder)
    _require_folder(root)
    manifest = root / MANIFEST_NAME
    absent = tuple(p.name for p in (manifest, signature_path(manifest)) if not p.is_file())
    if absent:
        return VerificationReport(
            status="missing", message=f"folder is not signed: no {absent[0]}", missing=absent
        )
    opened = _open_manifest(manifest, key)
    if isinstance(opened, VerificationReport):
        return opened
    key_id, listed, exclude = opened
    present = _folder_files(root, exclude)
    modified = tuple(
        relative
        for relative, (size, sha256) in sorted(listed.items())
        if relative in present and not _matches(present[relative], size, sha256)
    )
    missing = tuple(sorted(set(listed) - set(present)))
    unexpected = tuple(sorted(set(present) - set(listed)))
    if modified or missing or unexpected:
        counts = f"{len(modified)} modified, {len(missing)} missing, {len(unexpected)} unexpected"
        return VerificationReport(
            status="invalid",
            message=f"folder does not match its manifest: {counts}",
            key_id=key_id,
            modified=modified,
            missing=missing,
            unexpected=unexpected,
        )
    return VerificationReport(status="ok", message="signature verifies", key_id=key_id)
