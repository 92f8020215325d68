"""Atomic writes never leave a half-written file and give finished files the usual modes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.errors import ConfigError, LockHeldError
from stage5kit.files import (
    DEFAULT_DIR_MODE,
    DEFAULT_FILE_MODE,
    atomic_directory,
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    file_lock,
    read_config_file,
    remove_stale_temp_dirs,
    sha256_file,
)


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def _write_then_crash(target: Path) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash")


def _build_then_crash(target: Path) -> None:
    with atomic_directory(target) as building:
        (building / "part.csv").write_text("a")
        raise RuntimeError("crash")


@given(data=st.binary(max_size=3 << 20))
def test_sha256_file_matches_hashlib_for_any_content(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    """Streaming hashing in chunks gives the same digest as hashing the bytes at once."""
    path = tmp_path_factory.mktemp("hash") / "blob"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_atomic_write_replaces_content_and_uses_umask_mode(tmp_path: Path) -> None:
    """A finished file holds the new bytes, has the umask default mode, and no temp file remains."""
    target = tmp_path / "out" / "report.csv"
    atomic_write_text(target, "old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert _mode(target) == DEFAULT_FILE_MODE
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.csv"]


def test_atomic_write_with_private_mode(tmp_path: Path) -> None:
    """A key file written with mode 0600 is 0600."""
    target = atomic_write_bytes(tmp_path / "k.key", b"secret", mode=0o600)
    assert _mode(target) == 0o600


def test_failed_write_leaves_previous_file_and_no_temp(tmp_path: Path) -> None:
    """An exception inside the write keeps the old file as it was and removes the temp file."""
    target = tmp_path / "summary.json"
    target.write_text("previous")
    with pytest.raises(RuntimeError, match="crash"):
        _write_then_crash(target)
    assert target.read_text() == "previous"
    assert _names(tmp_path) == ["summary.json"]


def test_atomic_directory_appears_whole_and_replaces_old(tmp_path: Path) -> None:
    """A built folder replaces the old one in one step and gets the usual folder mode."""
    target = tmp_path / "report"
    target.mkdir()
    (target / "stale.txt").write_text("x")
    with atomic_directory(target) as building:
        (building / "report.html").write_text("<html></html>")
        assert not (target / "report.html").exists()
    assert sorted(p.name for p in target.iterdir()) == ["report.html"]
    assert _mode(target) == DEFAULT_DIR_MODE
    assert _names(tmp_path) == ["report"]


def test_failed_directory_build_leaves_nothing(tmp_path: Path) -> None:
    """An exception while building a folder leaves neither the folder nor its temp copy."""
    with pytest.raises(RuntimeError, match="crash"):
        _build_then_crash(tmp_path / "report")
    assert _names(tmp_path) == []


def test_config_file_yaml_and_json_are_parsed_by_suffix(tmp_path: Path) -> None:
    """A .yaml file is read as YAML and a .json file as JSON, a leading BOM tolerated."""
    (tmp_path / "a.yaml").write_text("\ufeffpaths: 3\nname: x\n", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"paths": 3}', encoding="utf-8")
    assert read_config_file(tmp_path / "a.yaml", what="grid file") == {"paths": 3, "name": "x"}
    assert read_config_file(tmp_path / "a.json", what="settings file") == {"paths": 3}


def test_config_file_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    """Broken YAML is a ConfigError naming the file and the 1-based line of the problem."""
    path = tmp_path / "grid.yaml"
    path.write_text("notebook: a.ipynb\nproduct:\n  venue: [a, b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"grid\.yaml, line 4: not valid YAML"):
        read_config_file(path, what="grid file")


def test_config_file_bad_json_names_file_and_line(tmp_path: Path) -> None:
    """Broken JSON is a ConfigError naming the file and the line."""
    path = tmp_path / "limits.json"
    path.write_text('{\n  "max_cost_bps": 1,\n}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"limits\.json, line 3: not valid JSON"):
        read_config_file(path, what="settings file")


def test_config_file_that_is_a_folder_is_a_config_error(tmp_path: Path) -> None:
    """A folder given as a config file is a ConfigError naming it, not a traceback."""
    with pytest.raises(ConfigError, match=r"cannot read the parameter file \(Is a directory\)"):
        read_config_file(tmp_path, what="parameter file")


def test_config_file_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    """A config file that is not UTF-8 text is a ConfigError saying so."""
    path = tmp_path / "scenarios.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ConfigError, match=r"scenarios\.yaml: cannot read the scenario file"):
        read_config_file(path, what="scenario file")


def test_stale_temp_folders_of_the_target_are_removed_by_the_next_run(tmp_path: Path) -> None:
    """Unlocked folders named like atomic_directory's temp folders for the target go first."""
    target = tmp_path / "report"
    stale = [tmp_path / ".report.ab_cd123.tmp", tmp_path / ".report.zz99yy88.old"]
    for folder in stale:
        (folder / "sub").mkdir(parents=True)
    with atomic_directory(target) as building:
        (building / "a.txt").write_text("new")
    assert _names(tmp_path) == ["report"]


