"""`stage5kit audit --profile stage5|stage4`: the compliance audit, its score and signed report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from stage5kit.cli._options import format_option, key_option, root_option, workspace_of
from stage5kit.cli.keys import registry_option, safe


@click.command("audit")
@click.option(
    "--profile",
    type=click.Choice(["stage5", "stage4"]),
    default="stage5",
    show_default=True,
    help="stage5: the seed 000 checks; stage4: what seed 001's audit can check from files.",
)
@root_option()
@key_option(
    "Key that signs the audit report and verifies the signed TCO report, smoke.sig and bundle"
    " (hex:, base64:, file:, env:). Default: $STAGE5KIT_SIGNING_KEY."
)
@click.option(
    "--decision-log-key",
    metavar="SPEC",
    help="Decision-log HMAC key (default: $STAGE5KIT_DECISION_LOG_KEY, $LIVE_DECISION_LOG_HMAC"
    " or ROOT/secrets/decision_log.key; retired keys from ROOT/secrets/retired).",
)
@click.option(
    "--training-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HMAC key of the training register; without it its MACs are not checked (warn).",
)
@registry_option()
@click.option(
    "--thresholds",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Thresholds file to check (default: ROOT/config/thresholds.yaml).",
)
@click.option(
    "--mtls-bundle-name",
    "bundle",
    help="Only this bundle's keys in the rotation check (seed 001: core-oem).",
)
@format_option(help_text="text: one line per check and a summary; json: the full report.")
@click.pass_context
def audit(
    ctx: click.Context,
    *,
    profile: str,
    root: Path | None,
    key_spec: str | None,
    decision_log_key: str | None,
    training_key_file: Path | None,
    registry: Path | None,
    thresholds: Path | None,
    bundle: str | None,
    output_format: str,
) -> None:
    """Run the compliance checks; write a signed JSON report under ROOT/var/audit/compliance/.

    Exit 0 when every check is ok, 1 on any warn or fail.
    """
    import os

    from stage5kit.compliance import load_keyring
    from stage5kit.compliance.audit import AuditOptions, run_audit, write_audit_report
    from stage5kit.errors import KeyMaterialError
    from stage5kit.signing import load_signing_key, load_verification_key

    workspace = workspace_of(root)
    signing_key = load_signing_key(key_spec)
    try:
        keyring = load_keyring(
            decision_log_key,
            retired_dir=workspace.retired_keys_dir,
            default_key_file=workspace.decision_log_key,
        )
    except KeyMaterialError as error:
        if decision_log_key is not None:
            raise
        click.echo(f"note: decision log not verifiable: {error}", err=True)
        keyring = None
    training_key = (
        None if training_key_file is None else load_verification_key(f"file:{training_key_file}")
    )
    options = AuditOptions(
        workspace=workspace,
        now=datetime.now(UTC),
        artifact_key=signing_key.verification_key(),
        log_keyring=keyring,
        training_key=training_key,
        registry=registry,
        thresholds=thresholds,
        bundle=bundle,
        environ=dict(os.environ),
    )
    report = run_audit(profile, options)  # type: ignore[arg-type]  # click.Choice
    written = write_audit_report(
        report, workspace.root / "var" / "audit" / "compliance", signing_key
    )
    if output_format == "json":
        click.echo(
            json.dumps(
                {**report.to_dict(), "report_path": str(written)}, indent=2, ensure_ascii=False
            )
        )
    else:
        for check in report.checks:
            click.echo(f"{check.status:<11} {check.id:<20} {safe(check.message)}")
        click.echo(
            f"status: {report.status}; compliance_audit_score: {report.score};"
            f" {len(report.issues)} issues, {len(report.warnings)} warnings"
        )
        click.echo(f"report: {written} (signed: {written.name}.sig)")
    if report.status != "ok":
        ctx.exit(1)
