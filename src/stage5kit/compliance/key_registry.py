"""The key rotation registry: which key each bundle uses for what, and when it is due.

One JSON file (default ``var/security/key_rotation.json``) lists keys by bundle (e.g.
``core-oem``) and purpose (``hmac``, ``mtls``, ``api``). A key is ``pending`` while a
rotation creates it, ``active`` while in use (one per bundle and purpose) and ``retired``
after (kept verify-only). An active key's age is counted from ``last_rotated``: it is
``ok`` up to ``interval - window`` days, ``due`` from there up to the interval, and
``overdue`` after it (90-day interval, 14-day window: 75 ok, 76-90 due, 91 overdue).
Private key files live in the registry's key folder (``key_dir``): active and pending keys
as ``<key_id>.key``, retired ones under ``retired/``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from stage5kit.errors import ConfigError
from stage5kit.files import atomic_write_text

REGISTRY_FORMAT = "stage5kit.key_rotation/v1"
DEFAULT_INTERVAL_DAYS = 90
DEFAULT_WARNING_DAYS = 14
PURPOSES = ("hmac", "mtls", "api")
KEY_STATES = ("pending", "active", "retired")
RETIRED_FOLDER = "retired"

Purpose = Literal["hmac", "mtls", "api"]
KeyState = Literal["pending", "active", "retired"]
RotationState = Literal["ok", "due", "overdue"]


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRecord:
    """One key in the registry; dates are calendar days (UTC)."""

    bundle: str
    purpose: Purpose
    key_id: str
    algorithm: Literal["hmac", "ed25519"]
    state: KeyState
    created: date
    last_rotated: date
    interval_days: int = DEFAULT_INTERVAL_DAYS
    warning_days: int = DEFAULT_WARNING_DAYS
    replaces: str | None = None
    retired: date | None = None
    logged: bool = True

    def due_date(self) -> date:
        """The day the interval ends: after it the key is overdue."""
        return self.last_rotated + timedelta(days=self.interval_days)

    def window_opens(self) -> date:
        """The first day the key is due (``interval - window`` days after the last rotation)."""
        return self.due_date() - timedelta(days=self.warning_days)

    def age_days(self, today: date) -> int:
        """Whole days since the last rotation."""
        return (today - self.last_rotated).days

    def rotation_state(self, today: date) -> RotationState:
        """ok before the warning window, due inside it (up to the due date), overdue after."""
        age = self.age_days(today)
        if age > self.interval_days:
            return "overdue"
        if age >= self.interval_days - self.warning_days:
            return "due"
        return "ok"


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRegistry:
    """Every key of every bundle, and the folder that holds their private files."""

    path: Path
    key_dir: Path | None
    keys: tuple[KeyRecord, ...] = field(default_factory=tuple)

    def find(self, key_id: str) -> KeyRecord | None:
        """The record of ``key_id``, or None."""
        return next((k for k in self.keys if k.key_id == key_id), None)

    def active(self, bundle: str | None = None) -> tuple[KeyRecord, ...]:
        """Active keys, of one bundle when given."""
        return tuple(k for k in self.keys if k.state == "active" and bundle in (None, k.bundle))

    def unfinished(self) -> tuple[KeyRecord, ...]:
        """Keys a rotation created but has not finished (pending, or active and not logged)."""
        return tuple(k for k in self.keys if k.state == "pending" or not k.logged)

    def require_key_dir(self) -> Path:
        """The key folder; a ConfigError when the registry names none (rotation needs one)."""
        if self.key_dir is None:
            msg = (
                f"{self.path}: no 'key_dir' (the folder of the private key files);"
                ' add it to the registry, e.g. "key_dir": "../../secrets"'
            )
            raise ConfigError(msg)
        return self.key_dir

    def key_file(self, record: KeyRecord) -> Path:
        """Where the private file of ``record`` belongs in its current state."""
        folder = self.require_key_dir()
        if record.state == "retired":
            return folder / RETIRED_FOLDER / f"{record.key_id}.key"
        return folder / f"{record.key_id}.key"

    def with_keys(self, keys: Iterable[KeyRecord]) -> KeyRegistry:
        """A copy holding ``keys`` instead."""
        return replace(self, keys=tuple(keys))


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyStatus:
    """An active key's rotation state on a given day."""

    record: KeyRecord
    state: RotationState
    age_days: int
    due_date: date

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form of one ``entries`` row of ``keys status``."""
        r = self.record
        return {
            "bundle": r.bundle,
            "purpose": r.purpose,
            "key_id": r.key_id,
            "state": self.state,
            "age_days": self.age_days,
            "last_rotated": r.last_rotated.isoformat(),
            "due_date": self.due_date.isoformat(),
            "window_opens": r.window_opens().isoformat(),
            "interval_days": r.interval_days,
            "warning_days": r.warning_days,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistryStatus:
    """``keys status``: a summary and one entry per active key, plus unfinished rotations."""

    today: date
    entries: tuple[KeyStatus, ...]
    unfinished: tuple[str, ...]

    def count(self, state: RotationState) -> int:
        """How many active keys are in ``state``."""
        return sum(1 for e in self.entries if e.state == state)

    def next_due(self) -> date | None:
        """The earliest due date among the keys, or None when there are none."""
        return min((e.due_date for e in self.entries), default=None)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready ``summary`` and ``entries``."""
        next_due = self.next_due()
        return {
            "today": self.today.isoformat(),
            "summary": {
                "total": len(self.entries),
                "ok": self.count("ok"),
                "due": self.count("due"),
                "overdue": self.count("overdue"),
                "next_due": None if next_due is None else next_due.isoformat(),
                "unfinished_rotations": list(self.unfinished),
            },
            "entries": [e.to_dict() for e in self.entries],
        }


