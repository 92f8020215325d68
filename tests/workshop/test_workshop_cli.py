"""`stage5kit workshop answers` and `workshop build` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.reporting.answer_key import notebook_exercise

SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / "workshop_exercise.ipynb"


def test_answers_match_the_exercise_of_each_seed() -> None:
    """JSON keyed by the notebook's variables, from the exercise the notebook builds."""
    args = ["workshop", "answers", "--seeds", "2,4", "--rows", "2000", "--days", "60"]
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    key = json.loads(result.output)
    assert sorted(key) == ["2", "4"]
    exercise = notebook_exercise(SOURCE, seed=4, parameters={"rows": 2000, "days": 60})
    assert key["4"]["dzien_zmiany"] == exercise.expected(1)
    assert key["4"]["strategia"] == exercise.expected(3)
    assert key["4"]["status_budzetu"] == exercise.expected(4)
    assert key["4"]["klucz"] == exercise.rotation_key()
    assert key["4"]["komunikat"] == exercise.message_facts()


def test_answers_print_a_polish_table() -> None:
    args = ["workshop", "answers", "--seeds", "3", "--rows", "2000", "--days", "60"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Klucz odpowiedzi \N{EN DASH} ćwiczenie Stage5\n")
    assert "4 stan budżetu" in result.output


@pytest.mark.parametrize("seeds", ["5-1", "a-3", "1-2-3"])
def test_bad_seed_range_is_a_usage_error(seeds: str) -> None:
    result = CliRunner().invoke(main, ["workshop", "answers", "--seeds", seeds])
    assert result.exit_code == 2
    assert "--seeds" in result.output


def test_build_names_a_missing_source(tmp_path: Path) -> None:
    args = ["workshop", "build", "--out", str(tmp_path / "o"), "--source", str(tmp_path / "x")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "cannot read the exercise notebook" in result.output
    assert not (tmp_path / "o").exists()


def test_lab_builds_the_workshop_and_hands_over_to_jupyterlab(tmp_path: Path) -> None:
    """`workshop lab` builds a missing workshop, writes Lab's overrides, passes LAB_ARGS on."""
    import subprocess
    import sys

    import jupyterlab

    from stage5kit.reporting.workshop_lab import LAB_OVERRIDES, LAB_SETTINGS_DIR

    command = [sys.executable, "-m", "stage5kit", "workshop", "lab", "--dir", "ws", "--"]
    run = subprocess.run(
        [*command, "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == jupyterlab.__version__
    assert (tmp_path / "ws" / "cwiczenie_uczestnik.ipynb").is_file()
    overrides = (tmp_path / "ws" / LAB_SETTINGS_DIR / "overrides.json").read_text()
    assert json.loads(overrides) == LAB_OVERRIDES
    notifications = LAB_OVERRIDES["@jupyterlab/apputils-extension:notification"]
    assert notifications == {"checkForUpdates": False, "fetchNews": "false"}


def test_lab_without_jupyterlab_says_how_to_install_it(tmp_path: Path) -> None:
    """A Python without JupyterLab (its import blocked): exit 2 and the extra to install."""
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['jupyterlab'] = None; sys.argv[0] = 'stage5kit'; "
        "from stage5kit.cli import main; main()"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, "workshop", "lab", "--dir", str(tmp_path / "ws")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr
    assert "JupyterLab is not installed" in run.stderr
    assert "stage5kit[lab]" in run.stderr
    assert "Traceback" not in run.stderr
