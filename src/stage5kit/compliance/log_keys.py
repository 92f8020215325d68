"""The decision log's keys: the current HMAC key, and a ring of retired keys kept verify-only.

The current key comes from ``--key SPEC``, else ``STAGE5KIT_DECISION_LOG_KEY``, else
``LIVE_DECISION_LOG_HMAC`` (the variable seed 001 names; both hold a key spec such as
``hex:…`` or ``file:…``, with the key id in ``<VAR>_ID``), else the workspace's
``secrets/decision_log.key``. Retired keys are ``<key_id>.key`` files in
``secrets/retired/`` (or given one by one): they verify old entries and never sign.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from stage5kit.errors import KeyMaterialError
from stage5kit.signing import (
    SigningKey,
    VerificationKey,
    load_signing_key,
    load_verification_key,
)

DECISION_LOG_KEY_VARIABLES = ("STAGE5KIT_DECISION_LOG_KEY", "LIVE_DECISION_LOG_HMAC")
HOW_TO_GIVE_A_LOG_KEY = (
    "pass --key SPEC (hex:<hex>, base64:<b64>, file:<path>, env:<VAR>), set "
    "STAGE5KIT_DECISION_LOG_KEY or LIVE_DECISION_LOG_HMAC to a key spec, or create one "
    "with `stage5kit init --with-key`"
)


def _default_spec(default_key_file: Path | None) -> str:
    for variable in DECISION_LOG_KEY_VARIABLES:
        if os.environ.get(variable):
            return f"env:{variable}"
    if default_key_file is not None and default_key_file.is_file():
        return f"file:{default_key_file}"
    msg = f"no decision-log key given: {HOW_TO_GIVE_A_LOG_KEY}"
    raise KeyMaterialError(msg)


def _require_hmac(algorithm: str, key_id: str) -> None:
    if algorithm != "hmac":
        msg = (
            f"key '{key_id}' is an Ed25519 key; the decision log is signed with an HMAC key "
            "(make one with `stage5kit keys generate --algorithm hmac`)"
        )
        raise KeyMaterialError(msg)


def load_log_key(spec: str | None = None, *, default_key_file: Path | None = None) -> SigningKey:
    """The HMAC key that signs new entries: ``spec``, else the variables, else the key file."""
    key = load_signing_key(spec if spec is not None else _default_spec(default_key_file))
    _require_hmac(key.algorithm, key.key_id)
    return key


@dataclass(frozen=True, slots=True)
class KeyRing:
    """Keys that verify entries, by key id: the current key and retired verify-only keys."""

    keys: Mapping[str, VerificationKey] = field(default_factory=dict)
    current_key_id: str | None = None

    def get(self, key_id: str) -> VerificationKey | None:
        """The key with this id, or None when the ring does not hold it."""
        return self.keys.get(key_id)

    def key_ids(self) -> tuple[str, ...]:
        """The ids the ring holds, sorted."""
        return tuple(sorted(self.keys))


def _retired_specs(retired_dir: Path | None) -> list[str]:
    if retired_dir is None or not retired_dir.is_dir():
        return []
    return [f"file:{path}" for path in sorted(retired_dir.glob("*.key")) if path.is_file()]


def load_keyring(
    spec: str | None = None,
    *,
    retired: Iterable[str] = (),
    retired_dir: Path | None = None,
    default_key_file: Path | None = None,
    require_current: bool = True,
) -> KeyRing:
    """Build the ring: the current key (as :func:`load_log_key`) plus every retired key.

    Retired keys come from specs and from ``<key_id>.key`` files in ``retired_dir``. With
    ``require_current`` off a missing current key is allowed when retired keys are given.
    """
    keys: dict[str, VerificationKey] = {}
    current_id: str | None = None
    retired_all = [*retired, *_retired_specs(retired_dir)]
    try:
        current = load_log_key(spec, default_key_file=default_key_file).verification_key()
    except KeyMaterialError:
        if require_current or spec is not None or not retired_all:
            raise
    else:
        keys[current.key_id] = current
        current_id = current.key_id
    for retired_spec in retired_all:
        key = load_verification_key(retired_spec)
        _require_hmac(key.algorithm, key.key_id)
        keys.setdefault(key.key_id, key)
    return KeyRing(keys=keys, current_key_id=current_id)
