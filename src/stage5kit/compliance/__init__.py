"""Records and audits of seed 000's compliance half: decision log, key rotation, the stage5
audit, the training register and observability (SLOs, alert rules, dashboard, bundle).

May import ``stage5kit.core``, ``stage5kit.signing``, ``stage5kit.files``/``errors`` and
pyyaml; ``core`` and ``signing`` know nothing of it (import-linter checks both).
"""

from __future__ import annotations

from stage5kit.compliance.decision_log import (
    LogEntry,
    NewEntry,
    RepairResult,
    append_entries,
    append_entry,
    head_path,
    parse_payload,
    read_entries,
    repair_log,
)
from stage5kit.compliance.log_keys import KeyRing, load_keyring, load_log_key
from stage5kit.compliance.log_verify import LogVerification, verify_log
from stage5kit.compliance.smoke import SmokeResult, run_smoke, verify_smoke
from stage5kit.compliance.workspace import Workspace, find_workspace, init_workspace

__all__: list[str] = [
    "KeyRing",
    "LogEntry",
    "LogVerification",
    "NewEntry",
    "RepairResult",
    "SmokeResult",
    "Workspace",
    "append_entries",
    "append_entry",
    "find_workspace",
    "head_path",
    "init_workspace",
    "load_keyring",
    "load_log_key",
    "parse_payload",
    "read_entries",
    "repair_log",
    "run_smoke",
    "verify_log",
    "verify_smoke",
]
