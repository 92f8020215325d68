"""Published test vectors: RFC 4231 (HMAC-SHA256), RFC 8032 (Ed25519) and DSSE's PAE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stage5kit.signing import _primitives, load_signing_key, load_verification_key
from stage5kit.signing.dsse import pae

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def _load(name: str) -> list[dict[str, str]]:
    vectors: list[dict[str, str]] = json.loads((VECTORS / name).read_text())["vectors"]
    return vectors


HMAC_VECTORS = _load("rfc4231_hmac_sha256.json")
ED25519_VECTORS = _load("rfc8032_ed25519.json")
PAE_VECTORS = _load("dsse_pae.json")


@pytest.mark.parametrize("vector", HMAC_VECTORS, ids=lambda v: f"case{v['test_case']}")
def test_hmac_sha256_matches_rfc4231(vector: dict[str, str]) -> None:
    """HMAC-SHA256 gives each RFC 4231 tag (case 5 compared on its 128-bit truncation)."""
    expected = bytes.fromhex(vector["hmac_sha256"])
    tag = _primitives.hmac_sha256(bytes.fromhex(vector["key"]), bytes.fromhex(vector["data"]))
    assert tag[: len(expected)] == expected


@pytest.mark.parametrize("vector", HMAC_VECTORS, ids=lambda v: f"case{v['test_case']}")
def test_hmac_sha256_refuses_rfc4231_tag_with_one_bit_flipped(vector: dict[str, str]) -> None:
    """A full RFC 4231 tag with one bit flipped does not match."""
    key, data = bytes.fromhex(vector["key"]), bytes.fromhex(vector["data"])
    tag = bytearray(_primitives.hmac_sha256(key, data))
    assert _primitives.hmac_sha256_matches(key, data, bytes(tag))
    tag[-1] ^= 0x01
    assert not _primitives.hmac_sha256_matches(key, data, bytes(tag))


@pytest.mark.parametrize("vector", ED25519_VECTORS, ids=lambda v: v["name"])
def test_ed25519_matches_rfc8032(vector: dict[str, str]) -> None:
    """Ed25519 derives each RFC 8032 public key and produces each signature exactly."""
    seed, message = bytes.fromhex(vector["secret_key"]), bytes.fromhex(vector["message"])
    assert _primitives.ed25519_public_of(seed).hex() == vector["public_key"]
    assert _primitives.ed25519_sign(seed, message).hex() == vector["signature"]


@pytest.mark.parametrize("vector", ED25519_VECTORS, ids=lambda v: v["name"])
def test_ed25519_rfc8032_signature_verifies_and_a_flipped_one_does_not(
    vector: dict[str, str],
) -> None:
    """Each RFC 8032 signature verifies with its public key; with a bit flipped it does not."""
    public, message = bytes.fromhex(vector["public_key"]), bytes.fromhex(vector["message"])
    signature = bytearray.fromhex(vector["signature"])
    assert _primitives.ed25519_signature_matches(public, message, bytes(signature))
    signature[0] ^= 0x01
    assert not _primitives.ed25519_signature_matches(public, message, bytes(signature))


@pytest.mark.parametrize("vector", ED25519_VECTORS, ids=lambda v: v["name"])
def test_rfc8032_key_loaded_from_pem_file_signs_the_vector(
    vector: dict[str, str], tmp_path: Path
) -> None:
    """An RFC 8032 key written as PKCS#8 PEM loads as Ed25519 and signs and verifies the vector."""
    seed = bytes.fromhex(vector["secret_key"])
    key_file = tmp_path / "rfc.key"
    key_file.write_bytes(_primitives.ed25519_private_pem(seed))
    key_file.chmod(0o600)
    public_file = tmp_path / "rfc.pub"
    public_file.write_bytes(_primitives.ed25519_public_pem(bytes.fromhex(vector["public_key"])))
    key = load_signing_key(str(key_file))
    message = bytes.fromhex(vector["message"])
    assert key.algorithm == "ed25519"
    assert key.sign_bytes(message).hex() == vector["signature"]
    verifier = load_verification_key(public_key=public_file)
    assert verifier.signature_matches(message, bytes.fromhex(vector["signature"]))


@pytest.mark.parametrize("vector", PAE_VECTORS, ids=lambda v: v["payload_utf8"] or "empty")
def test_pae_matches_known_answers(vector: dict[str, str]) -> None:
    """PAE gives DSSE's known answer and counts the payload's UTF-8 bytes, not characters."""
    encoded = pae(vector["payload_type"], vector["payload_utf8"].encode("utf-8"))
    assert encoded == vector["pae_utf8"].encode("utf-8")
