"""The reminder schedule: which days, in CSV and in a valid-looking iCalendar file."""

from __future__ import annotations

from datetime import UTC, date, datetime

from stage5kit.compliance.key_registry import load_registry
from stage5kit.compliance.rotation_schedule import (
    reminders_csv,
    reminders_ics,
    rotation_reminders,
)

TODAY = date(2026, 11, 26)


def test_reminders_follow_cycles_within_the_horizon(write_registry, key_record):
    """Window opens at day 76, due at day 90, then the next cycle from the due date."""
    path = write_registry([key_record("k", age_days=0, today=TODAY)], with_key_files=False)
    reminders = rotation_reminders(load_registry(path), today=TODAY, horizon_days=180)
    assert [(r.day.isoformat(), r.event) for r in reminders] == [
        ("2027-02-10", "window_opens"),
        ("2027-02-24", "due"),
        ("2027-05-11", "window_opens"),
        ("2027-05-25", "due"),
    ]


def test_an_overdue_key_is_reminded_today_and_its_next_cycle_starts_today(
    write_registry, key_record
):
    """Overdue keys get an 'overdue' reminder today, then a cycle counted from today."""
    path = write_registry([key_record("k", age_days=100, today=TODAY)], with_key_files=False)
    reminders = rotation_reminders(load_registry(path), today=TODAY, horizon_days=90)
    assert [(r.day.isoformat(), r.event) for r in reminders] == [
        ("2026-11-26", "overdue"),
        ("2027-02-10", "window_opens"),
        ("2027-02-24", "due"),
    ]


def test_csv_and_ics_hold_one_row_and_one_event_per_reminder(write_registry, key_record):
    """The CSV has a header and a row per reminder; the ICS one VEVENT each, CRLF, folded."""
    path = write_registry(
        [
            key_record("k1", age_days=80, today=TODAY),
            key_record("k2", age_days=0, today=TODAY, purpose="api"),
        ],
        with_key_files=False,
    )
    reminders = rotation_reminders(load_registry(path), today=TODAY, horizon_days=180)
    rows = reminders_csv(reminders).splitlines()
    assert rows[0] == "date,event,bundle,purpose,key_id,due_date"
    assert len(rows) == len(reminders) + 1
    assert rows[1] == "2026-12-06,due,core-oem,hmac,k1,2026-12-06"
    ics = reminders_ics(reminders, generated_at=datetime(2026, 11, 26, 12, tzinfo=UTC))
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == len(reminders)
    assert "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    unfolded = ics.replace("\r\n ", "")
    assert "UID:k1-due-20261206@stage5kit" in unfolded
    assert "DTSTART;VALUE=DATE:20261206\r\nDTEND;VALUE=DATE:20261207" in unfolded
    assert "SUMMARY:rotation due: core-oem hmac key k1" in unfolded
