"""The key rotation reminder schedule (``keys plan``) as CSV rows and an iCalendar file.

For each active key the plan lists, within the horizon, the day its warning window
opens and the day it is due, cycle after cycle, assuming each rotation happens on its due
date. A key already overdue gets an ``overdue`` reminder today and its next cycles start
today. The iCalendar file (RFC 5545) holds one all-day event per reminder, with a stable
UID so a calendar that imports a newer plan updates events instead of duplicating them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from stage5kit.compliance.key_registry import KeyRecord, KeyRegistry

ReminderEvent = Literal["window_opens", "due", "overdue"]
CSV_COLUMNS = ("date", "event", "bundle", "purpose", "key_id", "due_date")
ICS_LINE_OCTETS = 75
_EVENT_TEXT = {
    "window_opens": "rotation window opens",
    "due": "rotation due",
    "overdue": "rotation overdue",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Reminder:
    """One reminder: on ``day``, ``event`` for ``key_id`` (whose cycle ends on ``due_date``)."""

    day: date
    event: ReminderEvent
    bundle: str
    purpose: str
    key_id: str
    due_date: date

    def summary(self) -> str:
        """The calendar title: what to do and for which key."""
        return f"{_EVENT_TEXT[self.event]}: {self.bundle} {self.purpose} key {self.key_id}"


def _key_cycles(
    key: KeyRecord, *, today: date, end: date
) -> list[tuple[date, ReminderEvent, date]]:
    """(day, event, due date) of one key's reminders from ``today`` to ``end``."""
    interval = timedelta(days=key.interval_days)
    window = timedelta(days=key.warning_days)
    start = key.last_rotated
    found: list[tuple[date, ReminderEvent, date]] = []
    while True:
        due = start + interval
        if due < today:
            found.append((today, "overdue", due))
            start = today
            continue
        opens = due - window
        if opens > end:
            return found
        if opens >= today:
            found.append((opens, "window_opens", due))
        if due <= end:
            found.append((due, "due", due))
        if interval.days == 0:
            return found
        start = due


def rotation_reminders(
    registry: KeyRegistry, *, today: date, horizon_days: int, bundle: str | None = None
) -> tuple[Reminder, ...]:
    """Every reminder from ``today`` to ``today + horizon_days`` (inclusive), sorted by day."""
    end = today + timedelta(days=horizon_days)
    found: list[Reminder] = []
    for key in registry.active(bundle):
        for day, event, due in _key_cycles(key, today=today, end=end):
            found.append(
                Reminder(
                    day=day,
                    event=event,
                    bundle=key.bundle,
                    purpose=key.purpose,
                    key_id=key.key_id,
                    due_date=due,
                )
            )
    return tuple(sorted(found, key=lambda r: (r.day, r.bundle, r.purpose, r.key_id, r.event)))


def reminders_csv(reminders: tuple[Reminder, ...]) -> str:
    """The schedule as CSV (header row, ISO dates, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in reminders:
        writer.writerow(
            [r.day.isoformat(), r.event, r.bundle, r.purpose, r.key_id, r.due_date.isoformat()]
        )
    return buffer.getvalue()


def _ics_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    pieces: list[str] = []
    current = ""
    limit = ICS_LINE_OCTETS
    for char in line:
        if len((current + char).encode()) > limit:
            pieces.append(current)
            current = ""
            limit = ICS_LINE_OCTETS - 1  # continuation lines start with a space
        current += char
    pieces.append(current)
    return "\r\n ".join(pieces)


def reminders_ics(reminders: tuple[Reminder, ...], *, generated_at: datetime) -> str:
    """The schedule as an iCalendar file: one all-day VEVENT per reminder, CRLF line ends."""
    stamp = generated_at.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//stage5kit//key rotation plan//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for r in reminders:
        description = (
            f"Key {r.key_id} of bundle {r.bundle} ({r.purpose}) is due on"
            f" {r.due_date.isoformat()}. Run: stage5kit keys rotate --bundle {r.bundle}"
            f" --key-id {r.key_id} --dry-run, then --execute."
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{r.key_id}-{r.event}-{r.day:%Y%m%d}@stage5kit",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{r.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{r.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(r.summary())}",
            f"DESCRIPTION:{_ics_text(description)}",
            "CATEGORIES:key_rotation",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{_fold(line)}\r\n" for line in lines)
