"""Re-signing a signed folder after a key rotation keeps its provenance metadata."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.signing import load_signing_key, sign_folder, sign_manifest, verify_manifest

OLD = load_signing_key("hex:" + "01" * 32, key_id="old-key")
NEW = load_signing_key("hex:" + "02" * 32, key_id="new-key")
METADATA = {
    "kind": "stage5kit-report",
    "parameters": {"period": "month"},
    "inputs": {"trades_path": {"path": "/data/t.csv", "sha256": "ab" * 32}},
    "versions": {"stage5kit": "0.1.0"},
}


def _report(tmp_path: Path) -> Path:
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "report.html").write_text("<p>ok</p>")
    (folder / "scratch.tmp").write_text("not signed")
    sign_manifest(folder, OLD, metadata=METADATA, exclude=["*.tmp"])
    return folder


def _metadata(folder: Path) -> dict[str, object]:
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["exclude"] == ["*.tmp"]
    metadata: dict[str, object] = manifest["metadata"]
    return metadata


def test_cli_resign_keeps_metadata_and_records_the_rotation(tmp_path: Path) -> None:
    """`stage5kit sign DIR` with the new key: verifies with it, metadata kept, one record."""
    folder = _report(tmp_path)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    outcome = CliRunner().invoke(
        main, ["sign", str(folder), "--key", "hex:" + "02" * 32, "--key-id", "new-key"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert verify_manifest(folder, NEW.verification_key()).ok
    assert not verify_manifest(folder, OLD.verification_key()).ok
    metadata = _metadata(folder)
    resigned = metadata.pop("resigned")
    assert metadata == METADATA
    assert isinstance(resigned, list)
    assert len(resigned) == 1
    assert resigned[0]["old_key_id"] == "old-key"
    assert resigned[0]["new_key_id"] == "new-key"
    assert dt.datetime.fromisoformat(resigned[0]["at"]) >= before


def test_each_resigning_appends_a_record(tmp_path: Path) -> None:
    """Two rotations leave two records, oldest first."""
    folder = _report(tmp_path)
    sign_folder(folder, NEW)
    sign_folder(folder, OLD)
    resigned = _metadata(folder)["resigned"]
    assert isinstance(resigned, list)
    assert [(r["old_key_id"], r["new_key_id"]) for r in resigned] == [
        ("old-key", "new-key"),
        ("new-key", "old-key"),
    ]
    assert verify_manifest(folder, OLD.verification_key()).ok


def test_a_folder_signed_for_the_first_time_gets_no_record(tmp_path: Path) -> None:
    """No earlier manifest: a plain signature with empty metadata."""
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    sign_folder(folder, NEW)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["metadata"] == {}
    assert verify_manifest(folder, NEW.verification_key()).ok
