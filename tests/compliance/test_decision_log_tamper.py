"""The tamper battery: every kind of damage is caught at the right line with the right reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from stage5kit.compliance import append_entry, head_path, repair_log, verify_log
from stage5kit.signing import SigningKey

from .conftest import make_key, ring_of

WriteLog = Callable[[Path, int], Path]
COUNT = 6


@pytest.fixture
def log(tmp_path: Path, write_log: WriteLog) -> Path:
    """A valid log of six entries with its head."""
    return write_log(tmp_path / "runtime.jsonl", COUNT)


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def _write_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def _edit_entry(line: bytes, field: str, value: object) -> bytes:
    """Change one field of a line's entry, re-canonicalise it and keep the old HMAC."""
    outer = json.loads(line)
    outer["entry"][field] = value
    return (
        b'{"entry":' + rfc8785.dumps(outer["entry"]) + b',"hmac":"' + outer["hmac"].encode() + b'"}'
    )


def test_the_untouched_log_verifies(log: Path, log_key: SigningKey) -> None:
    """The fixture log is valid: all six entries checked, head at seq 6."""
    result = verify_log(log, keyring=ring_of(log_key))
    assert result.ok, result.summary()
    assert (result.entries_checked, result.head_seq, result.key_ids) == (COUNT, COUNT, ("k1",))


EDITS = {
    "actor": "mallory",
    "category": "stage5_training_x",
    "log_id": "f" * 32,
    "payload": {"n": 0},
    "prev": "1" * 64,
    "seq": 99,
    "ticket": "INC-FORGED",
    "timestamp": "2020-01-01T00:00:00.000000Z",
}


@pytest.mark.parametrize("field", sorted(EDITS))
@pytest.mark.parametrize("number", [1, 3, COUNT])
def test_any_edited_field_fails_its_hmac_at_that_line(
    log: Path, log_key: SigningKey, field: str, number: int
) -> None:
    """Editing any entry field of any line is a bad HMAC at exactly that line."""
    lines = _lines(log)
    lines[number - 1] = _edit_entry(lines[number - 1], field, EDITS[field])
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.ok, result.reason, result.line) == (False, "bad_hmac", number)
    assert result.entries_checked == number - 1


def test_an_edited_hmac_fails_at_that_line(log: Path, log_key: SigningKey) -> None:
    """Changing the HMAC itself is a bad HMAC at that line."""
    lines = _lines(log)
    outer = json.loads(lines[2])
    lines[2] = lines[2].replace(outer["hmac"].encode(), b"0" * 64)
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == ("bad_hmac", 3)


def test_key_id_replaced_by_another_ring_key_is_a_bad_hmac(log: Path, log_key: SigningKey) -> None:
    """A key_id switched to another key the ring holds does not verify under that key."""
    lines = _lines(log)
    lines[1] = _edit_entry(lines[1], "key_id", "k2")
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key, make_key("cd", "k2")))
    assert (result.reason, result.line) == ("bad_hmac", 2)


def test_key_id_replaced_by_an_unknown_id_names_the_missing_key(
    log: Path, log_key: SigningKey
) -> None:
    """A key_id the ring does not hold is reported as that missing key, at that line."""
    lines = _lines(log)
    lines[1] = _edit_entry(lines[1], "key_id", "ghost")
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line, result.missing_key_id) == ("missing_key", 2, "ghost")


@pytest.mark.parametrize(("deleted", "reason", "line"), [(1, "seq_gap", 1), (3, "seq_gap", 3)])
def test_a_deleted_line_is_a_sequence_gap(
    log: Path, log_key: SigningKey, deleted: int, reason: str, line: int
) -> None:
    """Deleting a line leaves a gap the next line reveals."""
    lines = _lines(log)
    del lines[deleted - 1]
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == (reason, line)
    assert "1 entries missing" in result.detail


def test_deleting_the_last_line_is_caught_through_the_head(log: Path, log_key: SigningKey) -> None:
    """Cutting the last line off leaves a valid chain, but the head names one more entry."""
    _write_lines(log, _lines(log)[:-1])
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line, result.head_seq) == ("truncated", COUNT, COUNT)


def test_a_truncated_tail_is_caught_through_the_head(log: Path, log_key: SigningKey) -> None:
    """Cutting three lines off names the first missing line and how many are gone."""
    _write_lines(log, _lines(log)[:3])
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == ("truncated", 4)
    assert "3 entries cut off" in result.detail


