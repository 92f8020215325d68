"""Key rotation: the plan, the crash-safe steps, resuming, and files on disk."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest

from stage5kit.compliance.key_registry import load_registry
from stage5kit.compliance.key_rotation import (
    RotationJournal,
    execute_rotation,
    plan_rotation,
)
from stage5kit.errors import ConfigError

TODAY = date(2026, 11, 26)


class ListJournal:
    """An in-memory journal standing in for the decision log."""

    def __init__(self) -> None:
        self.entries: list[dict[str, object]] = []

    def journal(self) -> RotationJournal:
        return RotationJournal(
            recorded=lambda key_id: any(e["new_key_id"] == key_id for e in self.entries),
            record=self.entries.append,
        )


def test_plan_rotates_only_due_and_overdue_keys_without_a_key_id(write_registry, key_record):
    """Without --key-id, ok keys stay; due and overdue ones get new ids dated today."""
    path = write_registry(
        [
            key_record("fresh", age_days=5, today=TODAY),
            key_record("due", age_days=80, today=TODAY, purpose="api"),
            key_record("late", age_days=100, today=TODAY, purpose="mtls"),
        ]
    )
    plans = plan_rotation(load_registry(path), bundle="core-oem", today=TODAY)
    assert [(p.old_key_id, p.new_key_id) for p in plans] == [
        ("due", "core-oem-api-20261126"),
        ("late", "core-oem-mtls-20261126"),
    ]


def test_plan_with_a_key_id_rotates_it_even_when_ok(write_registry, key_record):
    """--key-id forces that key's rotation."""
    path = write_registry([key_record("fresh", age_days=5, today=TODAY)])
    (plan,) = plan_rotation(load_registry(path), bundle="core-oem", key_id="fresh", today=TODAY)
    assert plan.new_key_id == "core-oem-hmac-20261126"
    with pytest.raises(ConfigError, match="no active key 'other'"):
        plan_rotation(load_registry(path), bundle="core-oem", key_id="other", today=TODAY)


def test_execute_writes_new_key_retires_old_and_records_once(write_registry, key_record, tmp_path):
    """New key 0600 and active, old key retired into retired/, one journal entry, logged."""
    path = write_registry([key_record("old", age_days=91, today=TODAY)])
    log = ListJournal()
    (plan,) = execute_rotation(path, bundle="core-oem", today=TODAY, journal=log.journal())
    registry = load_registry(path)
    new, old = registry.find(plan.new_key_id), registry.find("old")
    assert new is not None
    assert old is not None
    assert (new.state, new.logged, new.last_rotated, new.replaces) == ("active", True, TODAY, "old")
    assert (old.state, old.retired) == ("retired", TODAY)
    keys = tmp_path / "secrets" / "keys"
    assert stat.S_IMODE((keys / f"{plan.new_key_id}.key").stat().st_mode) == 0o600
    assert (keys / "retired" / "old.key").is_file()
    assert not (keys / "old.key").exists()
    assert log.entries == [
        {
            "bundle": "core-oem",
            "purpose": "hmac",
            "algorithm": "hmac",
            "old_key_id": "old",
            "new_key_id": plan.new_key_id,
            "rotated_on": "2026-11-26",
            "next_due": "2027-02-24",
            "interval_days": 90,
            "registry": "key_rotation.json",
        }
    ]
    assert execute_rotation(path, bundle="core-oem", today=TODAY, journal=log.journal()) == ()


def _registry_with_pending(path: Path, *, state: str, logged: bool) -> None:
    document = json.loads(path.read_text())
    old = document["keys"][0]
    new = {
        **old,
        "key_id": "core-oem-hmac-20261126",
        "state": state,
        "replaces": old["key_id"],
        "created": TODAY.isoformat(),
        "last_rotated": TODAY.isoformat(),
        "logged": logged,
    }
    if state == "active":
        old["state"], old["retired"] = "retired", TODAY.isoformat()
    document["keys"].append(new)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize(
    ("state", "logged", "key_written", "already_recorded"),
    [
        ("pending", False, False, False),  # killed after step 1
        ("pending", False, True, False),  # killed after step 2
        ("active", False, True, False),  # killed after step 3 or 4
        ("active", False, True, True),  # killed after step 5
    ],
)
def test_rerun_after_a_crash_finishes_the_rotation(  # noqa: PLR0917  # parametrized
    write_registry, key_record, tmp_path, state, logged, key_written, already_recorded
):
    """A rerun resumes the unfinished rotation: no second new key, exactly one journal entry."""
    path = write_registry([key_record("old", age_days=91, today=TODAY)])
    _registry_with_pending(path, state=state, logged=logged)
    keys = tmp_path / "secrets" / "keys"
    if key_written:
        (keys / "core-oem-hmac-20261126.key").write_text("ab" * 32 + "\n")
    (keys / ".core-oem-hmac-20261126.key.x1y2.tmp").write_text("partial")
    log = ListJournal()
    if already_recorded:
        log.entries.append({"new_key_id": "core-oem-hmac-20261126"})
    (plan,) = execute_rotation(path, bundle="core-oem", today=TODAY, journal=log.journal())
    assert plan.resume
    registry = load_registry(path)
    assert [(k.key_id, k.state, k.logged) for k in registry.keys] == [
        ("old", "retired", True),
        ("core-oem-hmac-20261126", "active", True),
    ]
    assert len(log.entries) == 1
    assert sorted(p.name for p in keys.iterdir()) == ["core-oem-hmac-20261126.key", "retired"]


def test_execute_needs_a_key_folder_in_the_registry(write_registry, key_record):
    """A registry without key_dir cannot be rotated, and nothing is changed."""
    path = write_registry([key_record("old", age_days=91, today=TODAY)])
    document = json.loads(path.read_text())
    del document["key_dir"]
    path.write_text(json.dumps(document))
    before = path.read_bytes()
    with pytest.raises(ConfigError, match="no 'key_dir'"):
        execute_rotation(path, bundle="core-oem", today=TODAY, journal=ListJournal().journal())
    assert path.read_bytes() == before


def test_rotating_an_mtls_key_writes_an_ed25519_pair(write_registry, key_record, tmp_path):
    """mtls keys are Ed25519: the new .key and .pub are written, the old pair retired."""
    path = write_registry([key_record("tls", age_days=91, today=TODAY, purpose="mtls")])
    (plan,) = execute_rotation(
        path, bundle="core-oem", today=TODAY, journal=ListJournal().journal()
    )
    keys = tmp_path / "secrets" / "keys"
    assert (keys / f"{plan.new_key_id}.pub").is_file()
    assert sorted(p.name for p in (keys / "retired").iterdir()) == ["tls.key", "tls.pub"]
