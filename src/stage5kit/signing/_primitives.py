"""The only module that calls HMAC-SHA256 and Ed25519 directly; everything else uses recipes.

Keys cross this boundary as raw bytes (HMAC secret, 32-byte Ed25519 seed or public key),
so no other module holds a ``cryptography`` key object or chooses an algorithm detail.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519_SIGNATURE_BYTES = 64
SHA256_BLOCK_BYTES = 64
_INNER_PAD = 0x36
_OUTER_PAD = 0x5C


def hmac_sha256(secret: bytes, message: bytes) -> bytes:
    """Return the HMAC-SHA256 tag of ``message`` under ``secret`` (one call into OpenSSL)."""
    return hmac.digest(secret, message, "sha256")


def hmac_sha256_checker(secret: bytes) -> Callable[[bytes, bytes], bool]:
    """Return ``check(message, tag)``: is ``tag`` the HMAC-SHA256 of ``message`` (constant time)?

    For checking many messages: the keyed inner and outer SHA-256 states (RFC 2104) are
    computed once and copied per message, about half the cost of :func:`hmac_sha256_matches`
    for a message of a few hundred bytes.
    """
    if len(secret) > SHA256_BLOCK_BYTES:
        secret = hashlib.sha256(secret).digest()
    block = secret.ljust(SHA256_BLOCK_BYTES, b"\0")
    inner = hashlib.sha256(bytes(b ^ _INNER_PAD for b in block))
    outer = hashlib.sha256(bytes(b ^ _OUTER_PAD for b in block))
    compare = hmac.compare_digest

    def check(message: bytes, tag: bytes) -> bool:
        inner_hash = inner.copy()
        inner_hash.update(message)
        outer_hash = outer.copy()
        outer_hash.update(inner_hash.digest())
        return compare(outer_hash.digest(), tag)

    return check


def hmac_sha256_matches(secret: bytes, message: bytes, tag: bytes) -> bool:
    """Tell whether ``tag`` is the HMAC-SHA256 of ``message``, compared in constant time."""
    return hmac.compare_digest(hmac_sha256(secret, message), tag)


def hmac_new_secret(size: int) -> bytes:
    """Return ``size`` random bytes from the OS CSPRNG, for a new HMAC key."""
    return secrets.token_bytes(size)


def ed25519_new_seed() -> bytes:
    """Return a fresh random 32-byte Ed25519 private key (seed)."""
    return Ed25519PrivateKey.generate().private_bytes_raw()


def ed25519_public_of(seed: bytes) -> bytes:
    """Return the raw 32-byte public key belonging to a private key seed."""
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    """Return the 64-byte Ed25519 signature of ``message``."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def ed25519_signature_matches(public: bytes, message: bytes, signature: bytes) -> bool:
    """Tell whether ``signature`` is a valid Ed25519 signature of ``message`` by ``public``."""
    if len(signature) != ED25519_SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def ed25519_private_pem(seed: bytes) -> bytes:
    """Encode a private key seed as unencrypted PKCS#8 PEM (what ``openssl pkey`` reads)."""
    return Ed25519PrivateKey.from_private_bytes(seed).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def ed25519_private_der(seed: bytes) -> bytes:
    """Encode a private key seed as unencrypted PKCS#8 DER (the bytes inside the PEM)."""
    return Ed25519PrivateKey.from_private_bytes(seed).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def ed25519_public_pem(public: bytes) -> bytes:
    """Encode a raw public key as SubjectPublicKeyInfo PEM (what ``openssl pkeyutl`` reads)."""
    return Ed25519PublicKey.from_public_bytes(public).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def ed25519_seed_from_pem(pem: bytes) -> bytes:
    """Return the seed of a PKCS#8 PEM Ed25519 private key; ValueError for anything else."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (TypeError, UnsupportedAlgorithm) as error:
        msg = "not an unencrypted private key"
        raise ValueError(msg) from error
    if not isinstance(key, Ed25519PrivateKey):
        msg = "not an Ed25519 private key"
        raise ValueError(msg)  # noqa: TRY004 - callers handle every key problem as ValueError
    return key.private_bytes_raw()


def ed25519_public_from_pem(pem: bytes) -> bytes:
    """Return the raw public key of a SubjectPublicKeyInfo PEM; ValueError for anything else."""
    try:
        key = serialization.load_pem_public_key(pem)
    except UnsupportedAlgorithm as error:
        msg = "not a supported public key"
        raise ValueError(msg) from error
    if not isinstance(key, Ed25519PublicKey):
        msg = "not an Ed25519 public key"
        raise ValueError(msg)  # noqa: TRY004 - callers handle every key problem as ValueError
    return key.public_bytes_raw()