def test_two_swapped_lines_are_reordered(log: Path, log_key: SigningKey) -> None:
    """Swapping lines 2 and 3 is reported at line 2 as out of order."""
    lines = _lines(log)
    lines[1], lines[2] = lines[2], lines[1]
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == ("reordered", 2)


def test_a_line_moved_back_is_reordered(log: Path, log_key: SigningKey) -> None:
    """Moving line 2 after line 4 is reported where the lower seq reappears."""
    lines = _lines(log)
    moved = lines.pop(1)
    lines.insert(3, moved)
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == ("seq_gap", 2)


def test_a_duplicated_line_is_named_as_a_duplicate(log: Path, log_key: SigningKey) -> None:
    """Repeating line 3 right after itself is a duplicate of line 3, reported at line 4."""
    lines = _lines(log)
    lines.insert(3, lines[2])
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == ("duplicate", 4)
    assert "line 3" in result.detail


def test_a_forged_line_with_a_recomputed_chain_fails_its_hmac(
    log: Path, log_key: SigningKey
) -> None:
    """A line rewritten with the right seq, log id and prev but another key's HMAC is caught."""
    lines = _lines(log)
    _write_lines(log, lines[:4])
    head = head_path(log)
    head.unlink()
    forger = make_key("ee", "k1")
    append_entry(log, category="stage5_incident", payload={"x": 1}, key=forger, actor="mallory")
    _write_lines(log, [*_lines(log), *lines[5:]])
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == ("bad_hmac", 5)


def test_a_line_copied_from_another_log_does_not_verify(
    tmp_path: Path, log: Path, log_key: SigningKey, write_log: WriteLog
) -> None:
    """A validly signed line of another log (same key, same seq) is caught by its log id."""
    other = write_log(tmp_path / "other.jsonl", COUNT)
    lines = _lines(log)
    lines[2] = _lines(other)[2]
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == ("other_log", 3)


@pytest.mark.parametrize(
    ("inserted", "reason"),
    [
        (b"", "blank_line"),
        (b"   ", "blank_line"),
        (b"not json", "not_json"),
        (b'{"a":1}', "not_an_entry"),
    ],
)
def test_a_foreign_line_is_named(
    log: Path, log_key: SigningKey, inserted: bytes, reason: str
) -> None:
    """A blank, non-JSON or non-entry line inserted after line 2 is reported at line 3."""
    lines = _lines(log)
    lines.insert(2, inserted)
    _write_lines(log, lines)
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == (reason, 3)


def test_a_missing_log_with_a_head_is_invalid(log: Path, log_key: SigningKey) -> None:
    """Deleting the log while its head names six entries is a missing log, not an empty one."""
    log.unlink()
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.ok, result.reason, result.line) == (False, "missing_log", 1)


def test_an_emptied_log_with_a_head_is_invalid(log: Path, log_key: SigningKey) -> None:
    """Emptying the log while its head names six entries is caught."""
    log.write_bytes(b"")
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.ok, result.reason) == (False, "empty_log")


def test_an_empty_log_is_not_silently_valid(tmp_path: Path, log_key: SigningKey) -> None:
    """A log with no entries and no head is 'empty': not ok, and the summary says 0 were checked."""
    result = verify_log(tmp_path / "runtime.jsonl", keyring=ring_of(log_key))
    assert (result.ok, result.status, result.entries_checked) == (False, "empty", 0)
    assert "nothing verified (0 entries checked)" in result.summary()


def test_a_missing_head_is_invalid(log: Path, log_key: SigningKey) -> None:
    """Without its head a cut-off tail could not be seen, so a missing head is a finding."""
    head_path(log).unlink()
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == ("missing_head", None)


def test_an_edited_head_is_invalid(log: Path, log_key: SigningKey) -> None:
    """A head whose last_seq was lowered (to hide a cut) fails its HMAC."""
    head = head_path(log)
    head.write_bytes(head.read_bytes().replace(b'"last_seq":6', b'"last_seq":5'))
    result = verify_log(log, keyring=ring_of(log_key))
    assert result.reason == "bad_head"


