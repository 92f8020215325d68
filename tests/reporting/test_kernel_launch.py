"""The kernel wrapper: a parent-death signal, and Landlock keeping files out of reach."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stage5kit.reporting.execute import python_environment_paths
from stage5kit.reporting.kernel_launch import landlock_abi, launch_command

needs_landlock = pytest.mark.skipif(
    landlock_abi() < 1, reason="Landlock is not available on this system"
)
needs_linux = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux-only"
)


def _confined_python(code: str, *, readable: list[Path], writable: list[Path]) -> list[str]:
    argv = [sys.executable, "-c", code]
    return launch_command(
        argv,
        readable=[*python_environment_paths(sys.executable), *readable],
        writable=writable,
        landlock=True,
    )


@needs_landlock
def test_a_confined_process_cannot_open_a_file_outside_its_folders(tmp_path: Path) -> None:
    """A file outside the allowed folders is refused; one inside them is read."""
    allowed, secret = tmp_path / "allowed", tmp_path / "secret"
    allowed.mkdir()
    secret.mkdir()
    (allowed / "data.txt").write_text("fine")
    (secret / "k.key").write_text("ab" * 32)
    code = textwrap.dedent(f"""
        from pathlib import Path
        print(Path({str(allowed / "data.txt")!r}).read_text())
        try:
            Path({str(secret / "k.key")!r}).read_text()
        except PermissionError:
            print("refused")
    """)
    done = subprocess.run(
        _confined_python(code, readable=[allowed], writable=[]),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["fine", "refused"]


@needs_landlock
def test_a_confined_process_cannot_read_its_parents_environ(tmp_path: Path) -> None:
    """Landlock refuses /proc/<parent>/environ even to root (a process outside the sandbox)."""
    code = textwrap.dedent(f"""
        from pathlib import Path
        try:
            Path("/proc/{os.getpid()}/environ").read_bytes()
            print("read")
        except PermissionError:
            print("refused")
    """)
    done = subprocess.run(
        _confined_python(code, readable=[], writable=[tmp_path]),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["refused"]


@needs_linux
def test_a_kernel_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    """kill -9 of the parent ends the wrapped child, though it runs in its own session."""
    pid_file = tmp_path / "child.pid"
    parent_code = textwrap.dedent(f"""
        import subprocess, sys, time
        from pathlib import Path
        from stage5kit.reporting.kernel_launch import launch_command
        argv = launch_command([sys.executable, "-c", "import time; time.sleep(120)"],
                              landlock=False)
        child = subprocess.Popen(argv, start_new_session=True)
        Path({str(pid_file)!r}).write_text(str(child.pid))
        time.sleep(120)
    """)
    parent = subprocess.Popen([sys.executable, "-c", parent_code])
    while not pid_file.exists() or not pid_file.read_text():
        assert parent.poll() is None
        time.sleep(0.05)
    child = int(pid_file.read_text())
    while b"kernel_launch" in Path(f"/proc/{child}/cmdline").read_bytes():
        time.sleep(0.05)  # wait until the wrapper has exec'd the "kernel"
    assert _running(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(200):
        if not _running(child):
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the child outlived its parent")


def _running(pid: int) -> bool:
    """Whether ``pid`` is alive (a zombie waiting for its reaper counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False
