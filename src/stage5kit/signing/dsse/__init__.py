"""DSSE envelopes and in-toto statements: the building blocks under the signing recipes.

Like cryptography's ``hazmat``: correct and tested, but with choices a caller can get
wrong (which payload type, which subjects, what the key id means). Sign and verify files
and folders with the recipes in :mod:`stage5kit.signing`; reach in here only to build
another signed record format.
"""

from __future__ import annotations

from stage5kit.signing.dsse.envelope import (
    IN_TOTO_PAYLOAD_TYPE,
    MAX_ENVELOPE_BYTES,
    OpenedEnvelope,
    open_envelope,
    pae,
    seal_envelope,
)
from stage5kit.signing.dsse.statement import (
    SIGNATURE_PREDICATE_TYPE,
    STATEMENT_TYPE,
    Statement,
    Subject,
    decode_statement,
    encode_statement,
)

__all__ = [
    "IN_TOTO_PAYLOAD_TYPE",
    "MAX_ENVELOPE_BYTES",
    "SIGNATURE_PREDICATE_TYPE",
    "STATEMENT_TYPE",
    "OpenedEnvelope",
    "Statement",
    "Subject",
    "decode_statement",
    "encode_statement",
    "open_envelope",
    "pae",
    "seal_envelope",
]
