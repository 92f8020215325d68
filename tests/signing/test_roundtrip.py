"""Signing then verifying files and folders round-trips for both algorithms."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.errors import InputError
from stage5kit.signing import (
    SigningKey,
    VerificationReport,
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


HMAC_KEY = load_signing_key(f"hex:{'3c' * 32}", key_id="prop")


@given(content=st.binary(max_size=4096))
def test_any_content_round_trips(content: bytes) -> None:
    """Any file content signs and verifies ok, and its .sig is an in-toto DSSE envelope."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "blob.bin"
        target.write_bytes(content)
        sig = sign_file(target, HMAC_KEY)
        assert json.loads(sig.read_bytes())["payloadType"] == "application/vnd.in-toto+json"
        assert verify_file(target, HMAC_KEY.verification_key()).ok


def test_unicode_file_names_round_trip(tmp_path: Path) -> None:
    """Files with Polish characters in their names are listed by name and verify."""
    folder = tmp_path / "raport"
    (folder / "dane").mkdir(parents=True)
    (folder / "dane" / "koszty_zażółć.csv").write_text("ł,ó\n")
    manifest = sign_manifest(folder, HMAC_KEY)
    assert "dane/koszty_zażółć.csv".encode() in manifest.read_bytes()
    assert verify_manifest(folder, HMAC_KEY.verification_key()).ok


def test_empty_folder_round_trips(tmp_path: Path) -> None:
    """An empty folder signs to an empty file list and verifies."""
    manifest = sign_manifest(tmp_path, HMAC_KEY)
    assert json.loads(manifest.read_bytes())["files"] == []
    assert verify_manifest(tmp_path, HMAC_KEY.verification_key()).ok


def test_resigning_a_folder_replaces_the_manifest(tmp_path: Path) -> None:
    """Signing a signed folder again lists the current files and does not list itself."""
    (tmp_path / "a.txt").write_text("a")
    sign_manifest(tmp_path, HMAC_KEY)
    (tmp_path / "b.txt").write_text("b")
    manifest = sign_manifest(tmp_path, HMAC_KEY)
    paths = [entry["path"] for entry in json.loads(manifest.read_bytes())["files"]]
    assert paths == ["a.txt", "b.txt"]


def test_metadata_that_is_not_json_writes_nothing(tmp_path: Path) -> None:
    """Metadata that cannot be canonical JSON raises InputError before any file is written."""
    (tmp_path / "a.txt").write_text("a")
    with pytest.raises(InputError, match="canonical JSON"):
        sign_manifest(tmp_path, HMAC_KEY, metadata={"when": datetime.now(tz=UTC)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_unreadable_file_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be read gives InputError (exit 2) naming it, not a traceback."""
    target = tmp_path / "locked.csv"
    target.write_text("x")

    def deny(path: Path) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("stage5kit.signing.detached.sha256_file", deny)
    with pytest.raises(InputError, match=r"locked\.csv: cannot read \(Permission denied\)"):
        sign_file(target, HMAC_KEY)


def test_signing_a_folder_as_a_file_is_an_input_error(tmp_path: Path) -> None:
    """sign_file on a folder says to use sign_manifest."""
    with pytest.raises(InputError, match="sign_manifest"):
        sign_file(tmp_path, HMAC_KEY)


def test_verifying_a_file_as_a_folder_is_an_input_error(tmp_path: Path) -> None:
    """verify_manifest on a file is bad input."""
    target = tmp_path / "f"
    target.write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        verify_manifest(target, HMAC_KEY.verification_key())


def test_report_to_dict_is_json_ready() -> None:
    """VerificationReport.to_dict gives lists and plain values for --format json."""
    report = VerificationReport(status="invalid", message="m", key_id="k", modified=("a",))
    assert json.loads(json.dumps(report.to_dict())) == {
        "status": "invalid",
        "message": "m",
        "key_id": "k",
        "modified": ["a"],
        "missing": [],
        "unexpected": [],
    }
