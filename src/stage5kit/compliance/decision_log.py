"""The decision log: append-only JSONL, one HMAC-signed, hash-chained entry a line.

Each entry holds its sequence number, the UTC time, the log's random id (fixed when the
log is created), a category, the actor, an optional ticket, a JSON payload, ``prev`` (the
sha256 of the previous line's bytes) and the id of the key that signed it. Appends take a
file lock, write whole lines with one ``write``, fsync, then replace the signed head
checkpoint ``<log>.head`` (last seq, last digest, log id), so a cut-off tail is caught.
The byte format is in ``_log_format``; verification in :mod:`log_verify`; ``docs/decision_log.md``.
"""

from __future__ import annotations

import glob
import json
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from stage5kit.compliance._log_format import (
    GENESIS_DIGEST,
    Head,
    decode_head,
    encode_head,
    line_digest,
    seal,
    split_line,
)
from stage5kit.errors import InputError, LogIntegrityError
from stage5kit.files import atomic_write_bytes, file_lock, fsync_folder
from stage5kit.signing import SigningKey, canonicalize_json

CATEGORY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_TEXT_CHARS = 200
TAIL_CHUNK_BYTES = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def head_path(log_path: str | Path) -> Path:
    """The signed head checkpoint beside a log: ``<log>.head``."""
    log = Path(log_path)
    return log.with_name(log.name + ".head")


def lock_path(log_path: str | Path) -> Path:
    """The lock file that serialises appends to a log: ``<log>.lock``."""
    log = Path(log_path)
    return log.with_name(log.name + ".lock")


HEAD_RECORD = "decision_log_head"
"""The key under which a signed report manifest's metadata records the log's head."""


def head_record(path: str | Path) -> dict[str, object] | None:
    """The log's signed head checkpoint as a JSON record for a signed report's manifest.

    An external copy of the head: a later ``verify --expect-head`` shows whether the log
    still holds that entry (else it was rolled back together with its head). None when
    there is no log; ``problem`` says why when the head cannot be read.
    """
    log = Path(path)
    if not log.exists():
        return None
    shown = log.resolve()
    head_file = head_path(log)
    sealed = decode_head(head_file.read_bytes()) if head_file.exists() else None
    if sealed is None:
        state = "is not a head checkpoint" if head_file.exists() else "is missing"
        return {"path": shown.as_posix(), "problem": f"{head_file.name} {state}"}
    head = sealed.head
    return {
        "path": shown.as_posix(),
        "log_id": head.log_id,
        "last_seq": head.last_seq,
        "last_digest": head.last_digest,
        "key_id": head.key_id,
        "updated": head.updated,
        "hmac": sealed.tag.hex(),
    }


@dataclass(frozen=True, slots=True)
class NewEntry:
    """What a caller records: category, payload (a JSON object), actor and optional ticket."""

    category: str
    payload: Mapping[str, object]
    actor: str
    ticket: str | None = None


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry as written in the log, with the digest of its line (the next entry's prev)."""

    seq: int
    timestamp: str
    log_id: str
    category: str
    actor: str
    ticket: str | None
    payload: Mapping[str, object] = field(repr=False)
    prev: str
    key_id: str
    digest: str

    def to_dict(self) -> dict[str, object]:
        """The entry as a JSON-ready mapping (for ``show --format json``)."""
        return {
            "seq": self.seq,
            "timestamp": self.timestamp,
            "log_id": self.log_id,
            "category": self.category,
            "actor": self.actor,
            "ticket": self.ticket,
            "payload": dict(self.payload),
            "prev": self.prev,
            "key_id": self.key_id,
            "digest": self.digest,
        }


def _reject_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for name, value in pairs:
        if name in result:
            msg = f"duplicate key {name!r}"
            raise ValueError(msg)
        result[name] = value
    return result


def parse_payload(text: str, *, source: str) -> dict[str, object]:
    """Parse a payload given as JSON text: an object, no duplicate keys, no NaN."""

    def refuse_constant(name: str) -> object:
        msg = f"{name} is not a JSON number"
        raise ValueError(msg)

    try:
        value = json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=refuse_constant
        )
    except json.JSONDecodeError as error:
        msg = f"{source}, line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        raise InputError(msg, path=source, row=error.lineno) from None
    except ValueError as error:
        msg = f"{source}: {error} (each key may appear once; numbers must be finite)"
        raise InputError(msg, path=source) from None
    if not isinstance(value, dict):
        msg = f"{source}: the payload must be a JSON object ({{...}}), not {type(value).__name__}"
        raise InputError(msg, path=source)
    return value


