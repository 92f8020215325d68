"""Appending to and reading the decision log, its keys, and the refusals that keep it whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stage5kit.compliance import (
    append_entry,
    head_path,
    init_workspace,
    load_keyring,
    load_log_key,
    parse_payload,
    read_entries,
    verify_log,
)
from stage5kit.errors import InputError, KeyMaterialError, LogIntegrityError
from stage5kit.signing import SigningKey, generate_keypair

from .conftest import make_key, ring_of

WriteLog = Callable[[Path, int], Path]
NOW = datetime(2026, 5, 18, 9, 30, tzinfo=UTC)


def test_append_chains_entries_and_updates_the_head(tmp_path: Path, log_key: SigningKey) -> None:
    """Entries get seq 1, 2, one log id, prev = the digest of the line before; the head follows."""
    path = tmp_path / "audit" / "runtime.jsonl"
    first = append_entry(
        path, category="stage5_incident", payload={"a": 1.5}, key=log_key, actor="ops", now=NOW
    )
    second = append_entry(
        path, category="stage5_training", payload={}, key=log_key, actor="ops", ticket="T-1"
    )
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev == "0" * 64
    assert second.prev == first.digest
    assert second.log_id == first.log_id
    assert first.timestamp == "2026-05-18T09:30:00.000000Z"
    head = json.loads(head_path(path).read_bytes())["head"]
    assert (head["last_seq"], head["last_digest"], head["log_id"]) == (
        2,
        second.digest,
        first.log_id,
    )
    assert verify_log(path, keyring=ring_of(log_key)).ok


def test_the_mac_covers_the_canonical_bytes_written_first(
    tmp_path: Path, log_key: SigningKey
) -> None:
    """A line is {"entry":<RFC 8785 bytes>,"hmac":...} and the HMAC is over exactly those bytes."""
    import hashlib
    import hmac

    import rfc8785

    path = tmp_path / "runtime.jsonl"
    append_entry(
        path, category="tco_report", payload={"b": 2, "a": [1.0, "ł"]}, key=log_key, actor="x"
    )
    line = path.read_bytes().rstrip(b"\n")
    entry_bytes = line[len(b'{"entry":') : -len(b',"hmac":"') - 66]
    assert rfc8785.dumps(json.loads(entry_bytes)) == entry_bytes
    expected = hmac.new(b"\xab" * 32, entry_bytes, hashlib.sha256).hexdigest()
    assert json.loads(line)["hmac"] == expected


def test_read_entries_filters_by_category_and_time(
    tmp_path: Path, write_log: WriteLog, log_key: SigningKey
) -> None:
    """show's reader keeps the category asked for and entries at or after --since."""
    path = write_log(tmp_path / "runtime.jsonl", 4)
    assert [e.seq for e in read_entries(path, category="stage5_incident")] == [1, 3]
    later = NOW + timedelta(days=3650)
    append_entry(path, category="stage5_incident", payload={}, key=log_key, actor="a", now=later)
    assert [e.seq for e in read_entries(path, since=later)] == [5]
    assert read_entries(path)[2].ticket == "INC-3"


def test_read_entries_of_a_missing_log_is_empty(tmp_path: Path) -> None:
    """A log not created yet reads as no entries."""
    assert read_entries(tmp_path / "none.jsonl") == []


def test_append_refuses_a_torn_tail(
    tmp_path: Path, write_log: WriteLog, log_key: SigningKey
) -> None:
    """After an interrupted append, appending says to run repair and writes nothing."""
    path = write_log(tmp_path / "runtime.jsonl", 2)
    path.write_bytes(path.read_bytes() + b'{"entry":{"act')
    before = path.read_bytes()
    with pytest.raises(LogIntegrityError, match="repair"):
        append_entry(path, category="stage5_incident", payload={}, key=log_key, actor="a")
    assert path.read_bytes() == before


def test_append_refuses_a_tail_cut_below_the_head(
    tmp_path: Path, write_log: WriteLog, log_key: SigningKey
) -> None:
    """Appending onto a cut-off log would hide the cut, so it is refused."""
    path = write_log(tmp_path / "runtime.jsonl", 3)
    path.write_bytes(b"".join(line + b"\n" for line in path.read_bytes().split(b"\n")[:2]))
    with pytest.raises(LogIntegrityError, match="cut off") as caught:
        append_entry(path, category="stage5_incident", payload={}, key=log_key, actor="a")
    assert caught.value.line == 3


