"""The training register: one HMAC-signed, hash-chained JSONL line per workshop session.

``var/audit/training/stage5_training_log.jsonl`` holds lines of the form
``{"mac":"<64 hex>","entry":<entry>}`` where ``<entry>`` is the RFC 8785 canonical JSON
of the entry (UTF-8 as is, so Polish names are stored byte for byte) and the MAC is
HMAC-SHA256 over exactly those bytes, taken from the line as read. Each entry holds its
``seq`` (1, 2, ...), ``prev`` (sha256 of the previous line, 64 zeros for the first) and
``key_id``, so an edited, deleted, reordered or copied line is caught at its line.
Artifacts (slides, recordings) are copied to ``var/audit/training/<date>/`` and recorded
with their sha256.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from stage5kit.errors import InputError
from stage5kit.files import atomic_path, atomic_write_text, file_lock, sha256_file
from stage5kit.signing import SigningKey, VerificationKey, canonicalize_json

REGISTER_NAME = "stage5_training_log.jsonl"
TRAINING_CATEGORY = "stage5_training"
GENESIS = "0" * 64
MAX_NAME_CHARS = 200
_PREFIX = b'{"mac":"'
_MIDDLE = b'","entry":'
_MAC_HEX = 64
_ENTRY_START = len(_PREFIX) + _MAC_HEX + len(_MIDDLE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HEX64 = re.compile(rb"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Artifact:
    """A file recorded with a session: its name, path inside the training folder, sha256."""

    name: str
    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingSession:
    """What ``training log`` records about one workshop session."""

    facilitator: str
    location: str
    training_date: date
    participants: tuple[str, ...]
    materials: tuple[str, ...] = ()
    artifacts: tuple[Path, ...] = field(default=())


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterEntry:
    """One verified line of the register: its number, the entry and the line's digest."""

    line: int
    entry: dict[str, object]
    digest: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterReport:
    """The outcome of :func:`verify_register`: ok, or the first bad line and why."""

    path: str
    ok: bool
    message: str
    entries: int
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "path": self.path,
            "status": "ok" if self.ok else "invalid",
            "message": self.message,
            "entries": self.entries,
            "line": self.line,
        }


def _check_name(value: str, what: str) -> str:
    if not value.strip():
        msg = f"{what}: empty (give a name)"
        raise InputError(msg, column=what, value=value)
    if len(value) > MAX_NAME_CHARS or _CONTROL.search(value):
        msg = f"{what}: {value[:80]!r} has control characters or over {MAX_NAME_CHARS} characters"
        raise InputError(msg, column=what, value=value[:80])
    return value


def _check_session(session: TrainingSession) -> None:
    _check_name(session.facilitator, "--facilitator")
    _check_name(session.location, "--location")
    if not session.participants:
        msg = "--participant: no participant given (repeat --participant NAME for each one)"
        raise InputError(msg, column="--participant")
    for name in session.participants:
        _check_name(name, "--participant")
    for material in session.materials:
        _check_name(material, "--material")
    names = [a.name for a in session.artifacts]
    for artifact in session.artifacts:
        if not artifact.is_file():
            msg = f"{artifact}: --artifact is not a readable file (check the path)"
            raise InputError(msg, path=artifact, column="--artifact")
        if names.count(artifact.name) > 1:
            msg = f"{artifact}: two artifacts are named {artifact.name!r}; rename one"
            raise InputError(msg, path=artifact, column="--artifact")


