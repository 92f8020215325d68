"""Keys, HMAC-SHA256 and Ed25519 signatures in DSSE envelopes, signed manifests."""

from __future__ import annotations

__all__: list[str] = []
