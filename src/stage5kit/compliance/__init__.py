"""Records and audits of seed 000's compliance half: decision log, key rotation, the stage5
audit, the training register and observability (SLOs, alert rules, dashboard, bundle).

May import ``stage5kit.core``, ``stage5kit.signing``, ``stage5kit.files``/``errors`` and
pyyaml; ``core`` and ``signing`` know nothing of it (import-linter checks both).
"""

from __future__ import annotations

from stage5kit.compliance.audit import run_audit, write_audit_report
from stage5kit.compliance.audit_options import AuditOptions
from stage5kit.compliance.audit_result import AuditCheck, AuditReport
from stage5kit.compliance.decision_log import (
    LogEntry,
    NewEntry,
    RepairResult,
    append_entries,
    append_entry,
    head_path,
    head_record,
    parse_payload,
    read_entries,
    repair_log,
)
from stage5kit.compliance.key_archive import ArchivedKey, RestoredKey, archive_key, restore_key
from stage5kit.compliance.key_registry import (
    KeyRecord,
    KeyRegistry,
    KeyStatus,
    RegistryStatus,
    load_registry,
    registry_status,
    save_registry,
)
from stage5kit.compliance.key_rotation import (
    PlannedRotation,
    RotationJournal,
    decision_log_journal,
    execute_rotation,
    plan_rotation,
)
from stage5kit.compliance.log_keys import KeyRing, load_keyring, load_log_key
from stage5kit.compliance.log_verify import LogVerification, load_recorded_head, verify_log
from stage5kit.compliance.rotation_schedule import (
    Reminder,
    reminders_csv,
    reminders_ics,
    rotation_reminders,
)
from stage5kit.compliance.smoke import SmokeResult, run_smoke, verify_smoke
from stage5kit.compliance.training import (
    RegisterEntry,
    RegisterReport,
    TrainingSession,
    append_session_to_doc,
    read_register,
    record_session,
    verify_register,
)
from stage5kit.compliance.workspace import Workspace, find_workspace, init_workspace

__all__: list[str] = [
    "ArchivedKey",
    "AuditCheck",
    "AuditOptions",
    "AuditReport",
    "KeyRecord",
    "KeyRegistry",
    "KeyRing",
    "KeyStatus",
    "LogEntry",
    "LogVerification",
    "NewEntry",
    "PlannedRotation",
    "RegisterEntry",
    "RegisterReport",
    "RegistryStatus",
    "Reminder",
    "RepairResult",
    "RestoredKey",
    "RotationJournal",
    "SmokeResult",
    "TrainingSession",
    "Workspace",
    "append_entries",
    "append_entry",
    "append_session_to_doc",
    "archive_key",
    "decision_log_journal",
    "execute_rotation",
    "find_workspace",
    "head_path",
    "head_record",
    "init_workspace",
    "load_keyring",
    "load_log_key",
    "load_recorded_head",
    "load_registry",
    "parse_payload",
    "plan_rotation",
    "read_entries",
    "read_register",
    "record_session",
    "registry_status",
    "reminders_csv",
    "reminders_ics",
    "repair_log",
    "restore_key",
    "rotation_reminders",
    "run_audit",
    "run_smoke",
    "save_registry",
    "verify_log",
    "verify_register",
    "verify_smoke",
    "write_audit_report",
]
