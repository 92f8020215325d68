"""Audit checks of the kit's signed outputs: the TCO report, the smoke test and the bundle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from stage5kit.compliance.audit_options import AuditOptions, shown_path
from stage5kit.compliance.audit_result import AuditCheck, CheckStatus
from stage5kit.signing import VerificationKey, VerificationReport, verify_file, verify_manifest

MAX_REPORT_AGE_DAYS = 31
TCO_REPORT_FILES = ("tco_report.csv", "tco_summary.json")
BUNDLE_NAME = "stage5_bundle.zip"


def _signature_problem(report: VerificationReport, folder: Path, options: AuditOptions) -> str:
    named = [*report.modified, *report.missing, *report.unexpected]
    if named:
        files = ", ".join(shown_path(folder / n, options) for n in named)
        return f"{files}: {report.message}"
    return report.message


def check_tco_report(options: AuditOptions, weight: int) -> AuditCheck:
    """tco_report: the newest TCO report verifies and is at most ``MAX_REPORT_AGE_DAYS`` old."""
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
            path=shown_path(tco_dir, options),
            message=f"no TCO report under {shown_path(tco_dir, options)}"
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
            where = shown_path(target, options)
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
    shown = shown_path(folder, options)
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


def check_smoke(options: AuditOptions, weight: int) -> AuditCheck:
    """smoke_test: the smoke test's incident log is there and its signature verifies."""
    from stage5kit.compliance.smoke import INCIDENT_NAME, SIGNATURE_NAME, verify_smoke

    folder = options.workspace.decision_engine_dir
    incident = folder / INCIDENT_NAME
    signature = folder / SIGNATURE_NAME
    shown = shown_path(incident, options)
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


def check_bundle(options: AuditOptions, weight: int) -> AuditCheck:
    """observability_bundle: the exported bundle, when there is one, verifies."""
    bundle = options.workspace.observability_dir / BUNDLE_NAME
    shown = shown_path(bundle, options)
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
