"""Keys, HMAC-SHA256 and Ed25519 signatures in DSSE envelopes, signed manifests.

Recipes: :func:`generate_keypair`, :func:`load_signing_key`, :func:`load_verification_key`,
:func:`sign_file` / :func:`verify_file` (``<file>.sig``) and :func:`sign_manifest` /
:func:`verify_manifest` (``manifest.json`` + ``manifest.json.sig``), plus
:func:`canonicalize_json` (RFC 8785) for any record that signs JSON. The envelope, PAE and
statement internals live apart in :mod:`stage5kit.signing.dsse`. The format is in
``docs/signatures.md``.
"""

from __future__ import annotations

from stage5kit.signing._keyspec import KEY_ENV_VARS
from stage5kit.signing.canonical import canonicalize_json
from stage5kit.signing.demo_key import write_demo_keypair, write_demo_log_key
from stage5kit.signing.detached import sign_file, signature_path, verify_file
from stage5kit.signing.keys import (
    Algorithm,
    DeferredSigningKey,
    GeneratedKey,
    SigningKey,
    VerificationKey,
    check_signing_key,
    generate_keypair,
    load_signing_key,
    load_verification_key,
)
from stage5kit.signing.manifest import (
    MANIFEST_NAME,
    ManifestListing,
    open_manifest_bytes,
    sign_manifest,
    verify_manifest,
)
from stage5kit.signing.passphrase import open_with_passphrase, seal_with_passphrase
from stage5kit.signing.report import VerificationReport
from stage5kit.signing.resign import sign_folder

__all__ = [
    "KEY_ENV_VARS",
    "MANIFEST_NAME",
    "Algorithm",
    "DeferredSigningKey",
    "GeneratedKey",
    "ManifestListing",
    "SigningKey",
    "VerificationKey",
    "VerificationReport",
    "canonicalize_json",
    "check_signing_key",
    "generate_keypair",
    "load_signing_key",
    "load_verification_key",
    "open_manifest_bytes",
    "open_with_passphrase",
    "seal_with_passphrase",
    "sign_file",
    "sign_folder",
    "sign_manifest",
    "signature_path",
    "verify_file",
    "verify_manifest",
    "write_demo_keypair",
    "write_demo_log_key",
]
