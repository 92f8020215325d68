"""Rotation states at the interval's boundaries, status summaries, bad registries."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.compliance.key_registry import load_registry, registry_status
from stage5kit.errors import ConfigError

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("age", "state"),
    [
        (0, "ok"),
        (75, "ok"),
        (76, "due"),
        (89, "due"),
        (90, "due"),
        (91, "overdue"),
        (400, "overdue"),
    ],
)
def test_state_at_the_boundaries_of_a_90_day_interval(write_registry, key_record, age, state):
    """Frozen clock: 75 days ok, 76 to 90 due (14-day window), 91 overdue."""
    path = write_registry([key_record("k1", age_days=age, today=TODAY)], with_key_files=False)
    status = registry_status(load_registry(path), today=TODAY)
    (entry,) = status.entries
    assert entry.state == state
    assert entry.age_days == age


def test_status_summary_counts_states_and_names_the_next_due_date(write_registry, key_record):
    """summary has total, ok, due, overdue and the earliest due date; entries are per key."""
    path = write_registry(
        [
            key_record("a", age_days=10, today=TODAY),
            key_record("b", age_days=80, today=TODAY, purpose="api"),
            key_record("c", age_days=95, today=TODAY, purpose="mtls"),
            key_record("d", age_days=95, today=TODAY, bundle="other"),
        ],
        with_key_files=False,
    )
    report = registry_status(load_registry(path), today=TODAY, bundle="core-oem").to_dict()
    summary = report["summary"]
    assert (summary["total"], summary["ok"], summary["due"], summary["overdue"]) == (3, 1, 1, 1)
    assert summary["next_due"] == "2026-11-21"
    assert [e["key_id"] for e in report["entries"]] == ["b", "a", "c"]


def test_unknown_bundle_is_refused_naming_the_known_ones(write_registry, key_record):
    """Asking for a bundle the registry lacks says which bundles it has."""
    path = write_registry([key_record("a", age_days=1, today=TODAY)], with_key_files=False)
    with pytest.raises(ConfigError, match=r"no bundle 'nope' .*core-oem"):
        registry_status(load_registry(path), today=TODAY, bundle="nope")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"purpose": "ssh"}, r"keys\[0\], field 'purpose': 'ssh' is not one of"),
        (
            {"last_rotated": "26.11.2026"},
            r"keys\[0\], field 'last_rotated': '26.11.2026' is not a date",
        ),
        ({"interval_days": "90"}, r"keys\[0\], field 'interval_days'"),
        ({"warning_days": 120}, r"warning_days \(120\) is longer than interval_days"),
        ({"created": None}, r"keys\[0\]: field 'created' is missing"),
    ],
)
def test_bad_registry_entry_names_entry_field_and_value(
    write_registry, key_record, change, message
):
    """Each bad field is reported with the file, the entry index and the field."""
    record = {**key_record("a", age_days=1, today=TODAY), **change}
    path = write_registry([record], with_key_files=False)
    with pytest.raises(ConfigError, match=message):
        load_registry(path)


def test_two_active_keys_for_one_purpose_are_refused(write_registry, key_record):
    """A bundle may have one active key per purpose."""
    path = write_registry(
        [key_record("a", age_days=1, today=TODAY), key_record("b", age_days=2, today=TODAY)],
        with_key_files=False,
    )
    with pytest.raises(ConfigError, match="two active hmac keys"):
        load_registry(path)


def test_registry_that_is_not_json_names_the_line(tmp_path):
    """Broken JSON is reported with its line number."""
    path = tmp_path / "key_rotation.json"
    path.write_text('{\n  "keys": [\n}', encoding="utf-8")
    with pytest.raises(ConfigError, match="line 3: not valid JSON"):
        load_registry(path)


def test_missing_registry_says_how_to_create_one(tmp_path):
    """A missing registry file is a ConfigError pointing at the docs."""
    with pytest.raises(ConfigError, match="no key rotation registry here"):
        load_registry(tmp_path / "none.json")


def test_registry_round_trips_through_save(write_registry, key_record):
    """save_registry writes what load_registry reads back, key folder included."""
    from stage5kit.compliance.key_registry import save_registry

    path = write_registry([key_record("a", age_days=1, today=TODAY)], with_key_files=False)
    registry = load_registry(path)
    save_registry(registry)
    again = load_registry(path)
    assert again == registry
    assert json.loads(path.read_text())["key_dir"] == "../../secrets/keys"


@given(
    interval=st.integers(min_value=1, max_value=400),
    window=st.integers(min_value=0, max_value=400),
    age=st.integers(min_value=0, max_value=900),
)
def test_state_follows_the_rule_for_any_interval_and_window(interval, window, age):
    """Property: ok below interval - window, due up to the interval, overdue after it."""
    from datetime import timedelta

    from stage5kit.compliance.key_registry import KeyRecord

    window = min(window, interval)
    record = KeyRecord(
        bundle="b",
        purpose="hmac",
        key_id="k",
        algorithm="hmac",
        state="active",
        created=TODAY - timedelta(days=age),
        last_rotated=TODAY - timedelta(days=age),
        interval_days=interval,
        warning_days=window,
    )
    expected = "overdue" if age > interval else "due" if age >= interval - window else "ok"
    assert record.rotation_state(TODAY) == expected
    assert record.window_opens() <= record.due_date()


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz-0123456789", min_size=1, max_size=12),
            st.sampled_from(["hmac", "mtls", "api"]),
            st.integers(min_value=0, max_value=500),
        ),
        max_size=6,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_any_valid_registry_round_trips(tmp_path_factory, keys):
    """Property: a registry written by save_registry reads back equal."""
    from stage5kit.compliance.key_registry import KeyRecord, KeyRegistry, save_registry

    folder = tmp_path_factory.mktemp("reg")
    records = tuple(
        KeyRecord(
            bundle=bundle,
            purpose=purpose,
            key_id=f"{bundle}-{purpose}",
            algorithm="hmac",
            state="active",
            created=date(2026, 1, 1),
            last_rotated=date(2026, 1, 1),
            interval_days=max(days, 1),
            warning_days=0,
        )
        for bundle, purpose, days in keys
    )
    registry = KeyRegistry(path=folder / "r.json", key_dir=folder / "keys", keys=records)
    save_registry(registry)
    loaded = load_registry(folder / "r.json")
    assert loaded.keys == records
    assert loaded.key_dir is not None
    assert loaded.key_dir.resolve() == (folder / "keys").resolve()
