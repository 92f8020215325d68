"""The one folder tree the seed's tools share, found from any folder inside it.

``stage5kit init DIR`` writes a marker file (``.stage5kit-workspace``), the folders of
seed 000 and a README of what goes where. Every compliance command resolves its default
paths through :func:`find_workspace`: the nearest folder above the working directory that
holds the marker, else the working directory itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from stage5kit.errors import ConfigError
from stage5kit.files import atomic_write_text

MARKER_NAME = ".stage5kit-workspace"
WORKSPACE_FORMAT = 1
SECRETS_DIR_MODE = 0o700

WORKSPACE_README = """\
# stage5kit workspace

Made by `stage5kit init`. Every `stage5kit` compliance command run anywhere inside this
folder finds it (through the marker file `.stage5kit-workspace`) and writes its records here;
`--root DIR` picks another workspace.

- `audit/decision_logs/runtime.jsonl` — the decision log: append-only, HMAC-signed,
  hash-chained; `runtime.jsonl.head` beside it is its signed head checkpoint
  (`stage5kit decision-log append`, `stage5kit smoke --ticket`, key rotation, training).
- `var/audit/tco/` — TCO reports: `tco_report.csv`, `tco_summary.json`, signatures
  (`stage5kit tco`).
- `var/audit/training/` — the training register and workshop artifacts in `<date>/`.
- `var/audit/observability/` — the observability bundle (dashboard, alert rules).
- `var/security/` — the key rotation registry (never private keys).
- `logs/decision_engine/` — decision-engine smoke results: `sample_incident.json`,
  `smoke.sig` (`stage5kit smoke`).
- `secrets/` — only when asked (`stage5kit init --with-key`): the decision-log key
  `decision_log.key` (0600) and `retired/`, old keys kept only to verify old entries.

Keys never belong in `var/` or `logs/`. Give the decision-log key with `--key SPEC`,
`STAGE5KIT_DECISION_LOG_KEY` or `LIVE_DECISION_LOG_HMAC` (a key spec such as
`file:secrets/decision_log.key`), or keep it at `secrets/decision_log.key`.
"""


@dataclass(frozen=True, slots=True)
class Workspace:
    """The folder tree of seed 000 under ``root``; every default path of the kit lives here."""

    root: Path

    @property
    def marker(self) -> Path:
        """The file that marks ``root`` as a workspace."""
        return self.root / MARKER_NAME

    @property
    def decision_log(self) -> Path:
        """The decision log (seed 000/001: ``audit/decision_logs/runtime.jsonl``)."""
        return self.root / "audit" / "decision_logs" / "runtime.jsonl"

    @property
    def tco_dir(self) -> Path:
        """Where TCO reports go (``var/audit/tco``)."""
        return self.root / "var" / "audit" / "tco"

    @property
    def training_dir(self) -> Path:
        """Where the training register and workshop artifacts go (``var/audit/training``)."""
        return self.root / "var" / "audit" / "training"

    @property
    def observability_dir(self) -> Path:
        """Where the observability bundle goes (``var/audit/observability``)."""
        return self.root / "var" / "audit" / "observability"

    @property
    def security_dir(self) -> Path:
        """Where the key rotation registry goes (``var/security``; never private keys)."""
        return self.root / "var" / "security"

    @property
    def decision_engine_dir(self) -> Path:
        """Where the decision-engine smoke test writes (``logs/decision_engine``)."""
        return self.root / "logs" / "decision_engine"

    @property
    def secrets_dir(self) -> Path:
        """Where keys live when asked for (``secrets``, mode 0700)."""
        return self.root / "secrets"

    @property
    def decision_log_key(self) -> Path:
        """The decision-log key file ``init --with-key`` writes (``secrets/decision_log.key``)."""
        return self.secrets_dir / "decision_log.key"

    @property
    def retired_keys_dir(self) -> Path:
        """Retired decision-log keys, kept only to verify old entries (``secrets/retired``)."""
        return self.secrets_dir / "retired"

    def folders(self) -> tuple[Path, ...]:
        """The folders ``init`` creates (the secrets folder only when a key is asked for)."""
        return (
            self.decision_log.parent,
            self.tco_dir,
            self.training_dir,
            self.observability_dir,
            self.security_dir,
            self.decision_engine_dir,
        )


def find_workspace(start: Path | None = None) -> Workspace:
    """The nearest folder at or above ``start`` (default: cwd) with the marker, else ``start``."""
    origin = (Path.cwd() if start is None else Path(start)).resolve()
    for folder in (origin, *origin.parents):
        if (folder / MARKER_NAME).is_file():
            return Workspace(root=folder)
    return Workspace(root=origin)


def init_workspace(root: Path, *, with_key: bool = False) -> tuple[Workspace, list[Path]]:
    """Create the workspace tree at ``root``; returns it and the paths created.

    Idempotent: existing folders, the README and the marker are kept. With ``with_key`` a
    new HMAC decision-log key is written to ``secrets/decision_log.key`` (0600); an existing
    key is never replaced.
    """
    workspace = Workspace(root=Path(root).resolve())
    if workspace.root.exists() and not workspace.root.is_dir():
        msg = f"{workspace.root}: exists and is not a folder; choose another workspace folder"
        raise ConfigError(msg)
    created: list[Path] = []
    for folder in workspace.folders():
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            created.append(folder)
    readme = workspace.root / "README.md"
    if not readme.exists():
        atomic_write_text(readme, WORKSPACE_README)
        created.append(readme)
    if not workspace.marker.exists():
        marker = {"stage5kit_workspace": WORKSPACE_FORMAT}
        atomic_write_text(workspace.marker, json.dumps(marker, ensure_ascii=False) + "\n")
        created.append(workspace.marker)
    if with_key and not workspace.decision_log_key.exists():
        from stage5kit.signing import generate_keypair

        workspace.retired_keys_dir.mkdir(mode=SECRETS_DIR_MODE, parents=True, exist_ok=True)
        workspace.secrets_dir.chmod(SECRETS_DIR_MODE)
        generated = generate_keypair(
            algorithm="hmac", key_id="decision_log", out_dir=workspace.secrets_dir
        )
        created.append(generated.private_key_path)
    return workspace, created
