"""Key rotation in a fixed, crash-safe order, so a rerun after a crash finishes it.

For each key it rotates, :func:`execute_rotation` takes these steps, each one durable
before the next starts:

1. the registry gains the new key as ``pending`` (so any key file written later is known);
2. the new key file is written (0600, atomically; a pending key was never used, so a
   partial one is simply made again);
3. one registry write marks the new key ``active`` and the old one ``retired``;
4. the old key file moves to the key folder's ``retired/`` (kept verify-only);
5. a ``key_rotation`` entry goes to the decision log (unless one for this key is already there);
6. the registry marks the new key ``logged``: the rotation is complete.

A crash leaves the old key active (before step 3) or the new one (from step 3 on), and a
rerun of the same command resumes the unfinished rotation instead of starting another.
The dry run (:func:`plan_rotation`) reads the registry and writes nothing, not even a lock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from stage5kit.compliance.key_registry import (
    RETIRED_FOLDER,
    KeyRecord,
    KeyRegistry,
    load_registry,
    save_registry,
)
from stage5kit.errors import ConfigError
from stage5kit.files import file_lock
from stage5kit.signing import SigningKey, generate_keypair

KEY_ROTATION_CATEGORY = "key_rotation"


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedRotation:
    """One rotation to do (or to finish, when ``resume``): ``old_key_id`` → ``new_key_id``."""

    bundle: str
    purpose: str
    algorithm: str
    old_key_id: str
    new_key_id: str
    resume: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for ``keys rotate --format json``."""
        return {
            "bundle": self.bundle,
            "purpose": self.purpose,
            "algorithm": self.algorithm,
            "old_key_id": self.old_key_id,
            "new_key_id": self.new_key_id,
            "resume": self.resume,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RotationJournal:
    """Where finished rotations are recorded (the decision log): a lookup and an append.

    ``recorded(new_key_id)`` tells whether an entry for that rotation is already there,
    so a rerun after a crash between the append and the registry's last write adds none.
    """

    recorded: Callable[[str], bool]
    record: Callable[[dict[str, object]], None]


def current_actor() -> str:
    """Who runs the command, for the decision log's ``actor`` (the login name)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def decision_log_journal(
    path: Path, *, key: SigningKey, actor: str | None = None
) -> RotationJournal:
    """A journal that appends ``key_rotation`` entries to the decision log at ``path``."""
    from stage5kit.compliance.decision_log import append_entry, read_entries

    who = actor or current_actor()

    def recorded(new_key_id: str) -> bool:
        entries = read_entries(path, category=KEY_ROTATION_CATEGORY)
        return any(e.payload.get("new_key_id") == new_key_id for e in entries)

    def record(payload: dict[str, object]) -> None:
        append_entry(path, category=KEY_ROTATION_CATEGORY, payload=payload, key=key, actor=who)

    return RotationJournal(recorded=recorded, record=record)


def lock_path_of(registry_path: Path) -> Path:
    """The lock file that serialises rotations of one registry."""
    return registry_path.with_name(f"{registry_path.name}.lock")


def _new_key_id(registry: KeyRegistry, record: KeyRecord, today: date) -> str:
    base = f"{record.bundle}-{record.purpose}-{today:%Y%m%d}"
    candidate, number = base, 1
    while registry.find(candidate) is not None:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def plan_rotation(
    registry: KeyRegistry, *, bundle: str, key_id: str | None = None, today: date
) -> tuple[PlannedRotation, ...]:
    """What ``keys rotate`` would do: unfinished rotations of the bundle first, else new ones.

    Without ``key_id`` the bundle's active keys that are due or overdue are rotated (so
    a second run on the same day rotates nothing); with it, that key whatever its state.
    """
    in_bundle = [k for k in registry.keys if k.bundle == bundle]
    if not in_bundle:
        known = sorted({k.bundle for k in registry.keys}) or ["none"]
        msg = f"{registry.path}: no bundle {bundle!r} (bundles: {', '.join(known)})"
        raise ConfigError(msg)
    unfinished = [k for k in registry.unfinished() if k.bundle == bundle]
    plans = [
        PlannedRotation(
            bundle=k.bundle,
            purpose=k.purpose,
            algorithm=k.algorithm,
            old_key_id=k.replaces or "",
            new_key_id=k.key_id,
            resume=True,
        )
        for k in unfinished
        if key_id in (None, k.key_id, k.replaces)
    ]
    busy = {(p.bundle, p.purpose) for p in plans}
    targets = [
        k
        for k in registry.active(bundle)
        if (k.key_id == key_id or (key_id is None and k.rotation_state(today) != "ok"))
        and (k.bundle, k.purpose) not in busy
    ]
    if key_id is not None and not plans and not targets:
        msg = f"{registry.path}: bundle {bundle!r} has no active key {key_id!r}"
        raise ConfigError(msg)
    taken = registry
    for record in targets:
        new_id = _new_key_id(taken, record, today)
        plans.append(
            PlannedRotation(
                bundle=record.bundle,
                purpose=record.purpose,
                algorithm=record.algorithm,
                old_key_id=record.key_id,
                new_key_id=new_id,
                resume=False,
            )
        )
        placeholder = replace(record, key_id=new_id, state="pending")
        taken = taken.with_keys((*taken.keys, placeholder))
    return tuple(plans)


def _swap(registry: KeyRegistry, changed: dict[str, KeyRecord]) -> KeyRegistry:
    return registry.with_keys(changed.get(k.key_id, k) for k in registry.keys)


def _key_files(registry: KeyRegistry, record: KeyRecord) -> tuple[Path, ...]:
    private = registry.key_file(record)
    if record.algorithm == "ed25519":
        return private, private.with_suffix(".pub")
    return (private,)


def _remove_partial_key(folder: Path, key_id: str) -> None:
    """Remove what an interrupted write of a pending key left (its files and temp files)."""
    for name in (f"{key_id}.key", f"{key_id}.pub"):
        (folder / name).unlink(missing_ok=True)
        for temp in folder.glob(f".{name}.*.tmp"):
            temp.unlink(missing_ok=True)


def _write_new_key(registry: KeyRegistry, record: KeyRecord) -> None:
    """Step 2: write the pending key's files unless a complete set is already there."""
    files = _key_files(registry, record)
    folder = registry.require_key_dir()
    if all(f.is_file() for f in files):
        return
    _remove_partial_key(folder, record.key_id)
    generate_keypair(algorithm=record.algorithm, key_id=record.key_id, out_dir=folder)


