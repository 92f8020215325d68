"""VerificationKey.signature_checker: the prepared HMAC agrees with hmac.digest on any input."""

from __future__ import annotations

import hmac
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from stage5kit.signing import generate_keypair, load_signing_key

SECRETS = st.binary(min_size=32, max_size=200)


@settings(max_examples=200)
@given(secret=SECRETS, message=st.binary(max_size=300), flip=st.integers(0, 31))
def test_prepared_hmac_matches_the_reference(secret: bytes, message: bytes, flip: int) -> None:
    key = load_signing_key("hex:" + secret.hex(), key_id="k").verification_key()
    check = key.signature_checker()
    tag = hmac.digest(secret, message, "sha256")
    forged = bytearray(tag)
    forged[flip] ^= 1
    assert check(message, tag)
    assert not check(message, bytes(forged))
    assert not check(message + b"x", tag)
    assert not check(message, tag[:-1])
    assert key.signature_matches(message, tag)


def test_ed25519_checker_is_signature_matches(tmp_path: Path) -> None:
    generated = generate_keypair(algorithm="ed25519", key_id="ed", out_dir=tmp_path)
    key = load_signing_key(f"file:{generated.private_key_path}")
    check = key.verification_key().signature_checker()
    signature = key.sign_bytes(b"message")
    assert check(b"message", signature)
    assert not check(b"messagf", signature)
