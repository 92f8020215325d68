"""Which kernel runs a notebook, over which transport, in which working folder."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

import nbformat
import pytest

from stage5kit.errors import DependencyError
from stage5kit.reporting import run_report
from stage5kit.reporting.execute import (
    MAX_IPC_PATH,
    PYTHON_KERNEL,
    NotebookKernel,
    execute_notebook,
    kernel_program,
    kernel_transport,
    notebook_kernel,
)
from stage5kit.reporting.record import read_results

PAPERMILL = Path(__file__).parents[1] / "data" / "papermill"


def _with_metadata(folder: Path, metadata: dict[str, object]) -> Path:
    notebook = folder / "nb.ipynb"
    cell = {"cell_type": "code", "metadata": {}, "source": "print('hi')", "outputs": []}
    notebook.write_text(json.dumps({"cells": [cell], "metadata": metadata}))
    return notebook


def test_the_notebooks_own_installed_kernel_is_used() -> None:
    """python3 is installed here; papermill's `python` name means python3 (jupyter_client)."""
    assert notebook_kernel(PAPERMILL / "simple_execute.ipynb") == PYTHON_KERNEL
    assert notebook_kernel(PAPERMILL / "test_autosave.ipynb") == PYTHON_KERNEL


def test_a_notebook_naming_no_kernel_runs_on_python() -> None:
    """No kernelspec and no other language named: Python (the kit's own default)."""
    assert notebook_kernel(PAPERMILL / "blank-vscode.ipynb") == PYTHON_KERNEL


def test_a_kernel_that_is_not_installed_is_refused_with_the_install_hint() -> None:
    """The R notebook names kernel 'r': refused, naming it, what is installed and IRkernel."""
    with pytest.raises(DependencyError) as caught:
        notebook_kernel(PAPERMILL / "notimplemented_translator.ipynb")
    message = str(caught.value)
    assert "needs the Jupyter kernel 'r' (R)" in message
    assert "installed: python3" in message
    assert "IRkernel::installspec()" in message


def test_a_kernel_of_another_language_is_never_used(tmp_path: Path) -> None:
    """A Julia notebook whose kernelspec says python3 is refused, not run on Python."""
    notebook = _with_metadata(
        tmp_path, {"kernelspec": {"name": "python3", "language": "julia", "display_name": "J"}}
    )
    with pytest.raises(DependencyError, match="written in julia but the installed kernel"):
        notebook_kernel(notebook)


def test_a_notebook_in_another_language_naming_no_kernel_is_refused(tmp_path: Path) -> None:
    """language_info says R and no kernelspec: refused rather than guessed."""
    notebook = _with_metadata(tmp_path, {"language_info": {"name": "R"}})
    with pytest.raises(DependencyError, match="names no kernel and is written in R"):
        notebook_kernel(notebook)


def test_transport_is_ipc_for_python_with_a_short_socket_path(tmp_path: Path) -> None:
    """The usual case on Linux: IPC sockets in the session's folder."""
    folder = Path(tempfile.mkdtemp(prefix="s5k-", dir="/tmp"))
    try:
        assert kernel_transport(PYTHON_KERNEL, folder) == {
            "transport": "ipc",
            "ip": str(folder / "k"),
        }
    finally:
        folder.rmdir()


