"""Signing and verification keys: loading them from key specs, generating new ones.

A key is HMAC-SHA256 (a shared secret of at least 32 bytes) or Ed25519 (a PKCS#8 PEM
private key; its SubjectPublicKeyInfo PEM public half lets others verify without the
secret). The algorithm is read from the material, never chosen by a flag. Every key has
an id: given explicitly, from ``<VAR>_ID`` next to an env variable, from the key file's
name (``<key_id>.key`` / ``<key_id>.pub``), or derived from a hash of the key.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from stage5kit.errors import KeyMaterialError
from stage5kit.files import atomic_write_bytes
from stage5kit.redaction import remember_secret
from stage5kit.signing import _primitives
from stage5kit.signing._keyspec import KeyMaterial, resolve_key_spec

Algorithm = Literal["ed25519", "hmac"]

MIN_HMAC_KEY_BYTES = 32
HMAC_KEY_BYTES = 32
PRIVATE_KEY_MODE = 0o600
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}")
_KEY_ID_DOMAIN = b"stage5kit key id\x00"


def _check_key_id(key_id: str, label: str) -> str:
    if not KEY_ID_PATTERN.fullmatch(key_id):
        msg = (
            f"{label}: key id {key_id!r} must be 1-128 characters of letters, digits and ._:@+-,"
            " starting with a letter or digit"
        )
        raise KeyMaterialError(msg)
    return key_id


def _derived_key_id(algorithm: Algorithm, public_part: bytes) -> str:
    return f"{algorithm}-{hashlib.sha256(_KEY_ID_DOMAIN + public_part).hexdigest()[:16]}"


def _choose_key_id(
    explicit: str | None, material: KeyMaterial, algorithm: Algorithm, public_part: bytes
) -> str:
    if explicit is not None:
        return _check_key_id(explicit, material.label)
    if material.key_id is not None:
        return _check_key_id(material.key_id, material.label)
    hint = material.key_id_hint
    if hint and KEY_ID_PATTERN.fullmatch(hint):
        return hint
    return _derived_key_id(algorithm, public_part)


def _encodings(data: bytes) -> tuple[bytes, ...]:
    """Return ``data`` raw, as lower/upper hex and as standard/urlsafe base64 (+/- padding)."""
    standard = base64.b64encode(data)
    urlsafe = base64.urlsafe_b64encode(data)
    hexed = data.hex().encode("ascii")
    forms = (data, hexed, hexed.upper(), standard, standard.rstrip(b"="), urlsafe)
    return (*forms, urlsafe.rstrip(b"="))


def _check_hmac_secret(secret: bytes, label: str) -> bytes:
    if len(secret) < MIN_HMAC_KEY_BYTES:
        msg = (
            f"{label}: HMAC key is {len(secret)} bytes, at least {MIN_HMAC_KEY_BYTES} are"
            " required (generate one with `stage5kit keys generate --algorithm hmac`)"
        )
        raise KeyMaterialError(msg)
    return secret


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class VerificationKey:
    """What checks a signature: an HMAC secret or an Ed25519 public key, with its key id."""

    algorithm: Algorithm
    key_id: str
    _material: bytes

    def __repr__(self) -> str:
        return f"VerificationKey(algorithm={self.algorithm!r}, key_id={self.key_id!r})"

    __str__ = __repr__

    def signature_matches(self, message: bytes, signature: bytes) -> bool:
        """Tell whether ``signature`` signs ``message`` under this key (constant-time for HMAC)."""
        if self.algorithm == "hmac":
            return _primitives.hmac_sha256_matches(self._material, message, signature)
        return _primitives.ed25519_signature_matches(self._material, message, signature)

    def signature_checker(self) -> Callable[[bytes, bytes], bool]:
        """Return ``signature_matches`` prepared for many messages (the HMAC key set up once)."""
        if self.algorithm == "hmac":
            return _primitives.hmac_sha256_checker(self._material)
        return self.signature_matches


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SigningKey:
    """What makes a signature: an HMAC secret or an Ed25519 private key, with its key id."""

    algorithm: Algorithm
    key_id: str
    _secret: bytes

    def __repr__(self) -> str:
        return f"SigningKey(algorithm={self.algorithm!r}, key_id={self.key_id!r})"

    __str__ = __repr__

    def sign_bytes(self, message: bytes) -> bytes:
        """Return the raw signature (HMAC tag or Ed25519 signature) of ``message``."""
        if self.algorithm == "hmac":
            return _primitives.hmac_sha256(self._secret, message)
        return _primitives.ed25519_sign(self._secret, message)

    def verification_key(self) -> VerificationKey:
        """Return the key that checks this key's signatures (the public half for Ed25519)."""
        if self.algorithm == "hmac":
            return VerificationKey(algorithm="hmac", key_id=self.key_id, _material=self._secret)
        public = _primitives.ed25519_public_of(self._secret)
        return VerificationKey(algorithm="ed25519", key_id=self.key_id, _material=public)

    def secret_material(self) -> bytes:
        """The raw secret (HMAC key or Ed25519 seed), only to scan outputs and redact messages."""
        return self._secret

    def secret_forms(self) -> tuple[bytes, ...]:
        """Return every encoding of the secret an output must never contain (to scan for leaks).

        Raw bytes, lower/upper hex, standard and urlsafe base64 with and without padding;
        for Ed25519 both of the 32-byte seed and of the PKCS#8 DER/PEM body.
        """
        forms = _encodings(self._secret)
        if self.algorithm == "ed25519":
            forms += _encodings(_primitives.ed25519_private_der(self._secret))
        return tuple(dict.fromkeys(forms))