def _check_text(value: str | None, what: str, *, required: bool) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT_CHARS:
        msg = f"{what}: must be 1-{MAX_TEXT_CHARS} characters, got {str(value)[:80]!r}"
        raise InputError(msg, value=value)
    if _CONTROL.search(value):
        msg = f"{what}: {value[:80]!r} contains a control character (newline, tab, escape)"
        raise InputError(msg, value=value)


def check_new_entry(draft: NewEntry) -> None:
    """Refuse a bad category, actor, ticket or payload before anything is written."""
    if not CATEGORY_PATTERN.fullmatch(draft.category):
        msg = (
            f"category {draft.category[:80]!r}: use lower-case letters, digits and '_'"
            " (e.g. stage5_incident), starting with a letter"
        )
        raise InputError(msg, column="category", value=draft.category)
    _check_text(draft.actor, "actor", required=True)
    _check_text(draft.ticket, "ticket", required=False)
    if not isinstance(draft.payload, Mapping):
        msg = "payload: must be a JSON object (a mapping)"
        raise InputError(msg, column="payload")


def format_timestamp(now: datetime) -> str:
    """An aware datetime as the log writes it: UTC, microseconds, ``Z``."""
    if now.tzinfo is None:
        msg = f"timestamp {now.isoformat()!r} has no time zone; pass an aware UTC datetime"
        raise InputError(msg, value=now.isoformat())
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _read_at(fd: int, size: int, offset: int) -> bytes:
    """Read ``size`` bytes at ``offset`` (lseek + read: ``os.pread`` is POSIX-only)."""
    os.lseek(fd, offset, os.SEEK_SET)
    chunks = []
    while size > 0 and (chunk := os.read(fd, size)):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _after_last_newline(fd: int, end: int) -> int:
    """The offset just after the last newline before ``end`` (0 when there is none)."""
    while end > 0:
        start = max(0, end - TAIL_CHUNK_BYTES)
        cut = _read_at(fd, end - start, start).rfind(b"\n")
        if cut >= 0:
            return start + cut + 1
        end = start
    return 0