def test_transport_falls_back_to_tcp_with_the_reason_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A socket path too long for Unix sockets, or a non-Python kernel: TCP on loopback."""
    deep = tmp_path / ("d" * MAX_IPC_PATH)
    with caplog.at_level(logging.INFO, logger="stage5kit.reporting.execute"):
        assert kernel_transport(PYTHON_KERNEL, deep) == {"transport": "tcp", "ip": "127.0.0.1"}
        r_kernel = NotebookKernel(name="ir", language="r")
        assert kernel_transport(r_kernel, tmp_path)["transport"] == "tcp"
    assert "too long for a Unix socket" in caplog.text
    assert "the r kernel 'ir' is only known to speak TCP" in caplog.text


@pytest.mark.slow
def test_a_real_kernel_runs_over_tcp_when_ipc_cannot_be_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """With the temp folder so deep that no socket path fits, the notebook still runs (TCP)."""
    deep = tmp_path / ("d" * (MAX_IPC_PATH - len(str(tmp_path))))
    deep.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    output = tmp_path / "out.ipynb"
    with caplog.at_level(logging.INFO, logger="stage5kit.reporting.execute"):
        execute_notebook(
            PAPERMILL / "test_notebooknode_io.ipynb", output, parameters={}, cwd=tmp_path
        )
    assert "kernel transport: TCP on 127.0.0.1" in caplog.text
    outputs = json.loads(output.read_text())["cells"][0]["outputs"]
    assert outputs[0]["text"] == ["Hello World\n"]


@pytest.mark.slow
def test_kit_notebook_with_cwd_writes_relative_files_there_and_records_into_the_report(
    probe_notebook: Path, tmp_path: Path
) -> None:
    """--cwd moves relative writes (echo.txt); record and save_table still fill the report."""
    work = tmp_path / "work"
    work.mkdir()
    result = run_report(
        probe_notebook,
        parameters={"echo": "hello"},
        out_dir=tmp_path / "report",
        cwd=work,
    )
    assert (work / "echo.txt").read_text() == "hello"
    assert not (result.folder / "echo.txt").exists()
    assert (result.folder / "data.csv").is_file()
    assert read_results(result.folder)["label"] == "probe"


@pytest.mark.slow
def test_a_kernel_of_another_language_runs_fresh_in_the_notebook_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kernelspec whose language is not Python: its own kernel, fresh, over TCP.

    The kernel here is ipykernel registered under the language name "fakelang", so the
    non-Python path (no reset code, working folder and report folder set at start) runs
    on a real kernel.
    """
    import sys

    spec_dir = tmp_path / "jupyter" / "kernels" / "fakelang"
    spec_dir.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "Fake", "language": "fakelang"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    folder = tmp_path / "third-party"
    folder.mkdir()
    notebook = folder / "fake.ipynb"
    source = "import os\nprint(os.getcwd())\nprint(os.environ['STAGE5KIT_REPORT_DIR'])"
    kernelspec = {"name": "fakelang", "language": "fakelang", "display_name": "Fake"}
    written = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source)], metadata={"kernelspec": kernelspec}
    )
    nbformat.write(written, notebook)
    assert notebook_kernel(notebook) == NotebookKernel(name="fakelang", language="fakelang")
    result = run_report(notebook, parameters={}, out_dir=tmp_path / "report")
    executed = json.loads((result.folder / "report.ipynb").read_text())
    printed = "".join(executed["cells"][0]["outputs"][0]["text"]).splitlines()
    assert printed[0] == str(folder.resolve())
    assert Path(printed[1]).name.startswith(".report.")  # the folder being built
    manifest_kernel = executed["metadata"]["kernelspec"]["name"]
    assert manifest_kernel == "fakelang"


def test_transport_is_tcp_on_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """On Windows a Python kernel talks TCP on loopback, and the log says why."""
    import sys

    monkeypatch.setattr(sys, "platform", "win32")
    with caplog.at_level(logging.INFO, logger="stage5kit.reporting.execute"):
        assert kernel_transport(PYTHON_KERNEL, tmp_path)["transport"] == "tcp"
    assert "Windows" in caplog.text


def test_a_kernel_program_is_found_on_path_or_refused_by_name(tmp_path: Path) -> None:
    """The launch wrapper execs without PATH: the program is resolved first, or refused."""
    program = tmp_path / "bin" / "R"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    r_kernel = NotebookKernel(name="ir", language="r")
    assert kernel_program(r_kernel, "R", str(program.parent)) == str(program)
    with pytest.raises(DependencyError, match=r"'ir' starts 'R', which is not found on PATH"):
        kernel_program(r_kernel, "R", str(tmp_path / "empty"))
