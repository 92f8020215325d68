"""Passphrase encryption of small secrets for offline archives: scrypt, then AES-256-GCM.

:func:`seal_with_passphrase` derives a 256-bit key from the passphrase with scrypt
(n=2**17, r=8, p=1: about 128 MiB and a fraction of a second, recorded with the salt so
a reader needs nothing else) and encrypts with AES-256-GCM, binding ``associated_data``
(the archive's metadata) so it cannot be swapped. A wrong passphrase and any tampering
give the same :class:`~stage5kit.errors.SignatureError`.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from stage5kit.errors import InputError, SignatureError

SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
NONCE_BYTES = 12
MIN_PASSPHRASE_CHARS = 12
MAX_SCRYPT_N = 2**20
CIPHER_NAME = "scrypt+aes-256-gcm"


def _derive(passphrase: str, *, salt: bytes, n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase shorter than 12 characters (InputError, exit 2)."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        msg = f"the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters"
        raise InputError(msg)


def seal_with_passphrase(
    secret: bytes, passphrase: str, *, associated_data: bytes
) -> dict[str, object]:
    """Encrypt ``secret``; return the JSON-ready parameters and ciphertext (base64)."""
    check_passphrase(passphrase)
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    key = _derive(passphrase, salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    ciphertext = AESGCM(key).encrypt(nonce, secret, associated_data)
    return {
        "cipher": CIPHER_NAME,
        "scrypt": {"n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P},
        "salt": base64.b64encode(salt).decode("ascii"),
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "ciphertext": base64.b64encode(ciphertext).decode("ascii"),
    }


def open_with_passphrase(
    sealed: dict[str, object], passphrase: str, *, associated_data: bytes
) -> bytes:
    """Decrypt what :func:`seal_with_passphrase` made; SignatureError on a wrong passphrase."""
    try:
        params = sealed["scrypt"]
        if sealed["cipher"] != CIPHER_NAME or not isinstance(params, dict):
            raise SignatureError
        n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
        if not (1 < n <= MAX_SCRYPT_N and 0 < r <= 32 and 0 < p <= 16):
            raise SignatureError
        salt = base64.b64decode(str(sealed["salt"]), validate=True)
        nonce = base64.b64decode(str(sealed["nonce"]), validate=True)
        ciphertext = base64.b64decode(str(sealed["ciphertext"]), validate=True)
        key = _derive(passphrase, salt=salt, n=n, r=r, p=p)
        return AESGCM(key).decrypt(nonce, ciphertext, associated_data)
    except (KeyError, TypeError, ValueError, InvalidTag):
        raise SignatureError from None
