"""Offline key archives: round trip, wrong passphrase, tampering, the recovery sheet."""

from __future__ import annotations

import json
import stat
from datetime import date

import pytest

from stage5kit.compliance.key_archive import archive_key, restore_key
from stage5kit.compliance.key_registry import load_registry
from stage5kit.errors import ConfigError, InputError, SignatureError

TODAY = date(2026, 11, 26)
PASSPHRASE = "długie hasło Żółć 2026"


@pytest.fixture
def archived(write_registry, key_record, tmp_path):
    """A registry with one key, archived to tmp_path/offline."""
    path = write_registry([key_record("old-key", age_days=91, today=TODAY)])
    return archive_key(
        load_registry(path), key_id="old-key", out_dir=tmp_path / "offline", passphrase=PASSPHRASE
    )


def test_archive_restores_the_same_key_bytes(archived, tmp_path):
    """Restore gives back the key file byte for byte, mode 0600."""
    restored = restore_key(archived.archive, passphrase=PASSPHRASE, out_dir=tmp_path / "back")
    original = tmp_path / "secrets" / "keys" / "old-key.key"
    assert restored.private_key_path.read_bytes() == original.read_bytes()
    assert stat.S_IMODE(restored.private_key_path.stat().st_mode) == 0o600


def test_archive_holds_no_key_bytes_and_the_sheet_names_id_and_checksum(archived, tmp_path):
    """Neither the archive nor the sheet contains the key; the sheet has id and sha256."""
    secret = (tmp_path / "secrets" / "keys" / "old-key.key").read_text().strip()
    for path in (archived.archive, archived.sheet, archived.checksum_file):
        assert secret not in path.read_text()
    sheet = archived.sheet.read_text()
    assert "Key id:        old-key" in sheet
    assert archived.sha256[:4] + " " + archived.sha256[4:8] in sheet
    assert archived.checksum_file.read_text() == f"{archived.sha256}  old-key.key-archive.json\n"


def test_wrong_passphrase_is_a_signature_error(archived, tmp_path):
    """A wrong passphrase says only that it does not verify, and writes nothing."""
    with pytest.raises(SignatureError):
        restore_key(archived.archive, passphrase="not the passphrase", out_dir=tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_edited_metadata_is_caught_even_with_a_fixed_checksum(archived, tmp_path):
    """Metadata is bound to the ciphertext: editing it fails decryption."""
    document = json.loads(archived.archive.read_text())
    document["metadata"]["bundle"] = "other"
    archived.archive.write_text(json.dumps(document))
    archived.checksum_file.unlink()
    with pytest.raises(SignatureError):
        restore_key(archived.archive, passphrase=PASSPHRASE, out_dir=tmp_path / "b")


def test_changed_archive_fails_its_checksum(archived, tmp_path):
    """A byte changed in the archive is caught by the .sha256 file before decrypting."""
    archived.archive.write_bytes(archived.archive.read_bytes() + b" ")
    with pytest.raises(SignatureError, match="sha256 differs"):
        restore_key(archived.archive, passphrase=PASSPHRASE, out_dir=tmp_path / "b")


def test_short_passphrase_and_unknown_key_are_refused(write_registry, key_record, tmp_path):
    """A passphrase under 12 characters and a key the registry lacks are clear errors."""
    registry = load_registry(write_registry([key_record("k", age_days=1, today=TODAY)]))
    with pytest.raises(InputError, match="at least 12 characters"):
        archive_key(registry, key_id="k", out_dir=tmp_path / "o", passphrase="short")
    with pytest.raises(ConfigError, match="no key 'nope'"):
        archive_key(registry, key_id="nope", out_dir=tmp_path / "o", passphrase=PASSPHRASE)


def test_restore_never_overwrites_a_key(archived, tmp_path):
    """Restoring into a folder that already holds the key file is refused."""
    target = tmp_path / "back"
    restore_key(archived.archive, passphrase=PASSPHRASE, out_dir=target)
    with pytest.raises(InputError, match="refusing to overwrite"):
        restore_key(archived.archive, passphrase=PASSPHRASE, out_dir=target)
