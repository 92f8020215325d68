"""Signing then verifying files and folders round-trips for both algorithms."""

from __future__ import annotations

from pathlib import Path

import pytest

from stage5kit.signing import (
    SigningKey,
    generate_keypair,
    load_signing_key,
    load_verification_key,
    sign_file,
    sign_manifest,
    verify_file,
    verify_manifest,
)


@pytest.fixture(params=["hmac", "ed25519"])
def signing_key(request: pytest.FixtureRequest, tmp_path: Path) -> SigningKey:
    """A freshly generated key of each algorithm, loaded from its key file."""
    generated = generate_keypair(algorithm=request.param, key_id="unit", out_dir=tmp_path / "k")
    return load_signing_key(f"file:{generated.private_key_path}")


def test_signed_file_verifies(signing_key: SigningKey, tmp_path: Path) -> None:
    """A signed file verifies as ok with the signer's key id."""
    target = tmp_path / "data.csv"
    target.write_bytes(b"a,b\n1,2\n")
    assert sign_file(target, signing_key) == tmp_path / "data.csv.sig"
    report = verify_file(target, signing_key.verification_key())
    assert (report.status, report.key_id) == ("ok", "unit")


def test_signed_folder_verifies(signing_key: SigningKey, tmp_path: Path) -> None:
    """A signed folder verifies as ok and its manifest carries the metadata given."""
    folder = tmp_path / "report"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.html").write_text("<p>x</p>")
    (folder / "sub" / "b.json").write_text("{}")
    manifest = sign_manifest(folder, signing_key, metadata={"strategy": "mm"})
    assert b'"metadata":{"strategy":"mm"}' in manifest.read_bytes()
    report = verify_manifest(folder, signing_key.verification_key())
    assert report.ok


def test_public_key_file_verifies_ed25519(tmp_path: Path) -> None:
    """An Ed25519 signature verifies with only the .pub file."""
    generated = generate_keypair(algorithm="ed25519", key_id="pub", out_dir=tmp_path)
    target = tmp_path / "x.txt"
    target.write_text("x")
    sign_file(target, load_signing_key(str(generated.private_key_path)))
    assert generated.public_key_path is not None
    assert verify_file(target, load_verification_key(public_key=generated.public_key_path)).ok
