"""The built wheel carries the notebooks and sample inputs and runs the demo outside the repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What the build needs; copied so building never writes build/ or *.egg-info into the checkout.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "CHANGELOG.md")
BUILD_FOLDERS = ("src", "notebooks", "sample_artifacts/inputs")


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if sys.platform == "win32" else "bin") / name


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        shutil.copy2(ROOT / name, source / name)
    for folder in BUILD_FOLDERS:
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), "."],
        cwd=source,
        check=True,
        timeout=600,
    )
    (wheel,) = dist.glob("stage5kit-*.whl")
    return wheel


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_runs_the_demo_anywhere(tmp_path: Path) -> None:
    """Build the wheel, install it (report extra) into a new venv, run `stage5kit demo` in /tmp."""
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for notebook in ("tco_analysis", "stress_test", "workshop_exercise"):
        assert f"stage5kit/_data/notebooks/{notebook}.ipynb" in names
    assert "stage5kit/_data/notebooks/expected_outputs/tco_analysis.json" in names
    for sample in ("trades.csv", "infra_costs.csv", "thresholds.yaml", "budget.yaml"):
        assert f"stage5kit/_data/sample_artifacts/inputs/{sample}" in names
    assert not [n for n in names if n.endswith("conftest.py")]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [
            str(_bin(venv, "python")),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            f"{wheel}[report]",
        ],
        check=True,
        timeout=1200,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    stage5kit = str(_bin(venv, "stage5kit"))
    demo = subprocess.run(
        [stage5kit, "demo", "--out", "demo-out"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "signature: ok" in demo.stdout
    assert (elsewhere / "demo-out" / "tco-report" / "report.html").is_file()
    listed = subprocess.run(
        [stage5kit, "notebooks", "list"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in listed.stdout
    assert "tco_analysis" in listed.stdout
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert wheel.name.startswith(f"stage5kit-{version}-")
