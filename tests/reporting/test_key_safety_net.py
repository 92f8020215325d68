"""Fast checks of the safety net: parameter errors, the kernel's environment, prctl, warnings."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.reporting.execute import kernel_environment

SECRET = bytes(range(60, 92))


def _windows(secret: bytes) -> list[str]:
    return [secret[s : s + 8].hex() for s in range(len(secret) - 7)]


@pytest.mark.parametrize("source", ["-p", "-f"])
def test_a_rejected_parameter_value_is_never_echoed_in_full(
    probe_notebook: Path, tmp_path: Path, source: str
) -> None:
    """`expects bool, got '4eecf9…'`: a preview and the length, never the value (-p and -f)."""
    args = ["report", "run", str(probe_notebook), "--out", str(tmp_path / "out")]
    if source == "-p":
        args += ["-p", "fail", SECRET.hex()]
    else:
        (tmp_path / "p.yaml").write_text(f"fail: '{SECRET.hex()}'\n")
        args += ["-f", str(tmp_path / "p.yaml")]
    outcome = CliRunner().invoke(main, args)
    assert outcome.exit_code == 2
    assert "ParameterError: parameter 'fail'" in outcome.stderr
    assert "expects bool, got '3c3d3… (66 characters)" in outcome.stderr
    assert not any(w in outcome.output for w in _windows(SECRET))


def test_a_short_rejected_value_is_shown_whole(probe_notebook: Path, tmp_path: Path) -> None:
    """Values too short to hold 8 key bytes stay readable in the message."""
    outcome = CliRunner().invoke(
        main, ["report", "run", str(probe_notebook), "--out", str(tmp_path), "-p", "scale", "two"]
    )
    assert outcome.exit_code == 2
    assert "expects int, got 'two'" in outcome.stderr


def test_the_kernel_environment_is_an_allow_list() -> None:
    """Only allow-listed names pass; a key in any variable, or a key spec, never does."""
    base = {
        "PATH": "/usr/bin",
        "HOME": "/home/a",
        "LC_ALL": "C.UTF-8",
        "MYKEY": "file:/secure/k.key",
        "ANYTHING": SECRET.hex(),
        "STAGE5KIT_SIGNING_KEY": "hex:" + SECRET.hex(),
        "AWS_SECRET_ACCESS_KEY": "x",
        "LANG": "hex:" + SECRET.hex(),
        "PYTHONPATH": "/opt/elsewhere",
    }
    env = kernel_environment(base)
    assert {k: env[k] for k in ("PATH", "HOME", "LC_ALL")} == {
        "PATH": "/usr/bin",
        "HOME": "/home/a",
        "LC_ALL": "C.UTF-8",
    }
    for name in ("MYKEY", "ANYTHING", "STAGE5KIT_SIGNING_KEY", "AWS_SECRET_ACCESS_KEY", "LANG"):
        assert name not in env
    assert not any(w in "".join(env.values()) for w in _windows(SECRET))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux-only")
def test_make_non_dumpable_sets_the_flag() -> None:
    """After make_non_dumpable(), prctl(PR_GET_DUMPABLE) reports 0."""
    code = textwrap.dedent("""
        import ctypes
        from stage5kit.reporting.kernel_launch import make_non_dumpable
        libc = ctypes.CDLL(None)
        before = libc.prctl(3, 0, 0, 0, 0)
        assert make_non_dumpable()
        print(before, libc.prctl(3, 0, 0, 0, 0))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "0"]


def test_a_literal_key_on_the_command_line_is_warned_about(
    probe_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--key hex:… works but warns that ps and the notebook can read a command line."""
    monkeypatch.setattr("stage5kit.reporting.run_report", _stop)
    args = ["report", "run", str(probe_notebook), "--out", str(tmp_path / "o")]
    outcome = CliRunner().invoke(main, [*args, "--key", "hex:" + SECRET.hex()])
    assert "can be read by other processes" in outcome.stderr
    assert "use --key file:<path> or $STAGE5KIT_SIGNING_KEY" in outcome.stderr
    assert not any(w in outcome.output for w in _windows(SECRET))


def _stop(*args: object, **kwargs: object) -> None:
    """Stands in for run_report: the warning comes before any kernel starts."""
    raise SystemExit(0)