def _read_last_line(fd: int) -> tuple[bytes | None, bool]:
    """The last complete line of an open log (no newline) and whether a torn tail follows it."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None, False
    torn = _read_at(fd, 1, size - 1) != b"\n"
    complete_end = _after_last_newline(fd, size) if torn else size
    if complete_end == 0:
        return None, torn
    start = _after_last_newline(fd, complete_end - 1)
    return _read_at(fd, complete_end - 1 - start, start), torn


@dataclass(frozen=True, slots=True)
class _Tail:
    log_id: str
    last_seq: int
    last_digest: str


def _tail_state(fd: int, log: Path) -> _Tail | None:
    """Where the next entry chains on, checked against the head; None for a new log."""
    last, torn = _read_last_line(fd)
    if torn:
        msg = (
            f"{log}: the last line is torn (an append was interrupted); run"
            f" `stage5kit decision-log repair --path {log}` to remove it, then append again"
        )
        raise LogIntegrityError(msg, path=log)
    head_file = head_path(log)
    head = decode_head(head_file.read_bytes()) if head_file.exists() else None
    if last is None:
        if head is not None and head.head.last_seq > 0:
            msg = (
                f"{log}: the log is empty but its head says it held {head.head.last_seq}"
                " entries; it was cut off or replaced — restore it before appending"
            )
            raise LogIntegrityError(msg, path=log)
        return None
    fields = split_line(last)
    if fields is None:
        msg = f"{log}: the last line is not a decision-log entry; run `decision-log verify`"
        raise LogIntegrityError(msg, path=log)
    tail = _Tail(
        log_id=fields[2].decode("ascii"),
        last_seq=fields[4],
        last_digest=line_digest(last),
    )
    if head_file.exists() and head is None:
        msg = f"{head_file}: not a decision-log head checkpoint; run `decision-log verify`"
        raise LogIntegrityError(msg, path=head_file)
    if head is not None:
        cut_off = head.head.last_seq > tail.last_seq
        differs = head.head.last_seq == tail.last_seq and head.head.last_digest != tail.last_digest
        if cut_off or differs or head.head.log_id != tail.log_id:
            msg = (
                f"{log}: the log ends at seq {tail.last_seq} but its head says seq"
                f" {head.head.last_seq} of log {head.head.log_id}; the tail was cut off or"
                " replaced — run `decision-log verify` before appending"
            )
            raise LogIntegrityError(msg, path=log, line=tail.last_seq + 1)
    return tail


def _entry_line(
    draft: NewEntry, *, seq: int, prev: str, log_id: str, timestamp: str, key: SigningKey
) -> tuple[bytes, LogEntry]:
    body = {
        "actor": draft.actor,
        "category": draft.category,
        "key_id": key.key_id,
        "log_id": log_id,
        "payload": dict(draft.payload),
        "prev": prev,
        "seq": seq,
        "ticket": draft.ticket,
        "timestamp": timestamp,
    }
    canonical = canonicalize_json(body, what=f"decision-log entry ({draft.category})")
    line = seal("entry", canonical, key)
    entry = LogEntry(
        seq=seq,
        timestamp=timestamp,
        log_id=log_id,
        category=draft.category,
        actor=draft.actor,
        ticket=draft.ticket,
        payload=draft.payload,
        prev=prev,
        key_id=key.key_id,
        digest=line_digest(line),
    )
    return line, entry


def _remove_stale_head_temps(log: Path) -> None:
    """Remove head temp files a killed append left (only the lock holder writes the head)."""
    pattern = f".{glob.escape(head_path(log).name)}.*.tmp"
    for stale in log.parent.glob(pattern):
        stale.unlink(missing_ok=True)


def append_entries(
    path: str | Path,
    drafts: Sequence[NewEntry],
    *,
    key: SigningKey,
    now: datetime | None = None,
    new_log_id: str | None = None,
) -> tuple[LogEntry, ...]:
    """Append entries under the log's lock, fsync them, then update the signed head.

    The entries are acknowledged when this returns: they are on disk with the head
    pointing at the last of them. A kill before that leaves at worst a torn last line.
    ``new_log_id`` names a log this call creates (random by default; the sample artifacts
    pass a fixed one so that they rebuild byte for byte); an existing log keeps its id.
    """
    if key.algorithm != "hmac":
        msg = f"key '{key.key_id}' is not an HMAC key; the decision log is signed with HMAC"
        raise InputError(msg)
    for draft in drafts:
        check_new_entry(draft)
    if not drafts:
        return ()
    log = Path(path)
    timestamp = format_timestamp(now if now is not None else datetime.now(UTC))
    log.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(lock_path(log)):
        existed = log.exists()
        if not existed and head_path(log).exists():
            msg = (
                f"{log}: the log is missing but its head checkpoint {head_path(log).name} exists;"
                " it was deleted or moved — restore it before appending"
            )
            raise LogIntegrityError(msg, path=log)
        fd = os.open(log, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            tail = _tail_state(fd, log)
            log_id = (new_log_id or secrets.token_hex(16)) if tail is None else tail.log_id
            seq = 0 if tail is None else tail.last_seq
            prev = GENESIS_DIGEST if tail is None else tail.last_digest
            lines: list[bytes] = []
            entries: list[LogEntry] = []
            for draft in drafts:
                seq += 1
                line, entry = _entry_line(
                    draft, seq=seq, prev=prev, log_id=log_id, timestamp=timestamp, key=key
                )
                lines.append(line)
                entries.append(entry)
                prev = entry.digest
            data = b"\n".join(lines) + b"\n"
            written = 0
            while written < len(data):
                written += os.write(fd, data[written:])
            os.fsync(fd)
        finally:
            os.close(fd)
        if not existed:
            fsync_folder(log.parent)
        head = Head(
            log_id=log_id, last_seq=seq, last_digest=prev, key_id=key.key_id, updated=timestamp
        )
        _remove_stale_head_temps(log)
        atomic_write_bytes(head_path(log), encode_head(head, key))
    return tuple(entries)


def append_entry(
    path: str | Path,
    *,
    category: str,
    payload: Mapping[str, object],
    key: SigningKey,
    actor: str,
    ticket: str | None = None,
    now: datetime | None = None,
    new_log_id: str | None = None,
) -> LogEntry:
    """Append one entry (see :func:`append_entries`) and return it as written."""
    draft = NewEntry(category=category, payload=payload, actor=actor, ticket=ticket)
    return append_entries(path, [draft], key=key, now=now, new_log_id=new_log_id)[0]


def _entry_from_line(line: bytes, *, log: Path, number: int) -> LogEntry:
    try:
        outer = json.loads(line, object_pairs_hook=_reject_duplicates)
        body = outer["entry"]
        return LogEntry(
            seq=int(body["seq"]),
            timestamp=str(body["timestamp"]),
            log_id=str(body["log_id"]),
            category=str(body["category"]),
            actor=str(body["actor"]),
            ticket=None if body["ticket"] is None else str(body["ticket"]),
            payload=dict(body["payload"]),
            prev=str(body["prev"]),
            key_id=str(body["key_id"]),
            digest=line_digest(line),
        )
    except (ValueError, KeyError, TypeError):
        msg = f"{log}, line {number}: not a decision-log entry; run `decision-log verify`"
        raise LogIntegrityError(msg, path=log, line=number) from None


def read_entries(
    path: str | Path,
    *,
    category: str | None = None,
    since: datetime | None = None,
) -> list[LogEntry]:
    """The log's entries, optionally of one category and at or after ``since`` (UTC).

    Reads without checking signatures (use :func:`verify_log` for that); a torn last line
    is skipped, any other unreadable line raises :class:`LogIntegrityError`.
    """
    log = Path(path)
    if not log.exists():
        return []
    data = log.read_bytes()
    lines = data.split(b"\n")
    complete = lines[:-1]
    threshold = None if since is None else format_timestamp(since)
    entries = []
    for number, line in enumerate(complete, start=1):
        entry = _entry_from_line(line, log=log, number=number)
        if category is not None and entry.category != category:
            continue
        if threshold is not None and entry.timestamp < threshold:
            continue
        entries.append(entry)
    return entries


@dataclass(frozen=True, slots=True)
class RepairResult:
    """What :func:`repair_log` did: the torn line it removed (number and size), or nothing."""

    path: Path
    removed_line: int | None
    removed_bytes: int

    @property
    def message(self) -> str:
        """One sentence saying what was done."""
        if self.removed_line is None:
            return f"{self.path}: no torn last line; nothing removed"
        return (
            f"{self.path}: removed the torn last line {self.removed_line}"
            f" ({self.removed_bytes} bytes, never acknowledged); every complete line was kept"
        )


def repair_log(path: str | Path) -> RepairResult:
    """Remove a torn last line (bytes after the last newline) under the log's lock; nothing else."""
    log = Path(path)
    if not log.exists():
        msg = f"{log}: no such decision log"
        raise InputError(msg, path=log)
    with file_lock(lock_path(log)):
        fd = os.open(log, os.O_RDWR)
        try:
            data_size = os.fstat(fd).st_size
            if data_size == 0 or _read_at(fd, 1, data_size - 1) == b"\n":
                return RepairResult(path=log, removed_line=None, removed_bytes=0)
            keep = _after_last_newline(fd, data_size)
            complete_lines = _count_newlines(fd, keep)
            os.ftruncate(fd, keep)
            os.fsync(fd)
        finally:
            os.close(fd)
    return RepairResult(path=log, removed_line=complete_lines + 1, removed_bytes=data_size - keep)


def _count_newlines(fd: int, size: int) -> int:
    count = 0
    offset = 0
    while offset < size:
        chunk = _read_at(fd, min(1 << 20, size - offset), offset)
        count += chunk.count(b"\n")
        offset += len(chunk)
    return count
