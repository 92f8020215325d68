"""Atomic writes, streaming hashes and config reading: the file primitives every layer shares.

A write goes to a temporary file in the target's folder, is fsynced, then renamed, so a
crash or a kill never leaves a half-written file under the final name.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from stage5kit.errors import ConfigError

HASH_CHUNK_BYTES = 1 << 20


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Temp files and folders are created private (0600/0700); finished ones get the usual mode.
_UMASK = _current_umask()
DEFAULT_FILE_MODE = 0o666 & ~_UMASK
DEFAULT_DIR_MODE = 0o777 & ~_UMASK


def sha256_file(path: str | Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB chunks (bounded memory, any size)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def read_config_file(path: str | Path, *, what: str) -> object:
    """Parse a YAML file (JSON if it ends in .json); a ConfigError names the file and the line.

    ``what`` names the file in the message ("scenario file", "grid file", ...).
    """
    import json

    import yaml

    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except OSError as error:
        msg = f"{source}: cannot read the {what} ({error.strerror or type(error).__name__})"
        raise ConfigError(msg) from error
    except UnicodeDecodeError as error:
        msg = f"{source}: cannot read the {what} (not UTF-8 text; save it as UTF-8)"
        raise ConfigError(msg) from error
    if source.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            msg = f"{source}, line {error.lineno}: not valid JSON ({error.msg})"
            raise ConfigError(msg) from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "parse error"
        msg = f"{source}{where}: not valid YAML (check indentation and colons): {problem}"
        raise ConfigError(msg) from error


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target: str | Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temp path beside ``target``; on success fsync it and rename it over ``target``.

    The file gets ``mode`` (e.g. 0o600 for keys) before any data lands, else the umask default.
    """
    final = Path(target)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.chmod(DEFAULT_FILE_MODE if mode is None else mode)
        yield tmp
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        tmp.replace(final)
        _fsync_dir(final.parent)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(target: str | Path, data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``target`` atomically; ``mode`` (e.g. 0o600) is set before data lands."""
    with atomic_path(target, mode=mode) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def atomic_write_text(target: str | Path, text: str, *, mode: int | None = None) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    return atomic_write_bytes(target, text.encode("utf-8"), mode=mode)


def _temp_dir_pattern(final: Path) -> re.Pattern[str]:
    """Names ``atomic_directory`` gives its temp folders for ``final`` (tempfile's 8 letters)."""
    return re.compile(re.escape(f".{final.name}.") + r"[a-z0-9_]{8}\.(tmp|old)")


def _locked_temp_dir(final: Path) -> tuple[Path, int]:
    """Create a temp folder beside ``final`` and flock it; the fd holds the lock until closed.

    A concurrent cleaner may take a folder between its creation and the lock; then the
    folder is gone (or another one has its name) and a new one is made.
    """
    while True:
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
        try:
            fd = os.open(tmp, os.O_RDONLY)
        except FileNotFoundError:
            continue
        fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError):
            if tmp.stat().st_ino == os.fstat(fd).st_ino:
                return tmp, fd
        os.close(fd)


def remove_stale_temp_dirs(target: str | Path) -> list[Path]:
    """Remove the temp folders a killed ``atomic_directory(target)`` left beside ``target``.

    Only folders named as ``atomic_directory`` names them for this target are candidates,
    and one still locked by a live run is left alone. Returns the folders removed.
    """
    final = Path(target)
    pattern = _temp_dir_pattern(final)
    if not final.parent.is_dir():
        return []
    removed = []
    for candidate in final.parent.iterdir():
        if not pattern.fullmatch(candidate.name) or not candidate.is_dir():
            continue
        fd = os.open(candidate, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue
        else:
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
        finally:
            os.close(fd)
    return removed


@contextlib.contextmanager
def atomic_directory(target: str | Path) -> Iterator[Path]:
    """Yield a temp folder beside ``target``; on success it replaces ``target`` in one rename.

    On error the temp folder is removed and any previous ``target`` is left untouched.
    Temp folders a killed earlier run left for the same target are removed first; the
    temp folder is flock-ed while in use, so a concurrent run's folder is never taken.
    """
    final = Path(target)
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_dirs(final)
    tmp, lock = _locked_temp_dir(final)
    try:
        yield tmp
        tmp.chmod(DEFAULT_DIR_MODE)
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
            old.rmdir()
            final.replace(old)
            tmp.replace(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.replace(final)
        _fsync_dir(final.parent)
    finally:
        os.close(lock)
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
