"""Atomic writes, file locks, streaming hashes and config reading: the shared file primitives.

A write goes to a temporary file in the target's folder, is fsynced, then renamed, so a
crash or a kill never leaves a half-written file under the final name. Every lock in the
kit goes through :func:`file_lock` (``flock`` on POSIX, ``msvcrt.locking`` on Windows), so
the decision log, batches and output folders share one cross-platform implementation.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Collection, Iterator
from pathlib import Path

from stage5kit.errors import ConfigError, LockHeldError, ResourceError, show_value

HASH_CHUNK_BYTES = 1 << 20
# What the environment did, and what to do about it, for the errors a write can meet.
ENVIRONMENT_FIXES = {
    errno.ENOSPC: "the disk is full; free space or write to another disk",
    errno.EDQUOT: "the disk quota is used up; free space or write elsewhere",
    errno.EFBIG: "the file is larger than the file system allows; write to another disk",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "operation not permitted; choose a folder you can write to",
    errno.EROFS: "the file system is read-only; choose a writable folder",
}
LOCK_POLL_SECONDS = 0.05


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
    """Parse a YAML file (JSON if it ends in .json) with the kit's one safe config parser.

    See :mod:`stage5kit.config_files`: no aliases, no duplicate keys, bounded nesting and
    numbers; a ConfigError names the file, the line and the fix.
    """
    from stage5kit.config_files import read_config_file as read_safely

    return read_safely(path, what=what)


def environment_error(error: OSError, target: str | Path | None = None) -> ResourceError:
    """An OSError as a ResourceError (exit 3): the output, what the system said, the fix."""
    where = target if target is not None else error.filename
    shown = show_value(str(where), quote=False) if where is not None else "writing the output"
    reason = error.strerror or str(error) or type(error).__name__
    fix = ENVIRONMENT_FIXES.get(
        error.errno or 0, "the folder cannot be created or written here; choose another output"
    )
    return ResourceError(f"{shown}: cannot write: {reason} ({fix})")


@contextlib.contextmanager
def _environment_errors(target: Path, *, only_environment: bool = False) -> Iterator[None]:
    """Turn an OSError while preparing or writing ``target`` into a ResourceError naming it.

    With ``only_environment`` (around the caller's own code) only a full disk, a quota or
    a denied permission is turned; other errors are the caller's to report.
    """
    try:
        yield
    except OSError as error:
        if only_environment and error.errno not in ENVIRONMENT_FIXES:
            raise
        raise environment_error(error, target) from error


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; Windows has no directory fsync (NTFS journals it)."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock_fd(fd: int, *, wait: bool) -> bool:
    """Take an exclusive lock on an open file; False when ``wait`` is off and it is held."""
    if sys.platform == "win32":
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            except OSError:
                if not wait:
                    return False
                time.sleep(LOCK_POLL_SECONDS)
            else:
                return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _open_locked(path: Path, *, wait: bool) -> int | None:
    """Open (creating) ``path`` and lock it; None when held elsewhere and ``wait`` is off.

    A cleaner may unlink the file between open and lock; then the lock is on a file no
    one else can find, so the open is retried until the path and the locked file agree.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _lock_fd(fd, wait=wait):
            os.close(fd)
            return None
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_ino == os.fstat(fd).st_ino:
                return fd
        os.close(fd)


def _lock_holder(path: Path) -> str:
    """What the holder of a lock wrote into it (pid and start time), or an empty string."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return f" ({text[:120]})" if text else ""


@contextlib.contextmanager
def file_lock(path: str | Path, *, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing) for the block.

    With ``wait`` off a held lock raises :class:`LockHeldError` (exit 3) naming the lock
    file and its holder's pid. The lock file is left in place: deleting it would race.
    """
    lock = Path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = _open_locked(lock, wait=wait)
    if fd is None:
        msg = (
            f"{lock}: another run holds this lock{_lock_holder(lock)}; "
            "wait for it to finish, or choose another output"
        )
        raise LockHeldError(msg, lock_path=lock)
    try:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()} since {stamp}\n".encode())
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target: str | Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temp path beside ``target``; on success fsync it and rename it over ``target``.

    The file gets ``mode`` (e.g. 0o600 for keys) before any data lands, else the umask default.
    """
    final = Path(target)
    with _environment_errors(final):
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
        os.close(fd)
    tmp = Path(tmp_name)
    try:
        with _environment_errors(final, only_environment=True):
            tmp.chmod(DEFAULT_FILE_MODE if mode is None else mode)
            yield tmp
            with tmp.open("rb+") as handle:
                os.fsync(handle.fileno())
            tmp.replace(final)
            fsync_folder(final.parent)
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


def _lock_file_of(temp_dir: Path) -> Path:
    """The lock file that marks a temp folder as in use by a live run."""
    return temp_dir.with_name(f"{temp_dir.name}.lock")


def _locked_temp_dir(final: Path) -> tuple[Path, int]:
    """Create a temp folder beside ``final`` whose lock file this process holds.

    The lock file is created and locked before the folder exists, so a cleaner never
    sees the folder unlocked while its creator is alive.
    """
    while True:
        fd, lock_name = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=".tmp.lock", dir=final.parent
        )
        os.close(fd)
        lock = Path(lock_name)
        locked = _open_locked(lock, wait=False)
        if locked is None:
            continue
        tmp = lock.with_name(lock.name.removesuffix(".lock"))
        try:
            tmp.mkdir(mode=0o700)
        except FileExistsError:
            os.close(locked)
            continue
        return tmp, locked


def _remove_if_unlocked(lock: Path, temp_dir: Path | None) -> bool:
    """Remove a temp folder and its lock file when no live run holds the lock."""
    fd = _open_locked(lock, wait=False) if lock.exists() or temp_dir is None else None
    if lock.exists() and fd is None:
        return False
    try:
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            lock.unlink()
    finally:
        if fd is not None:
            os.close(fd)
    return True


def remove_stale_temp_dirs(target: str | Path) -> list[Path]:
    """Remove the temp folders a killed ``atomic_directory(target)`` left beside ``target``.

    Only folders named as ``atomic_directory`` names them for this target are candidates,
    and one whose lock file a live run holds is left alone. Returns the folders removed.
    """
    final = Path(target)
    pattern = _temp_dir_pattern(final)
    if not final.parent.is_dir():
        return []
    removed = []
    for candidate in sorted(final.parent.iterdir()):
        name = candidate.name
        if pattern.fullmatch(name) and candidate.is_dir():
            if _remove_if_unlocked(_lock_file_of(candidate), candidate):
                removed.append(candidate)
        elif (
            name.endswith(".lock")
            and pattern.fullmatch(name.removesuffix(".lock"))
            and not candidate.with_name(name.removesuffix(".lock")).exists()
        ):
            _remove_if_unlocked(candidate, None)
    return removed


@contextlib.contextmanager
def atomic_directory(target: str | Path) -> Iterator[Path]:
    """Yield a temp folder beside ``target``; on success it replaces ``target`` in one rename.

    On error the temp folder is removed and any previous ``target`` is left untouched.
    Temp folders a killed earlier run left for the same target are removed first; the
    temp folder's lock file is held while in use, so a concurrent run's folder is never taken.
    """
    final = Path(target)
    with _environment_errors(final):
        final.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_dirs(final)
        tmp, lock = _locked_temp_dir(final)
    try:
        with _environment_errors(final, only_environment=True):
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
        fsync_folder(final.parent)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        os.close(lock)
        with contextlib.suppress(OSError):
            _lock_file_of(tmp).unlink()


def output_lock_path(target: str | Path) -> Path:
    """The lock file beside an output folder (outside it, so the folder can be renamed whole)."""
    final = Path(target)
    return final.parent / f".{final.name}.lock"


def _check_replaceable(final: Path, owned: Collection[str] | None) -> None:
    """Refuse to replace ``final`` unless it is a folder holding only ``owned`` files."""
    if not final.exists():
        return
    if not final.is_dir():
        msg = f"{final}: exists and is not a folder; choose another --out"
        raise ConfigError(msg)
    if Path.cwd().resolve().is_relative_to(final.resolve()):
        msg = (
            f"{final}: is (or holds) the current folder and cannot be replaced; run from outside it"
        )
        raise ConfigError(msg)
    if owned is None:
        return
    foreign = sorted(p.name for p in final.iterdir() if p.name not in owned)
    if foreign:
        msg = (
            f"{final}: holds {foreign[0]!r}, which an earlier run of this command did not write; "
            "refusing to replace the folder (choose an empty or new --out)"
        )
        raise ConfigError(msg)


@contextlib.contextmanager
def output_directory(target: str | Path, *, owned: Collection[str] | None) -> Iterator[Path]:
    """Build an output folder whole: lock it, yield a temp folder beside it, rename it into place.

    The lock (``.<name>.lock`` beside ``target``, removed when done) is taken at once: a
    second run into the same folder meanwhile raises LockHeldError (exit 3), so two runs
    never mix files.
    An existing ``target`` is replaced whole; it may hold only ``owned`` names (an earlier
    run's outputs; None: anything), else ConfigError and nothing is touched.
    """
    final = Path(target)
    lock = output_lock_path(final)
    with contextlib.ExitStack() as held:
        # A lock the system will not create is reported against the output folder itself.
        with _environment_errors(final):
            held.enter_context(file_lock(lock, wait=False))
        try:
            _check_replaceable(final, owned)
            with atomic_directory(final) as tmp:
                yield tmp
        finally:
            # Safe while held: a run that opened the old file rechecks the path (_open_locked).
            lock.unlink(missing_ok=True)


def _link_or_copy(source: str, destination: str) -> None:
    """Hard-link a file (no bytes copied); copy it where links are not possible."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def link_tree(source: str | Path, destination: str | Path) -> None:
    """Fill ``destination`` with ``source``'s files as hard links (copies where not possible)."""
    shutil.copytree(
        source, destination, symlinks=True, copy_function=_link_or_copy, dirs_exist_ok=True
    )
