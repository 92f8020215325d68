"""papermill's own test notebooks run through `report run` as plain papermill runs them.

Each notebook is executed by plain papermill (its folder as working folder, as papermill's
``--cwd`` would be) and by the kit; every one papermill executes must also give a signed
report. The notebooks live in tests/data/papermill (BSD licence, see its README).
"""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest
from click.testing import CliRunner
from jupyter_client.kernelspec import NoSuchKernel
from papermill.cli import _resolve_type
from papermill.exceptions import PapermillExecutionError

from stage5kit.cli import main
from stage5kit.errors import DependencyError, NotebookError, ParameterError
from stage5kit.reporting import run_report
from stage5kit.signing import SigningKey, verify_manifest

pytestmark = [pytest.mark.slow]

PAPERMILL = Path(__file__).parents[1] / "data" / "papermill"
R_NOTEBOOK = PAPERMILL / "notimplemented_translator.ipynb"
PYTHON_NOTEBOOKS = sorted(p for p in PAPERMILL.glob("*.ipynb") if p != R_NOTEBOOK)
# What plain papermill executes without error (checked again by every run below).
PAPERMILL_RUNS = {
    "nb_version_4.4",
    "no_parameters",
    "read_check",
    "report_mode_test",
    "result_no_exec",
    "simple_execute",
    "sysexit0",
    "systemexit",
    "test_autosave",
    "test_notebooknode_io",
}


def _papermill(notebook: Path, output: Path, parameters: dict[str, object]) -> bool:
    """Run plain papermill as its CLI would; True when it executed the notebook."""
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            cwd=str(notebook.parent),
            progress_bar=False,
        )
    except (PapermillExecutionError, NoSuchKernel, ValueError):
        return False
    return True


def _stdout(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "".join(
        "".join(output.get("text", ""))
        for cell in cells
        for output in cell.get("outputs", [])
        if output.get("name") == "stdout"
    )


@pytest.mark.parametrize("notebook", PYTHON_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_papermill_executes_gives_a_signed_report(
    notebook: Path, tmp_path: Path, signing_key: SigningKey
) -> None:
    """Plain papermill first; whatever it executes, `report run` turns into a signed report."""
    executed = _papermill(notebook, tmp_path / "papermill.ipynb", {})
    assert executed == (notebook.stem in PAPERMILL_RUNS)
    if not executed:
        return
    result = run_report(notebook, parameters={}, out_dir=tmp_path / "report", key=signing_key)
    assert result.signed
    assert verify_manifest(result.folder, signing_key.verification_key()).ok
    assert result.html.is_file()
    assert _stdout(result.folder / "report.ipynb") == _stdout(tmp_path / "papermill.ipynb")


@pytest.mark.parametrize("text", ["2024-01-01", "[1, 2]"])
def test_untyped_parameter_values_print_as_under_papermill(
    text: str, tmp_path: Path, signing_key: SigningKey
) -> None:
    """`-p msg 2024-01-01` and `-p msg '[1, 2]'` reach the notebook as papermill passes them."""
    notebook = PAPERMILL / "simple_execute.ipynb"
    assert _papermill(notebook, tmp_path / "pm.ipynb", {"msg": _resolve_type(text)})
    outcome = CliRunner().invoke(
        main,
        ["report", "run", str(notebook), "-p", "msg", text, "--out", str(tmp_path / "r")],
        env={"STAGE5KIT_SIGNING_KEY": "hex:" + "5e" * 16 + "c2" * 16},
    )
    assert outcome.exit_code == 0, outcome.output
    assert _stdout(tmp_path / "r" / "report.ipynb") == _stdout(tmp_path / "pm.ipynb") == text + "\n"
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["metadata"]["parameters"] == {"msg": text}


def test_typed_parameter_is_injected(tmp_path: Path) -> None:
    """nb_version_4.4 declares `var = 1`; `-p var 5` prints 5."""
    outcome = CliRunner().invoke(
        main,
        [
            "report",
            "run",
            str(PAPERMILL / "nb_version_4.4.ipynb"),
            "-p",
            "var",
            "5",
            "--out",
            str(tmp_path / "r"),
        ],
        env={"STAGE5KIT_SIGNING_KEY": None},
    )
    assert outcome.exit_code == 0, outcome.output
    assert _stdout(tmp_path / "r" / "report.ipynb") == "5\n"


def test_notebook_without_parameters_cell_warns_and_refuses_values(tmp_path: Path) -> None:
    """No parameters cell: a warning and a report; `-p` is refused with the reason (exit 2)."""
    notebook = PAPERMILL / "no_parameters.ipynb"
    refused = CliRunner().invoke(
        main, ["report", "run", str(notebook), "-p", "msg", "x", "--out", str(tmp_path / "p")]
    )
    assert refused.exit_code == 2
    assert "ParameterError: no_parameters.ipynb has no cell tagged 'parameters'" in refused.stderr
    assert not (tmp_path / "p").exists()
    with pytest.raises(ParameterError, match="takes no parameters"):
        run_report(notebook, parameters={"msg": "x"}, out_dir=tmp_path / "q")


def test_r_notebook_without_an_r_kernel_is_refused(tmp_path: Path) -> None:
    """The R notebook is never run on Python: exit 2 naming the kernel and IRkernel."""
    outcome = CliRunner().invoke(
        main,
        ["report", "run", str(R_NOTEBOOK), "-p", "msg", "Hello", "--out", str(tmp_path / "r")],
    )
    assert outcome.exit_code == 2
    assert "DependencyError:" in outcome.stderr
    assert "needs the Jupyter kernel 'r' (R), which is not installed here" in outcome.stderr
    assert "IRkernel" in outcome.stderr
    assert not (tmp_path / "r").exists()
    with pytest.raises(DependencyError, match="does not run a notebook on another kernel"):
        run_report(R_NOTEBOOK, parameters={}, out_dir=tmp_path / "s")


def test_line_magic_error_names_the_cells_last_output(tmp_path: Path) -> None:
    """papermill's error text is empty here; the message carries the cell's own output."""
    with pytest.raises(NotebookError) as caught:
        run_report(PAPERMILL / "line_magic_error.ipynb", parameters={}, out_dir=tmp_path / "r")
    message = str(caught.value)
    assert message.endswith("UsageError: Line magic function `%undefined-line-magic` not found.")
    assert (tmp_path / "r" / "report.ipynb").is_file()


def test_cwd_option_moves_the_kernel_like_papermills(tmp_path: Path) -> None:
    """read_check needs check.txt in its working folder: --cwd elsewhere makes it fail."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outcome = CliRunner().invoke(
        main,
        [
            "report",
            "run",
            str(PAPERMILL / "read_check.ipynb"),
            "--cwd",
            str(elsewhere),
            "--out",
            str(tmp_path / "r"),
        ],
    )
    assert outcome.exit_code == 1
    assert "AssertionError" in outcome.stderr
    assert f"NB_CWD {elsewhere.resolve()}" in _stdout(tmp_path / "r" / "report.ipynb")
