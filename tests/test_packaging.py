"""The kit installs as one package whose declared dependencies, layers and exports hold."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import stage5kit

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_PACKAGES = [
    "stage5kit",
    "stage5kit.compliance",
    "stage5kit.core",
    "stage5kit.core.io",
    "stage5kit.core.stress",
    "stage5kit.core.tco",
    "stage5kit.core.trades",
    "stage5kit.signing",
    "stage5kit.signing.dsse",
    "stage5kit.reporting",
]


def _requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!\[ ;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    """environment.yml (conda) and pyproject.toml (pip) name the same packages and bounds."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    from_pyproject = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        from_pyproject |= set(extra)
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    from_conda = {
        d for d in conda if isinstance(d, str) and _requirement_name(d) not in {"python", "pip"}
    }
    normalise = {r.lower().replace("_", "-").replace(" ", "") for r in from_pyproject}
    assert {r.lower() for r in from_conda} == normalise
    pip_section = next(d["pip"] for d in conda if isinstance(d, dict))
    assert pip_section == ["-e ."]


def _isort_key(name: str) -> tuple[int, str]:
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_all_is_sorted_and_importable(package: str) -> None:
    """Each package's __all__ is sorted and names only what the package really exports.

    Sorted as ruff's RUF022 sorts it: CONSTANTS, then Classes, then functions.
    """
    module = importlib.import_module(package)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=_isort_key)
    for name in exported:
        assert hasattr(module, name), f"{package}.{name} in __all__ but not importable"
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, type(sys)) and name != "annotations"
    }
    assert public <= set(exported) | {"__version__"}


def test_version_comes_from_package_metadata() -> None:
    """__version__ is the installed distribution's version."""
    from importlib.metadata import version

    assert stage5kit.__version__ == version("stage5kit")


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return {line.split(".")[0] for line in out.stdout.splitlines()}


def test_core_imports_no_presentation_or_jit_packages() -> None:
    """A fresh `import stage5kit.core` pulls in no plotly, papermill, nbformat, IPython, numba."""
    loaded = _modules_loaded_by("import stage5kit.core")
    assert loaded.isdisjoint(
        {"plotly", "papermill", "nbformat", "IPython", "numba", "cryptography"}
    )


def test_import_stage5kit_stays_light() -> None:
    """Plain `import stage5kit` and the CLI entry load neither pandas nor plotly nor papermill."""
    loaded = _modules_loaded_by("import stage5kit, stage5kit.cli")
    assert loaded.isdisjoint({"pandas", "numpy", "plotly", "papermill", "cryptography"})


def test_cli_version_is_eager() -> None:
    """`stage5kit --version` prints the version and exits 0."""
    out = subprocess.run(
        [sys.executable, "-m", "stage5kit", "--version"], check=True, capture_output=True, text=True
    )
    assert stage5kit.__version__ in out.stdout
