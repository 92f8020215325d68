"""The demo key: an Ed25519 key pair anyone can recreate, for sample artifacts and workshops.

Its seed is the SHA-256 of a fixed, published label, so the private key is public by
construction: a signature made with it shows only that a sample file was not changed
since it was made, never who made it. ``sample_artifacts/`` is signed with it so that
regenerating the folder gives byte-identical files. Never sign real reports with it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from stage5kit.errors import KeyMaterialError
from stage5kit.files import atomic_write_bytes
from stage5kit.signing import _primitives
from stage5kit.signing._keyspec import DEMO_LOG_KEY_LABEL, DEMO_SEED_LABEL
from stage5kit.signing.keys import PRIVATE_KEY_MODE, GeneratedKey

DEMO_KEY_ID = "DEMO-KEY-NOT-FOR-PRODUCTION"
DEMO_LOG_KEY_ID = "DEMO-LOG-KEY-NOT-FOR-PRODUCTION"
__all__ = [
    "DEMO_KEY_ID",
    "DEMO_LOG_KEY_ID",
    "DEMO_SEED_LABEL",
    "write_demo_keypair",
    "write_demo_log_key",
]


def write_demo_keypair(out_dir: str | Path) -> GeneratedKey:
    """Write the demo key as ``DEMO-KEY-NOT-FOR-PRODUCTION.key`` (0600) and ``.pub``.

    The same bytes every time, on every machine. A file of that name holding anything
    else is refused, never overwritten.
    """
    seed = hashlib.sha256(DEMO_SEED_LABEL).digest()
    folder = Path(out_dir)
    private_path = folder / f"{DEMO_KEY_ID}.key"
    public_path = folder / f"{DEMO_KEY_ID}.pub"
    contents = {
        private_path: _primitives.ed25519_private_pem(seed),
        public_path: _primitives.ed25519_public_pem(_primitives.ed25519_public_of(seed)),
    }
    for path, data in contents.items():
        if path.exists() and path.read_bytes() != data:
            msg = f"{path}: exists and is not the demo key; refusing to overwrite a key"
            raise KeyMaterialError(msg)
    atomic_write_bytes(private_path, contents[private_path], mode=PRIVATE_KEY_MODE)
    atomic_write_bytes(public_path, contents[public_path])
    return GeneratedKey(
        algorithm="ed25519",
        key_id=DEMO_KEY_ID,
        private_key_path=private_path,
        public_key_path=public_path,
    )


def write_demo_log_key(out_dir: str | Path) -> GeneratedKey:
    """Write the demo decision-log HMAC key as ``DEMO-LOG-KEY-NOT-FOR-PRODUCTION.key`` (0600).

    Public like the demo key (the SHA-256 of a published label): it signs the sample
    decision log only so that rebuilding it gives the same bytes. A file of that name
    holding anything else is refused, never overwritten.
    """
    path = Path(out_dir) / f"{DEMO_LOG_KEY_ID}.key"
    data = hashlib.sha256(DEMO_LOG_KEY_LABEL).digest().hex().encode("ascii") + b"\n"
    if path.exists() and path.read_bytes() != data:
        msg = f"{path}: exists and is not the demo log key; refusing to overwrite a key"
        raise KeyMaterialError(msg)
    atomic_write_bytes(path, data, mode=PRIVATE_KEY_MODE)
    return GeneratedKey(
        algorithm="hmac", key_id=DEMO_LOG_KEY_ID, private_key_path=path, public_key_path=None
    )