def _retire_old_key_files(registry: KeyRegistry, old: KeyRecord) -> None:
    """Step 4: move the retired key's files into ``retired/`` (a no-op once moved)."""
    folder = registry.require_key_dir()
    retired = folder / RETIRED_FOLDER
    for name in (f"{old.key_id}.key", f"{old.key_id}.pub"):
        source = folder / name
        if source.exists():
            retired.mkdir(mode=0o700, exist_ok=True)
            source.replace(retired / name)
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def rotation_payload(new: KeyRecord, old_key_id: str, registry: KeyRegistry) -> dict[str, object]:
    """What the ``key_rotation`` decision-log entry records (ids and dates, never key bytes)."""
    return {
        "bundle": new.bundle,
        "purpose": new.purpose,
        "algorithm": new.algorithm,
        "old_key_id": old_key_id,
        "new_key_id": new.key_id,
        "rotated_on": new.last_rotated.isoformat(),
        "next_due": new.due_date().isoformat(),
        "interval_days": new.interval_days,
        "registry": registry.path.name,
    }


def _finish(
    registry: KeyRegistry, plan: PlannedRotation, journal: RotationJournal, today: date
) -> KeyRegistry:
    old = registry.find(plan.old_key_id)
    new = registry.find(plan.new_key_id)
    if new is None:
        if old is None:  # pragma: no cover  # plan_rotation only plans known keys
            msg = f"{registry.path}: key {plan.old_key_id!r} vanished during the rotation"
            raise ConfigError(msg)
        new = replace(
            old,
            key_id=plan.new_key_id,
            state="pending",
            created=today,
            last_rotated=today,
            replaces=old.key_id,
            retired=None,
            logged=False,
        )
        registry = registry.with_keys((*registry.keys, new))
        save_registry(registry)
    if new.state == "pending":
        _write_new_key(registry, new)
    for temp in registry.require_key_dir().glob(f".{new.key_id}.*.tmp"):
        temp.unlink(missing_ok=True)
    if new.state == "pending":
        changed = {new.key_id: replace(new, state="active")}
        if old is not None and old.state == "active":
            changed[old.key_id] = replace(old, state="retired", retired=today)
        registry = _swap(registry, changed)
        save_registry(registry)
        new = changed[new.key_id]
    if old is not None:
        _retire_old_key_files(registry, old)
    if not journal.recorded(new.key_id):
        journal.record(rotation_payload(new, plan.old_key_id, registry))
    registry = _swap(registry, {new.key_id: replace(new, logged=True)})
    save_registry(registry)
    return registry


def execute_rotation(
    registry_path: str | Path,
    *,
    bundle: str,
    key_id: str | None = None,
    today: date,
    journal: RotationJournal,
) -> tuple[PlannedRotation, ...]:
    """Rotate (or finish rotating) the bundle's keys under the registry's lock; return the plan.

    Another rotation of the same registry in progress raises LockHeldError (exit 3).
    """
    path = Path(registry_path)
    with file_lock(lock_path_of(path), wait=False):
        registry = load_registry(path)
        plans = plan_rotation(registry, bundle=bundle, key_id=key_id, today=today)
        if plans:
            registry.require_key_dir()
        for plan in plans:
            registry = _finish(registry, plan, journal, today)
    return plans