def test_stale_cleanup_spares_other_targets_and_other_names(tmp_path: Path) -> None:
    """Folders of another target, files, and names outside the temp pattern are kept."""
    kept = [
        tmp_path / ".reports.ab_cd123.tmp",
        tmp_path / ".report.x.ab_cd123.tmp",
        tmp_path / ".report.abc.tmp",
        tmp_path / "report.ab_cd123.tmp",
    ]
    for folder in kept:
        folder.mkdir()
    (tmp_path / ".report.ab_cd124.tmp").write_text("a file, not a folder")
    assert remove_stale_temp_dirs(tmp_path / "report") == []
    assert all(folder.is_dir() for folder in kept)
    assert (tmp_path / ".report.ab_cd124.tmp").is_file()


def test_stale_cleanup_leaves_a_live_runs_temp_folder_alone(tmp_path: Path) -> None:
    """A temp folder still held by a running atomic_directory is not removed."""
    target = tmp_path / "report"
    with atomic_directory(target) as building:
        (building / "a.txt").write_text("live")
        assert remove_stale_temp_dirs(target) == []
        assert (building / "a.txt").read_text() == "live"
    assert (target / "a.txt").read_text() == "live"


def test_lock_file_taken_by_a_cleaner_before_it_is_locked_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A temp folder's lock file that a concurrent cleaner removed before it was locked is
    recreated, so the folder is never left unlocked."""
    real_mkstemp = tempfile.mkstemp
    calls: list[str] = []

    def mkstemp_then_cleaned(**kwargs: object) -> tuple[int, str]:
        fd, made = real_mkstemp(**kwargs)  # type: ignore[call-overload]
        calls.append(made)
        if len(calls) == 1:
            Path(made).unlink()
        return fd, made

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_then_cleaned)
    with atomic_directory(tmp_path / "report") as building:
        (building / "a.txt").write_text("x")
        assert Path(f"{building}.lock").is_file()
        assert remove_stale_temp_dirs(tmp_path / "report") == []
    assert _names(tmp_path) == ["report"]


def test_file_lock_refuses_a_second_holder_without_wait(tmp_path: Path) -> None:
    """A lock held by another process raises LockHeldError (exit 3) naming the lock file."""
    lock = tmp_path / "out.lock"
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from stage5kit.files import file_lock\n"
            f"with file_lock({str(lock)!r}):\n    print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "held"
            with pytest.raises(LockHeldError) as caught, file_lock(lock, wait=False):
                pass
            assert caught.value.exit_code == 3
            assert str(lock) in str(caught.value)
            assert f"pid {holder.pid}" in str(caught.value)
        finally:
            holder.kill()
    with file_lock(lock, wait=False):
        assert lock.is_file()
