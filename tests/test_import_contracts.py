"""The import contracts hold, and break when a pure core subpackage imports core.io."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import stage5kit

ROOT = Path(__file__).resolve().parents[1]
PURE_NOT_IO = "pure core subpackages never import core.io (I/O at the edges)"
STRESS_ABOVE_TCO = "core.stress may use core.tco and core.trades, never the reverse"


def _lint_imports(source_root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with the project's contracts over the stage5kit copy in source_root."""
    config = tmp_path / "contracts.toml"
    shutil.copyfile(ROOT / "pyproject.toml", config)
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    lint_imports = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint_imports), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=300,
    )


@pytest.fixture
def source_copy(tmp_path: Path) -> Path:
    """A copy of the stage5kit package that a test may edit; first on the import path."""
    root = tmp_path / "src"
    shutil.copytree(
        Path(stage5kit.__file__).parent,
        root / "stage5kit",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return root


def _append(module: Path, line: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_contracts_are_kept_by_the_copy(source_copy: Path, tmp_path: Path) -> None:
    """The unedited copy keeps every contract (the control for the tests below)."""
    result = _lint_imports(source_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{PURE_NOT_IO} KEPT" in result.stdout


def test_pure_subpackage_importing_core_io_breaks_the_contract(
    source_copy: Path, tmp_path: Path
) -> None:
    """core.tco importing core.io breaks 'pure core subpackages never import core.io'."""
    _append(
        source_copy / "stage5kit" / "core" / "tco" / "infra.py",
        "from stage5kit.core.io import load_trades  # noqa: E402, F401",
    )
    result = _lint_imports(source_copy, tmp_path)
    assert result.returncode == 1
    assert f"{PURE_NOT_IO} BROKEN" in result.stdout
    assert "stage5kit.core.tco.infra -> stage5kit.core.io" in result.stdout


def test_tco_importing_stress_breaks_the_layering(source_copy: Path, tmp_path: Path) -> None:
    """core.tco importing core.stress breaks 'core.stress ... never the reverse'."""
    _append(
        source_copy / "stage5kit" / "core" / "tco" / "budgets.py",
        "from stage5kit.core.stress.scenarios import BASELINE_SCENARIO  # noqa: E402, F401",
    )
    result = _lint_imports(source_copy, tmp_path)
    assert result.returncode == 1
    assert f"{STRESS_ABOVE_TCO} BROKEN" in result.stdout
    assert f"{PURE_NOT_IO} KEPT" in result.stdout