def test_a_head_behind_the_log_is_noted_and_caught_up(
    tmp_path: Path, write_log: WriteLog, log_key: SigningKey
) -> None:
    """A line written before a kill stopped the head update still verifies, with a note."""
    path = write_log(tmp_path / "runtime.jsonl", 2)
    old_head = head_path(path).read_bytes()
    append_entry(path, category="stage5_incident", payload={}, key=log_key, actor="a")
    head_path(path).write_bytes(old_head)
    result = verify_log(path, keyring=ring_of(log_key))
    assert result.ok
    assert "1 entries behind" in result.notes[0]
    append_entry(path, category="stage5_incident", payload={}, key=log_key, actor="a")
    assert verify_log(path, keyring=ring_of(log_key)).notes == ()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("category", "Stage5 Incident", "lower-case"),
        ("actor", "", "1-200 characters"),
        ("actor", "a\nforged line", "control character"),
        ("ticket", "T\x1b[31m", "control character"),
    ],
)
def test_bad_entry_fields_are_input_errors(
    tmp_path: Path, log_key: SigningKey, field: str, value: str, message: str
) -> None:
    """A bad category, actor or ticket is refused before anything is written."""
    arguments: dict[str, object] = {"category": "stage5_incident", "actor": "ops", "ticket": None}
    arguments[field] = value
    path = tmp_path / "runtime.jsonl"
    with pytest.raises(InputError, match=message):
        append_entry(path, payload={}, key=log_key, **arguments)  # type: ignore[arg-type]
    assert not path.exists()


def test_a_payload_that_is_not_canonical_json_is_refused(
    tmp_path: Path, log_key: SigningKey
) -> None:
    """NaN cannot be written as RFC 8785 JSON, so the entry is refused."""
    with pytest.raises(InputError, match="canonical JSON"):
        append_entry(
            tmp_path / "l.jsonl", category="c", payload={"x": float("nan")}, key=log_key, actor="a"
        )


def test_a_naive_timestamp_is_refused(tmp_path: Path, log_key: SigningKey) -> None:
    """Entry times are UTC; a datetime without a zone is refused."""
    with pytest.raises(InputError, match="no time zone"):
        append_entry(
            tmp_path / "l.jsonl",
            category="c",
            payload={},
            key=log_key,
            actor="a",
            now=datetime(2026, 1, 1),
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ("[1, 2]", "must be a JSON object"),
        ('{"a": ', "line 1, column 7: not valid JSON"),
    ],
)
def test_parse_payload_rejects_bad_json(text: str, message: str) -> None:
    """Payload text with duplicate keys, NaN, a non-object or a syntax error is refused."""
    with pytest.raises(InputError, match=message):
        parse_payload(text, source="payload.json")


def test_parse_payload_keeps_floats() -> None:
    """Floats and nested objects pass through."""
    assert parse_payload('{"tco_kpi": {"cost_bps": 2.5}}', source="-") == {
        "tco_kpi": {"cost_bps": 2.5}
    }


def test_key_comes_from_the_decision_log_variable_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """STAGE5KIT_DECISION_LOG_KEY wins over LIVE_DECISION_LOG_HMAC; its _ID names the key."""
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY", "hex:" + "11" * 32)
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY_ID", "primary")
    monkeypatch.setenv("LIVE_DECISION_LOG_HMAC", "hex:" + "22" * 32)
    assert load_log_key().key_id == "primary"


def test_key_falls_back_to_the_seed_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """LIVE_DECISION_LOG_HMAC (seed 001) is used when the kit's own variable is unset."""
    monkeypatch.setenv("LIVE_DECISION_LOG_HMAC", "hex:" + "22" * 32)
    monkeypatch.setenv("LIVE_DECISION_LOG_HMAC_ID", "live")
    assert load_log_key().key_id == "live"


def test_key_falls_back_to_the_workspace_key_file(tmp_path: Path) -> None:
    """Without variables, the workspace's secrets/decision_log.key is used."""
    workspace, _ = init_workspace(tmp_path, with_key=True)
    assert load_log_key(default_key_file=workspace.decision_log_key).key_id == "decision_log"


