"""Verify a signed bundle zip without extracting it: names, types and sizes first, then bytes.

Before any entry is trusted the whole central directory is checked; an unsafe archive is
refused with an :class:`~stage5kit.errors.ArchiveError` naming the entry and why: absolute
paths, drive letters, backslashes, ``.``/``..`` or empty components, NUL or control
characters, duplicates (also after Unicode NFKC normalisation and case folding), links,
folders and other non-regular entries, encryption, and archives past the caps on entry count,
per-file and total size and compression ratio. Entry data is then streamed, hashed and
counted as it comes — the header's sizes are never trusted — and compared with the signed
``manifest.json``; files changed, missing or not listed make an ``invalid`` report.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stage5kit.errors import ArchiveError
from stage5kit.signing import (
    MANIFEST_NAME,
    ManifestListing,
    VerificationKey,
    VerificationReport,
    open_manifest_bytes,
    signature_path,
)

SIGNATURE_NAME = signature_path(MANIFEST_NAME).name
_CHUNK = 1 << 16
_DRIVE = re.compile(r"^[A-Za-z]:")
_ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True, slots=True, kw_only=True)
class ZipLimits:
    """Caps that keep a hostile archive from exhausting memory, disk or time."""

    max_entries: int = 256
    max_file_bytes: int = 32 << 20
    max_total_bytes: int = 128 << 20
    max_ratio: float = 200.0


def _shown(name: str) -> str:
    """An entry name safe to print: control characters escaped, at most ~80 characters."""
    text = name.encode("unicode_escape").decode("ascii")
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _name_problem(name: str) -> str | None:
    """Why an entry name is unsafe, or None."""
    checks = (
        ("\x00" in name, "its name contains a NUL byte"),
        (any(unicodedata.category(c) == "Cc" for c in name), "its name has control characters"),
        ("\\" in name, "its name contains a backslash (only '/' separates folders in a zip)"),
        (name.startswith("/"), "it is an absolute path"),
        (bool(_DRIVE.match(name)), "it starts with a drive letter"),
    )
    for failed, why in checks:
        if failed:
            return why
    parts = name.split("/")
    if ".." in parts:
        return "it has a '..' component (would escape the bundle)"
    if "." in parts:
        return "it has a '.' component"
    if "" in parts:
        return "it has an empty component ('//' or a trailing '/')"
    return None


def _type_problem(info: zipfile.ZipInfo) -> str | None:
    """Why an entry is not a plain file, or None."""
    mode = info.external_attr >> 16
    if info.flag_bits & _ENCRYPTED_FLAG:
        return "it is encrypted"
    if stat.S_ISLNK(mode):
        return "it is a symbolic link"
    if info.is_dir() or stat.S_ISDIR(mode):
        return "it is a folder entry"
    if mode and not stat.S_ISREG(mode):
        return "it is not a regular file"
    return None


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Refuse the archive on the first unsafe entry, before reading any entry's data."""
    if len(infos) > limits.max_entries:
        msg = f"{path}: {len(infos)} entries, more than the {limits.max_entries} allowed"
        raise ArchiveError(msg, path=path)
    seen: dict[str, str] = {}
    declared = 0
    for info in infos:
        name = info.orig_filename
        problem = _name_problem(name) or _type_problem(info)
        folded = unicodedata.normalize("NFKC", name).casefold()
        if problem is None and folded in seen:
            same = seen[folded] == name
            problem = "it appears twice" if same else f"it clashes with {_shown(seen[folded])}"
            problem += " (duplicate names are refused)" if same else " after case folding"
        if problem is None and info.file_size > limits.max_file_bytes:
            problem = f"it declares {info.file_size} bytes, over {limits.max_file_bytes}"
        if problem is None and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            problem = f"it expands more than {limits.max_ratio:g} times (zip bomb)"
        if problem is not None:
            msg = f"{path}: entry {_shown(name)} refused: {problem}"
            raise ArchiveError(msg, path=path, entry=name)
        seen[folded] = name
        declared += info.file_size
        if declared > limits.max_total_bytes:
            msg = f"{path}: entries declare more than {limits.max_total_bytes} bytes in total"
            raise ArchiveError(msg, path=path, entry=name)


