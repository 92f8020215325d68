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
from pathlib import Path

from stage5kit.compliance._audit_records import (
    check_decision_log,
    check_environment,
    check_incident_tickets,
    check_key_rotation,
    check_thresholds,
    check_training,
    log_verification,
)
from stage5kit.compliance._audit_signatures import check_bundle, check_smoke, check_tco_report
from stage5kit.compliance.audit_options import AuditOptions
from stage5kit.compliance.audit_result import AuditCheck, AuditReport, Profile
from stage5kit.errors import ConfigError
from stage5kit.files import atomic_write_text
from stage5kit.signing import SigningKey, sign_file

__all__ = [
    "STAGE4_WEIGHTS",
    "STAGE5_WEIGHTS",
    "AuditCheck",
    "AuditOptions",
    "AuditReport",
    "run_audit",
    "write_audit_report",
]

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


def _stage5_checks(options: AuditOptions) -> list[AuditCheck]:
    w = STAGE5_WEIGHTS
    steps: list[Callable[[AuditOptions, int], AuditCheck]] = [
        check_tco_report,
        check_decision_log,
        check_key_rotation,
        check_smoke,
        check_bundle,
        check_training,
        check_thresholds,
    ]
    return [step(options, w[name]) for step, name in zip(steps, w, strict=True)]


def _stage4_checks(options: AuditOptions) -> list[AuditCheck]:
    w = STAGE4_WEIGHTS
    log_check, log_ok = log_verification(options, "decision_log", w["decision_log"])
    return [
        check_key_rotation(options, w["key_rotation"]),
        log_check,
        check_incident_tickets(options, w["incident_tickets"], log_ok),
        check_environment(options, w["environment"]),
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