def registry_status(
    registry: KeyRegistry, *, today: date, bundle: str | None = None
) -> RegistryStatus:
    """The rotation state of each active key (of ``bundle`` when given) on ``today``."""
    if bundle is not None and not any(k.bundle == bundle for k in registry.keys):
        known = sorted({k.bundle for k in registry.keys}) or ["none"]
        msg = f"{registry.path}: no bundle {bundle!r} (bundles: {', '.join(known)})"
        raise ConfigError(msg)
    entries = tuple(
        KeyStatus(
            record=k,
            state=k.rotation_state(today),
            age_days=k.age_days(today),
            due_date=k.due_date(),
        )
        for k in sorted(registry.active(bundle), key=lambda k: (k.bundle, k.purpose, k.key_id))
    )
    unfinished = tuple(k.key_id for k in registry.unfinished() if bundle in (None, k.bundle))
    return RegistryStatus(today=today, entries=entries, unfinished=unfinished)


def _record_to_json(record: KeyRecord) -> dict[str, object]:
    data = asdict(record)
    for name in ("created", "last_rotated", "retired"):
        value = data[name]
        data[name] = None if value is None else value.isoformat()
    return data


def registry_bytes(registry: KeyRegistry) -> bytes:
    """The registry file's bytes (sorted keys, two-space indent, UTF-8, final newline)."""
    document: dict[str, object] = {
        "format": REGISTRY_FORMAT,
        "keys": [_record_to_json(k) for k in registry.keys],
    }
    if registry.key_dir is not None:
        document["key_dir"] = os.path.relpath(registry.key_dir, registry.path.parent)
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def save_registry(registry: KeyRegistry) -> None:
    """Replace the registry file atomically (temp file, fsync, rename)."""
    check_registry(registry)
    atomic_write_text(registry.path, registry_bytes(registry).decode())


def _field(item: dict[str, object], name: str, where: str, *, optional: bool = False) -> object:
    if name not in item or item[name] is None:
        if optional:
            return None
        msg = f"{where}: field '{name}' is missing (see docs/compliance.md for the format)"
        raise ConfigError(msg)
    return item[name]


def _date(item: dict[str, object], name: str, where: str, *, optional: bool = False) -> date | None:
    value = _field(item, name, where, optional=optional)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        msg = f"{where}, field '{name}': {str(value)[:40]!r} is not a date (use YYYY-MM-DD)"
        raise ConfigError(msg) from None


def _required_date(item: dict[str, object], name: str, where: str) -> date:
    value = _date(item, name, where)
    if value is None:  # pragma: no cover  # _date raises for a missing required field
        msg = f"{where}: field '{name}' is missing"
        raise ConfigError(msg)
    return value