def _line_digest(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def _split_line(line: bytes) -> tuple[bytes, bytes] | None:
    """The MAC hex and the entry bytes of a line, or None when it is not in the format."""
    if not line.startswith(_PREFIX) or line[len(_PREFIX) + _MAC_HEX :].find(_MIDDLE) != 0:
        return None
    mac = line[len(_PREFIX) : len(_PREFIX) + _MAC_HEX]
    if not _HEX64.fullmatch(mac) or not line.endswith(b"}"):
        return None
    return mac, line[_ENTRY_START:-1]


def _encode_line(entry: dict[str, object], key: SigningKey) -> bytes:
    body = canonicalize_json(entry, what="training entry")
    mac = key.sign_bytes(body).hex().encode("ascii")
    return _PREFIX + mac + _MIDDLE + body + b"}"


def _last_line(path: Path) -> tuple[int, str]:
    """The last seq and line digest of a register (0 and zeros when empty or absent)."""
    if not path.exists():
        return 0, GENESIS
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        msg = f"{path}: the last line is incomplete (a run was interrupted); check the register"
        raise InputError(msg, path=path)
    lines = data.splitlines()
    if not lines:
        return 0, GENESIS
    parts = _split_line(lines[-1])
    try:
        entry = json.loads(parts[1]) if parts else None
        seq = int(entry["seq"]) if isinstance(entry, dict) else None
    except (ValueError, KeyError, TypeError):
        seq = None
    if seq is None:
        msg = f"{path}, line {len(lines)}: not a training register line; run `training verify`"
        raise InputError(msg, path=path, row=len(lines))
    return seq, _line_digest(lines[-1])


def _copy_artifacts(session: TrainingSession, training_dir: Path) -> tuple[Artifact, ...]:
    folder = training_dir / session.training_date.isoformat()
    copied = []
    for source in session.artifacts:
        digest = sha256_file(source)
        target = folder / source.name
        if target.exists() and sha256_file(target) != digest:
            msg = (
                f"{target}: already holds a different file; rename the artifact or"
                " record it under another name"
            )
            raise InputError(msg, path=target, column="--artifact")
        if not target.exists():
            with atomic_path(target) as temp:
                shutil.copyfile(source, temp)
        copied.append(
            Artifact(
                name=source.name,
                path=target.relative_to(training_dir).as_posix(),
                sha256=digest,
                size=target.stat().st_size,
            )
        )
    return tuple(copied)


def session_entry(
    session: TrainingSession, artifacts: Sequence[Artifact], *, recorded_at: datetime
) -> dict[str, object]:
    """The session's fields as recorded (without seq, prev and key id)."""
    return {
        "kind": "session",
        "facilitator": session.facilitator,
        "location": session.location,
        "training_date": session.training_date.isoformat(),
        "participants": list(session.participants),
        "materials": list(session.materials),
        "artifacts": [
            {"name": a.name, "path": a.path, "sha256": a.sha256, "bytes": a.size} for a in artifacts
        ],
        "recorded_at": recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def record_session(
    session: TrainingSession,
    *,
    training_dir: Path,
    key: SigningKey,
    now: datetime | None = None,
) -> RegisterEntry:
    """Copy the artifacts and append the signed session entry; return it as written.

    Everything is checked before anything is written; appends are serialised with a lock.
    """
    _check_session(session)
    if key.algorithm != "hmac":
        msg = f"key '{key.key_id}' is an Ed25519 key; the training register is signed with HMAC"
        raise InputError(msg, column="--log-hmac-key-file")
    register = training_dir / REGISTER_NAME
    recorded_at = now if now is not None else datetime.now(UTC)
    with file_lock(register.with_name(f"{REGISTER_NAME}.lock")):
        last_seq, prev = _last_line(register)
        artifacts = _copy_artifacts(session, training_dir)
        entry = {
            **session_entry(session, artifacts, recorded_at=recorded_at),
            "seq": last_seq + 1,
            "prev": prev,
            "key_id": key.key_id,
        }
        line = _encode_line(entry, key)
        existing = register.read_bytes() if register.exists() else b""
        with atomic_path(register) as temp:
            temp.write_bytes(existing + line + b"\n")
    return RegisterEntry(line=last_seq + 1, entry=entry, digest=_line_digest(line))


def read_register(path: Path) -> list[RegisterEntry]:
    """The register's entries without checking MACs (use :func:`verify_register` for that)."""
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        parts = _split_line(line)
        if parts is None:
            continue
        try:
            entry = json.loads(parts[1])
        except ValueError:
            continue
        if isinstance(entry, dict):
            found.append(RegisterEntry(line=number, entry=entry, digest=_line_digest(line)))
    return found


def _bad(path: Path, entries: int, line: int, why: str) -> RegisterReport:
    return RegisterReport(
        path=str(path), ok=False, message=f"line {line}: {why}", entries=entries, line=line
    )


def _parse_line(line: bytes) -> tuple[bytes, bytes, dict[str, object]] | str:
    """The MAC hex, entry bytes and entry of a line, or why it is not a register line."""
    parts = _split_line(line)
    if parts is None:
        return "not a training register line"
    try:
        entry = json.loads(parts[1])
    except ValueError:
        return "entry is not JSON"
    if not isinstance(entry, dict):
        return "entry is not a JSON object"
    return parts[0], parts[1], entry


def _line_problem(line: bytes, number: int, prev: str, key: VerificationKey) -> str | None:
    """Why line ``number`` does not verify after a line with digest ``prev``, or None."""
    parsed = _parse_line(line)
    if isinstance(parsed, str):
        return parsed
    mac, body, entry = parsed
    signer = str(entry.get("key_id"))[:80]
    checks = (
        (signer == key.key_id, f"signed with key {signer!r}, not the given key {key.key_id!r}"),
        (
            key.signature_matches(body, bytes.fromhex(mac.decode("ascii"))),
            "MAC does not verify (the line was edited)",
        ),
        (entry.get("seq") == number, f"seq {entry.get('seq')!r}, expected {number}"),
        (entry.get("prev") == prev, "chain broken (a line before it was changed)"),
    )
    return next((message for passed, message in checks if not passed), None)


def verify_register(path: Path, key: VerificationKey) -> RegisterReport:
    """Check every line's MAC, seq and chain; name the first bad line and why."""
    if not path.exists():
        return RegisterReport(path=str(path), ok=False, message="no training register", entries=0)
    lines = path.read_bytes().split(b"\n")
    if lines[-1]:
        return _bad(path, len(lines) - 1, len(lines), "incomplete last line (no newline)")
    prev = GENESIS
    for number, line in enumerate(lines[:-1], start=1):
        problem = _line_problem(line, number, prev, key)
        if problem is not None:
            return _bad(path, number - 1, number, problem)
        prev = _line_digest(line)
    count = len(lines) - 1
    if count == 0:
        return RegisterReport(path=str(path), ok=False, message="register is empty", entries=0)
    return RegisterReport(
        path=str(path), ok=True, message=f"all {count} entries verify", entries=count
    )


def decision_log_payload(entry: RegisterEntry, register: Path) -> dict[str, object]:
    """The ``stage5_training`` decision-log payload recording a session."""
    body = entry.entry
    return {
        "kind": "session",
        "facilitator": body["facilitator"],
        "location": body["location"],
        "training_date": body["training_date"],
        "participants": body["participants"],
        "materials": body["materials"],
        "artifacts": body["artifacts"],
        "register": register.name,
        "register_seq": body["seq"],
        "register_line_sha256": entry.digest,
    }


def _markdown_text(value: str) -> str:
    """Escape characters Markdown would read as formatting."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", value)


def append_session_to_doc(doc: Path, entry: RegisterEntry) -> None:
    """Append the session (participants, materials, room for conclusions) to a Markdown file."""
    body = entry.entry
    day = date.fromisoformat(str(body["training_date"]))
    participants = [str(p) for p in body["participants"]]  # type: ignore[attr-defined]
    materials = [str(m) for m in body["materials"]]  # type: ignore[attr-defined]
    artifacts = [a["path"] for a in body["artifacts"]]  # type: ignore[attr-defined]
    lines = [
        f"## Sesja {day:%d.%m.%Y} \N{EN DASH} {_markdown_text(str(body['location']))}",
        "",
        f"- Prowadzenie: {_markdown_text(str(body['facilitator']))}",
        f"- Uczestnicy ({len(participants)}): "
        + ", ".join(_markdown_text(p) for p in participants),
    ]
    if materials:
        lines.append("- Materiały: " + ", ".join(_markdown_text(m) for m in materials))
    if artifacts:
        lines.append(
            "- Artefakty (w `var/audit/training/`): " + ", ".join(f"`{a}`" for a in artifacts)
        )
    lines += [
        f"- Wpis w rejestrze szkoleń: nr {body['seq']} (`{REGISTER_NAME}`)",
        "- Wnioski: _do uzupełnienia po warsztacie_",
        "",
    ]
    existing = (
        doc.read_text(encoding="utf-8")
        if doc.exists()
        else (
            "# Warsztat Stage5 \N{EN DASH} rejestr szkoleń\n\n"
            "Lista sesji, uczestników i wniosków (dopisywana przez `stage5kit training log"
            " --update-doc`).\n\n"
        )
    )
    if existing and not existing.endswith("\n"):
        existing += "\n"
    atomic_write_text(doc, existing + "\n".join(lines) + "\n")
