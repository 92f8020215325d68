"""DSSE envelopes, PAE and in-toto statements are encoded and parsed exactly as documented."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.errors import InputError, SignatureError
from stage5kit.signing import SigningKey, canonicalize_json, load_signing_key
from stage5kit.signing.dsse import (
    Statement,
    Subject,
    decode_statement,
    encode_statement,
    open_envelope,
    pae,
    seal_envelope,
)

KEY = load_signing_key(f"hex:{'5a' * 32}", key_id="env-test")
STATEMENT = Statement(
    subjects=(Subject(name="report.html", sha256="ab" * 32),),
    predicate_type="urn:test",
    predicate={"note": "zażółć"},
)


def test_pae_counts_utf8_bytes_of_the_payload() -> None:
    """A multi-byte payload is length-prefixed by its byte count, not its character count."""
    payload = "ł€😀".encode()
    assert pae("t", payload) == b"DSSEv1 1 t 9 " + payload


@given(st.text())
def test_pae_length_field_is_the_payload_byte_length(text: str) -> None:
    """For any text payload the length field equals len(UTF-8 bytes)."""
    payload = text.encode("utf-8")
    assert pae("a/b", payload) == b"DSSEv1 3 a/b %d " % len(payload) + payload


@pytest.mark.parametrize("payload_type", ["application/vnd.zażółć+json", "tab\there", ""])
def test_pae_refuses_a_payload_type_that_is_not_printable_ascii(payload_type: str) -> None:
    """payloadType must be printable ASCII: multi-byte or control characters are refused."""
    with pytest.raises(ValueError, match="ASCII"):
        pae(payload_type, b"x")


def test_envelope_has_the_dsse_fields() -> None:
    """A sealed envelope holds payload, payloadType and one signature with keyid and sig."""
    envelope = json.loads(seal_envelope(b"payload", KEY))
    assert set(envelope) == {"payload", "payloadType", "signatures"}
    assert base64.b64decode(envelope["payload"], validate=True) == b"payload"
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    assert [set(s) for s in envelope["signatures"]] == [{"keyid", "sig"}]
    assert envelope["signatures"][0]["keyid"] == "env-test"


def test_envelope_signature_is_over_pae() -> None:
    """The signature is the HMAC of PAE(payloadType, payload), checkable without the kit."""
    import hashlib
    import hmac

    envelope = json.loads(seal_envelope(b"hello world", KEY))
    expected = hmac.new(
        bytes.fromhex("5a" * 32),
        b"DSSEv1 28 application/vnd.in-toto+json 11 hello world",
        hashlib.sha256,
    ).digest()
    assert base64.b64decode(envelope["signatures"][0]["sig"]) == expected


def test_sealed_envelope_opens() -> None:
    """A sealed envelope opens with the same key and gives back payload and key id."""
    opened = open_envelope(seal_envelope(b"p", KEY), KEY.verification_key())
    assert (opened.payload, opened.key_id) == (b"p", "env-test")


def _edit(envelope: bytes, change: str) -> bytes:
    document = json.loads(envelope)
    signature = document["signatures"][0]
    if change == "payload junk":
        document["payload"] = document["payload"][:4] + "!" + document["payload"][4:]
    elif change == "payload unpadded":
        document["payload"] = document["payload"].rstrip("=")
    elif change == "sig junk":
        signature["sig"] = signature["sig"][:4] + " " + signature["sig"][4:]
    elif change == "extra field":
        document["extra"] = 1
    elif change == "two signatures":
        document["signatures"].append(dict(signature))
    elif change == "no signatures":
        document["signatures"] = []
    elif change == "sig not a string":
        signature["sig"] = 5
    elif change == "payloadType":
        document["payloadType"] = "application/json"
    elif change == "payloadType non-ascii":
        document["payloadType"] = "application/vnd.in-toto+jsoń"
    elif change == "keyid malformed":
        signature["keyid"] = "a b"
    elif change == "extra signature field":
        signature["cert"] = ""
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "change",
    [
        "payload junk",
        "payload unpadded",
        "sig junk",
        "extra field",
        "two signatures",
        "no signatures",
        "sig not a string",
        "payloadType",
        "payloadType non-ascii",
        "keyid malformed",
        "extra signature field",
    ],
)
def test_edited_envelope_does_not_open(change: str) -> None:
    """Each structural edit, including non-strict base64, is the one opaque SignatureError."""
    edited = _edit(seal_envelope(b"payload-bytes", KEY), change)
    with pytest.raises(SignatureError, match=r"^signature does not verify$"):
        open_envelope(edited, KEY.verification_key())


def test_duplicate_json_keys_do_not_open() -> None:
    """An envelope with a duplicated key (parser ambiguity) is refused."""
    envelope = seal_envelope(b"p", KEY).replace(b'"payload":', b'"payload": "", "payload":', 1)
    with pytest.raises(SignatureError):
        open_envelope(envelope, KEY.verification_key())


def test_statement_is_canonical_json() -> None:
    """The statement is RFC 8785 JSON: sorted keys, no spaces, UTF-8 without escapes."""
    encoded = encode_statement(STATEMENT)
    assert encoded == canonicalize_json(json.loads(encoded))
    assert encoded.startswith(b'{"_type":"https://in-toto.io/Statement/v1","predicate":')
    assert "zażółć".encode() in encoded


def test_statement_round_trips() -> None:
    """Decoding an encoded statement gives it back."""
    assert decode_statement(encode_statement(STATEMENT)) == STATEMENT


def test_non_canonical_statement_is_refused() -> None:
    """The same statement with spaces (not canonical) is refused."""
    pretty = json.dumps(json.loads(encode_statement(STATEMENT)), indent=1).encode()
    with pytest.raises(ValueError, match="canonical"):
        decode_statement(pretty)


@pytest.mark.parametrize(
    "document",
    [
        {"_type": "https://in-toto.io/Statement/v0.1", "subject": [], "predicateType": "x"},
        [1, 2],
        {
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "a", "digest": {"sha256": "AB" * 32}}],
            "predicateType": "x",
            "predicate": {},
        },
    ],
    ids=["old type", "not an object", "uppercase digest"],
)
def test_malformed_statement_is_refused(document: object) -> None:
    """A statement that is not exactly in-toto v1 with lowercase sha256 digests is refused."""
    with pytest.raises(ValueError):  # noqa: PT011 - every malformed statement is a ValueError
        decode_statement(json.dumps(document).encode())


def test_canonical_json_refuses_values_that_are_not_json() -> None:
    """NaN, non-string keys and big integers are refused with an InputError naming the value."""
    for bad in ({"x": float("nan")}, {1: "a"}, {"n": 2**60}, {"o": object()}):
        with pytest.raises(InputError, match="metadata: cannot be written as canonical JSON"):
            canonicalize_json(bad, what="metadata")


def test_other_key_cannot_open() -> None:
    """An envelope sealed by another key does not open."""
    other: SigningKey = load_signing_key(f"hex:{'6b' * 32}", key_id="env-test")
    with pytest.raises(SignatureError):
        open_envelope(seal_envelope(b"p", other), KEY.verification_key())


def test_statement_with_an_unrepresentable_number_is_refused() -> None:
    """A payload number outside JSON's exact range is a ValueError, not another exception."""
    payload = (
        b'{"_type":"https://in-toto.io/Statement/v1","predicate":{"n":99999999999999999999},'
        b'"predicateType":"x","subject":[{"digest":{"sha256":"' + b"a" * 64 + b'"},"name":"f"}]}'
    )
    with pytest.raises(ValueError, match="canonical JSON cannot represent"):
        decode_statement(payload)
