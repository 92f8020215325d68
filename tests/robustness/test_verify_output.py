"""`verify` prints names so that no file name can forge a line; a missing file is a finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.robustness.conftest import run_cli

from stage5kit.signing import generate_keypair, load_signing_key, sign_file

FORGING_NAMES = [
    "data.csv\nok: other.csv: signature verifies",
    "data\x1b[32m ok\x1b[0m.csv",
    "data\r.csv",
    "data\u202ecsv.exe",
]


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """A fresh HMAC key file."""
    return generate_keypair(
        algorithm="hmac", key_id="t", out_dir=tmp_path / "keys"
    ).private_key_path


@pytest.mark.parametrize("name", FORGING_NAMES)
def test_text_output_escapes_control_characters(tmp_path: Path, key_file: Path, name: str) -> None:
    """A newline, ANSI escape, carriage return or bidi override in a name is printed escaped."""
    path = tmp_path / name
    path.write_text("x\n", encoding="utf-8")
    sign_file(path, load_signing_key(f"file:{key_file}"))
    path.write_text("tampered\n", encoding="utf-8")
    outcome = run_cli(["verify", str(path), "--key", f"file:{key_file}"])
    assert outcome.exit_code == 1
    assert outcome.stdout.count("\n") == 2, outcome.stdout  # status line + one 'modified' line
    assert all(c.isprintable() for line in outcome.stdout.splitlines() for c in line)
    assert outcome.stdout.startswith("invalid: ")
    assert repr(name)[1:-1] in outcome.stdout


def test_json_output_keeps_names_unchanged(tmp_path: Path, key_file: Path) -> None:
    """--format json carries the exact name (JSON escapes it by itself)."""
    name = FORGING_NAMES[0]
    path = tmp_path / name
    path.write_text("x\n", encoding="utf-8")
    sign_file(path, load_signing_key(f"file:{key_file}"))
    outcome = run_cli(["verify", str(path), "--key", f"file:{key_file}", "--format", "json"])
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout)["path"] == str(path)


def test_deleted_file_is_reported_missing(tmp_path: Path, key_file: Path) -> None:
    """`verify data.csv` after data.csv and its signature are gone: status missing, exit 1."""
    outcome = run_cli(["verify", str(tmp_path / "data.csv"), "--key", f"file:{key_file}"])
    assert outcome.exit_code == 1
    assert outcome.stdout.startswith("missing: ")
    assert "Usage:" not in outcome.stderr


def test_deleted_signed_file_is_reported_missing(tmp_path: Path, key_file: Path) -> None:
    """A signed file deleted after signing: invalid, the file listed as missing, exit 1."""
    path = tmp_path / "data.csv"
    path.write_text("x\n", encoding="utf-8")
    sign_file(path, load_signing_key(f"file:{key_file}"))
    path.unlink()
    outcome = run_cli(["verify", str(path), "--key", f"file:{key_file}"])
    assert outcome.exit_code == 1
    assert "missing: data.csv" in outcome.stdout