class _Budget:
    """Counts bytes as they stream out of the archive against the total cap."""

    def __init__(self, path: Path, limits: ZipLimits) -> None:
        self.path, self.limits, self.total = path, limits, 0

    def chunks(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
        """Yield an entry's data; refuse it past ``cap`` bytes or the ratio and total caps."""
        count = 0
        name = info.orig_filename
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    count += len(chunk)
                    self.total += len(chunk)
                    if count > cap or count > self.limits.max_ratio * max(info.compress_size, 1):
                        msg = f"{self.path}: entry {_shown(name)} refused: more data than declared"
                        raise ArchiveError(msg, path=self.path, entry=name)
                    if self.total > self.limits.max_total_bytes:
                        msg = f"{self.path}: more than {self.limits.max_total_bytes} bytes in total"
                        raise ArchiveError(msg, path=self.path, entry=name)
                    yield chunk
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as error:
            msg = f"{self.path}: entry {_shown(name)} refused: data is corrupt ({error})"
            raise ArchiveError(msg, path=self.path, entry=name) from None

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
        """An entry's whole data (for the small manifest and its signature)."""
        return b"".join(self.chunks(archive, info, cap))

    def sha256(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> str:
        """An entry's sha256, streamed."""
        digest = hashlib.sha256()
        for chunk in self.chunks(archive, info, cap):
            digest.update(chunk)
        return digest.hexdigest()


def _compare(
    archive: zipfile.ZipFile,
    entries: dict[str, zipfile.ZipInfo],
    listing: ManifestListing,
    budget: _Budget,
) -> VerificationReport:
    """Compare the archive's entries with what the verified manifest lists."""
    present = {n: i for n, i in entries.items() if n not in (MANIFEST_NAME, SIGNATURE_NAME)}
    missing = tuple(sorted(set(listing.files) - set(present)))
    unexpected = tuple(sorted(set(present) - set(listing.files)))
    modified = []
    for name, (size, sha256) in sorted(listing.files.items()):
        info = present.get(name)
        if info is None:
            continue
        if info.file_size != size or not hmac.compare_digest(
            budget.sha256(archive, info, size), sha256
        ):
            modified.append(name)
    if modified or missing or unexpected:
        counts = f"{len(modified)} modified, {len(missing)} missing, {len(unexpected)} unexpected"
        return VerificationReport(
            status="invalid",
            message=f"bundle does not match its manifest: {counts}",
            key_id=listing.key_id,
            modified=tuple(modified),
            missing=missing,
            unexpected=unexpected,
        )
    return VerificationReport(status="ok", message="bundle verifies", key_id=listing.key_id)


def verify_bundle(
    path: str | Path, key: VerificationKey, *, limits: ZipLimits | None = None
) -> VerificationReport:
    """Verify a signed bundle zip in place (nothing is extracted or written).

    An unsafe archive raises :class:`~stage5kit.errors.ArchiveError`; a bad signature, or
    files changed, missing or not in the manifest give an ``invalid`` report.
    """
    source = Path(path)
    caps = limits or ZipLimits()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        msg = f"{source}: not a readable zip archive ({error})"
        raise ArchiveError(msg, path=source) from None
    with archive:
        infos = archive.infolist()
        _check_directory(source, infos, caps)
        entries = {info.orig_filename: info for info in infos}
        absent = tuple(n for n in (MANIFEST_NAME, SIGNATURE_NAME) if n not in entries)
        if absent:
            return VerificationReport(
                status="missing", message=f"bundle is not signed: no {absent[0]}", missing=absent
            )
        budget = _Budget(source, caps)
        manifest = budget.read(archive, entries[MANIFEST_NAME], caps.max_file_bytes)
        signature = budget.read(archive, entries[SIGNATURE_NAME], caps.max_file_bytes)
        opened = open_manifest_bytes(manifest, signature, key)
        if isinstance(opened, VerificationReport):
            return opened
        return _compare(archive, entries, opened, budget)