def test_a_head_of_another_log_is_a_mismatch(
    tmp_path: Path, log: Path, log_key: SigningKey, write_log: WriteLog
) -> None:
    """Replacing the head with another log's valid head is caught by the log id."""
    other = write_log(tmp_path / "other.jsonl", COUNT)
    head_path(log).write_bytes(head_path(other).read_bytes())
    result = verify_log(log, keyring=ring_of(log_key))
    assert result.reason == "head_mismatch"


def test_a_torn_last_line_is_reported_and_repair_removes_only_it(
    log: Path, log_key: SigningKey
) -> None:
    """Half a line at the end is 'torn' at line 7; repair drops exactly those bytes."""
    complete = log.read_bytes()
    log.write_bytes(complete + _lines(log)[0][:40])
    result = verify_log(log, keyring=ring_of(log_key))
    assert (result.reason, result.line) == ("torn_last_line", COUNT + 1)
    repaired = repair_log(log)
    assert (repaired.removed_line, repaired.removed_bytes) == (COUNT + 1, 40)
    assert "removed the torn last line 7" in repaired.message
    assert log.read_bytes() == complete
    assert verify_log(log, keyring=ring_of(log_key)).ok


def test_repair_of_a_whole_log_removes_nothing(log: Path) -> None:
    """repair on an intact log changes no byte and says so."""
    before = log.read_bytes()
    repaired = repair_log(log)
    assert repaired.removed_line is None
    assert "nothing removed" in repaired.message
    assert log.read_bytes() == before


def test_a_retired_key_still_verifies_and_a_removed_one_is_named(
    tmp_path: Path, log_key: SigningKey
) -> None:
    """After rotation old entries verify with the retired key in the ring; without it, not."""
    path = tmp_path / "runtime.jsonl"
    append_entry(path, category="stage5_incident", payload={}, key=log_key, actor="a")
    new_key = make_key("cd", "k2")
    append_entry(path, category="key_rotation", payload={"to": "k2"}, key=new_key, actor="a")
    both = verify_log(path, keyring=ring_of(new_key, log_key))
    assert both.ok
    assert both.key_ids == ("k1", "k2")
    without = verify_log(path, keyring=ring_of(new_key))
    assert (without.reason, without.line, without.missing_key_id) == ("missing_key", 1, "k1")


@settings(max_examples=40)
@given(data=st.data())
def test_any_flipped_byte_is_caught_at_its_line(data: st.DataObject) -> None:
    """Flipping any byte of a valid log is reported at the line that holds that byte."""
    import tempfile

    key = make_key("ab", "k1")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "runtime.jsonl"
        for n in range(3):
            append_entry(path, category="stage5_incident", payload={"n": n}, key=key, actor="a")
        original = path.read_bytes()
        position = data.draw(st.integers(0, len(original) - 1))
        flip = data.draw(st.integers(1, 255))
        damaged = bytearray(original)
        damaged[position] ^= flip
        path.write_bytes(bytes(damaged))
        result = verify_log(path, keyring=ring_of(key))
    assert not result.ok
    assert result.line == original[:position].count(b"\n") + 1


@pytest.mark.parametrize("damage", ["none", "edit", "swap", "truncate"])
def test_the_parallel_pass_agrees_with_the_sequential_one(
    tmp_path: Path,
    write_log: WriteLog,
    log_key: SigningKey,
    monkeypatch: pytest.MonkeyPatch,
    damage: str,
) -> None:
    """Verifying in 2 worker processes gives the same result as one pass, damaged or not."""
    from stage5kit.compliance import log_verify

    log = write_log(tmp_path / "runtime.jsonl", 40)
    lines = _lines(log)
    if damage == "edit":
        lines[29] = _edit_entry(lines[29], "actor", "mallory")
    elif damage == "swap":
        lines[19], lines[20] = lines[20], lines[19]
    elif damage == "truncate":
        del lines[35:]
    _write_lines(log, lines)
    sequential = verify_log(log, keyring=ring_of(log_key), workers=1)
    monkeypatch.setattr(log_verify, "PARALLEL_MIN_LINES", 10)
    parallel = verify_log(log, keyring=ring_of(log_key), workers=2)
    assert parallel == sequential
    assert parallel.ok == (damage == "none")
    stitched = log_verify._check_lines_in_parallel(
        log, log.read_bytes(), len(lines), ring_of(log_key), 2
    )
    assert (stitched is not None) == (damage in {"none", "truncate"})
