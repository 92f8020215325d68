"""The import contracts hold, and break when a pure core subpackage imports core.io."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
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
        [str(lint_imports), str(config), "--no-cache"],
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


def test_contracts_are_kept_by_the_copy(source_copy: Path, tmp_path: Path) -> None:
    """The unedited copy keeps every contract (the control for the tests below)."""
    result = _lint_imports(source_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{PURE_NOT_IO} KEPT" in result.stdout


@dataclass(frozen=True)
class Violation:
    """One forbidden import added to a core module, and the contracts it breaks and keeps."""

    module: str
    line: str
    broken: tuple[str, ...]
    kept: tuple[str, ...]


VIOLATIONS = {
    # core.io imports core.stress, so core.tco -> core.io also reaches above core.tco.
    "tco-imports-io": Violation(
        module="tco/infra.py",
        line="from stage5kit.core.io import load_trades",
        broken=(PURE_NOT_IO, STRESS_ABOVE_TCO),
        kept=(),
    ),
    "tco-imports-stress": Violation(
        module="tco/budgets.py",
        line="from stage5kit.core.stress.scenarios import BASELINE_SCENARIO",
        broken=(STRESS_ABOVE_TCO,),
        kept=(PURE_NOT_IO,),
    ),
}


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_a_forbidden_import_breaks_its_contract(
    source_copy: Path, tmp_path: Path, name: str
) -> None:
    """core.tco importing core.io breaks the I/O contract; importing core.stress the layers."""
    violation = VIOLATIONS[name]
    path = source_copy / "stage5kit" / "core" / violation.module
    path.write_text(f"{path.read_text(encoding='utf-8')}\n{violation.line}  # noqa: E402, F401\n")
    result = _lint_imports(source_copy, tmp_path)
    assert result.returncode == 1
    assert all(f"{contract} BROKEN" in result.stdout for contract in violation.broken)
    assert all(f"{contract} KEPT" in result.stdout for contract in violation.kept)
    importer = "stage5kit.core." + violation.module.removesuffix(".py").replace("/", ".")
    assert f"- {importer} -> stage5kit.core." in result.stdout
