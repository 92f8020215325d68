"""What an audit looks at: the workspace, the keys to verify with and the paths to check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from stage5kit.compliance.log_keys import KeyRing
from stage5kit.compliance.workspace import Workspace
from stage5kit.signing import VerificationKey


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


def shown_path(path: Path, options: AuditOptions) -> str:
    """A path as the report shows it: relative to the workspace when inside it."""
    root = options.workspace.root
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
