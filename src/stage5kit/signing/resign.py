"""Re-sign a signed folder (after a key rotation) without losing what its manifest records.

The new manifest keeps the old one's ``metadata`` (a report's parameters, input hashes and
versions) and ``exclude`` patterns, and appends to ``metadata["resigned"]`` one record:
when, the key id the old signature claimed, and the new key id. The old signature is not
verified here (the old key may be gone); verify the folder first when that matters.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from stage5kit.signing.detached import signature_path
from stage5kit.signing.keys import SigningKey
from stage5kit.signing.manifest import MANIFEST_NAME, sign_manifest

RESIGNED = "resigned"


def _previous(folder: Path) -> tuple[dict[str, object], list[str]] | None:
    """The metadata and exclude patterns of the folder's current manifest, if well-formed."""
    try:
        document = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict):
        return None
    metadata, exclude = document.get("metadata"), document.get("exclude", [])
    if not isinstance(metadata, dict) or not isinstance(exclude, list):
        return None
    return metadata, [str(pattern) for pattern in exclude]


def _claimed_key_id(folder: Path) -> str | None:
    """The key id the folder's current signature names (unverified), or None."""
    try:
        envelope = json.loads(signature_path(folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        key_id = envelope["signatures"][0]["keyid"]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    return key_id if isinstance(key_id, str) else None


def sign_folder(folder: str | Path, key: SigningKey) -> Path:
    """Sign ``folder``'s manifest; a folder signed before keeps its metadata plus a record."""
    root = Path(folder)
    previous = _previous(root)
    if previous is None:
        return sign_manifest(root, key)
    metadata, exclude = previous
    history = metadata.get(RESIGNED, [])
    record = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "old_key_id": _claimed_key_id(root),
        "new_key_id": key.key_id,
    }
    kept = {**metadata, RESIGNED: [*(history if isinstance(history, list) else []), record]}
    return sign_manifest(root, key, metadata=kept, exclude=exclude)