def load_signing_key(spec: str | None = None, *, key_id: str | None = None) -> SigningKey:
    """Load the key to sign with from a key spec, or from the default env variables."""
    material = resolve_key_spec(spec)
    if material.kind == "ed25519_public":
        msg = f"{material.label}: is an Ed25519 public key; signing needs the private key"
        raise KeyMaterialError(msg)
    remember_secret(material.data)
    if material.kind == "ed25519_private":
        public = _primitives.ed25519_public_of(material.data)
        chosen = _choose_key_id(key_id, material, "ed25519", public)
        return SigningKey(algorithm="ed25519", key_id=chosen, _secret=material.data)
    secret = _check_hmac_secret(material.data, material.label)
    chosen = _choose_key_id(key_id, material, "hmac", secret)
    return SigningKey(algorithm="hmac", key_id=chosen, _secret=secret)


@dataclass(frozen=True, slots=True)
class DeferredSigningKey:
    """A key spec checked now (exists, permissions, parses) whose bytes are read at signing.

    A report run holds this while its kernel runs, so the key bytes are read only after
    the kernel has exited (see ``docs/security.md``).
    """

    spec: str | None
    requested_key_id: str | None
    algorithm: Algorithm
    key_id: str

    def load(self) -> SigningKey:
        """Read and parse the key now (the same checks again: the file may have changed)."""
        return load_signing_key(self.spec, key_id=self.requested_key_id)


def check_signing_key(spec: str | None = None, *, key_id: str | None = None) -> DeferredSigningKey:
    """Check a signing key spec now without keeping its bytes; load it later with ``.load()``."""
    material = resolve_key_spec(spec)
    if material.kind == "ed25519_public":
        msg = f"{material.label}: is an Ed25519 public key; signing needs the private key"
        raise KeyMaterialError(msg)
    algorithm: Algorithm = "ed25519" if material.kind == "ed25519_private" else "hmac"
    if algorithm == "hmac":
        public = _check_hmac_secret(material.data, material.label)
    else:
        public = _primitives.ed25519_public_of(material.data)
    chosen = _choose_key_id(key_id, material, algorithm, public)
    return DeferredSigningKey(
        spec=spec, requested_key_id=key_id, algorithm=algorithm, key_id=chosen
    )


