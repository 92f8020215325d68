"""The workspace: `init` builds seed 000's tree, and commands find it from any folder inside."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.compliance import Workspace, find_workspace, init_workspace
from stage5kit.errors import ConfigError

SEED_PATHS = {
    "decision_log": "audit/decision_logs/runtime.jsonl",
    "tco_dir": "var/audit/tco",
    "training_dir": "var/audit/training",
    "observability_dir": "var/audit/observability",
    "security_dir": "var/security",
    "decision_engine_dir": "logs/decision_engine",
}


@pytest.mark.parametrize(("attribute", "relative"), sorted(SEED_PATHS.items()))
def test_workspace_paths_are_the_seeds(attribute: str, relative: str, tmp_path: Path) -> None:
    """Each default path of the workspace is where seed 000 puts it."""
    assert getattr(Workspace(root=tmp_path), attribute) == tmp_path / relative


def test_init_creates_the_tree_readme_and_marker_but_no_keys(tmp_path: Path) -> None:
    """init makes every folder, a README naming each of them and the marker, and no secrets."""
    workspace, created = init_workspace(tmp_path / "ws")
    for folder in workspace.folders():
        assert folder.is_dir()
    readme = (workspace.root / "README.md").read_text()
    for relative in SEED_PATHS.values():
        assert relative in readme
    assert workspace.marker.is_file()
    assert not workspace.secrets_dir.exists()
    assert workspace.marker in created


def test_init_is_idempotent_and_keeps_an_edited_readme(tmp_path: Path) -> None:
    """A second init creates nothing and leaves a README the team edited alone."""
    workspace, _ = init_workspace(tmp_path)
    (tmp_path / "README.md").write_text("ours\n")
    _, created = init_workspace(tmp_path)
    assert created == []
    assert (workspace.root / "README.md").read_text() == "ours\n"


def test_init_with_key_writes_a_private_hmac_key(tmp_path: Path) -> None:
    """--with-key writes secrets/decision_log.key 0600 in a 0700 folder, and never replaces it."""
    workspace, _ = init_workspace(tmp_path, with_key=True)
    key_file = workspace.decision_log_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(workspace.secrets_dir.stat().st_mode) == 0o700
    assert workspace.retired_keys_dir.is_dir()
    before = key_file.read_bytes()
    init_workspace(tmp_path, with_key=True)
    assert key_file.read_bytes() == before


def test_init_on_a_file_is_a_config_error(tmp_path: Path) -> None:
    """A workspace cannot be made where a file stands."""
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        init_workspace(target)


def test_find_workspace_walks_up_to_the_marker(tmp_path: Path) -> None:
    """From a folder deep inside, the nearest folder holding the marker is the workspace."""
    init_workspace(tmp_path)
    deep = tmp_path / "var" / "audit" / "tco" / "run1"
    deep.mkdir()
    assert find_workspace(deep).root == tmp_path.resolve()


def test_find_workspace_falls_back_to_the_start_folder(tmp_path: Path) -> None:
    """Without a marker above it, the start folder itself is the workspace."""
    assert find_workspace(tmp_path).root == tmp_path.resolve()


def test_find_workspace_defaults_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no start folder the search begins in the working directory."""
    init_workspace(tmp_path)
    monkeypatch.chdir(tmp_path / "logs")
    assert find_workspace().root == tmp_path.resolve()


def test_cli_init_creates_the_workspace(tmp_path: Path) -> None:
    """`stage5kit init DIR` exits 0 and leaves a workspace that find_workspace recognises."""
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert "workspace ready" in result.stderr
    assert find_workspace(tmp_path / "ws" / "logs").root == (tmp_path / "ws").resolve()
