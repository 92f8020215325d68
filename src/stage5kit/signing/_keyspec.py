"""Key specs (``hex:``, ``base64:``, ``file:``, bare path, ``env:``) resolved to key material.

Every error names the spec the way the user wrote it, except that literal key bytes are
never repeated: a ``hex:``/``base64:`` spec is shown as ``hex:…``, and a bare word that
looks like key material rather than a path is not shown at all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from stage5kit.errors import KeyMaterialError
from stage5kit.signing import _primitives

MaterialKind = Literal["secret", "ed25519_private", "ed25519_public"]

# The environment variables a signing key is read from when no spec is given, in order;
# "<NAME>_ID" beside each gives the key id. The one list the CLI, reports and docs use.
KEY_ENV_VARS = ("STAGE5KIT_SIGNING_KEY", "BOT_CORE_SECURITY_AUDIT_KEY")
KEY_ID_SUFFIX = "_ID"
MAX_KEY_FILE_BYTES = 64 * 1024
HOW_TO_GIVE_A_KEY = (
    "pass a key spec (hex:<hex>, base64:<base64>, file:<path>, a bare path or env:<VAR>) or set "
    + ", or ".join(f"{name} (and {name}{KEY_ID_SUFFIX})" for name in KEY_ENV_VARS)
)

# The demo key's seed is the SHA-256 of this published label: public by design, so its
# committed key file may be readable by anyone (git does not keep mode 0600).
DEMO_SEED_LABEL = b"stage5kit demo key: public by design, never for production\x00"
# The demo decision-log (HMAC) key is the SHA-256 of this label: public the same way.
DEMO_LOG_KEY_LABEL = b"stage5kit demo decision-log key: public by design, never for production\x00"
_DEMO_SECRETS = (
    hashlib.sha256(DEMO_SEED_LABEL).digest(),
    hashlib.sha256(DEMO_LOG_KEY_LABEL).digest(),
)
_PRIVATE_KINDS = ("secret", "ed25519_private")

_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_LOOKS_LIKE_KEY = re.compile(r"[A-Za-z0-9+/=_-]{16,}")
_PEM = re.compile(
    rb"-----BEGIN (PRIVATE KEY|PUBLIC KEY)-----\r?\n"
    rb"(?:[A-Za-z0-9+/=]{1,76}\r?\n)+"
    rb"-----END \1-----(?:\r?\n)?"
)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class KeyMaterial:
    """Key bytes with where they came from: ``label`` is safe to print, ``data`` never is.

    ``key_id`` was set on purpose (a ``<VAR>_ID`` variable); ``key_id_hint`` is only the
    key file's name, used when it is a valid key id.
    """

    kind: MaterialKind
    data: bytes
    label: str
    key_id: str | None = None
    key_id_hint: str | None = None

    def __repr__(self) -> str:
        return f"KeyMaterial(kind={self.kind!r}, label={self.label!r})"


def _decode_hex(text: str, label: str) -> bytes:
    if not _HEX.fullmatch(text):
        msg = f"{label}: not valid hex (an even number of 0-9/a-f digits, nothing else)"
        raise KeyMaterialError(msg)
    return bytes.fromhex(text)


def _decode_base64(text: str, label: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        msg = f"{label}: not valid base64 (standard alphabet A-Z a-z 0-9 + / with = padding)"
        raise KeyMaterialError(msg) from None
    if not data:
        msg = f"{label}: empty key"
        raise KeyMaterialError(msg)
    return data


def _decode_literal(spec: str, where: str) -> bytes | None:
    """Decode a ``hex:``/``base64:`` spec; None when ``spec`` is neither."""
    scheme, _, value = spec.partition(":")
    if scheme == "hex":
        return _decode_hex(value, f"{where}hex:…")
    if scheme == "base64":
        return _decode_base64(value, f"{where}base64:…")
    return None


def _parse_pem(data: bytes, label: str) -> KeyMaterial:
    match = _PEM.fullmatch(data)
    if match is None:
        msg = f"{label}: malformed PEM (one key block, nothing before or after it)"
        raise KeyMaterialError(msg)
    try:
        if match.group(1) == b"PRIVATE KEY":
            seed = _primitives.ed25519_seed_from_pem(data)
            return KeyMaterial(kind="ed25519_private", data=seed, label=label)
        public = _primitives.ed25519_public_from_pem(data)
    except ValueError as error:
        msg = f"{label}: {error} (only unencrypted PKCS#8 Ed25519 keys are supported)"
        raise KeyMaterialError(msg) from None
    return KeyMaterial(kind="ed25519_public", data=public, label=label)


def _parse_key_file(data: bytes, label: str) -> KeyMaterial:
    if data.startswith(b"-----BEGIN "):
        return _parse_pem(data, label)
    body = data.removesuffix(b"\n").removesuffix(b"\r")
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        msg = f"{label}: not a text key file (expected a PEM key or one line of hex)"
        raise KeyMaterialError(msg) from None
    if not text:
        msg = f"{label}: empty key file"
        raise KeyMaterialError(msg)
    secret = _decode_literal(text, f"{label}: ")
    if secret is None:
        secret = _decode_hex(text, f"{label} (one line of hex expected)")
    return KeyMaterial(kind="secret", data=secret, label=label)


def _key_path(path_text: str, label: str) -> Path:
    try:
        return Path(path_text).expanduser()
    except RuntimeError:
        msg = f"{label}: cannot expand '~' in the key path"
        raise KeyMaterialError(msg) from None


def _check_private_file_mode(path: Path, material: KeyMaterial, label: str) -> None:
    """Refuse a private key file that group or others may read (like ssh), bar the demo key."""
    if os.name != "posix" or material.kind not in _PRIVATE_KINDS:
        return
    if material.data in _DEMO_SECRETS:
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        msg = (
            f"{label}: private key file is open to group or others (mode {mode:04o}),"
            f" refused as ssh would; run: chmod 600 {path}"
        )
        raise KeyMaterialError(msg)


def _read_key_file(path_text: str, label: str) -> KeyMaterial:
    path = _key_path(path_text, label)
    if "\0" in path_text:
        msg = f"{label}: a path cannot contain a NUL character"
        raise KeyMaterialError(msg)
    try:
        size = path.stat().st_size
        if not path.is_file():
            msg = f"{label}: not a regular file"
            raise KeyMaterialError(msg)
        if size > MAX_KEY_FILE_BYTES:
            msg = f"{label}: {size} bytes is too large for a key file"
            raise KeyMaterialError(msg)
        data = path.read_bytes()
    except FileNotFoundError:
        msg = f"{label}: no such key file"
        raise KeyMaterialError(msg) from None
    except OSError as error:
        msg = f"{label}: cannot read key file ({error.strerror or type(error).__name__})"
        raise KeyMaterialError(msg) from None
    material = _parse_key_file(data, label)
    _check_private_file_mode(path, material, label)
    stem = path.stem
    return KeyMaterial(kind=material.kind, data=material.data, label=label, key_id_hint=stem)


def _read_variable(name: str, label: str) -> KeyMaterial:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        msg = f"{label}: not a valid environment variable name"
        raise KeyMaterialError(msg)
    value = os.environ.get(name)
    if value is None:
        msg = f"{label}: environment variable {name} is not set"
        raise KeyMaterialError(msg)
    if not value:
        msg = f"{label}: environment variable {name} is empty"
        raise KeyMaterialError(msg)
    if value.startswith("env:"):
        msg = f"{label}: the variable holds another env: spec; give the key itself"
        raise KeyMaterialError(msg)
    material = _resolve_spec(value, label=label, where=f"{label}: ")
    return KeyMaterial(
        kind=material.kind,
        data=material.data,
        label=label,
        key_id=os.environ.get(name + KEY_ID_SUFFIX) or None,
        key_id_hint=material.key_id_hint,
    )


def _may_be_key_material(spec: str) -> bool:
    """Tell whether a bare word could be a key typed without its prefix (so must not be shown)."""
    looks_like_path = "/" in spec or "." in spec
    return bool(_LOOKS_LIKE_KEY.fullmatch(spec)) or not looks_like_path


def _resolve_spec(spec: str, *, label: str | None = None, where: str = "") -> KeyMaterial:
    secret = _decode_literal(spec, where)
    if secret is not None:
        scheme = spec.partition(":")[0]
        return KeyMaterial(kind="secret", data=secret, label=label or f"{scheme}:…")
    if spec.startswith("env:"):
        return _read_variable(spec.removeprefix("env:"), label or spec)
    if spec.startswith("file:"):
        return _read_key_file(spec.removeprefix("file:"), label or spec)
    if not spec:
        msg = f"{where}empty key spec; {HOW_TO_GIVE_A_KEY}"
        raise KeyMaterialError(msg)
    if _may_be_key_material(spec) and not _key_path(spec, "key spec").exists():
        msg = (
            f"{where}the key spec (not shown, in case it is key material) is no existing file;"
            " write hex:<hex> or base64:<base64> for a literal key, file:<path> for a file"
        )
        raise KeyMaterialError(msg)
    return _read_key_file(spec, label or spec)


def resolve_key_spec(spec: str | None) -> KeyMaterial:
    """Resolve a key spec, or with None the first default variable that is set, to key bytes."""
    if spec is not None:
        return _resolve_spec(spec)
    for variable in KEY_ENV_VARS:
        if os.environ.get(variable):
            return _read_variable(variable, f"env:{variable}")
    msg = f"no key given: {HOW_TO_GIVE_A_KEY}"
    raise KeyMaterialError(msg)