def load_verification_key(
    spec: str | None = None, *, public_key: str | Path | None = None, key_id: str | None = None
) -> VerificationKey:
    """Load the key to verify with: an HMAC secret, an Ed25519 public key or a private key's half.

    ``public_key`` is a path (or ``file:`` spec) of an Ed25519 public key, for verifiers who
    hold no secret; it excludes ``spec``.
    """
    if public_key is not None:
        if spec is not None:
            msg = "give either a key spec or a public key file, not both"
            raise KeyMaterialError(msg)
        text = str(public_key)
        material = resolve_key_spec(text if text.startswith("file:") else f"file:{text}")
        if material.kind != "ed25519_public":
            msg = f"{material.label}: not an Ed25519 public key (PEM 'BEGIN PUBLIC KEY')"
            raise KeyMaterialError(msg)
    else:
        material = resolve_key_spec(spec)
    if material.kind == "ed25519_public":
        chosen = _choose_key_id(key_id, material, "ed25519", material.data)
        return VerificationKey(algorithm="ed25519", key_id=chosen, _material=material.data)
    if material.kind == "ed25519_private":
        public = _primitives.ed25519_public_of(material.data)
        chosen = _choose_key_id(key_id, material, "ed25519", public)
        return VerificationKey(algorithm="ed25519", key_id=chosen, _material=public)
    secret = _check_hmac_secret(material.data, material.label)
    chosen = _choose_key_id(key_id, material, "hmac", secret)
    return VerificationKey(algorithm="hmac", key_id=chosen, _material=secret)


@dataclass(frozen=True, slots=True)
class GeneratedKey:
    """Where :func:`generate_keypair` wrote a new key; ``public_key_path`` is None for HMAC."""

    algorithm: Algorithm
    key_id: str
    private_key_path: Path
    public_key_path: Path | None


def generate_keypair(*, algorithm: Algorithm, key_id: str, out_dir: Path) -> GeneratedKey:
    """Write a new key as ``out_dir/<key_id>.key`` (mode 0600) and, for Ed25519, ``<key_id>.pub``.

    An HMAC key file holds 32 random bytes as one line of hex; an Ed25519 key is PKCS#8 PEM
    with a SubjectPublicKeyInfo PEM public half. Existing files are never overwritten.
    """
    label = f"keys generate --key-id {key_id}"
    _check_key_id(key_id, label)
    if algorithm not in ("ed25519", "hmac"):
        msg = f"{label}: unknown algorithm {algorithm!r} (use ed25519 or hmac)"
        raise KeyMaterialError(msg)
    folder = Path(out_dir)
    private_path = folder / f"{key_id}.key"
    public_path = folder / f"{key_id}.pub"
    for path in (private_path, public_path):
        if path.exists():
            msg = f"{path}: already exists; refusing to overwrite a key"
            raise KeyMaterialError(msg)
    if algorithm == "hmac":
        secret = _primitives.hmac_new_secret(HMAC_KEY_BYTES)
        atomic_write_bytes(
            private_path, secret.hex().encode("ascii") + b"\n", mode=PRIVATE_KEY_MODE
        )
        return GeneratedKey(
            algorithm="hmac", key_id=key_id, private_key_path=private_path, public_key_path=None
        )
    seed = _primitives.ed25519_new_seed()
    public_pem = _primitives.ed25519_public_pem(_primitives.ed25519_public_of(seed))
    atomic_write_bytes(private_path, _primitives.ed25519_private_pem(seed), mode=PRIVATE_KEY_MODE)
    atomic_write_bytes(public_path, public_pem)
    return GeneratedKey(
        algorithm="ed25519",
        key_id=key_id,
        private_key_path=private_path,
        public_key_path=public_path,
    )
