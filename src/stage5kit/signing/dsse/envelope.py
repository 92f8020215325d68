"""DSSE envelopes: a base64 payload with its type, signed over DSSE's pre-authentication encoding.

Envelope: ``{"payload": <base64>, "payloadType": <ASCII>, "signatures": [{"keyid", "sig"}]}``
with standard base64 (padded, decoded strictly) and exactly one signature. The signature
covers ``PAE(payloadType, payload) = "DSSEv1" SP len(type) SP type SP len(payload) SP
payload``, lengths in bytes as ASCII decimals.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from stage5kit.errors import SignatureError
from stage5kit.signing.dsse.statement import loads_strict_json
from stage5kit.signing.keys import KEY_ID_PATTERN, SigningKey, VerificationKey

IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
MAX_ENVELOPE_BYTES = 1 << 20
_PRINTABLE_ASCII = range(0x20, 0x7F)


def pae(payload_type: str, payload: bytes) -> bytes:
    """Return DSSE's pre-authentication encoding; ValueError if the type is not printable ASCII."""
    if not payload_type or any(ord(char) not in _PRINTABLE_ASCII for char in payload_type):
        msg = "payloadType must be non-empty printable ASCII"
        raise ValueError(msg)
    kind = payload_type.encode("ascii")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


@dataclass(frozen=True, slots=True)
class OpenedEnvelope:
    """A verified envelope's payload, its type and the signer's key id."""

    payload_type: str
    payload: bytes
    key_id: str


def seal_envelope(
    payload: bytes, key: SigningKey, *, payload_type: str = IN_TOTO_PAYLOAD_TYPE
) -> bytes:
    """Sign ``payload`` and return the DSSE envelope as JSON bytes (indented, newline-ended)."""
    signature = key.sign_bytes(pae(payload_type, payload))
    envelope = {
        "payload": base64.b64encode(payload).decode("ascii"),
        "payloadType": payload_type,
        "signatures": [{"keyid": key.key_id, "sig": base64.b64encode(signature).decode("ascii")}],
    }
    return (json.dumps(envelope, indent=2, sort_keys=True) + "\n").encode("ascii")


def decode_base64_strict(text: object) -> bytes:
    """Decode standard padded base64, refusing any other character (ValueError)."""
    if not isinstance(text, str):
        msg = "base64 value must be a string"
        raise ValueError(msg)  # noqa: TRY004 - one error type for every malformed envelope
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError(str(error)) from None


def _parse_envelope(data: bytes) -> tuple[str, bytes, str, bytes]:
    if len(data) > MAX_ENVELOPE_BYTES:
        msg = "envelope too large"
        raise ValueError(msg)
    document = loads_strict_json(data)
    if not isinstance(document, dict) or set(document) != {"payload", "payloadType", "signatures"}:
        msg = "envelope must have exactly payload, payloadType and signatures"
        raise ValueError(msg)
    payload_type, signatures = document["payloadType"], document["signatures"]
    if not isinstance(payload_type, str):
        msg = "payloadType must be a string"
        raise ValueError(msg)  # noqa: TRY004 - one error type for every malformed envelope
    if not isinstance(signatures, list) or len(signatures) != 1:
        msg = "envelope must carry exactly one signature"
        raise ValueError(msg)
    entry = signatures[0]
    if not isinstance(entry, dict) or set(entry) != {"keyid", "sig"}:
        msg = "signature must have exactly keyid and sig"
        raise ValueError(msg)
    key_id = entry["keyid"]
    if not isinstance(key_id, str) or not KEY_ID_PATTERN.fullmatch(key_id):
        msg = "signature keyid is malformed"
        raise ValueError(msg)
    payload = decode_base64_strict(document["payload"])
    signature = decode_base64_strict(entry["sig"])
    return payload_type, payload, key_id, signature


def open_envelope(
    data: bytes, key: VerificationKey, *, payload_type: str = IN_TOTO_PAYLOAD_TYPE
) -> OpenedEnvelope:
    """Verify a DSSE envelope and return its payload; any failure is one opaque SignatureError."""
    try:
        found_type, payload, key_id, signature = _parse_envelope(data)
        if found_type != payload_type:
            raise SignatureError
        if not key.signature_matches(pae(found_type, payload), signature):
            raise SignatureError
    except (ValueError, UnicodeError):
        raise SignatureError from None
    return OpenedEnvelope(payload_type=found_type, payload=payload, key_id=key_id)
