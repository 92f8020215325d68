"""The compliance audit (``stage5kit audit --profile stage5|stage4``) and its score.

Each check has an id, a weight and a status: ``ok``, ``warn`` (the process is behind:
a key due or overdue, an old report, categories missing), ``fail`` (evidence missing or
not trustworthy: a signature that does not verify, a log that was edited) or
``not_checked`` (not configured here, or only the bot can check it; it has no weight).
``compliance_audit_score`` = 100 * sum(weight * value) / sum(weight) over the checks that ran,
with ok = 1, warn = ½, fail = 0, rounded to a whole number. ``status`` is ``fail`` if any
check failed, else ``warn`` if any warned, else ``ok``; ``issues`` lists the failures and
``warnings`` the warnings. Weights are in :data:`STAGE5_WEIGHTS` and :data:`STAGE4_WEIGHTS`
and documented in ``docs/compliance.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from stage5kit.compliance.key_registry import load_registry, registry_status
from stage5kit.compliance.log_keys import KeyRing
from stage5kit.compliance.training import REGISTER_NAME, read_register, verify_register
from stage5kit.compliance.workspace import Workspace
from stage5kit.errors import ConfigError, InputError
from stage5kit.files import atomic_write_text, read_config_file
from stage5kit.signing import (
    SigningKey,
    VerificationKey,
    VerificationReport,
    sign_file,
    verify_file,
    verify_manifest,
)

CheckStatus = Literal["ok", "warn", "fail", "not_checked"]
Profile = Literal["stage5", "stage4"]

STAGE5_WEIGHTS: Mapping[str, int] = {
    "tco_report": 20,
    "decision_log": 20,
    "key_rotation": 15,
    "smoke_test": 15,
    "observability_bundle": 10,
    "training": 10,
    "thresholds": 10,
}
STAGE4_WEIGHTS: Mapping[str, int] = {
    "key_rotation": 30,
    "decision_log": 30,
    "incident_tickets": 20,
    "environment": 20,
    "rbac": 0,
    "mtls_live": 0,
}
STAGE5_CATEGORIES = ("stage5_incident", "stage5_training")
STAGE4_VARIABLES = ("METRICS_SERVICE_AUTH_TOKEN", "CORE_SCHEDULER_TOKEN", "LIVE_DECISION_LOG_HMAC")
MAX_REPORT_AGE_DAYS = 31
TCO_REPORT_FILES = ("tco_report.csv", "tco_summary.json")
BUNDLE_NAME = "stage5_bundle.zip"
_VALUES = {"ok": 1.0, "warn": 0.5, "fail": 0.0}


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditCheck:
    """One audit check's outcome; ``path`` and ``line`` point at the evidence it judged."""

    id: str
    status: CheckStatus
    message: str
    weight: int
    path: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "status": self.status,
            "message": self.message,
            "weight": self.weight,
            "path": self.path,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditReport:
    """All checks of one profile, with the overall status, issues, warnings and score."""

    profile: Profile
    generated_at: datetime
    root: Path
    checks: tuple[AuditCheck, ...]

    @property
    def status(self) -> Literal["ok", "warn", "fail"]:
        """fail if any check failed, else warn if any warned, else ok."""
        states = {c.status for c in self.checks}
        if "fail" in states:
            return "fail"
        return "warn" if "warn" in states else "ok"

    @property
    def issues(self) -> tuple[str, ...]:
        """Messages of the failed checks, each prefixed with its id."""
        return tuple(f"{c.id}: {c.message}" for c in self.checks if c.status == "fail")

    @property
    def warnings(self) -> tuple[str, ...]:
        """Messages of the checks that warned."""
        return tuple(f"{c.id}: {c.message}" for c in self.checks if c.status == "warn")

    @property
    def score(self) -> int:
        """compliance_audit_score: weighted share of ok (warn counts half), 0-100."""
        ran = [c for c in self.checks if c.status != "not_checked" and c.weight > 0]
        total = sum(c.weight for c in ran)
        if total == 0:
            return 0
        earned = sum(c.weight * _VALUES[c.status] for c in ran)
        return round(100 * earned / total)

    def to_dict(self) -> dict[str, object]:
        """The JSON report written under var/audit/compliance/ and signed."""
        return {
            "profile": self.profile,
            "generated_at": self.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "root": str(self.root),
            "status": self.status,
            "compliance_audit_score": self.score,
            "issues": list(self.issues),
            "warnings": list(self.warnings),
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditOptions:
    """What an audit looks at: the workspace, the keys to verify with and the paths to check.

    ``artifact_key`` verifies the TCO report, the smoke-test signature and the bundle;
    ``log_keyring`` the decision log; ``training_key`` the training register (None: its
    MACs are not checked and the check warns). ``environ`` is read for presence only.
    """

    workspace: Workspace
    now: datetime
    artifact_key: VerificationKey | None
    log_keyring: KeyRing | None
    training_key: VerificationKey | None = None
    registry: Path | None = None
    thresholds: Path | None = None
    bundle: str | None = None
    environ: Mapping[str, str] = field(default_factory=dict)

    @property
    def registry_path(self) -> Path:
        """The rotation registry to check (default: var/security/key_rotation.json)."""
        return self.registry or self.workspace.security_dir / "key_rotation.json"

    @property
    def thresholds_path(self) -> Path:
        """The thresholds file to check (default: config/thresholds.yaml in the workspace)."""
        return self.thresholds or self.workspace.root / "config" / "thresholds.yaml"


def _shown(path: Path, options: AuditOptions) -> str:
    """A path as the report shows it: relative to the workspace when inside it."""
    root = options.workspace.root
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _signature_problem(report: VerificationReport, folder: Path, options: AuditOptions) -> str:
    named = [*report.modified, *report.missing, *report.unexpected]
    if named:
        files = ", ".join(_shown(folder / n, options) for n in named)
        return f"{files}: {report.message}"
    return report.message


def _check_tco_report(options: AuditOptions, weight: int) -> AuditCheck:
    tco_dir = options.workspace.tco_dir
    summaries = sorted(
        tco_dir.rglob("tco_summary.json") if tco_dir.is_dir() else [],
        key=lambda p: p.stat().st_mtime,
    )
    if not summaries:
        return AuditCheck(
            id="tco_report",
            status="fail",
            weight=weight,
            path=_shown(tco_dir, options),
            message=f"no TCO report under {_shown(tco_dir, options)}"
            " (run `stage5kit tco TRADES --root ROOT --key SPEC`)",
        )
    folder = summaries[-1].parent
    if options.artifact_key is None:
        return AuditCheck(
            id="tco_report",
            status="fail",
            weight=weight,
            message="no key to verify the TCO report's signature (give --key)",
        )
    if (folder / "manifest.json").is_file():
        reports = [(folder, verify_manifest(folder, options.artifact_key))]
    else:
        reports = [
            (folder / name, verify_file(folder / name, options.artifact_key))
            for name in TCO_REPORT_FILES
            if (folder / name).exists() or name == "tco_summary.json"
        ]
    for target, report in reports:
        if not report.ok:
            where = _shown(target, options)
            detail = (
                _signature_problem(report, folder, options)
                if target.is_dir()
                else f"{where}: {report.message}"
            )
            return AuditCheck(
                id="tco_report",
                status="fail",
                weight=weight,
                path=where,
                message=f"signature check failed: {detail}",
            )
    age = options.now - datetime.fromtimestamp(summaries[-1].stat().st_mtime, UTC)
    shown = _shown(folder, options)
    if age > timedelta(days=MAX_REPORT_AGE_DAYS):
        return AuditCheck(
            id="tco_report",
            status="warn",
            weight=weight,
            path=shown,
            message=f"{shown}: newest TCO report is {age.days} days old"
            f" (over {MAX_REPORT_AGE_DAYS}); run a new one",
        )
    return AuditCheck(
        id="tco_report",
        status="ok",
        weight=weight,
        path=shown,
        message=f"{shown}: signed and {age.days} days old",
    )


def _log_verification(options: AuditOptions, check_id: str, weight: int) -> tuple[AuditCheck, bool]:
    """The decision-log check and whether the log verified (later checks read it then)."""
    from stage5kit.compliance.log_verify import verify_log

    log = options.workspace.decision_log
    shown = _shown(log, options)
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


def _check_decision_log(options: AuditOptions, weight: int) -> AuditCheck:
    from stage5kit.compliance.decision_log import read_entries

    check, verified = _log_verification(options, "decision_log", weight)
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


def _check_key_rotation(options: AuditOptions, weight: int) -> AuditCheck:
    path = options.registry_path
    shown = _shown(path, options)
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


def _check_smoke(options: AuditOptions, weight: int) -> AuditCheck:
    from stage5kit.compliance.smoke import INCIDENT_NAME, SIGNATURE_NAME, verify_smoke

    folder = options.workspace.decision_engine_dir
    incident = folder / INCIDENT_NAME
    signature = folder / SIGNATURE_NAME
    shown = _shown(incident, options)
    if not incident.is_file() or not signature.is_file():
        return AuditCheck(
            id="smoke_test",
            status="fail",
            weight=weight,
            path=shown,
            message=f"{shown} or its {SIGNATURE_NAME} is missing"
            " (run `stage5kit smoke --root ROOT --key SPEC`)",
        )
    if options.artifact_key is None:
        return AuditCheck(
            id="smoke_test",
            status="fail",
            weight=weight,
            path=shown,
            message="no key to verify smoke.sig (give --key)",
        )
    report = verify_smoke(folder, options.artifact_key)
    if not report.ok:
        return AuditCheck(
            id="smoke_test",
            status="fail",
            weight=weight,
            path=shown,
            message=f"{shown}: {report.message} ({SIGNATURE_NAME})",
        )
    return AuditCheck(
        id="smoke_test",
        status="ok",
        weight=weight,
        path=shown,
        message=f"{shown}: {SIGNATURE_NAME} verifies",
    )


def _bundle_signature(bundle: Path, key: VerificationKey) -> tuple[CheckStatus, str]:
    """Verify the bundle zip in place with the bundle verifier (signature and every file)."""
    from stage5kit.compliance.observability.bundle_zip import verify_bundle
    from stage5kit.errors import ArchiveError

    try:
        report = verify_bundle(bundle, key)
    except ArchiveError as error:
        return "fail", str(error)
    changed = [*report.modified, *report.missing, *report.unexpected]
    detail = f" ({', '.join(changed)})" if changed else ""
    return ("ok" if report.ok else "fail"), f"{report.message}{detail}"


def _check_bundle(options: AuditOptions, weight: int) -> AuditCheck:
    bundle = options.workspace.observability_dir / BUNDLE_NAME
    shown = _shown(bundle, options)
    if not bundle.exists():
        return AuditCheck(
            id="observability_bundle",
            status="not_checked",
            weight=weight,
            path=shown,
            message=f"not configured: no {shown} yet (`stage5kit bundle export`)",
        )
    if options.artifact_key is None:
        return AuditCheck(
            id="observability_bundle",
            status="fail",
            weight=weight,
            path=shown,
            message="no key to verify the bundle's signature (give --key)",
        )
    status, message = _bundle_signature(bundle, options.artifact_key)
    return AuditCheck(
        id="observability_bundle",
        status=status,
        weight=weight,
        path=shown,
        message=f"{shown}: {message}",
    )


def _check_training(options: AuditOptions, weight: int) -> AuditCheck:
    register = options.workspace.training_dir / REGISTER_NAME
    shown = _shown(register, options)
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


def _check_thresholds(options: AuditOptions, weight: int) -> AuditCheck:
    path = options.thresholds_path
    shown = _shown(path, options)
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


def _check_incident_tickets(options: AuditOptions, weight: int, log_ok: bool) -> AuditCheck:
    from stage5kit.compliance.decision_log import read_entries

    log = options.workspace.decision_log
    shown = _shown(log, options)
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


def _check_environment(options: AuditOptions, weight: int) -> AuditCheck:
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


def _stage5_checks(options: AuditOptions) -> list[AuditCheck]:
    w = STAGE5_WEIGHTS
    steps: list[Callable[[AuditOptions, int], AuditCheck]] = [
        _check_tco_report,
        _check_decision_log,
        _check_key_rotation,
        _check_smoke,
        _check_bundle,
        _check_training,
        _check_thresholds,
    ]
    return [step(options, w[name]) for step, name in zip(steps, w, strict=True)]


def _stage4_checks(options: AuditOptions) -> list[AuditCheck]:
    w = STAGE4_WEIGHTS
    log_check, log_ok = _log_verification(options, "decision_log", w["decision_log"])
    return [
        _check_key_rotation(options, w["key_rotation"]),
        log_check,
        _check_incident_tickets(options, w["incident_tickets"], log_ok),
        _check_environment(options, w["environment"]),
        AuditCheck(
            id="rbac",
            status="not_checked",
            weight=0,
            message="not checked: RBAC scopes live in the bot's scheduler"
            " (audit_security_baseline.py checks them there)",
        ),
        AuditCheck(
            id="mtls_live",
            status="not_checked",
            weight=0,
            message="not checked: live mTLS handshakes need the bot's endpoints;"
            " the bundle's rotation dates are checked under key_rotation",
        ),
    ]


def run_audit(profile: Profile, options: AuditOptions) -> AuditReport:
    """Run every check of ``profile``; nothing is written (see :func:`write_audit_report`)."""
    if profile == "stage5":
        checks = _stage5_checks(options)
    elif profile == "stage4":
        checks = _stage4_checks(options)
    else:
        msg = f"unknown audit profile {profile!r} (use stage5 or stage4)"
        raise ConfigError(msg)
    return AuditReport(
        profile=profile,
        generated_at=options.now,
        root=options.workspace.root,
        checks=tuple(checks),
    )


def write_audit_report(report: AuditReport, out_dir: Path, key: SigningKey) -> Path:
    """Write ``<profile>_audit_<UTC stamp>.json`` into ``out_dir`` and sign it (``.sig``)."""
    stamp = report.generated_at.strftime("%Y%m%dT%H%M%SZ")
    path = out_dir / f"{report.profile}_audit_{stamp}.json"
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    atomic_write_text(path, text)
    sign_file(path, key)
    return path
