"""Output folders of `tco`, `stress` and `sign DIR`: built whole, locked, never mixed; exit 3."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stage5kit.cli import main
from stage5kit.core import generate_trades, write_trades
from stage5kit.files import file_lock
from stage5kit.signing import load_verification_key, verify_file, verify_manifest

ROOT = Path(__file__).resolve().parents[2]
HEX_KEY = "hex:" + "ab" * 32
OTHER_KEY = "hex:" + "cd" * 32
TCO_FILES = ("tco_report.csv", "tco_summary.json")
TCO_COMMAND = (sys.executable, "-m", "stage5kit", "tco")
STRESS_SMALL = ("--paths", "50", "--days", "5", "--scenarios", "fee_hike_50")


def _cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def trade_logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two tiny trade logs of different sizes (their outputs cannot be confused)."""
    folder = tmp_path_factory.mktemp("logs")
    logs = (folder / "small.csv", folder / "large.csv")
    for path, rows, seed in zip(logs, (400, 700), (1, 2), strict=True):
        write_trades(generate_trades(rows=rows, seed=seed, days=5), path)
    return logs


def _locked_exit(*args: str | Path, out: Path) -> Result:
    """Run the CLI while this process holds the output folder's lock (a run in progress)."""
    with file_lock(out.parent / f".{out.name}.lock"):
        return _cli(*args)


@pytest.mark.parametrize("command", ["tco", "stress", "sign"])
def test_a_run_into_a_locked_output_exits_3_and_touches_nothing(
    tmp_path: Path, trade_logs: tuple[Path, Path], command: str
) -> None:
    """The loser of a race exits 3 at once, naming the lock and the running pid."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.txt").write_text("kept")
    arguments = {
        "tco": ("tco", trade_logs[0], "--out", out),
        "stress": ("stress", trade_logs[0], *STRESS_SMALL, "--out", out),
        "sign": ("sign", out, "--key", HEX_KEY),
    }[command]
    result = _locked_exit(*arguments, out=out)
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("LockHeldError: ")
    assert f"another run holds this lock (pid {os.getpid()}" in result.stderr
    assert [p.name for p in out.iterdir()] == ["earlier.txt"]


def test_tco_replaces_its_folder_whole(tmp_path: Path, trade_logs: tuple[Path, Path]) -> None:
    """An unsigned rerun leaves no signature of the signed run before it (no mixed folder)."""
    out = tmp_path / "out"
    assert _cli("tco", trade_logs[0], "--out", out, "--key", HEX_KEY).exit_code == 0
    assert _cli("tco", trade_logs[1], "--out", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(TCO_FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("command", ["tco", "stress"])
def test_a_folder_holding_other_files_is_refused(
    tmp_path: Path, trade_logs: tuple[Path, Path], command: str
) -> None:
    """Replacing a folder whole must not delete someone's files: exit 2, folder untouched."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.md").write_text("mine")
    extra = STRESS_SMALL if command == "stress" else ()
    result = _cli(command, trade_logs[0], *extra, "--out", out)
    assert result.exit_code == 2
    assert "holds 'notes.md'" in result.stderr
    assert [p.name for p in out.iterdir()] == ["notes.md"]


