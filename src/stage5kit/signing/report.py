"""The outcome of verifying a signed file or folder, for people and for ``--format json``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "invalid", "missing"]


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Verification outcome: ``ok``, ``invalid`` (with what to fix) or ``missing`` signature.

    ``modified``, ``missing`` and ``unexpected`` are relative POSIX paths. A signature that
    fails in any way gives status ``invalid``, no file lists and the one message
    "signature does not verify"; ``key_id`` is the signer's id once the signature verified.
    """

    status: Status
    message: str
    key_id: str | None = None
    modified: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unexpected: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the signature and every file checked out."""
        return self.status == "ok"

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict (lists instead of tuples)."""
        return {
            "status": self.status,
            "message": self.message,
            "key_id": self.key_id,
            "modified": list(self.modified),
            "missing": list(self.missing),
            "unexpected": list(self.unexpected),
        }
