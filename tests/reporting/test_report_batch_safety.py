"""Batch safety without a kernel: incomplete folders are never signed, one batch per --out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from stage5kit import errors
from stage5kit.errors import LockHeldError
from stage5kit.files import file_lock
from stage5kit.reporting import prepare_report, run_batch
from stage5kit.reporting.runner import seal_report
from stage5kit.signing import SigningKey


@pytest.mark.parametrize(
    ("present", "pdf", "missing"),
    [
        ((), False, "report.ipynb, report.html"),
        (("report.ipynb", "results.json"), False, "report.html"),
        (("report.ipynb", "report.html"), True, "report.pdf"),
    ],
)
def test_an_incomplete_report_folder_is_never_signed(
    tmp_path: Path,
    probe_notebook: Path,
    signing_key: SigningKey,
    *,
    present: tuple[str, ...],
    pdf: bool,
    missing: str,
) -> None:
    """A folder lacking a report file raises and gets no manifest (once: a signed husk)."""
    for name in present:
        (tmp_path / name).write_text("{}")
    prepared = prepare_report(probe_notebook, {})
    with pytest.raises(errors.IncompleteReportError, match=f"{missing} missing"):
        seal_report(prepared, tmp_path, signing_key, pdf=pdf)
    assert not (tmp_path / "manifest.json").exists()
    assert not (tmp_path / "manifest.json.sig").exists()


BATCH_LOCK = ".batch.lock"  # spelled out: these tests also run against the code before the fix
BATCH_COMMAND = (sys.executable, "-m", "stage5kit", "report", "batch", "--key", "hex:" + "ab" * 32)


def _grid(tmp_path: Path, notebook: Path) -> Path:
    grid = tmp_path / "grid.yaml"
    grid.write_text(yaml.safe_dump({"notebook": str(notebook), "grid": [{"scale": 1}]}))
    return grid


def test_a_second_batch_into_the_same_out_stops_at_once(
    tmp_path: Path, probe_notebook: Path, signing_key: SigningKey
) -> None:
    """While a batch holds --out, another raises LockHeldError naming the holder's pid."""
    out = tmp_path / "out"
    with file_lock(out / BATCH_LOCK), pytest.raises(LockHeldError) as caught:
        run_batch(_grid(tmp_path, probe_notebook), out_dir=out, key=signing_key)
    assert f"pid {os.getpid()}" in str(caught.value)
    assert caught.value.exit_code == 3
    assert sorted(p.name for p in out.iterdir()) == [BATCH_LOCK]


def test_the_cli_exits_3_naming_the_running_batch(tmp_path: Path, probe_notebook: Path) -> None:
    """`report batch` into a locked --out exits 3 at once with one clear line, no traceback."""
    out = tmp_path / "out"
    with file_lock(out / BATCH_LOCK):
        done = subprocess.run(
            [*BATCH_COMMAND, str(_grid(tmp_path, probe_notebook)), "--out", str(out)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    assert done.returncode == 3, done.stderr
    # Warnings about the key may come first; the error is the last line.
    assert done.stderr.strip().splitlines()[-1].startswith("LockHeldError: ")
    assert f"another run holds this lock (pid {os.getpid()}" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "product:\n" + "".join(f"  p{i}: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n" for i in range(9)),
            "the grid holds 1,000,000,000 reports (10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10)",
        ),
        ("grid:\n  - {scale: " + "7" * 5000 + "}\n", "has 5000 digits, more than 4300"),
    ],
)
def test_the_cli_refuses_a_bad_grid_before_anything_starts(
    tmp_path: Path, probe_notebook: Path, body: str, message: str
) -> None:
    """A 10^9-report product and a 5000-digit integer: exit 2, one line, no traceback."""
    grid = tmp_path / "grid.yaml"
    grid.write_text(f"notebook: {probe_notebook}\n{body}")
    out = tmp_path / "out"
    done = subprocess.run(
        [*BATCH_COMMAND, str(grid), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("ConfigError: ")
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
