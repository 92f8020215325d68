"""Verify a decision log: every line's HMAC, the chain, the sequence and the signed head.

One sequential pass over the bytes as read: each line is matched by one regular
expression, its entry bytes are MACed as they stand (never re-serialised) and its digest
chains to the next line. The first bad line is named with a reason code and a sentence.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from stage5kit.compliance._log_format import (
    GENESIS_DIGEST,
    Head,
    decode_head,
    line_digest,
    line_digest_ascii,
    split_line,
)
from stage5kit.compliance.decision_log import HEAD_RECORD, head_path
from stage5kit.compliance.log_keys import KeyRing
from stage5kit.errors import InputError
from stage5kit.signing import (
    KEY_ENV_VARS,
    MANIFEST_NAME,
    VerificationKey,
    VerificationReport,
    open_manifest_bytes,
    signature_path,
)

PARALLEL_MIN_LINES = 50_000
MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class LogVerification:
    """What verifying a log found: ``ok``, what was checked, and the first problem if any.

    ``status`` is ``valid``, ``invalid`` or ``empty`` (nothing to attest: no entries and no
    head). ``line`` is the 1-based line of the first problem (None for the head itself).
    """

    path: Path
    status: str
    entries_checked: int
    log_id: str | None
    last_seq: int
    key_ids: tuple[str, ...]
    head_seq: int | None
    reason: str | None = None
    line: int | None = None
    detail: str = ""
    missing_key_id: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True only when entries were checked and all of them and the head verify."""
        return self.status == "valid"

    def summary(self) -> str:
        """One line for people: what was checked and what was found."""
        checked = f"{self.entries_checked} entries checked"
        if self.status == "valid":
            head = f"head at seq {self.head_seq}"
            return f"{self.path}: valid ({checked}, chain and HMACs intact, {head})"
        if self.status == "empty":
            return f"{self.path}: nothing verified ({checked}): {self.detail}"
        where = "head" if self.line is None else f"line {self.line}"
        return f"{self.path}: INVALID at {where}: {self.detail} ({checked} before it)"

    def to_dict(self) -> dict[str, object]:
        """The result as a JSON-ready mapping (``verify --format json``)."""
        return {
            "path": str(self.path),
            "status": self.status,
            "ok": self.ok,
            "entries_checked": self.entries_checked,
            "log_id": self.log_id,
            "last_seq": self.last_seq,
            "key_ids": list(self.key_ids),
            "head_seq": self.head_seq,
            "reason": self.reason,
            "line": self.line,
            "detail": self.detail,
            "missing_key_id": self.missing_key_id,
            "notes": list(self.notes),
        }


@dataclass(slots=True)
class _Progress:
    """What the pass has established so far (every line before ``checked + 1`` is good)."""

    checked: int = 0
    log_id: str | None = None
    key_ids: set[str] = field(default_factory=set)
    first_prev: str = GENESIS_DIGEST
    last_digest: str = GENESIS_DIGEST


def _describe_malformed(line: bytes) -> tuple[str, str]:
    if not line.strip():
        return "blank_line", "blank line"
    try:
        json.loads(line)
    except ValueError:
        return "not_json", "not JSON (an edited or foreign line)"
    return "not_an_entry", "JSON, but not a signed decision-log entry"


def _seq_problem(
    lines: list[bytes], index: int, seq: int, expected: int, first_number: int
) -> tuple[str, str]:
    """Why a line carries the wrong sequence number: duplicate, reordered or a gap."""
    if seq < expected:
        original = seq - first_number
        if 0 <= original < len(lines) and lines[original] == lines[index]:
            return "duplicate", f"duplicate of line {seq}"
        return "reordered", f"seq {seq} after seq {expected - 1}"
    following = split_line(lines[index + 1]) if index + 1 < len(lines) else None
    if following is not None and following[4] == expected:
        return "reordered", f"seq {seq} comes before seq {expected} (lines swapped)"
    missing = seq - expected
    return "seq_gap", f"expected seq {expected}, found {seq}: {missing} entries missing"


