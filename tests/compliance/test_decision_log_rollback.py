"""A rollback of log and head together: invisible locally, caught by a recorded head."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.compliance import (
    append_entry,
    head_path,
    head_record,
    load_recorded_head,
    verify_log,
)
from stage5kit.errors import InputError
from stage5kit.signing import SigningKey

from .conftest import ring_of

WriteLog = Callable[[Path, int], Path]
KEY = "hex:" + "ab" * 32


def _manifest_with(folder: Path, record: object) -> Path:
    """A report manifest (the shape sign_manifest writes) whose metadata holds ``record``."""
    folder.mkdir(parents=True, exist_ok=True)
    document = {"exclude": [], "files": [], "format": 1, "metadata": {"decision_log_head": record}}
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps(document))
    return manifest


def _save_pair(log: Path, where: Path) -> None:
    where.mkdir()
    shutil.copy2(log, where / log.name)
    shutil.copy2(head_path(log), where / head_path(log).name)


def _restore_pair(log: Path, where: Path) -> None:
    shutil.copy2(where / log.name, log)
    shutil.copy2(where / head_path(log).name, head_path(log))


@pytest.fixture
def log(tmp_path: Path, write_log: WriteLog) -> Path:
    """A log of three entries, its head, and a copy of both saved in ``old/``."""
    path = write_log(tmp_path / "runtime.jsonl", 3)
    _save_pair(path, tmp_path / "old")
    return path


def _grow(log: Path, key: SigningKey, count: int, tag: str) -> None:
    for n in range(count):
        append_entry(log, category="tco_report", payload={"n": tag, "i": n}, key=key, actor="t")


def test_head_record_copies_the_signed_head(log: Path, log_key: SigningKey) -> None:
    record = head_record(log)
    assert record is not None
    head = head_path(log).read_text()
    assert record["last_seq"] == 3
    assert f'"last_digest":"{record["last_digest"]}"' in head
    assert f'"log_id":"{record["log_id"]}"' in head
    assert record["key_id"] == log_key.key_id
    assert record["path"] == log.resolve().as_posix()


def test_head_record_of_no_log_is_none_and_a_bad_head_says_so(log: Path) -> None:
    assert head_record(log.with_name("absent.jsonl")) is None
    head_path(log).write_text("{}\n")
    record = head_record(log)
    assert record == {
        "path": log.resolve().as_posix(),
        "problem": "runtime.jsonl.head is not a head checkpoint",
    }


def test_rolled_back_pair_verifies_alone_but_not_against_the_recorded_head(
    log: Path, log_key: SigningKey, tmp_path: Path
) -> None:
    """Log and head put back to the saved older pair: both verify; the recorded head does not."""
    _grow(log, log_key, 2, "later")
    recorded = load_recorded_head(_manifest_with(tmp_path / "report", head_record(log)))
    assert verify_log(log, keyring=ring_of(log_key), recorded_head=recorded).ok
    _restore_pair(log, tmp_path / "old")
    alone = verify_log(log, keyring=ring_of(log_key))
    assert alone.ok, alone.summary()
    result = verify_log(log, keyring=ring_of(log_key), recorded_head=recorded)
    assert (result.ok, result.reason, result.line) == (False, "rolled_back", 4)
    assert "seq 5 existed" in result.detail


def test_a_log_rewritten_after_the_recorded_head_is_caught_at_that_seq(
    log: Path, log_key: SigningKey, tmp_path: Path
) -> None:
    """Rolled back, then grown again to the same length: seq 5 is another entry."""
    _grow(log, log_key, 2, "first")
    recorded = load_recorded_head(_manifest_with(tmp_path / "report", head_record(log)))
    _restore_pair(log, tmp_path / "old")
    _grow(log, log_key, 2, "second")
    assert verify_log(log, keyring=ring_of(log_key)).ok
    result = verify_log(log, keyring=ring_of(log_key), recorded_head=recorded)
    assert (result.ok, result.reason, result.line) == (False, "rolled_back", 5)


def test_a_recorded_head_of_another_log_is_named(
    log: Path, log_key: SigningKey, tmp_path: Path, write_log: WriteLog
) -> None:
    other = write_log(tmp_path / "other.jsonl", 1)
    recorded = load_recorded_head(head_path(other))
    result = verify_log(log, keyring=ring_of(log_key), recorded_head=recorded)
    assert (result.ok, result.reason) == (False, "recorded_head_mismatch")


def test_a_saved_head_file_is_a_recorded_head(log: Path, log_key: SigningKey) -> None:
    recorded = load_recorded_head(head_path(log))
    assert recorded.last_seq == 3
    assert verify_log(log, keyring=ring_of(log_key), recorded_head=recorded).ok


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (None, "no decision-log head recorded"),
        ({"log_id": "x", "last_seq": 1, "last_digest": "0" * 64}, "is not a decision-log head"),
        (
            {"log_id": "a" * 32, "last_seq": -1, "last_digest": "0" * 64},
            "is not a decision-log head",
        ),
    ],
)
def test_a_manifest_without_a_usable_head_is_refused(
    tmp_path: Path, record: object, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        load_recorded_head(_manifest_with(tmp_path / "report", record))


def test_cli_verify_expect_head(
    log: Path, log_key: SigningKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`decision-log verify --expect-head REPORT` exits 0, then 1 after a rollback; 2 on junk."""
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY", KEY)
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY_ID", log_key.key_id)
    _grow(log, log_key, 1, "later")
    report = _manifest_with(tmp_path / "report", head_record(log)).parent
    command = ["decision-log", "verify", str(log), "--expect-head", str(report)]
    runner = CliRunner()
    assert runner.invoke(main, command).exit_code == 0
    _restore_pair(log, tmp_path / "old")
    rolled = runner.invoke(main, [*command, "--format", "json"])
    assert rolled.exit_code == 1, rolled.output
    assert json.loads(rolled.output)["reason"] == "rolled_back"
    junk = tmp_path / "junk.txt"
    junk.write_text("not a head")
    bad = runner.invoke(main, [*command[:-1], str(junk)])
    assert bad.exit_code == 2
    assert "neither a report manifest" in bad.output
