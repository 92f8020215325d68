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
from stage5kit.signing import (
    SigningKey,
    VerificationKey,
    generate_keypair,
    load_signing_key,
    sign_manifest,
)

from .conftest import make_key, ring_of

WriteLog = Callable[[Path, int], Path]
KEY = "hex:" + "ab" * 32
REPORT_KEY = "hex:" + "5e" * 32


def _report_key() -> SigningKey:
    """The key the test reports are signed with (not the log's key)."""
    return make_key("5e", "report")


def _verifier() -> VerificationKey:
    return _report_key().verification_key()


def _manifest_with(folder: Path, record: object) -> Path:
    """A signed report manifest whose metadata holds ``record`` under decision_log_head."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text("<p>report</p>")
    return sign_manifest(folder, _report_key(), metadata={"decision_log_head": record})


def _edit_manifest(manifest: Path, edit: Callable[[dict[str, object]], None]) -> None:
    """Change the manifest's JSON in place, leaving its signature as it was."""
    document = json.loads(manifest.read_text())
    edit(document)
    manifest.write_text(json.dumps(document))


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
    manifest = _manifest_with(tmp_path / "report", head_record(log))
    recorded = load_recorded_head(manifest, key=_verifier())
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
    manifest = _manifest_with(tmp_path / "report", head_record(log))
    recorded = load_recorded_head(manifest, key=_verifier())
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
        load_recorded_head(_manifest_with(tmp_path / "report", record), key=_verifier())


def test_a_manifest_whose_head_was_edited_is_refused(log: Path, tmp_path: Path) -> None:
    """A signed manifest's head lowered to seq 1 (so a rollback would pass) no longer verifies."""
    manifest = _manifest_with(tmp_path / "report", head_record(log))
    older = head_record(log)
    assert older is not None
    older["last_seq"] = 1

    def lower(document: dict[str, object]) -> None:
        document["metadata"] = {"decision_log_head": older}

    _edit_manifest(manifest, lower)
    with pytest.raises(InputError, match=r"manifest\.json was modified") as raised:
        load_recorded_head(manifest.parent, key=_verifier())
    assert raised.value.path == str(manifest)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("no_key", "trusted only once its signature verifies"),
        ("other_key", "signature does not verify"),
        ("unsigned", r"nor a signed report manifest \(manifest\.json\.sig: "),
        ("head_as_manifest", r"manifest\.json was modified"),
    ],
)
def test_a_manifest_that_cannot_be_trusted_is_refused(
    log: Path, tmp_path: Path, damage: str, message: str
) -> None:
    """No key, another key, no signature, or a head checkpoint put in place of the manifest."""
    manifest = _manifest_with(tmp_path / "report", head_record(log))
    key: VerificationKey | None = _verifier()
    if damage == "no_key":
        key = None
    elif damage == "other_key":
        key = make_key("cd", "report").verification_key()
    elif damage == "unsigned":
        manifest.with_name("manifest.json.sig").unlink()
    else:
        shutil.copy2(head_path(log), manifest)
    with pytest.raises(InputError, match=message):
        load_recorded_head(manifest, key=key)


def test_cli_verify_expect_head(
    log: Path, log_key: SigningKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`decision-log verify --expect-head REPORT` exits 0, then 1 after a rollback; 2 on junk."""
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY", KEY)
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY_ID", log_key.key_id)
    monkeypatch.setenv("STAGE5KIT_SIGNING_KEY", REPORT_KEY)
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
    assert "not a decision-log head checkpoint, nor a signed report manifest" in bad.output


def test_cli_refuses_a_tampered_manifest_head_without_a_traceback(
    log: Path, log_key: SigningKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head in a signed manifest lowered to the rolled-back log's: exit 2 naming the file;
    the untouched manifest with --report-key still catches the rollback (exit 1)."""
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY", KEY)
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY_ID", log_key.key_id)
    older = head_record(log)
    _grow(log, log_key, 2, "later")
    manifest = _manifest_with(tmp_path / "report", head_record(log))
    kept = tmp_path / "kept"
    shutil.copytree(manifest.parent, kept)
    _restore_pair(log, tmp_path / "old")

    def lower(document: dict[str, object]) -> None:
        document["metadata"] = {"decision_log_head": older}

    _edit_manifest(manifest, lower)
    runner = CliRunner()
    command = ["decision-log", "verify", str(log), "--report-key", REPORT_KEY, "--expect-head"]
    tampered = runner.invoke(main, [*command, str(manifest)])
    assert tampered.exit_code == 2, tampered.output
    assert tampered.exception is None or isinstance(tampered.exception, SystemExit)
    assert f"InputError: {manifest}: manifest.json was modified" in tampered.output
    assert "--report-key" in tampered.output
    rolled = runner.invoke(main, [*command, str(kept)])
    assert rolled.exit_code == 1, rolled.output
    assert "rolled back" in rolled.output
    keyless = runner.invoke(main, ["decision-log", "verify", str(log), "--expect-head", str(kept)])
    assert keyless.exit_code == 2
    assert "trusted only once its signature verifies" in keyless.output


def test_cli_verifies_an_ed25519_report_with_its_public_key(
    log: Path, log_key: SigningKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--report-key PUB` (an Ed25519 public key file) verifies the report whose head is used."""
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY", KEY)
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY_ID", log_key.key_id)
    generated = generate_keypair(algorithm="ed25519", key_id="reports", out_dir=tmp_path / "keys")
    assert generated.public_key_path is not None
    report = tmp_path / "report"
    report.mkdir()
    signer = load_signing_key(f"file:{generated.private_key_path}")
    sign_manifest(report, signer, metadata={"decision_log_head": head_record(log)})
    command = ["decision-log", "verify", str(log), "--expect-head", str(report)]
    public = ["--report-key", str(generated.public_key_path)]
    assert CliRunner().invoke(main, [*command, *public]).exit_code == 0
    other = generate_keypair(algorithm="ed25519", key_id="other", out_dir=tmp_path / "other")
    wrong = CliRunner().invoke(main, [*command, "--report-key", str(other.public_key_path)])
    assert wrong.exit_code == 2
    assert "signature does not verify" in wrong.output
