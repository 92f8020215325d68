"""Appends from several processes never interleave; a SIGKILL never loses an acknowledged entry."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stage5kit.compliance import read_entries, repair_log, verify_log

from .conftest import make_key, ring_of

# Appends COUNT entries one at a time, printing "<worker> <i>" after each append returns
# (that line is the acknowledgement the parent relies on).
APPENDER = """
import sys
from stage5kit.compliance import append_entry
from stage5kit.signing import load_signing_key
path, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
key = load_signing_key("hex:" + "ab" * 32, key_id="k1")
for i in range(count):
    append_entry(path, category="stage5_incident", payload={"worker": worker, "i": i},
                 key=key, actor=f"worker-{worker}")
    print(worker, i, flush=True)
"""


def _start_appender(path: Path, worker: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", APPENDER, str(path), worker, str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )


def _run_concurrently(path: Path, processes: int, per_process: int) -> None:
    appenders = [_start_appender(path, str(n), per_process) for n in range(processes)]
    for appender in appenders:
        out, _ = appender.communicate(timeout=1800)
        assert appender.returncode == 0
        assert len(out.splitlines()) == per_process


def _assert_whole(path: Path, processes: int, per_process: int) -> None:
    result = verify_log(path, keyring=ring_of(make_key("ab", "k1")))
    assert result.ok, result.summary()
    assert result.entries_checked == processes * per_process
    seen = {(e.payload["worker"], e.payload["i"]) for e in read_entries(path)}
    assert seen == {(str(w), i) for w in range(processes) for i in range(per_process)}


def test_four_processes_append_without_breaking_the_chain(tmp_path: Path) -> None:
    """4 processes x 150 concurrent appends give 600 entries in one chain that verifies."""
    path = tmp_path / "runtime.jsonl"
    _run_concurrently(path, 4, 150)
    _assert_whole(path, 4, 150)


@pytest.mark.slow
def test_four_processes_append_5000_each(tmp_path: Path) -> None:
    """The issue's size: 4 processes x 5k concurrent appends → 20k entries that verify."""
    path = tmp_path / "runtime.jsonl"
    _run_concurrently(path, 4, 5000)
    _assert_whole(path, 4, 5000)


def _acknowledged(out: str) -> set[tuple[str, int]]:
    pairs = set()
    for line in out.splitlines():
        worker, _, index = line.partition(" ")
        pairs.add((worker, int(index)))
    return pairs


@pytest.mark.parametrize("rounds", [12])
def test_sigkill_during_appends_never_loses_an_acknowledged_entry(
    tmp_path: Path, rounds: int
) -> None:
    """Killing appenders at random moments leaves at worst a torn line; after repair every
    acknowledged entry is in a log that verifies."""
    path = tmp_path / "runtime.jsonl"
    rng = random.Random(14)  # noqa: S311 - reproducible kill timing, not cryptography
    acknowledged: set[tuple[str, int]] = set()
    for round_number in range(rounds):
        appender = _start_appender(path, f"r{round_number}", 10_000)
        assert appender.stdout is not None
        early = [appender.stdout.readline() for _ in range(rng.randint(1, 30))]
        time.sleep(rng.uniform(0.0, 0.02))
        appender.send_signal(signal.SIGKILL)
        out, _ = appender.communicate(timeout=60)
        assert appender.returncode == -signal.SIGKILL
        acknowledged |= _acknowledged("".join(early) + out)
        repair_log(path)
        result = verify_log(path, keyring=ring_of(make_key("ab", "k1")))
        assert result.ok, result.summary()
    written = {(e.payload["worker"], e.payload["i"]) for e in read_entries(path)}
    assert acknowledged
    assert acknowledged <= written
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
    assert len(leftovers) <= 1, leftovers