def test_no_key_anywhere_says_how_to_give_one(tmp_path: Path) -> None:
    """With no spec, variable or key file the error names every way to give a key."""
    with pytest.raises(KeyMaterialError, match="LIVE_DECISION_LOG_HMAC"):
        load_log_key(default_key_file=tmp_path / "none.key")


def test_an_ed25519_key_is_refused(tmp_path: Path) -> None:
    """The decision log is HMAC-signed; an Ed25519 key is refused with how to make an HMAC one."""
    generated = generate_keypair(algorithm="ed25519", key_id="ed", out_dir=tmp_path)
    with pytest.raises(KeyMaterialError, match="--algorithm hmac"):
        load_log_key(f"file:{generated.private_key_path}")


def test_keyring_holds_the_current_and_every_retired_key(tmp_path: Path) -> None:
    """The ring is the current key plus each <key_id>.key in the retired folder."""
    retired = tmp_path / "retired"
    retired.mkdir()
    generate_keypair(algorithm="hmac", key_id="old-1", out_dir=retired)
    generate_keypair(algorithm="hmac", key_id="old-2", out_dir=retired)
    ring = load_keyring("hex:" + "33" * 32, retired_dir=retired)
    assert ring.current_key_id is not None
    assert set(ring.key_ids()) == {ring.current_key_id, "old-1", "old-2"}


def test_keyring_may_be_only_retired_keys_when_allowed(tmp_path: Path) -> None:
    """A verifier holding only retired keys can still build a ring when it says so."""
    generate_keypair(algorithm="hmac", key_id="old-1", out_dir=tmp_path)
    ring = load_keyring(retired=[f"file:{tmp_path / 'old-1.key'}"], require_current=False)
    assert ring.key_ids() == ("old-1",)
    assert ring.current_key_id is None


def test_the_log_file_is_not_world_writable_and_holds_no_key(
    tmp_path: Path, write_log: WriteLog
) -> None:
    """Neither the log nor its head contains the key bytes in hex."""
    path = write_log(tmp_path / "runtime.jsonl", 2)
    for file in (path, head_path(path)):
        assert b"ab" * 32 not in file.read_bytes()
        assert not file.stat().st_mode & 0o002


def test_a_different_key_with_the_same_id_does_not_verify(
    tmp_path: Path, write_log: WriteLog
) -> None:
    """Verification uses the key bytes, not the id: a wrong k1 fails at line 1."""
    path = write_log(tmp_path / "runtime.jsonl", 2)
    result = verify_log(path, keyring=ring_of(make_key("99", "k1")))
    assert (result.reason, result.line) == ("bad_hmac", 1)


def test_append_refuses_when_the_log_is_gone_but_its_head_is_not(
    tmp_path: Path, write_log: WriteLog, log_key: SigningKey
) -> None:
    """A deleted log is not silently restarted: the append is refused and nothing is created."""
    path = write_log(tmp_path / "runtime.jsonl", 2)
    path.unlink()
    with pytest.raises(LogIntegrityError, match="restore it"):
        append_entry(path, category="stage5_incident", payload={}, key=log_key, actor="a")
    assert not path.exists()


def test_an_append_removes_head_temp_files_a_killed_append_left(
    tmp_path: Path, write_log: WriteLog, log_key: SigningKey
) -> None:
    """A head temp file left by a SIGKILL is removed by the next append (under the lock)."""
    path = write_log(tmp_path / "runtime.jsonl", 1)
    stale = tmp_path / ".runtime.jsonl.head.abcd1234.tmp"
    stale.write_text("half a head")
    append_entry(path, category="stage5_incident", payload={}, key=log_key, actor="a")
    assert not stale.exists()
    assert verify_log(path, keyring=ring_of(log_key)).ok


def test_new_log_id_names_a_new_log_only(tmp_path: Path, log_key: SigningKey) -> None:
    """A fixed id (the samples') names the log it creates; an existing log keeps its own id."""
    fixed, other = "ab" * 16, "cd" * 16
    path = tmp_path / "runtime.jsonl"
    first = append_entry(
        path, category="stage5_incident", payload={}, key=log_key, actor="ops", new_log_id=fixed
    )
    second = append_entry(
        path, category="stage5_incident", payload={}, key=log_key, actor="ops", new_log_id=other
    )
    assert first.log_id == second.log_id == fixed
    random = append_entry(
        tmp_path / "other.jsonl", category="stage5_incident", payload={}, key=log_key, actor="ops"
    )
    assert random.log_id not in (fixed, other)
