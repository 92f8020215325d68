"""in-toto Statement v1: the signed payload that names each subject and its sha256."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from stage5kit.errors import InputError
from stage5kit.signing.canonical import canonicalize_json

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
SIGNATURE_PREDICATE_TYPE = "urn:stage5kit:signature:v1"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Subject:
    """One signed artefact: its name (relative POSIX path) and lowercase hex sha256."""

    name: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Statement:
    """An in-toto Statement v1 with its subjects, predicate type and predicate."""

    subjects: tuple[Subject, ...]
    predicate_type: str
    predicate: Mapping[str, object] = field(default_factory=dict)


def encode_statement(statement: Statement) -> bytes:
    """Return the statement as canonical (RFC 8785) JSON bytes."""
    document = {
        "_type": STATEMENT_TYPE,
        "subject": [
            {"name": subject.name, "digest": {"sha256": subject.sha256}}
            for subject in statement.subjects
        ],
        "predicateType": statement.predicate_type,
        "predicate": dict(statement.predicate),
    }
    return canonicalize_json(document, what="in-toto statement")


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        msg = "duplicate key in JSON object"
        raise ValueError(msg)
    return dict(pairs)


def loads_strict_json(data: bytes) -> object:
    """Parse UTF-8 JSON refusing duplicate keys, NaN/Infinity and absurd nesting (ValueError)."""

    def refuse_constant(name: str) -> object:
        msg = f"{name} is not JSON"
        raise ValueError(msg)

    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_refuse_duplicates,
            parse_constant=refuse_constant,
        )
    except RecursionError:
        msg = "JSON nested too deeply"
        raise ValueError(msg) from None


def _subject_from(entry: object) -> Subject:
    if not isinstance(entry, dict) or set(entry) != {"name", "digest"}:
        msg = "subject must have exactly name and digest"
        raise ValueError(msg)
    name, digest = entry["name"], entry["digest"]
    if not isinstance(name, str) or not name:
        msg = "subject name must be a non-empty string"
        raise ValueError(msg)
    if not isinstance(digest, dict) or set(digest) != {"sha256"}:
        msg = "subject digest must be exactly {sha256}"
        raise ValueError(msg)
    sha256 = digest["sha256"]
    if not isinstance(sha256, str) or not _SHA256_HEX.fullmatch(sha256):
        msg = "subject sha256 must be 64 lowercase hex digits"
        raise ValueError(msg)
    return Subject(name=name, sha256=sha256)


def decode_statement(payload: bytes) -> Statement:
    """Parse canonical statement bytes strictly; ValueError for anything not as we write it."""
    document = loads_strict_json(payload)
    if not isinstance(document, dict):
        msg = "statement must be a JSON object"
        raise ValueError(msg)  # noqa: TRY004 - one error type for every malformed payload
    if set(document) != {"_type", "subject", "predicateType", "predicate"}:
        msg = "statement must have exactly _type, subject, predicateType, predicate"
        raise ValueError(msg)
    if document["_type"] != STATEMENT_TYPE:
        msg = "statement _type is not in-toto Statement v1"
        raise ValueError(msg)
    subjects, predicate_type, predicate = (
        document["subject"],
        document["predicateType"],
        document["predicate"],
    )
    if not isinstance(subjects, list) or not subjects:
        msg = "statement needs a non-empty subject list"
        raise ValueError(msg)
    if not isinstance(predicate_type, str) or not isinstance(predicate, dict):
        msg = "statement predicateType must be a string and predicate an object"
        raise ValueError(msg)  # noqa: TRY004 - one error type for every malformed payload
    statement = Statement(
        subjects=tuple(_subject_from(entry) for entry in subjects),
        predicate_type=predicate_type,
        predicate=predicate,
    )
    try:
        canonical = encode_statement(statement)
    except InputError:
        msg = "statement holds a value canonical JSON cannot represent"
        raise ValueError(msg) from None
    if canonical != payload:
        msg = "statement is not in canonical (RFC 8785) form"
        raise ValueError(msg)
    return statement
