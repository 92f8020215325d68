"""Find and redact key material in text: every 8-byte window of a key, in the forms a leak takes.

A key is rarely leaked whole on purpose by honest code, and a scan for the whole key misses
a key printed in halves, reversed, or as a list of byte values. So besides the whole key,
every window of :data:`WINDOW_BYTES` consecutive key bytes (forwards and reversed) that
holds at least 4 distinct byte values is looked for as raw
bytes, hex (any case, and the hex text reversed), standard and URL-safe base64 started
at that byte (which also covers PEM bodies and base64 of any part of the key, and the
base64 text reversed), and as a run of decimal byte values with any separators. This is
a safety net for mistakes, not a defence against a notebook that wants to leak a key
(it can always encode it some other way); see ``docs/security.md``.

The process remembers the key material it loaded (:func:`remember_secret`), so error
messages can be redacted wherever they are printed (:func:`redact`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass

WINDOW_BYTES = 8
REDACTED = "[REDACTED]"
# Characters of base64 that depend only on the 8 bytes they start at (60 of 64 bits).
_BASE64_CHARS = 10
_MIN_DISTINCT_BYTES = 4
_KNOWN: dict[bytes, None] = {}


@dataclass(frozen=True, slots=True)
class LeakPatterns:
    """What to search for: ``exact`` in the text as is, ``folded`` in its lower-case form,
    ``decimal`` (as ``,b1,b2,...,b8,``) in the text's digit runs joined by commas."""

    exact: frozenset[bytes]
    folded: frozenset[bytes]
    decimal: frozenset[bytes]
    decimal_windows: frozenset[tuple[int, ...]]


def _windows(material: bytes) -> list[bytes]:
    """Every 8-byte window, forwards and reversed, bar windows of under 4 distinct bytes
    (``33333333`` is in any float 1/3; random keys practically never have such windows)."""
    spans = range(len(material) - WINDOW_BYTES + 1)
    forward = [material[s : s + WINDOW_BYTES] for s in spans]
    forward = [w for w in forward if len(set(w)) >= _MIN_DISTINCT_BYTES]
    return [*forward, *(w[::-1] for w in forward)]


def leak_patterns(secrets: Iterable[bytes]) -> LeakPatterns:
    """The patterns that reveal any 8-byte window of any of ``secrets`` (raw key bytes)."""
    exact: set[bytes] = set()
    folded: set[bytes] = set()
    decimal: set[bytes] = set()
    windows: set[tuple[int, ...]] = set()
    for material in secrets:
        if len(material) < WINDOW_BYTES:
            continue
        whole = material.hex().encode("ascii")
        folded.add(whole)
        exact |= {material, base64.b64encode(material).rstrip(b"=")}
        exact.add(base64.urlsafe_b64encode(material).rstrip(b"="))
        for window in _windows(material):
            hexed = window.hex().encode("ascii")
            folded |= {hexed, hexed[::-1]}
            exact.add(window)
            for encode in (base64.b64encode, base64.urlsafe_b64encode):
                start = encode(window)[:_BASE64_CHARS]
                exact |= {start, start[::-1]}
            decimal.add(b"," + b",".join(str(b).encode("ascii") for b in window) + b",")
            windows.add(tuple(window))
    return LeakPatterns(
        exact=frozenset(exact),
        folded=frozenset(folded),
        decimal=frozenset(decimal),
        decimal_windows=frozenset(windows),
    )


def remember_secret(material: bytes) -> None:
    """Remember key material this process loaded, so :func:`redact` hides it by default."""
    if len(material) >= WINDOW_BYTES:
        _KNOWN[bytes(material)] = None


def known_secrets() -> tuple[bytes, ...]:
    """The key material this process has loaded so far."""
    return tuple(_KNOWN)


def _spans(text: str, patterns: LeakPatterns) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in patterns.exact:
        needle = re.escape(pattern.decode("latin-1"))
        spans += [m.span() for m in re.finditer(needle, text)]
    for pattern in patterns.folded:
        needle = re.escape(pattern.decode("ascii"))
        spans += [m.span() for m in re.finditer(needle, text, re.IGNORECASE)]
    numbers = list(re.finditer(r"\d+", text))
    for i in range(len(numbers) - WINDOW_BYTES + 1):
        run = numbers[i : i + WINDOW_BYTES]
        if tuple(int(m.group()) for m in run) in patterns.decimal_windows:
            spans.append((run[0].start(), run[-1].end()))
    return spans


def redact(text: str, secrets: Iterable[bytes] | None = None) -> str:
    """Return ``text`` with every form of key material replaced by ``[REDACTED]``.

    ``secrets`` defaults to the key material this process loaded (:func:`remember_secret`).
    """
    material = known_secrets() if secrets is None else tuple(secrets)
    if not material or not text:
        return text
    spans = sorted(_spans(text, leak_patterns(material)))
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, last = [], 0
    for start, end in merged:
        pieces += [text[last:start], REDACTED]
        last = end
    return "".join([*pieces, text[last:]])


def redact_error(error: BaseException, secrets: Iterable[bytes] | None = None) -> None:
    """Redact key material from an exception's message in place (its ``args``)."""
    error.args = tuple(redact(a, secrets) if isinstance(a, str) else a for a in error.args)
