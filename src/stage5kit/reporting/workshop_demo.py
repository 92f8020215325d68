"""The whole workshop exercise run headless by a demo participant, signed with a DEMO key.

``stage5kit workshop demo`` shows what a participant ends up with: in a fresh workspace
(``ws/``) the decision-engine smoke test with a ticket, the facilitator notebook signed as
``report run`` signs it (a passed exercise is registered), then the terminal steps as the
commands do them: the TCO report, the rotation registry, the observability bundle, the
facilitator's training record, the stage5 audit and the decision log verified. Each step
is yielded as it finishes, so the command can print where each signed artifact is.
The notebooks are built into ``notebooki/``, the demo key into ``demo-key/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from stage5kit.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from stage5kit.compliance import Workspace
    from stage5kit.reporting.exercise_registration import ExerciseRegistration
    from stage5kit.signing import SigningKey

DEMO_NOTEBOOKS_DIR = "notebooki"
DEMO_PARTICIPANT = "Uczestnik DEMO"
_TCO_INPUTS = (
    ("infra-costs", "infra_costs.csv"),
    ("thresholds", "thresholds.yaml"),
    ("budget", "budget.yaml"),
)


class CommandRunner(Protocol):
    """Runs one ``stage5kit`` command (its arguments) in a folder; its failure raises."""

    def __call__(self, arguments: tuple[str, ...], *, cwd: Path) -> None:
        """Run ``stage5kit *arguments`` in ``cwd``."""


@dataclass(frozen=True, slots=True)
class DemoStep:
    """One finished step: what it made (with its state) and where it is."""

    label: str
    where: str


def run_workshop_demo(
    source: Path, out_dir: Path, *, seed: int, run_command: CommandRunner
) -> Iterator[DemoStep | ExerciseRegistration]:
    """Run the exercise as participant ``seed`` into ``out_dir``; yield each step as it ends.

    ``run_command`` runs the terminal steps that are ``stage5kit`` commands (the TCO report,
    the training record) as a participant types them. A report folder of this seed already
    in ``out_dir`` is refused before anything is written.
    """
    from stage5kit.compliance import init_workspace, load_log_key, run_smoke
    from stage5kit.reporting.exercise_registration import register_exercise
    from stage5kit.reporting.runner import run_report
    from stage5kit.reporting.workshop_build import build_workshop
    from stage5kit.signing import check_signing_key, load_signing_key
    from stage5kit.signing.demo_key import DEMO_KEY_ID, ensure_demo_signing_key

    report_dir = out_dir / f"cwiczenie-{seed}"
    if report_dir.exists():
        msg = f"{report_dir} already exists; remove it or use another --out"
        raise ConfigError(msg)
    built = build_workshop(source, out_dir / DEMO_NOTEBOOKS_DIR)
    workspace, _ = init_workspace(out_dir / "ws", with_key=True)
    private = ensure_demo_signing_key(out_dir / "demo-key")
    key = load_signing_key(f"file:{private}", key_id=DEMO_KEY_ID)
    smoke = run_smoke(
        workspace.decision_engine_dir,
        key=key,
        ticket=f"INC-DEMO-{seed}",
        decision_log=workspace.decision_log,
        log_key=load_log_key(default_key_file=workspace.decision_log_key),
    )
    yield DemoStep("smoke test (signed)", f"{smoke.incident_path} + {smoke.signature_path.name}")
    result = run_report(
        built.facilitator,
        parameters={"participant": DEMO_PARTICIPANT, "seed": seed},
        out_dir=report_dir,
        key=check_signing_key(f"file:{private}", key_id=DEMO_KEY_ID),
        decision_log=workspace.decision_log,
    )
    yield register_exercise(
        result.results, result.folder, signed=result.signed, workspace=workspace
    )
    yield DemoStep("signed exercise report", str(result.html.resolve()))
    yield from _terminal_steps(
        workspace,
        built.data,
        key=key,
        key_file=private,
        trades=result.folder / "trades.csv",
        run_command=run_command,
    )
    yield DemoStep("demo key (NOT for production)", str(private))
    public = private.with_suffix(".pub")
    yield DemoStep("verify with", f"stage5kit verify {result.folder} --public-key {public}")


def _terminal_steps(
    workspace: Workspace,
    data: Path,
    *,
    key: SigningKey,
    key_file: Path,
    trades: Path,
    run_command: CommandRunner,
) -> Iterator[DemoStep]:
    """The exercise's terminal steps after the report: the TCO report and the rotation
    registry in the workspace, the bundle, the facilitator's training record, then the
    stage5 audit and the decision log verified.
    """
    import shutil
    from datetime import UTC, datetime

    from stage5kit.compliance import load_keyring, verify_log
    from stage5kit.compliance.audit import AuditOptions, run_audit, write_audit_report
    from stage5kit.compliance.key_registry import save_registry
    from stage5kit.compliance.observability import (
        load_observability_config,
        verify_bundle,
        write_bundle,
    )
    from stage5kit.compliance.samples import sample_key_registry
    from stage5kit.core import load_budget, load_thresholds
    from stage5kit.signing import generate_keypair, load_signing_key

    root = workspace.root.resolve()
    spec = f"file:{key_file.resolve()}"
    inputs = [f"--{name}={(data / file).resolve()}" for name, file in _TCO_INPUTS]
    run_command(
        ("tco", str(trades.resolve()), *inputs, "--root", str(root), "--key", spec), cwd=root
    )
    yield DemoStep("TCO report (signed)", str(workspace.tco_dir.resolve()))
    (workspace.root / "config").mkdir(exist_ok=True)
    shutil.copyfile(data / "thresholds.yaml", workspace.root / "config" / "thresholds.yaml")
    save_registry(sample_key_registry(workspace.security_dir / "key_rotation.json"))
    bundle = write_bundle(
        workspace.observability_dir / "stage5_bundle.zip",
        key,
        load_observability_config(None),
        budget=load_budget(data / "budget.yaml"),
        thresholds=load_thresholds(data / "thresholds.yaml"),
    )
    verified = verify_bundle(bundle, key.verification_key())
    yield DemoStep(f"observability bundle (signed, {verified.status})", str(bundle.resolve()))
    training_key = generate_keypair(
        algorithm="hmac", key_id="stage5_training", out_dir=workspace.secrets_dir
    ).private_key_path
    run_command(
        (
            "training",
            "log",
            "--facilitator",
            "Prowadzący DEMO",
            "--location",
            "demo",
            "--training-date",
            datetime.now(UTC).date().isoformat(),
            "--participant",
            DEMO_PARTICIPANT,
            "--log-hmac-key-file",
            str(training_key.resolve()),
            "--root",
            str(root),
        ),
        cwd=root,
    )
    yield DemoStep("training session (signed)", str(workspace.training_dir.resolve()))
    keyring = load_keyring(default_key_file=workspace.decision_log_key)
    audit = run_audit(
        "stage5",
        AuditOptions(
            workspace=workspace,
            now=datetime.now(UTC),
            artifact_key=key.verification_key(),
            log_keyring=keyring,
            training_key=load_signing_key(f"file:{training_key}").verification_key(),
        ),
    )
    written = write_audit_report(audit, workspace.root / "var" / "audit" / "compliance", key)
    yield DemoStep(
        "audit --profile stage5 (signed)",
        f"{written.resolve()}: {audit.status}, compliance_audit_score {audit.score}, "
        f"{len(audit.issues)} issues, {len(audit.warnings)} warnings",
    )
    log = verify_log(workspace.decision_log, keyring=keyring)
    yield DemoStep(
        f"decision log ({log.status}, {log.entries_checked} entries)",
        str(workspace.decision_log.resolve()),
    )
