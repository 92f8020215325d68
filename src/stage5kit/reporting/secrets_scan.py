"""Look for key material in a report folder before it is signed.

Every file is searched byte for byte for each secret form (raw, hex, base64 as the key
gives them, plus unpadded, URL-safe and upper/lower-case variants). Notebooks and other
JSON files are also searched after decoding, so raw key bytes that JSON escaped as
``\\u00xx`` are still found. Findings name the files, never the key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from stage5kit.errors import SecretLeakError

_JSON_SUFFIXES = {".ipynb", ".json"}
_MIN_FORM_BYTES = 8


def _variants(forms: Iterable[bytes]) -> set[bytes]:
    found: set[bytes] = set()
    for form in forms:
        if len(form) < _MIN_FORM_BYTES:
            continue
        stripped = form.rstrip(b"=")
        found |= {form, stripped, stripped.replace(b"+", b"-").replace(b"/", b"_")}
        if form.isascii():
            found |= {form.lower(), form.upper()}
    return found


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)


def _searchable(path: Path) -> list[bytes]:
    data = path.read_bytes()
    blobs = [data]
    if path.suffix in _JSON_SUFFIXES:
        try:
            text = "\n".join(_json_strings(json.loads(data)))
        except ValueError:
            return blobs
        blobs += [text.encode("utf-8"), text.encode("latin-1", errors="ignore")]
    return blobs


def find_secret_leaks(folder: Path, secrets: Iterable[bytes]) -> list[Path]:
    """Return the files under ``folder`` that contain any form of the given secrets."""
    variants = _variants(secrets)
    leaks: list[Path] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(v in blob for blob in _searchable(path) for v in variants):
            leaks.append(path)
    return leaks


def ensure_no_secrets(folder: Path, secrets: Iterable[bytes]) -> None:
    """Raise SecretLeakError naming every file under ``folder`` that holds key material."""
    leaks = find_secret_leaks(folder, secrets)
    if leaks:
        names = tuple(str(p.relative_to(folder)) for p in leaks)
        msg = (
            f"key material found in {', '.join(names)}; nothing was signed "
            "(remove the key from the notebook, its parameters and its outputs)"
        )
        raise SecretLeakError(msg, paths=names)
