"""Start a notebook kernel confined: parent-death signal, Landlock file allow-list, then exec.

The kernel is launched as ``python -I kernel_launch.py --parent PID [--read P] [--write P]
[--landlock] -- <kernel argv>``. Before it execs the kernel this wrapper asks Linux to kill
it when its parent dies (kernels start in their own session, so nothing else would stop
them) and, with ``--landlock``, confines it with Landlock to the folders a report needs,
so a key file kept anywhere else cannot be opened and no process outside the sandbox can
be traced (``/proc/<pid>/environ`` and ``mem`` of every ancestor are refused).

The module imports only the standard library: it runs as a script before the kernel, and
its helpers (:func:`set_parent_death_signal`, :func:`make_non_dumpable`,
:func:`landlock_abi`) are used by the signing process and batch workers as well. Every
helper is a no-op returning False where the OS lacks the feature (macOS, Windows, old
Linux kernels).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_PR_SET_NO_NEW_PRIVS = 38
# Landlock syscall numbers are the same on every Linux architecture (unified table).
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

_EXECUTE = 1 << 0
_WRITE_FILE = 1 << 1
_READ_FILE = 1 << 2
_READ_DIR = 1 << 3
_TRUNCATE = 1 << 14
_IOCTL_DEV = 1 << 15
# Filesystem rights each Landlock ABI version handles (ABI 1: bits 0-12, 2: REFER, 3:
# TRUNCATE, 5: IOCTL_DEV; 4, 6 and 7 added network, scopes and logging, not file rights).
_ABI_FS_BITS = {1: 13, 2: 14, 3: 15, 4: 15, 5: 16}
_FILE_ONLY_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | _IOCTL_DEV
_READ_RIGHTS = _EXECUTE | _READ_FILE | _READ_DIR

# What the Python kernel and the OS libraries it loads read outside the Python environment.
SYSTEM_READ_PATHS = (
    "/usr",
    "/lib",
    "/lib32",
    "/lib64",
    "/bin",
    "/sbin",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/hosts",
    "/etc/host.conf",
    "/etc/resolv.conf",
    "/etc/gai.conf",
    "/etc/mime.types",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/fonts",
    "/etc/os-release",
    "/etc/jupyter",
    "/etc/ipython",
    "/etc/machine-id",
    "/dev/urandom",
    "/dev/random",
    "/dev/zero",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/loadavg",
    "/proc/filesystems",
    "/sys/devices/system/cpu",
    "/sys/fs/cgroup",
)
# /dev/shm: POSIX shared memory and semaphores (multiprocessing), not a temp folder for files.
SYSTEM_WRITE_PATHS = ("/dev/null", "/dev/full", "/dev/shm", "/dev/tty", "/dev/pts")  # noqa: S108


class _RulesetAttr(ctypes.Structure):
    _fields_ = (("handled_access_fs", ctypes.c_uint64),)


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _prctl(option: int, value: int) -> bool:
    libc = _libc()
    return libc is not None and libc.prctl(option, value, 0, 0, 0) == 0


def set_parent_death_signal(signum: int = signal.SIGKILL) -> bool:
    """Have Linux send ``signum`` to this process when the thread that started it exits."""
    return _prctl(_PR_SET_PDEATHSIG, int(signum))


def make_non_dumpable() -> bool:
    """Forbid same-user, unprivileged processes to read this one's environ and memory."""
    return _prctl(_PR_SET_DUMPABLE, 0)


def landlock_abi() -> int:
    """The Landlock ABI version this kernel offers; 0 when Landlock is unavailable."""
    libc = _libc()
    if libc is None:
        return 0
    version = libc.syscall(
        _SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), _LANDLOCK_CREATE_RULESET_VERSION
    )
    return max(int(version), 0)


def _handled_rights(abi: int) -> int:
    return (1 << _ABI_FS_BITS[min(abi, max(_ABI_FS_BITS))]) - 1


def _add_rule(libc: ctypes.CDLL, ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= _FILE_ONLY_RIGHTS
        rule = _PathBeneathAttr(allowed_access=rights, parent_fd=fd)
        done = libc.syscall(
            _SYS_LANDLOCK_ADD_RULE, ruleset, _LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule), 0
        )
        if done != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"landlock_add_rule({path}): {os.strerror(errno)}")
    finally:
        os.close(fd)


def confine(readable: Iterable[str], writable: Iterable[str]) -> None:
    """Restrict this process and its future children to the given folders (Landlock).

    ``readable`` paths may be read and executed, ``writable`` ones also changed; paths that
    do not exist are skipped. Raises OSError when Landlock is unavailable or refuses.
    """
    libc = _libc()
    abi = landlock_abi()
    if libc is None or abi < 1:
        raise OSError("Landlock is not available on this system")
    handled = _handled_rights(abi)
    attr = _RulesetAttr(handled_access_fs=handled)
    ruleset = libc.syscall(
        _SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)), 0
    )
    if ruleset < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"landlock_create_ruleset: {os.strerror(errno)}")
    try:
        # /proc/self resolves now to this process's own folder, which the kernel keeps
        # after exec (same pid); the folders of other processes stay out of reach.
        for path in (*readable, f"/proc/{os.getpid()}"):
            _add_rule(libc, ruleset, path, _READ_RIGHTS & handled)
        for path in writable:
            _add_rule(libc, ruleset, path, handled)
        if not _prctl(_PR_SET_NO_NEW_PRIVS, 1):
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"landlock_restrict_self: {os.strerror(errno)}")
    finally:
        os.close(ruleset)


def launch_command(
    kernel_argv: Sequence[str],
    *,
    readable: Iterable[str | Path] = (),
    writable: Iterable[str | Path] = (),
    landlock: bool,
) -> list[str]:
    """The command that starts ``kernel_argv`` through this wrapper (with this Python)."""
    command = [sys.executable, "-I", str(Path(__file__).resolve()), "--parent", str(os.getpid())]
    if landlock:
        command.append("--landlock")
        command += [arg for path in readable for arg in ("--read", str(path))]
        command += [arg for path in writable for arg in ("--write", str(path))]
    return [*command, "--", *kernel_argv]


def main(argv: Sequence[str] | None = None) -> None:
    """Set the parent-death signal, confine with Landlock when asked, then exec the kernel."""
    parser = argparse.ArgumentParser(prog="kernel_launch")
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--landlock", action="store_true")
    parser.add_argument("--read", action="append", default=[])
    parser.add_argument("--write", action="append", default=[])
    parser.add_argument("command", nargs="+")
    options = parser.parse_args(argv)
    set_parent_death_signal()
    if os.getppid() != options.parent:
        sys.exit("kernel_launch: the process that started the kernel is gone")
    if options.landlock:
        try:
            confine([*SYSTEM_READ_PATHS, *options.read], [*SYSTEM_WRITE_PATHS, *options.write])
        except OSError as error:
            sys.exit(f"kernel_launch: cannot confine the kernel: {error}")
    os.execv(options.command[0], options.command)  # noqa: S606 - the kernel argv, no shell


if __name__ == "__main__":
    main()
