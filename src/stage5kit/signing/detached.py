"""Detached signatures of single files: ``<file>.sig`` holds a DSSE envelope over its hash."""

from __future__ import annotations

import hmac
from pathlib import Path

from stage5kit.errors import InputError, SignatureError
from stage5kit.files import atomic_write_bytes, sha256_file
from stage5kit.signing.dsse.envelope import MAX_ENVELOPE_BYTES, open_envelope, seal_envelope
from stage5kit.signing.dsse.statement import (
    SIGNATURE_PREDICATE_TYPE,
    Statement,
    Subject,
    decode_statement,
    encode_statement,
)
from stage5kit.signing.keys import SigningKey, VerificationKey
from stage5kit.signing.report import VerificationReport

SIGNATURE_SUFFIX = ".sig"
ALGORITHM_NAMES = {"hmac": "hmac-sha256", "ed25519": "ed25519"}
SIGNATURE_DOES_NOT_VERIFY = str(SignatureError())


def signature_path(path: str | Path) -> Path:
    """Return where the detached signature of ``path`` lives: ``<path>.sig``."""
    target = Path(path)
    return target.with_name(target.name + SIGNATURE_SUFFIX)


def hash_file(path: Path) -> str:
    """Return the sha256 of a file (streamed); an unreadable file is an InputError, not a crash."""
    try:
        return sha256_file(path)
    except OSError as error:
        msg = f"{path}: cannot read ({error.strerror or type(error).__name__})"
        raise InputError(msg, path=path) from None


def sign_file(
    path: str | Path, key: SigningKey, *, signature_file: str | Path | None = None
) -> Path:
    """Sign a file: write ``<path>.sig`` (or ``signature_file``) atomically; return its path."""
    target = Path(path)
    if not target.is_file():
        msg = f"{target}: not a file (sign a folder with sign_manifest)"
        raise InputError(msg, path=target)
    statement = Statement(
        subjects=(Subject(name=target.name, sha256=hash_file(target)),),
        predicate_type=SIGNATURE_PREDICATE_TYPE,
        predicate={"algorithm": ALGORITHM_NAMES[key.algorithm], "keyid": key.key_id},
    )
    sig = signature_path(target) if signature_file is None else Path(signature_file)
    return atomic_write_bytes(sig, seal_envelope(encode_statement(statement), key))


def _read_envelope(sig: Path) -> bytes:
    try:
        with sig.open("rb") as handle:
            return handle.read(MAX_ENVELOPE_BYTES + 1)
    except OSError as error:
        msg = f"{sig}: cannot read signature ({error.strerror or type(error).__name__})"
        raise InputError(msg, path=sig) from None


def read_signed_subject(sig: Path, key: VerificationKey, *, name: str) -> tuple[Subject, str]:
    """Return the subject ``name`` that ``sig`` signs and the signer's id; else SignatureError."""
    return signed_subject_of(_read_envelope(sig), key, name=name)


def signed_subject_of(envelope: bytes, key: VerificationKey, *, name: str) -> tuple[Subject, str]:
    """Return the subject ``name`` that signature bytes sign and the signer's id, else raise.

    For signatures that are not files on disk (a ``manifest.json.sig`` inside a zip).
    """
    opened = open_envelope(envelope, key)
    try:
        statement = decode_statement(opened.payload)
    except ValueError:
        raise SignatureError from None
    expected = {"algorithm": ALGORITHM_NAMES[key.algorithm], "keyid": opened.key_id}
    if (
        statement.predicate_type != SIGNATURE_PREDICATE_TYPE
        or statement.predicate != expected
        or len(statement.subjects) != 1
        or statement.subjects[0].name != name
    ):
        raise SignatureError
    return statement.subjects[0], opened.key_id


def verify_file(
    path: str | Path, key: VerificationKey, *, signature_file: str | Path | None = None
) -> VerificationReport:
    """Verify ``path`` against ``<path>.sig`` (or ``signature_file``); tampering gives a
    report, never an exception."""
    target = Path(path)
    sig = signature_path(target) if signature_file is None else Path(signature_file)
    if not sig.is_file():
        return VerificationReport(
            status="missing", message=f"no signature {sig.name}", missing=(sig.name,)
        )
    try:
        subject, key_id = read_signed_subject(sig, key, name=target.name)
    except SignatureError:
        return VerificationReport(status="invalid", message=SIGNATURE_DOES_NOT_VERIFY)
    if not target.is_file():
        return VerificationReport(
            status="invalid",
            message="signed file is missing",
            key_id=key_id,
            missing=(target.name,),
        )
    if not hmac.compare_digest(hash_file(target), subject.sha256):
        return VerificationReport(
            status="invalid",
            message="signed file was modified",
            key_id=key_id,
            modified=(target.name,),
        )
    return VerificationReport(status="ok", message="signature verifies", key_id=key_id)
