"""The decision log's byte format: one signed line per entry, and the signed head checkpoint.

A line is ``{"entry":<E>,"hmac":"<64 hex>"}`` + ``\\n`` where ``<E>`` is the entry's RFC 8785
canonical JSON, serialised once when it is appended. The HMAC covers exactly ``<E>``: a
verifier slices those bytes out of the line as read and never re-serialises. Canonical
JSON sorts keys, so ``<E>`` always reads ``actor, category, key_id, log_id, payload, prev,
seq, ticket, timestamp`` and fixed markers frame the fields a verifier needs.
The head file ``<log>.head`` has the same shape with ``"head"`` in place of ``"entry"``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from stage5kit.signing import SigningKey, canonicalize_json

GENESIS_DIGEST = "0" * 64

_STR = rb'"(?:[^"\\]|\\.)*"'
_KEY_ID = rb"[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}"

_HEAD = (
    rb'\{"key_id":"(' + _KEY_ID + rb')","last_digest":"([0-9a-f]{64})"'
    rb',"last_seq":(0|[1-9][0-9]{0,15}),"log_id":"([0-9a-f]{32})","updated":' + _STR + rb"\}"
)
HEAD_PATTERN = re.compile(rb'\{"head":(' + _HEAD + rb'),"hmac":"([0-9a-f]{64})"\}\n?')
"""Groups: 1 head bytes, 2 key_id, 3 last_digest, 4 last_seq, 5 log_id, 6 hmac hex."""


_ENTRY_OPEN = b'{"entry":{"actor":"'
_KEY_ID_FIELD = b'","key_id":"'
_LOG_ID_FIELD = b'","log_id":"'
_PAYLOAD_FIELD = b'","payload":{'
_PREV_FIELD = b'},"prev":"'
_SEQ_FIELD = b'","seq":'
_TICKET_FIELD = b',"ticket":'
_HMAC_FIELD = b',"hmac":"'
_HMAC_TAIL = len(_HMAC_FIELD) + 64 + 2
_LOG_ID_CHARS = 32
_DIGEST_CHARS = 64


LineFields = tuple[bytes, bytes, bytes, bytes, int, bytes]
"""entry bytes (what the HMAC covers), key_id, log_id, prev (ASCII), seq, HMAC tag.

A plain tuple: verify slices a million lines, and a record type would cost more than the HMAC.
"""


def split_line(line: bytes) -> LineFields | None:
    """Slice a line into :data:`LineFields` by its fixed frame; None when the frame is wrong.

    Fast (no parsing of the payload): canonical JSON escapes every quote inside a string,
    so the field markers cannot occur inside actor, category or ticket, and the last
    ``},"prev":"`` closes the payload. A line that frames but was not written by the key
    holder fails its HMAC.
    """
    if not line.startswith(_ENTRY_OPEN) or line[-_HMAC_TAIL:-66] != _HMAC_FIELD:
        return None
    entry = line[9:-_HMAC_TAIL]
    key_at = entry.find(_KEY_ID_FIELD)
    log_at = entry.find(_LOG_ID_FIELD, key_at)
    prev_at = entry.rfind(_PREV_FIELD)
    if key_at < 0 or log_at < 0 or prev_at < log_at:
        return None
    log_end = log_at + len(_LOG_ID_FIELD) + _LOG_ID_CHARS
    seq_at = prev_at + len(_PREV_FIELD) + _DIGEST_CHARS
    ticket_at = entry.find(_TICKET_FIELD, seq_at)
    if (
        entry[log_end : log_end + len(_PAYLOAD_FIELD)] != _PAYLOAD_FIELD
        or entry[seq_at : seq_at + len(_SEQ_FIELD)] != _SEQ_FIELD
        or ticket_at < 0
        or not line.endswith(b'"}')
    ):
        return None
    try:
        seq = int(entry[seq_at + len(_SEQ_FIELD) : ticket_at])
        tag = bytes.fromhex(line[-66:-2].decode("ascii"))
    except ValueError:
        return None
    return (
        entry,
        entry[key_at + len(_KEY_ID_FIELD) : log_at],
        entry[log_end - _LOG_ID_CHARS : log_end],
        entry[seq_at - _DIGEST_CHARS : seq_at],
        seq,
        tag,
    )


def line_digest(line: bytes) -> str:
    """The chain digest of a line: sha256 hex of its bytes without the newline."""
    return hashlib.sha256(line).hexdigest()


def line_digest_ascii(line: bytes) -> bytes:
    """:func:`line_digest` as ASCII bytes, to compare with ``prev`` sliced from the next line."""
    return hashlib.sha256(line).hexdigest().encode("ascii")


def seal(kind: str, canonical: bytes, key: SigningKey) -> bytes:
    """Wrap canonical bytes with their HMAC: ``{"<kind>":<bytes>,"hmac":"<hex>"}``."""
    tag = key.sign_bytes(canonical).hex()
    return b'{"' + kind.encode("ascii") + b'":' + canonical + b',"hmac":"' + tag.encode() + b'"}'


@dataclass(frozen=True, slots=True)
class Head:
    """The signed head checkpoint: the log's id, last sequence number and last line digest."""

    log_id: str
    last_seq: int
    last_digest: str
    key_id: str
    updated: str


def encode_head(head: Head, key: SigningKey) -> bytes:
    """The bytes of the head file for ``head``, signed with ``key``."""
    body = {
        "key_id": head.key_id,
        "last_digest": head.last_digest,
        "last_seq": head.last_seq,
        "log_id": head.log_id,
        "updated": head.updated,
    }
    return seal("head", canonicalize_json(body, what="decision-log head"), key) + b"\n"


@dataclass(frozen=True, slots=True)
class SealedHead:
    """A head as read from its file, with the bytes its HMAC covers and the tag."""

    head: Head
    signed_bytes: bytes
    tag: bytes


def decode_head(data: bytes) -> SealedHead | None:
    """Parse head file bytes; None when they are not a head checkpoint."""
    match = HEAD_PATTERN.fullmatch(data)
    if match is None:
        return None
    updated = json.loads(match.group(1))["updated"]
    head = Head(
        log_id=match.group(5).decode(),
        last_seq=int(match.group(4)),
        last_digest=match.group(3).decode(),
        key_id=match.group(2).decode(),
        updated=str(updated),
    )
    tag = bytes.fromhex(match.group(6).decode())
    return SealedHead(head=head, signed_bytes=match.group(1), tag=tag)