def _positive_int(item: dict[str, object], name: str, where: str, default: int) -> int:
    value = item.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{where}, field '{name}': {str(value)[:40]!r} is not a whole number of days"
        raise ConfigError(msg)
    return value


def _choice(item: dict[str, object], name: str, where: str, choices: tuple[str, ...]) -> str:
    value = str(_field(item, name, where))
    if value not in choices:
        msg = f"{where}, field '{name}': {value[:40]!r} is not one of {', '.join(choices)}"
        raise ConfigError(msg)
    return value


def _parse_record(item: object, where: str) -> KeyRecord:
    if not isinstance(item, dict):
        msg = f"{where}: expected an object with bundle, purpose, key_id, ..."
        raise ConfigError(msg)
    purpose = _choice(item, "purpose", where, PURPOSES)
    default_algorithm = "ed25519" if purpose == "mtls" else "hmac"
    algorithm = str(item.get("algorithm", default_algorithm))
    if algorithm not in ("hmac", "ed25519"):
        msg = f"{where}, field 'algorithm': {algorithm[:40]!r} is not one of hmac, ed25519"
        raise ConfigError(msg)
    interval = _positive_int(item, "interval_days", where, DEFAULT_INTERVAL_DAYS)
    warning = _positive_int(item, "warning_days", where, DEFAULT_WARNING_DAYS)
    if warning > interval:
        msg = f"{where}: warning_days ({warning}) is longer than interval_days ({interval})"
        raise ConfigError(msg)
    created = _required_date(item, "created", where)
    last_rotated = _date(item, "last_rotated", where, optional=True) or created
    replaces = _field(item, "replaces", where, optional=True)
    return KeyRecord(
        bundle=str(_field(item, "bundle", where)),
        purpose=purpose,  # type: ignore[arg-type]  # checked by _choice
        key_id=str(_field(item, "key_id", where)),
        algorithm=algorithm,  # type: ignore[arg-type]  # checked above
        state=_choice(item, "state", where, KEY_STATES) if "state" in item else "active",  # type: ignore[arg-type]
        created=created,
        last_rotated=last_rotated,
        interval_days=interval,
        warning_days=warning,
        replaces=None if replaces is None else str(replaces),
        retired=_date(item, "retired", where, optional=True),
        logged=bool(item.get("logged", True)),
    )


def check_registry(registry: KeyRegistry) -> None:
    """Refuse a registry with a repeated key id or two active keys for one bundle and purpose."""
    seen: set[str] = set()
    slots: dict[tuple[str, str], str] = {}
    for record in registry.keys:
        if record.key_id in seen:
            msg = f"{registry.path}: key id {record.key_id!r} appears twice"
            raise ConfigError(msg)
        seen.add(record.key_id)
        if record.state == "active":
            slot = (record.bundle, record.purpose)
            if slot in slots:
                msg = (
                    f"{registry.path}: bundle {record.bundle!r} has two active {record.purpose}"
                    f" keys ({slots[slot]!r}, {record.key_id!r}); retire one"
                )
                raise ConfigError(msg)
            slots[slot] = record.key_id


def load_registry(path: str | Path) -> KeyRegistry:
    """Read and check the registry file; a ConfigError names the file, the entry and the field."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"{source}: no key rotation registry here (create one: see docs/compliance.md)"
        raise ConfigError(msg) from None
    except (OSError, UnicodeDecodeError) as error:
        msg = f"{source}: cannot read the key rotation registry ({error})"
        raise ConfigError(msg) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        msg = f"{source}, line {error.lineno}: not valid JSON ({error.msg})"
        raise ConfigError(msg) from None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        msg = f"{source}: expected an object with a 'keys' list"
        raise ConfigError(msg)
    key_dir = document.get("key_dir")
    records = tuple(
        _parse_record(item, f"{source}, keys[{index}]")
        for index, item in enumerate(document["keys"])
    )
    registry = KeyRegistry(
        path=source,
        key_dir=None if key_dir is None else source.parent / str(key_dir),
        keys=records,
    )
    check_registry(registry)
    return registry