def _result(
    path: Path,
    progress: _Progress,
    *,
    status: str,
    head_seq: int | None,
    reason: str | None = None,
    line: int | None = None,
    detail: str = "",
    missing_key_id: str | None = None,
    notes: tuple[str, ...] = (),
) -> LogVerification:
    return LogVerification(
        path=path,
        status=status,
        entries_checked=progress.checked,
        log_id=progress.log_id,
        last_seq=progress.checked,
        key_ids=tuple(sorted(progress.key_ids)),
        head_seq=head_seq,
        reason=reason,
        line=line,
        detail=detail,
        missing_key_id=missing_key_id,
        notes=notes,
    )


class _Finding(Exception):  # noqa: N818 - internal control flow, never leaves this module
    """The first problem found: a reason code, the line (None for the head) and a sentence."""

    def __init__(
        self,
        reason: str,
        detail: str,
        *,
        line: int | None = None,
        head_seq: int | None = None,
        missing_key_id: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.line = line
        self.head_seq = head_seq
        self.missing_key_id = missing_key_id


def _check_lines(
    lines: list[bytes],
    keyring: KeyRing,
    progress: _Progress,
    *,
    first_number: int = 1,
    chained_to: str | None = GENESIS_DIGEST,
) -> None:
    """Check complete lines in order; raise :class:`_Finding` at the first bad one.

    ``first_number`` is the line number (= seq) of ``lines[0]``; ``chained_to`` the digest
    its ``prev`` must equal (None: take it as given, for a chunk of a parallel pass).
    """
    checkers = {
        key_id.encode("ascii"): key.signature_checker() for key_id, key in keyring.keys.items()
    }
    log_id: bytes | None = None
    prev = None if chained_to is None else chained_to.encode("ascii")
    seen_keys: set[bytes] = set()
    try:
        for index, line in enumerate(lines):
            number = first_number + index
            fields = split_line(line)
            if fields is None:
                raise _Finding(*_describe_malformed(line), line=number)
            entry_bytes, key_id, line_log_id, line_prev, seq, tag = fields
            signature_matches = checkers.get(key_id)
            if signature_matches is None:
                name = key_id.decode("ascii", "replace")
                held = ", ".join(keyring.key_ids()) or "none"
                detail = (
                    f"signed with key '{name}', which is not in the key ring (holds: {held});"
                    " add the retired key to verify it"
                )
                raise _Finding("missing_key", detail, line=number, missing_key_id=name)
            if not signature_matches(entry_bytes, tag):
                name = key_id.decode("ascii")
                detail = f"bad HMAC under key '{name}' (the line was edited or forged)"
                raise _Finding("bad_hmac", detail, line=number)
            if log_id is None:
                log_id = line_log_id
                progress.first_prev = line_prev.decode("ascii")
            elif line_log_id != log_id:
                detail = (
                    f"belongs to log {line_log_id.decode()}, not {log_id.decode()}"
                    " (copied from another log)"
                )
                raise _Finding("other_log", detail, line=number)
            if seq != number:
                problem = _seq_problem(lines, index, seq, number, first_number)
                raise _Finding(*problem, line=number)
            if prev is not None and line_prev != prev:
                detail = "prev is not the digest of the line before (chain broken)"
                raise _Finding("broken_chain", detail, line=number)
            prev = line_digest_ascii(line)
            seen_keys.add(key_id)
            progress.checked = number
    finally:
        progress.log_id = None if log_id is None else log_id.decode("ascii")
        progress.key_ids = {key_id.decode("ascii") for key_id in seen_keys}
        progress.last_digest = GENESIS_DIGEST if prev is None else prev.decode("ascii")


def _verify_chunk(
    path: Path, start: int, end: int, first_number: int, keyring: KeyRing
) -> _Progress | None:
    """Check the lines in bytes ``start:end`` of a log (a worker's share); None on any problem."""
    with path.open("rb") as handle:
        handle.seek(start)
        lines = handle.read(end - start).split(b"\n")
    lines.pop()
    progress = _Progress()
    try:
        _check_lines(lines, keyring, progress, first_number=first_number, chained_to=None)
    except _Finding:
        return None
    return progress


def _chunks(data: bytes, parts: int) -> list[tuple[int, int, int]]:
    """Split a log's bytes at newlines into ``parts`` ranges: (start, end, first line number)."""
    bounds = [0]
    for part in range(1, parts):
        cut = data.find(b"\n", max(len(data) * part // parts, bounds[-1])) + 1
        if 0 < cut < len(data):
            bounds.append(cut)
    bounds.append(len(data))
    chunks = []
    number = 1
    for start, end in itertools.pairwise(bounds):
        chunks.append((start, end, number))
        number += data.count(b"\n", start, end)
    return chunks


def _start_method() -> str:
    """Fork when this process runs one thread and the OS can (workers start in milliseconds,
    not the second a fresh interpreter takes to import the kit); spawn otherwise."""
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return "fork" if forkable and threading.active_count() == 1 else "spawn"


def _check_lines_in_parallel(
    path: Path, data: bytes, count: int, keyring: KeyRing, workers: int
) -> _Progress | None:
    """Verify chunks in ``workers`` processes and stitch them; None when anything is off."""
    chunks = _chunks(data, workers)
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(max_workers=len(chunks) - 1, mp_context=context) as pool:
        futures = [
            pool.submit(_verify_chunk, path, start, end, number, keyring)
            for start, end, number in chunks[1:]
        ]
        first = _verify_chunk(path, *chunks[0][:2], 1, keyring)
        parts = [first, *(future.result() for future in futures)]
    merged = _Progress()
    for part in parts:
        if part is None or part.first_prev != merged.last_digest:
            return None
        if merged.log_id is not None and part.log_id != merged.log_id:
            return None
        merged.log_id = part.log_id
        merged.key_ids |= part.key_ids
        merged.last_digest = part.last_digest
        merged.checked = part.checked
    return merged if merged.checked == count else None


def _check_torn_tail(torn: bytes, number: int) -> None:
    """Raise a finding when bytes follow the last newline (an interrupted append)."""
    if torn:
        detail = (
            f"the last line ({len(torn)} bytes) has no newline: an append was interrupted;"
            " `stage5kit decision-log repair` removes it"
        )
        raise _Finding("torn_last_line", detail, line=number)


def _check_head(
    path: Path, lines: list[bytes], keyring: KeyRing, progress: _Progress
) -> int | None:
    """Compare the log with its signed head checkpoint (catches a cut-off tail).

    Returns the head's last seq (None when there is neither head nor entry); raises
    :class:`_Finding` when the head is missing, forged or names more entries than the log.
    """
    head_file = head_path(path)
    count = progress.checked
    if not head_file.exists():
        if count == 0:
            return None
        detail = f"{head_file.name} is missing, so a cut-off tail could not be detected"
        raise _Finding("missing_head", detail)
    sealed = decode_head(head_file.read_bytes())
    if sealed is None:
        raise _Finding("bad_head", f"{head_file.name} is not a signed head checkpoint")
    head = sealed.head
    key = keyring.get(head.key_id)
    if key is None:
        detail = f"the head is signed with key '{head.key_id}', which is not in the key ring"
        raise _Finding("missing_key", detail, missing_key_id=head.key_id)
    if not key.signature_matches(sealed.signed_bytes, sealed.tag):
        raise _Finding("bad_head", f"bad HMAC on {head_file.name} (edited or forged)")
    if progress.log_id is not None and head.log_id != progress.log_id:
        detail = f"the head is of log {head.log_id}, the entries of log {progress.log_id}"
        raise _Finding("head_mismatch", detail, head_seq=head.last_seq)
    if head.last_seq > count:
        reason = "truncated"
        if count == 0:
            reason = "empty_log" if path.exists() else "missing_log"
        detail = (
            f"the head says the log holds {head.last_seq} entries, the file has {count}:"
            f" {head.last_seq - count} entries cut off after seq {count}"
        )
        raise _Finding(reason, detail, line=count + 1, head_seq=head.last_seq)
    at_head = line_digest(lines[head.last_seq - 1]) if head.last_seq else GENESIS_DIGEST
    if at_head != head.last_digest:
        detail = f"the head's digest of seq {head.last_seq} does not match that line"
        raise _Finding("head_mismatch", detail, line=max(head.last_seq, 1), head_seq=head.last_seq)
    return head.last_seq


_RECORD_FIELDS = ("log_id", "last_seq", "last_digest")
_LOG_ID = re.compile(r"[0-9a-f]{32}")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def _recorded_fields(record: object, source: Path) -> Head:
    if not isinstance(record, dict) or any(name not in record for name in _RECORD_FIELDS):
        msg = (
            f"{source}: no decision-log head recorded ({', '.join(_RECORD_FIELDS)});"
            " give a signed report's manifest.json made in a workspace with a decision log"
        )
        raise InputError(msg, path=source, column=HEAD_RECORD)
    log_id, last_seq, last_digest = (record[name] for name in _RECORD_FIELDS)
    if (
        not isinstance(log_id, str)
        or not _LOG_ID.fullmatch(log_id)
        or not isinstance(last_seq, int)
        or isinstance(last_seq, bool)
        or last_seq < 0
        or not isinstance(last_digest, str)
        or not _DIGEST.fullmatch(last_digest)
    ):
        shown = json.dumps({name: record[name] for name in _RECORD_FIELDS})[:80]
        msg = f"{source}: the recorded head {shown} is not a decision-log head"
        raise InputError(msg, path=source, column=HEAD_RECORD, value=shown)
    return Head(
        log_id=log_id,
        last_seq=last_seq,
        last_digest=last_digest,
        key_id=str(record.get("key_id", "")),
        updated=str(record.get("updated", "")),
    )


def _check_manifest_signature(manifest: Path, data: bytes, key: VerificationKey | None) -> None:
    """Refuse manifest bytes whose signature does not verify under ``key``: an edited
    manifest could otherwise name an older head and let a rolled-back log pass."""
    signature = signature_path(manifest)
    try:
        envelope = signature.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        msg = (
            f"{manifest}: not a decision-log head checkpoint, nor a signed report manifest"
            f" ({signature.name}: {reason}); give a signed report's folder or manifest.json,"
            " or a saved head file"
        )
        raise InputError(msg, path=manifest) from None
    fix = (
        "give the key that signed the report: decision-log verify --report-key SPEC,"
        f" or ${KEY_ENV_VARS[0]}"
    )
    if key is None:
        msg = f"{manifest}: its recorded head is trusted only once its signature verifies; {fix}"
        raise InputError(msg, path=manifest)
    opened = open_manifest_bytes(data, envelope, key)
    if isinstance(opened, VerificationReport):
        msg = (
            f"{manifest}: {opened.message}, so its recorded head is not trusted (edited, or"
            f" signed with another key; `stage5kit verify` checks the report); {fix}"
        )
        raise InputError(msg, path=manifest)


def load_recorded_head(path: str | Path, *, key: VerificationKey | None = None) -> Head:
    """A copy of the log's head kept elsewhere: a signed report's folder or ``manifest.json``
    (``metadata.decision_log_head``) or a head checkpoint file; InputError otherwise.

    A manifest's head is read only from bytes whose signature verifies under ``key`` (the
    report's verification key); without a key, or with a bad signature, it is refused.
    """
    source = Path(path)
    if source.is_dir():
        source = source / MANIFEST_NAME
    try:
        data = source.read_bytes()
    except OSError as error:
        msg = f"{source}: cannot read ({error.strerror or type(error).__name__})"
        raise InputError(msg, path=source) from None
    sealed = None if source.name == MANIFEST_NAME else decode_head(data)
    if sealed is not None:
        return sealed.head
    _check_manifest_signature(source, data, key)
    document = json.loads(data)
    metadata = document.get("metadata") if isinstance(document, dict) else None
    record = metadata.get(HEAD_RECORD) if isinstance(metadata, dict) else None
    return _recorded_fields(record, source)


def _check_recorded_head(lines: list[bytes], progress: _Progress, recorded: Head) -> None:
    """Raise a finding when the log no longer holds the entry a recorded head names
    (the log and its head were put back to an older pair, or the log was rewritten)."""
    count = progress.checked
    if progress.log_id is not None and recorded.log_id != progress.log_id:
        detail = f"the recorded head is of log {recorded.log_id}, this log is {progress.log_id}"
        raise _Finding("recorded_head_mismatch", detail)
    if recorded.last_seq > count:
        detail = (
            f"a recorded head says seq {recorded.last_seq} existed; the log ends at seq"
            f" {count}: it was rolled back (log and head replaced by an older pair)"
        )
        raise _Finding("rolled_back", detail, line=count + 1)
    if recorded.last_seq and line_digest(lines[recorded.last_seq - 1]) != recorded.last_digest:
        detail = (
            f"seq {recorded.last_seq} is not the entry the recorded head names"
            " (the log was rewritten from there)"
        )
        raise _Finding("rolled_back", detail, line=recorded.last_seq)


def verify_log(
    path: str | Path,
    *,
    keyring: KeyRing,
    workers: int | None = None,
    recorded_head: Head | None = None,
) -> LogVerification:
    """Verify every line, the chain and the head; the first bad line is named with why.

    Logs of at least ``PARALLEL_MIN_LINES`` lines are checked by ``workers`` processes
    (default: the CPU count, at most 4); any problem is then located by one sequential pass.
    ``recorded_head`` (a copy kept elsewhere, :func:`load_recorded_head`) must still be in
    the log: that catches a rollback of log and head together, which they cannot show.
    """
    log = Path(path)
    data = log.read_bytes() if log.exists() else b""
    lines = data.split(b"\n")
    torn = lines.pop()
    progress = _Progress()
    chosen = workers if workers is not None else min(os.cpu_count() or 1, MAX_WORKERS)
    if chosen > 1 and len(lines) >= PARALLEL_MIN_LINES and not torn:
        progress = _check_lines_in_parallel(log, data, len(lines), keyring, chosen) or progress
    try:
        if progress.checked < len(lines):
            progress = _Progress()
            _check_lines(lines, keyring, progress)
        _check_torn_tail(torn, len(lines) + 1)
        head_seq = _check_head(log, lines, keyring, progress)
        if recorded_head is not None:
            _check_recorded_head(lines, progress, recorded_head)
    except _Finding as finding:
        return _result(
            log,
            progress,
            status="invalid",
            head_seq=finding.head_seq,
            reason=finding.reason,
            line=finding.line,
            detail=finding.detail,
            missing_key_id=finding.missing_key_id,
        )
    count = progress.checked
    if count == 0:
        detail = "the log has no entries" + (
            " and no head checkpoint" if head_seq is None else " (its head says so too)"
        )
        return _result(log, progress, status="empty", head_seq=head_seq, detail=detail)
    notes: tuple[str, ...] = ()
    if head_seq is not None and head_seq < count:
        notes = (
            f"the head is {count - head_seq} entries behind the log (an append was"
            " interrupted after its line was written); the next append updates it",
        )
    return _result(log, progress, status="valid", head_seq=head_seq, notes=notes)
