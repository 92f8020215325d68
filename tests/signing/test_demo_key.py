"""The demo key is one Ed25519 pair everywhere, signs and verifies, and never clobbers a key."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from stage5kit.errors import KeyMaterialError
from stage5kit.signing import (
    _primitives,
    generate_keypair,
    load_signing_key,
    load_verification_key,
    write_demo_keypair,
    write_demo_log_key,
)
from stage5kit.signing._keyspec import DEMO_LOG_KEY_LABEL
from stage5kit.signing.demo_key import DEMO_KEY_ID, DEMO_LOG_KEY_ID, DEMO_SEED_LABEL


def test_demo_key_files_are_identical_wherever_written(tmp_path: Path) -> None:
    """Two writes into different folders give byte-identical key files, named by the demo id."""
    first = write_demo_keypair(tmp_path / "a")
    second = write_demo_keypair(tmp_path / "b")
    assert first.key_id == second.key_id == DEMO_KEY_ID
    assert first.private_key_path.name == "DEMO-KEY-NOT-FOR-PRODUCTION.key"
    assert first.private_key_path.read_bytes() == second.private_key_path.read_bytes()
    assert first.public_key_path is not None
    assert second.public_key_path is not None
    assert first.public_key_path.read_bytes() == second.public_key_path.read_bytes()


def test_demo_seed_is_the_hash_of_the_published_label(tmp_path: Path) -> None:
    """The private key's seed is sha256 of the label (changing it would change every sample)."""
    written = write_demo_keypair(tmp_path)
    seed = _primitives.ed25519_seed_from_pem(written.private_key_path.read_bytes())
    assert seed == hashlib.sha256(DEMO_SEED_LABEL).digest()
    assert b"BEGIN PRIVATE KEY" in written.private_key_path.read_bytes()


def test_demo_private_key_is_owner_only(tmp_path: Path) -> None:
    """The private key file is written 0600 like every other key."""
    written = write_demo_keypair(tmp_path)
    assert stat.S_IMODE(written.private_key_path.stat().st_mode) == 0o600


def test_demo_key_signs_and_its_public_half_verifies(tmp_path: Path) -> None:
    """Loaded by file spec, the key signs; the .pub file alone verifies under the demo id."""
    written = write_demo_keypair(tmp_path)
    key = load_signing_key(f"file:{written.private_key_path}")
    public = load_verification_key(public_key=written.public_key_path)
    assert key.key_id == public.key_id == DEMO_KEY_ID
    assert public.signature_matches(b"sample", key.sign_bytes(b"sample"))
    assert not public.signature_matches(b"sampel", key.sign_bytes(b"sample"))


def test_rewriting_the_demo_key_in_place_is_allowed(tmp_path: Path) -> None:
    """Writing the demo key over itself succeeds and leaves the same bytes."""
    before = write_demo_keypair(tmp_path).private_key_path.read_bytes()
    assert write_demo_keypair(tmp_path).private_key_path.read_bytes() == before


def test_another_key_under_the_demo_name_is_not_overwritten(tmp_path: Path) -> None:
    """A different key already named like the demo key is refused and left untouched."""
    other = generate_keypair(algorithm="ed25519", key_id=DEMO_KEY_ID, out_dir=tmp_path)
    original = other.private_key_path.read_bytes()
    with pytest.raises(KeyMaterialError, match="not the demo key"):
        write_demo_keypair(tmp_path)
    assert other.private_key_path.read_bytes() == original


def test_demo_log_key_is_the_hash_of_its_label_owner_only_and_hmac(tmp_path: Path) -> None:
    """The demo decision-log key: sha256 of its published label as hex, 0600, an HMAC key."""
    first = write_demo_log_key(tmp_path / "a")
    second = write_demo_log_key(tmp_path / "b")
    assert first.key_id == DEMO_LOG_KEY_ID
    assert first.private_key_path.read_bytes() == second.private_key_path.read_bytes()
    assert first.private_key_path.read_bytes().strip() == (
        hashlib.sha256(DEMO_LOG_KEY_LABEL).hexdigest().encode()
    )
    assert stat.S_IMODE(first.private_key_path.stat().st_mode) == 0o600
    key = load_signing_key(f"file:{first.private_key_path}")
    assert (key.algorithm, key.key_id) == ("hmac", DEMO_LOG_KEY_ID)


def test_demo_log_key_loads_at_0644_but_a_random_hmac_key_does_not(tmp_path: Path) -> None:
    """Public by design like the demo key: git's 0644 is accepted for it, not for a real key."""
    demo = write_demo_log_key(tmp_path)
    demo.private_key_path.chmod(0o644)
    assert load_signing_key(f"file:{demo.private_key_path}").key_id == DEMO_LOG_KEY_ID
    other = generate_keypair(algorithm="hmac", key_id="real", out_dir=tmp_path)
    other.private_key_path.chmod(0o644)
    with pytest.raises(KeyMaterialError, match="chmod 600"):
        load_signing_key(f"file:{other.private_key_path}")


def test_another_key_under_the_demo_log_name_is_not_overwritten(tmp_path: Path) -> None:
    """A different HMAC key named like the demo log key is refused and left untouched."""
    other = generate_keypair(algorithm="hmac", key_id=DEMO_LOG_KEY_ID, out_dir=tmp_path)
    original = other.private_key_path.read_bytes()
    with pytest.raises(KeyMaterialError, match="not the demo log key"):
        write_demo_log_key(tmp_path)
    assert other.private_key_path.read_bytes() == original
