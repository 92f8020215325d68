"""End to end: a real kernel runs the probe notebook into a signed, offline, verifiable report."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.errors import SecretLeakError
from stage5kit.reporting import run_report
from stage5kit.reporting.execute import KernelSession, kernel_environment
from stage5kit.reporting.pdf import find_chromium, headless_command, render_pdf
from stage5kit.signing import SigningKey, verify_manifest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report-run")]


@pytest.fixture(scope="module")
def signed_report(
    tmp_path_factory: pytest.TempPathFactory, probe_notebook: Path, signing_key: SigningKey
) -> Path:
    """The probe report, run once with key variables set in the runner's environment."""
    folder = tmp_path_factory.mktemp("run") / "report"
    inputs = tmp_path_factory.mktemp("inputs")
    marker = inputs / "marker.txt"
    marker.write_text("")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STAGE5KIT_SIGNING_KEY", "hex:" + "11" * 32)
        patch.setenv("BOT_CORE_SECURITY_AUDIT_KEY", "hex:" + "22" * 32)
        run_report(
            probe_notebook,
            parameters={"scale": "3", "label": "e2e", "marker_path": str(marker)},
            out_dir=folder,
            key=signing_key,
        )
    return folder


def test_report_verifies_and_holds_every_file(signed_report: Path, signing_key: SigningKey) -> None:
    """The signed folder verifies and lists the notebook, HTML, results and data file."""
    verdict = verify_manifest(signed_report, signing_key.verification_key())
    assert verdict.ok, verdict
    manifest = json.loads((signed_report / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["files"]}
    assert listed == {"report.ipynb", "report.html", "results.json", "data.csv"}


def test_results_hold_the_recorded_kpis(signed_report: Path) -> None:
    """results.json carries what the notebook recorded, computed from the given parameters."""
    results = json.loads((signed_report / "results.json").read_text())
    assert results["schema"] == "stage5kit.results/1"
    assert results["values"]["scale_squared"] == 9
    assert results["values"]["label"] == "e2e"


def test_kernel_never_sees_key_variables(signed_report: Path) -> None:
    """The kernel's environment had neither signing-key variable although the runner had both."""
    results = json.loads((signed_report / "results.json").read_text())
    assert results["values"]["key_env_visible"] is False


def test_manifest_records_parameters_inputs_and_versions(signed_report: Path) -> None:
    """The manifest metadata holds the parameters, input file hashes and package versions."""
    metadata = json.loads((signed_report / "manifest.json").read_text())["metadata"]
    assert metadata["parameters"]["scale"] == 3
    assert set(metadata["inputs"]) == {"marker_path"}
    assert re.fullmatch(r"[0-9a-f]{64}", metadata["inputs"]["marker_path"]["sha256"])
    assert {"python", "stage5kit", "papermill", "plotly"} <= set(metadata["versions"])


def test_one_changed_byte_in_the_html_is_named(
    signed_report: Path, signing_key: SigningKey, tmp_path: Path
) -> None:
    """Flipping one byte of report.html makes verification name exactly that file."""
    copy = tmp_path / "copy"
    shutil.copytree(signed_report, copy)
    html = copy / "report.html"
    data = bytearray(html.read_bytes())
    data[len(data) // 2] ^= 0x01
    html.write_bytes(bytes(data))
    verdict = verify_manifest(copy, signing_key.verification_key())
    assert verdict.status == "invalid"
    assert verdict.modified == ("report.html",)


def test_executed_notebook_is_numbered_like_a_fresh_kernel(signed_report: Path) -> None:
    """Execution counts run 1, 2, 3 ... although the runner reset the kernel first."""
    notebook = nbformat.read(signed_report / "report.ipynb", as_version=4)
    counts = [c.execution_count for c in notebook.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


def _dump_with_netlog(html: Path, netlog: Path) -> str:
    with tempfile.TemporaryDirectory() as profile:
        command = [
            *headless_command(find_chromium(), profile_dir=Path(profile)),
            f"--log-net-log={netlog}",
            "--dump-dom",
            html.resolve().as_uri(),
        ]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _page_requests(netlog: Path) -> list[str]:
    """URLs the page (not the browser itself) asked for, from Chromium's NetLog."""
    log = json.loads(netlog.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job
        and "url" in event.get("params", {})
        and event["params"].get("initiator") != "not an origin"
    ]


@pytest.mark.browser
def test_chromium_draws_the_charts_and_the_page_requests_nothing(
    signed_report: Path, tmp_path: Path
) -> None:
    """In headless Chromium each plotly div is drawn with its data and no request leaves."""
    dom = _dump_with_netlog(signed_report / "report.html", tmp_path / "net.json")
    assert dom.count('class="plotly-graph-div stage5kit-figure js-plotly-plot"') == 1
    assert dom.count('class="trace bars"') == 1
    assert dom.count('class="point"') == 2
    assert _page_requests(tmp_path / "net.json") == []


@pytest.mark.browser
def test_network_check_sees_a_page_that_does_fetch(tmp_path: Path) -> None:
    """Control: the same NetLog check catches a page that loads a script from a CDN."""
    page = tmp_path / "fetching.html"
    page.write_text(
        '<html><head><script src="https://cdn.example.com/x.js"></script></head></html>'
    )
    _dump_with_netlog(page, tmp_path / "net.json")
    assert "https://cdn.example.com/x.js" in _page_requests(tmp_path / "net.json")


def _drawn_bytes(pdf: bytes) -> int:
    """Total size of the PDF's decompressed streams (page drawings and fonts)."""
    total = 0
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            total += len(zlib.decompress(match.group(1)))
    return total


@pytest.mark.browser
def test_pdf_is_printed_by_chromium_after_the_charts_render(
    signed_report: Path, tmp_path: Path
) -> None:
    """render_pdf writes a real PDF with pages, and the chart is drawn in it."""
    pdf = render_pdf(signed_report / "report.html", tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-1024:]
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
    page = (signed_report / "report.html").read_text()
    blank = tmp_path / "no-charts.html"
    blank.write_text(page.replace("Plotly.newPlot(", "void("))
    without_charts = render_pdf(blank, tmp_path / "no-charts.pdf").read_bytes()
    assert _drawn_bytes(pdf) > _drawn_bytes(without_charts) + 5000


def test_failing_cell_exits_1_keeps_the_notebook_and_signs_nothing(
    probe_notebook: Path, tmp_path: Path
) -> None:
    """A raising cell: exit 1, a message naming notebook, cell and error, no manifest."""
    out = tmp_path / "failed"
    outcome = CliRunner().invoke(
        main,
        ["report", "run", str(probe_notebook), "-p", "fail", "true", "--out", str(out)],
        env={"STAGE5KIT_SIGNING_KEY": f"hex:{'33' * 32}"},
    )
    assert outcome.exit_code == 1, outcome.output
    assert "NotebookError: probe.ipynb: cell 9" in outcome.stderr
    assert "ValueError: planned failure for the test" in outcome.stderr
    notebook = nbformat.read(out / "report.ipynb", as_version=4)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [e.evalue for e in errors] == ["planned failure for the test"]
    assert not (out / "manifest.json").exists()


def test_planted_key_is_caught_and_nothing_is_signed(
    probe_notebook: Path, signing_key: SigningKey, tmp_path: Path
) -> None:
    """A notebook that prints the key is refused before signing; no report is left behind."""
    planted = signing_key.secret_forms()[1].decode()
    out = tmp_path / "leaky"
    with pytest.raises(SecretLeakError) as caught:
        run_report(probe_notebook, parameters={"echo": planted}, out_dir=out, key=signing_key)
    assert {"echo.txt", "report.html", "report.ipynb"} <= set(caught.value.paths)
    assert not out.exists()


def _refuse_kernel(self: KernelSession) -> None:
    raise AssertionError("a kernel was started")


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (("scale", "three"), "parameter 'scale' from the command line expects int, got 'three'"),
        (("scael", "3"), "unknown parameter 'scael'"),
    ],
)
def test_bad_parameters_exit_2_before_any_kernel_starts(
    probe_notebook: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pair: tuple[str, str],
    expected: str,
) -> None:
    """An unknown name or a wrongly typed value: exit 2, named, and no kernel was started."""

    monkeypatch.setattr(KernelSession, "_start", _refuse_kernel)
    outcome = CliRunner().invoke(
        main, ["report", "run", str(probe_notebook), "-p", *pair, "--out", str(tmp_path / "o")]
    )
    assert outcome.exit_code == 2
    assert f"ParameterError: {expected}" in outcome.stderr
    assert not (tmp_path / "o").exists()


def test_run_without_a_key_warns_and_writes_an_unsigned_report(
    probe_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no key configured the report is written, unsigned, and the command says so."""
    monkeypatch.delenv("STAGE5KIT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("BOT_CORE_SECURITY_AUDIT_KEY", raising=False)
    out = tmp_path / "unsigned"
    outcome = CliRunner().invoke(main, ["report", "run", str(probe_notebook), "--out", str(out)])
    assert outcome.exit_code == 0, outcome.output
    assert "NOT signed" in outcome.stderr
    assert "report (UNSIGNED)" in outcome.stdout
    assert (out / "report.html").is_file()
    assert not (out / "manifest.json").exists()


def test_out_dir_that_is_not_a_report_is_never_replaced(
    probe_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--out naming a non-empty folder that holds no report is refused (exit 2), untouched."""
    monkeypatch.setattr(KernelSession, "_start", _refuse_kernel)
    (tmp_path / "notes.txt").write_text("mine")
    outcome = CliRunner().invoke(
        main,
        ["report", "run", str(probe_notebook), "--out", str(tmp_path), "--key", "hex:" + "44" * 32],
    )
    assert outcome.exit_code == 2
    assert "refusing to replace it" in outcome.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_kernel_is_reached_over_ipc_sockets(probe_notebook: Path, tmp_path: Path) -> None:
    """The kernel's connection uses the IPC transport with sockets in a private folder."""
    with KernelSession(env=kernel_environment(os.environ), writable=(tmp_path,)) as session:
        session.run(probe_notebook, tmp_path / "r.ipynb", parameters={}, cwd=tmp_path)
        info = session._km.get_connection_info()  # private on purpose: the transport
        sockets = [p.name for p in Path(info["ip"]).parent.iterdir() if p.is_socket()]
    assert info["transport"] == "ipc"
    assert Path(info["ip"]).is_absolute()
    assert sorted(sockets) == ["k-1", "k-2", "k-3", "k-4", "k-5"]
    assert not (tmp_path / "k-1").exists()


def test_run_killed_after_its_kernel_started_leaves_nothing_for_the_next_run(
    tmp_path: Path, probe_notebook: Path, signing_key: SigningKey
) -> None:
    """kill -9 of `report run` mid-notebook leaves a temp folder; a rerun removes it, verifies."""
    out = tmp_path / "report"
    (tmp_path / "k.hex").write_text(signing_key.secret_forms()[1].decode())
    (tmp_path / "k.hex").chmod(0o600)
    env = {**os.environ, "STAGE5KIT_SIGNING_KEY": f"file:{tmp_path / 'k.hex'}"}
    command = [sys.executable, "-m", "stage5kit", "report", "run", str(probe_notebook)]
    process = subprocess.Popen(
        [*command, "-p", "sleep_s", "60", "--out", str(out)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # data.csv is written by a notebook cell: the kernel is running inside the temp folder.
    while not list(tmp_path.glob(".report.*.tmp/data.csv")) and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert len(list(tmp_path.glob(".report.*.tmp"))) == 1
    rerun = subprocess.run([*command, "--out", str(out)], env=env, check=False)
    assert rerun.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.hex", "report"]
    assert verify_manifest(out, signing_key.verification_key()).ok


def test_run_with_root_defaults_into_the_workspace(
    probe_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --out, `report run --root WS` writes var/audit/tco/<notebook name>/ there."""
    from stage5kit.compliance import init_workspace

    monkeypatch.delenv("STAGE5KIT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("BOT_CORE_SECURITY_AUDIT_KEY", raising=False)
    workspace, _ = init_workspace(tmp_path / "ws")
    outcome = CliRunner().invoke(
        main, ["report", "run", str(probe_notebook), "--root", str(workspace.root)]
    )
    assert outcome.exit_code == 0, outcome.output
    assert (workspace.tco_dir / probe_notebook.stem / "report.html").is_file()
