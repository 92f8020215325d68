"""Audit checks of the workspace's records: decision log, keys, training, limits, environment."""

from __future__ import annotations

from pathlib import Path

from stage5kit.compliance.audit_options import AuditOptions, shown_path
from stage5kit.compliance.audit_result import AuditCheck
from stage5kit.compliance.key_registry import load_registry, registry_status
from stage5kit.compliance.training import REGISTER_NAME, read_register, verify_register
from stage5kit.errors import ConfigError, InputError
from stage5kit.files import read_config_file

STAGE5_CATEGORIES = ("stage5_incident", "stage5_training")
STAGE4_VARIABLES = ("METRICS_SERVICE_AUTH_TOKEN", "CORE_SCHEDULER_TOKEN", "LIVE_DECISION_LOG_HMAC")


def log_verification(options: AuditOptions, check_id: str, weight: int) -> tuple[AuditCheck, bool]:
    """The decision-log check and whether the log verified (later checks read it then)."""
    from stage5kit.compliance.log_verify import verify_log

    log = options.workspace.decision_log
    shown = shown_path(log, options)
    if options.log_keyring is None:
        return AuditCheck(
            id=check_id,
            status="fail",
            weight=weight,
            path=shown,
            message="no decision-log key to verify with (give --decision-log-key or"
            " set LIVE_DECISION_LOG_HMAC)",
        ), False
    result = verify_log(log, keyring=options.log_keyring)
    if result.status == "empty":
        return AuditCheck(
            id=check_id,
            status="fail",
            weight=weight,
            path=shown,
            message=f"{shown}: no entries ({result.detail})",
        ), False
    if not result.ok:
        where = "its head" if result.line is None else f"line {result.line}"
        return AuditCheck(
            id=check_id,
            status="fail",
            weight=weight,
            path=shown,
            line=result.line,
            message=f"{shown}, {where}: {result.detail}",
        ), False
    return AuditCheck(
        id=check_id,
        status="ok",
        weight=weight,
        path=shown,
        message=f"{shown}: {result.entries_checked} entries verify",
    ), True


def check_decision_log(options: AuditOptions, weight: int) -> AuditCheck:
    """decision_log: the log verifies and holds the stage5 categories."""
    from stage5kit.compliance.decision_log import read_entries

    check, verified = log_verification(options, "decision_log", weight)
    if not verified:
        return check
    categories = {e.category for e in read_entries(options.workspace.decision_log)}
    missing = [c for c in STAGE5_CATEGORIES if c not in categories]
    if missing:
        return AuditCheck(
            id="decision_log",
            status="warn",
            weight=weight,
            path=check.path,
            message=f"{check.message}, but none of category {', '.join(missing)}",
        )
    return AuditCheck(
        id="decision_log",
        status="ok",
        weight=weight,
        path=check.path,
        message=f"{check.message}; holds {', '.join(STAGE5_CATEGORIES)}",
    )


def check_key_rotation(options: AuditOptions, weight: int) -> AuditCheck:
    """key_rotation: every registered key is within its interval, no rotation left unfinished."""
    path = options.registry_path
    shown = shown_path(path, options)
    try:
        status = registry_status(
            load_registry(path), today=options.now.date(), bundle=options.bundle
        )
    except ConfigError as error:
        return AuditCheck(
            id="key_rotation", status="fail", weight=weight, path=shown, message=str(error)
        )
    if not status.entries:
        return AuditCheck(
            id="key_rotation",
            status="fail",
            weight=weight,
            path=shown,
            message=f"{shown}: no active key registered",
        )
    behind = [e for e in status.entries if e.state != "ok"]
    if behind or status.unfinished:
        parts = [
            f"{e.record.key_id} ({e.record.bundle} {e.record.purpose}) {e.state},"
            f" {e.age_days} days since rotation, due {e.due_date.isoformat()}"
            for e in behind
        ]
        parts += [f"unfinished rotation to {k}" for k in status.unfinished]
        return AuditCheck(
            id="key_rotation",
            status="warn",
            weight=weight,
            path=shown,
            message="; ".join(parts) + " (run `stage5kit keys rotate`)",
        )
    return AuditCheck(
        id="key_rotation",
        status="ok",
        weight=weight,
        path=shown,
        message=f"{len(status.entries)} keys within their rotation interval",
    )