def test_stress_replaces_its_folder_whole(tmp_path: Path, trade_logs: tuple[Path, Path]) -> None:
    """A stress rerun without a key drops the earlier signatures with the earlier files."""
    out = tmp_path / "out"
    signed = _cli("stress", trade_logs[0], *STRESS_SMALL, "--out", out, "--key", HEX_KEY)
    assert signed.exit_code == 0, signed.output
    assert _cli("stress", trade_logs[1], *STRESS_SMALL, "--out", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["stress_results.csv", "stress_summary.json"]


def test_sign_dir_keeps_the_files_and_adds_the_manifest(tmp_path: Path) -> None:
    """`sign DIR` swaps in a signed copy: same files (hard links), manifest and signature."""
    folder = tmp_path / "report"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("a\n1\n")
    (folder / "sub" / "b.txt").write_text("b")
    inode = (folder / "a.csv").stat().st_ino
    assert _cli("sign", folder, "--key", HEX_KEY).exit_code == 0
    assert verify_manifest(folder, load_verification_key(HEX_KEY)).ok
    assert (folder / "a.csv").stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_sign_refuses_the_folder_it_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replacing the current folder would pull it from under the shell: exit 2 with a fix."""
    (tmp_path / "a.csv").write_text("a")
    monkeypatch.chdir(tmp_path)
    result = _cli("sign", ".", "--key", HEX_KEY)
    assert result.exit_code == 2
    assert "run from outside it" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_the_help_lists_every_exit_code() -> None:
    """The CLI epilog, the README and docs/reports.md give the same five exit codes."""
    text = " ".join(_cli("--help").output.split())
    for code in ("0 ok", "1 a finding", "2 bad usage", "3 the environment", "130 interrupted"):
        assert code in text
    for document in (ROOT / "README.md", ROOT / "docs" / "reports.md"):
        flat = " ".join(document.read_text().split())
        assert "3 the environment stopped the run" in flat
        assert "130 interrupted" in flat


def _finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for a process; its exit code and stderr (pipes closed)."""
    _, stderr = process.communicate(timeout=600)
    return process.returncode, stderr


def _solo_outputs(tmp_path: Path, log: Path) -> dict[str, bytes]:
    out = tmp_path / f"solo-{log.stem}"
    assert _cli("tco", log, "--out", out, "--by", "strategy").exit_code == 0
    return {name: (out / name).read_bytes() for name in TCO_FILES}


@pytest.mark.slow
def test_two_tco_runs_racing_into_one_out_never_mix(
    tmp_path: Path, trade_logs: tuple[Path, Path]
) -> None:
    """20 times: two `tco` processes start together into one --out with different logs.
    Each exits 0 or 3 (never both 3); the folder verifies and holds one run's two files."""
    expected = [_solo_outputs(tmp_path, log) for log in trade_logs]
    out = tmp_path / "out"
    key = load_verification_key(HEX_KEY)
    seen_codes = set()
    for _ in range(20):
        racers = [
            subprocess.Popen(
                [*TCO_COMMAND, str(log), "--out", str(out), "--by", "strategy", "--key", HEX_KEY],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for log in trade_logs
        ]
        outcomes = [_finished(p) for p in racers]
        codes = sorted(code for code, _ in outcomes)
        seen_codes.add(tuple(codes))
        assert codes in ([0, 0], [0, 3]), outcomes
        for code, stderr in outcomes:
            assert "Traceback" not in stderr
            if code == 3:
                assert stderr.startswith("LockHeldError: ")
        found = {name: (out / name).read_bytes() for name in TCO_FILES}
        assert found in expected
        for name in TCO_FILES:
            assert verify_file(out / name, key).ok
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert seen_codes


@pytest.mark.slow
def test_two_signers_racing_on_one_folder_never_mix(tmp_path: Path) -> None:
    """10 times: two `sign DIR` with different keys; the manifest verifies with one key."""
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "data.csv").write_text("x\n1\n")
    keys = (HEX_KEY, OTHER_KEY)
    for _ in range(10):
        racers = [
            subprocess.Popen(
                [sys.executable, "-m", "stage5kit", "sign", str(folder), "--key", spec],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for spec in keys
        ]
        codes = sorted(p.wait(timeout=120) for p in racers)
        assert codes in ([0, 0], [0, 3])
        verdicts = [verify_manifest(folder, load_verification_key(k)).ok for k in keys]
        assert verdicts.count(True) == 1
        assert sorted(p.name for p in folder.iterdir()) == [
            "data.csv",
            "manifest.json",
            "manifest.json.sig",
        ]
