"""Look for key material in a report folder before it is signed or kept.

Every file is searched for every 8-byte window of the key, forwards and reversed, as raw
bytes, hex, base64 (PEM bodies included) and decimal byte lists (see
:mod:`stage5kit.redaction`). Notebooks and other JSON files are also searched after
decoding, so raw key bytes that JSON escaped as ``\\u00xx`` are still found. Findings name
the files, never the key. This is the safety net behind isolation (``docs/security.md``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from stage5kit.errors import SecretLeakError
from stage5kit.redaction import REDACTED, contains_leak, leak_patterns, redact

_JSON_SUFFIXES = {".ipynb", ".json"}


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
    """Return the files under ``folder`` that contain any form of the given raw key bytes."""
    patterns = leak_patterns(secrets)
    leaks: list[Path] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(contains_leak(blob, patterns) for blob in _searchable(path)):
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


def redact_value(value: object, secrets: Iterable[bytes]) -> object:
    """A value safe to print: strings redacted, any other value holding a key hidden whole."""
    if isinstance(value, str):
        return redact(value, secrets)
    return REDACTED if redact(repr(value), secrets) != repr(value) else value


def redact_names(names: Sequence[str], secrets: Iterable[bytes]) -> list[str]:
    """Folder names with key material replaced by ``REDACTED`` (still unique, still a slug)."""
    material = tuple(secrets)
    safe: list[str] = []
    for index, name in enumerate(names):
        cleaned = redact(name, material).replace(REDACTED, "REDACTED")
        if cleaned != name and cleaned in {*safe, *names}:
            cleaned = f"{cleaned}__{index + 1}"
        safe.append(cleaned)
    return safe
