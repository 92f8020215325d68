"""A full disk ends every writing command in exit 3 and a clear message; outputs stay whole.

The disk is a real 256 KiB tmpfs filled to the last byte when the test may mount one
(root on Linux); otherwise every ``os.fsync`` in the command's process raises ENOSPC (a
``sitecustomize`` put on its PYTHONPATH): each atomic write fsyncs before its rename, so
the wrapper meets every write the kit makes. Each test says in its output which it used.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from stage5kit.core import generate_trades, write_trades
from stage5kit.signing import generate_keypair

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "reporting" / "notebooks" / "probe.ipynb"
_ENOSPC_SHIM = """\
import errno
import os


def _disk_full(fd):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


os.fsync = _disk_full
"""


@dataclass(frozen=True, slots=True)
class FullDisk:
    """A folder on a full disk, how it was made full, and the environment to run commands in."""

    folder: Path
    kind: str
    env: dict[str, str]


def _try_mount(folder: Path) -> bool:
    # STAGE5KIT_TEST_NO_TMPFS=1 checks the fallback on a machine that could mount.
    if os.environ.get("STAGE5KIT_TEST_NO_TMPFS") == "1":
        return False
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _write_until_full(path: Path, chunk: bytes) -> int | None:
    """Append ``chunk`` to ``path`` until a write fails; return that failure's errno."""
    with path.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(chunk)
        except OSError as error:
            return error.errno


def _fill(folder: Path) -> None:
    """Write zeros until the file system says ENOSPC, to the last byte."""
    assert _write_until_full(folder / "filler", b"\0" * 4096) == errno.ENOSPC
    assert _write_until_full(folder / "filler-tail", b"\0") == errno.ENOSPC


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[FullDisk]:
    """A folder whose disk is full: a real tmpfs when mountable, else an fsync that fails."""
    folder = tmp_path / "disk"
    folder.mkdir()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if _try_mount(folder):
        try:
            yield FullDisk(folder=folder, kind="tmpfs", env=env)
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        return
    shim = tmp_path / "enospc-shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(_ENOSPC_SHIM, encoding="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shim), env.get("PYTHONPATH")]))
    yield FullDisk(folder=folder, kind="ENOSPC write wrapper (no tmpfs mount allowed)", env=env)


def _run(disk: FullDisk, *args: str) -> subprocess.CompletedProcess[str]:
    print(f"full disk made by: {disk.kind}")
    return subprocess.run(
        [sys.executable, "-m", "stage5kit", *args],
        capture_output=True,
        text=True,
        env=disk.env,
        check=False,
        timeout=600,
    )


def _assert_disk_full(done: subprocess.CompletedProcess[str], disk: FullDisk) -> None:
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert "ResourceError: " in done.stderr
    assert "No space left on device" in done.stderr
    assert "the disk is full" in done.stderr
    leftovers = [p.name for p in disk.folder.rglob(".*") if ".tmp" in p.name]
    assert leftovers == []


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    """A valid 300-trade log off the full disk."""
    return write_trades(generate_trades(rows=300, seed=8, days=6), tmp_path / "trades.csv")


def _prepare(disk: FullDisk, files: dict[str, str]) -> None:
    """Write files onto the disk, then fill it (a tmpfs) to the last byte."""
    for name, text in files.items():
        target = disk.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if disk.kind == "tmpfs":
        _fill(disk.folder)


def test_tco_on_a_full_disk(full_disk: FullDisk, small_log: Path) -> None:
    """`tco` exits 3; a previous report in --out is left as it was."""
    _prepare(full_disk, {"out/tco_report.csv": "previous\n"})
    done = _run(full_disk, "tco", str(small_log), "--out", str(full_disk.folder / "out"))
    _assert_disk_full(done, full_disk)
    assert (full_disk.folder / "out" / "tco_report.csv").read_text() == "previous\n"


def test_stress_on_a_full_disk(full_disk: FullDisk, small_log: Path) -> None:
    """`stress` exits 3 after simulating; the previous results file is untouched."""
    _prepare(full_disk, {"out/stress_results.csv": "previous\n"})
    out = str(full_disk.folder / "out")
    done = _run(full_disk, "stress", str(small_log), "--paths", "50", "--days", "5", "--out", out)
    _assert_disk_full(done, full_disk)
    assert (full_disk.folder / "out" / "stress_results.csv").read_text() == "previous\n"


def test_sign_on_a_full_disk(full_disk: FullDisk, tmp_path: Path) -> None:
    """`sign` exits 3 and the old signature stays whole."""
    key = generate_keypair(algorithm="hmac", key_id="k", out_dir=tmp_path / "keys")
    _prepare(full_disk, {"data.csv": "a,b\n1,2\n", "data.csv.sig": "previous"})
    done = _run(
        full_disk,
        "sign",
        str(full_disk.folder / "data.csv"),
        "--key",
        f"file:{key.private_key_path}",
    )
    _assert_disk_full(done, full_disk)
    assert (full_disk.folder / "data.csv.sig").read_text() == "previous"


def test_keys_generate_on_a_full_disk(full_disk: FullDisk) -> None:
    """`keys generate` exits 3 and leaves no key file, whole or partial."""
    _prepare(full_disk, {})
    out = full_disk.folder / "keys"
    done = _run(
        full_disk, "keys", "generate", "--algorithm", "ed25519", "--key-id", "k", "--out", str(out)
    )
    _assert_disk_full(done, full_disk)
    assert not (out / "k.key").exists()
    assert not (out / "k.pub").exists()


@pytest.mark.slow
def test_report_run_on_a_full_disk(full_disk: FullDisk) -> None:
    """`report run` exits 3, leaves no temp folder and no partial report folder."""
    _prepare(full_disk, {})
    out = full_disk.folder / "report"
    done = _run(full_disk, "report", "run", str(PROBE), "--out", str(out))
    _assert_disk_full(done, full_disk)
    if full_disk.kind == "tmpfs":
        assert not out.exists()
    else:
        # The wrapper fails only the fsync after the folder's rename: complete or absent.
        assert not out.exists() or (out / "report.html").is_file()
