"""Look for key material in a report folder before it is signed or kept.

Every file is searched for every 8-byte window of the key, forwards and reversed, as raw
bytes, hex, base64 (PEM bodies included) and decimal byte lists (see
:mod:`stage5kit.redaction`). Notebooks and other JSON files are also searched after
decoding, so raw key bytes that JSON escaped as ``\\u00xx`` are still found. Findings name
the files, never the key. This is the safety net behind isolation (``docs/security.md``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from stage5kit.errors import SecretLeakError
from stage5kit.redaction import REDACTED, WINDOW_BYTES, LeakPatterns, leak_patterns, redact

_JSON_SUFFIXES = {".ipynb", ".json"}
_DIGITS = re.compile(rb"\d+")


def _holds_any(blob: bytes, patterns: frozenset[bytes]) -> bool:
    """Whether ``blob`` holds any pattern (each at least 8 bytes long), in one numpy pass.

    Every 8-byte slice of ``blob`` is read as an integer (8 strided views, one per offset);
    a table of the patterns' first two bytes picks the few candidates, which are looked up
    among the patterns' first 8 bytes; only those hits are compared in full.
    Hundreds of patterns over a 5 MB HTML take milliseconds, not hundreds of scans.
    """
    by_prefix: dict[int, list[bytes]] = {}
    for pattern in patterns:
        by_prefix.setdefault(int.from_bytes(pattern[:WINDOW_BYTES], "little"), []).append(pattern)
    if not by_prefix:
        return False
    keys = np.array(sorted(by_prefix), dtype=np.uint64)
    first_two = np.zeros(1 << 16, dtype=bool)
    first_two[(keys & np.uint64(0xFFFF)).astype(np.intp)] = True
    for shift in range(WINDOW_BYTES):
        count = (len(blob) - shift) // WINDOW_BYTES
        if count <= 0:
            break
        values = np.frombuffer(blob, dtype="<u8", count=count, offset=shift)
        candidates = np.flatnonzero(first_two[(values & np.uint64(0xFFFF)).astype(np.intp)])
        hits = candidates[np.isin(values[candidates], keys)]
        for index in hits:
            start = shift + WINDOW_BYTES * int(index)
            if any(blob.startswith(p, start) for p in by_prefix[int(values[index])]):
                return True
    return False


def contains_leak(blob: bytes, patterns: LeakPatterns) -> bool:
    """Whether ``blob`` holds key material in any of the forms of ``patterns``."""
    if _holds_any(blob, patterns.exact) or _holds_any(blob.lower(), patterns.folded):
        return True
    digits = b"," + b",".join(_DIGITS.findall(blob)) + b","
    return _holds_any(digits, patterns.decimal)


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