def check_training(options: AuditOptions, weight: int) -> AuditCheck:
    """training: the register records a workshop session and its MACs verify."""
    register = options.workspace.training_dir / REGISTER_NAME
    shown = shown_path(register, options)
    sessions = [e for e in read_register(register) if e.entry.get("kind") == "session"]
    if not register.exists() or not sessions:
        return AuditCheck(
            id="training",
            status="fail",
            weight=weight,
            path=shown,
            message=f"no workshop session in {shown} (run `stage5kit training log`)",
        )
    if options.training_key is None:
        return AuditCheck(
            id="training",
            status="warn",
            weight=weight,
            path=shown,
            message=f"{shown}: sessions recorded: {len(sessions)}; MACs not checked"
            " (give --training-key-file)",
        )
    report = verify_register(register, options.training_key)
    if not report.ok:
        return AuditCheck(
            id="training",
            status="fail",
            weight=weight,
            path=shown,
            line=report.line,
            message=f"{shown}, {report.message}",
        )
    last = sessions[-1].entry
    return AuditCheck(
        id="training",
        status="ok",
        weight=weight,
        path=shown,
        message=f"{shown}: sessions recorded: {len(sessions)}, all verify;"
        f" last on {last.get('training_date')}",
    )


def _limits_kind(path: Path) -> str:
    """Which limits file ``path`` is: risk-engine limits or TCO KPI thresholds (else raises)."""
    from stage5kit.core import load_thresholds
    from stage5kit.core.decisions import parse_risk_limits

    try:
        parse_risk_limits(read_config_file(path, what="limits file"), source=str(path))
    except (ConfigError, InputError) as risk_error:
        try:
            load_thresholds(path)
        except (ConfigError, InputError):
            raise risk_error from None
        return "TCO KPI thresholds"
    return "risk-engine limits"


def check_thresholds(options: AuditOptions, weight: int) -> AuditCheck:
    """thresholds: the limits file is there and valid (risk-engine limits or KPI thresholds)."""
    path = options.thresholds_path
    shown = shown_path(path, options)
    if not path.is_file():
        return AuditCheck(
            id="thresholds",
            status="fail",
            weight=weight,
            path=shown,
            message=f"no thresholds file at {shown} (give --thresholds PATH)",
        )
    try:
        kind = _limits_kind(path)
    except (ConfigError, InputError) as error:
        return AuditCheck(
            id="thresholds", status="fail", weight=weight, path=shown, message=f"{error}"
        )
    return AuditCheck(
        id="thresholds",
        status="ok",
        weight=weight,
        path=shown,
        message=f"{shown}: present and valid ({kind})",
    )


def check_incident_tickets(options: AuditOptions, weight: int, log_ok: bool) -> AuditCheck:
    """incident_tickets: every incident entry of a verified decision log names a ticket."""
    from stage5kit.compliance.decision_log import read_entries

    log = options.workspace.decision_log
    shown = shown_path(log, options)
    if not log_ok:
        return AuditCheck(
            id="incident_tickets",
            status="fail",
            weight=weight,
            path=shown,
            message="the decision log does not verify, so its tickets cannot be trusted",
        )
    incidents = [e for e in read_entries(log) if "incident" in e.category]
    if not incidents:
        return AuditCheck(
            id="incident_tickets",
            status="warn",
            weight=weight,
            path=shown,
            message=f"{shown}: no incident entries to check",
        )
    without = [e for e in incidents if not e.ticket]
    if without:
        seqs = ", ".join(str(e.seq) for e in without[:10])
        return AuditCheck(
            id="incident_tickets",
            status="fail",
            weight=weight,
            path=shown,
            line=without[0].seq,
            message=f"{shown}: incident entries without a ticket number (seq {seqs})",
        )
    return AuditCheck(
        id="incident_tickets",
        status="ok",
        weight=weight,
        path=shown,
        message=f"{len(incidents)} incident entries, each with a ticket number",
    )


def check_environment(options: AuditOptions, weight: int) -> AuditCheck:
    """environment: the stage4 secrets' variables are set (presence only, values not read)."""
    missing = [name for name in STAGE4_VARIABLES if not options.environ.get(name)]
    if missing:
        return AuditCheck(
            id="environment",
            status="fail",
            weight=weight,
            message=f"not set: {', '.join(missing)} (presence only is checked)",
        )
    return AuditCheck(
        id="environment",
        status="ok",
        weight=weight,
        message=f"set: {', '.join(STAGE4_VARIABLES)} (presence only; values not read)",
    )
