"""Throughput of the kit's sign_file (HMAC and Ed25519) beside `sha256sum` on the same file.

Signing a file is hashing it (streaming sha256) plus one tiny signature, so the target is
>= 90% of sha256sum's throughput. Usage: ``python benchmarks/signing.py [--size-mib N]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from stage5kit.files import HASH_CHUNK_BYTES, sha256_file
from stage5kit.signing import generate_keypair, load_signing_key, sign_file

REPEATS = 3
TARGET_RATIO = 0.90
MIB = 1 << 20


def write_sample(path: Path, size_mib: int) -> None:
    """Write ``size_mib`` MiB of incompressible bytes (one random MiB repeated)."""
    block = os.urandom(MIB)
    with path.open("wb") as handle:
        for _ in range(size_mib):
            handle.write(block)


def best_seconds(action: Callable[[], object]) -> float:
    """Return the fastest of REPEATS wall-clock timings of ``action``."""
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def run_sha256sum(path: Path) -> str:
    """Hash ``path`` with coreutils sha256sum and return the hex digest."""
    out = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True, text=True)
    return out.stdout.split()[0]


def main() -> None:
    """Time sha256sum, the kit's hash and sign_file for both algorithms; print MiB/s and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="file size in MiB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stage5kit-bench-") as tmp:
        folder = Path(tmp)
        sample = folder / "sample.bin"
        write_sample(sample, args.size_mib)
        assert run_sha256sum(sample) == sha256_file(sample)
        keys = {
            algorithm: load_signing_key(
                str(
                    generate_keypair(
                        algorithm=algorithm, key_id=algorithm, out_dir=folder
                    ).private_key_path
                )
            )
            for algorithm in ("hmac", "ed25519")
        }
        rows = [
            ("sha256sum (reference)", best_seconds(lambda: run_sha256sum(sample))),
            ("stage5kit sha256_file", best_seconds(lambda: sha256_file(sample))),
            ("stage5kit sign_file hmac", best_seconds(lambda: sign_file(sample, keys["hmac"]))),
            (
                "stage5kit sign_file ed25519",
                best_seconds(lambda: sign_file(sample, keys["ed25519"])),
            ),
        ]
    reference = args.size_mib / rows[0][1]
    print(f"file: {args.size_mib} MiB, best of {REPEATS}, chunk {HASH_CHUNK_BYTES // 1024} KiB")
    print(f"{'what':<30} {'seconds':>9} {'MiB/s':>9} {'vs sha256sum':>13}")
    for name, seconds in rows:
        speed = args.size_mib / seconds
        print(f"{name:<30} {seconds:>9.3f} {speed:>9.1f} {speed / reference:>12.0%}")
    worst = min(args.size_mib / seconds for _, seconds in rows[2:]) / reference
    verdict = "meets" if worst >= TARGET_RATIO else "misses"
    print(f"slowest sign_file is {worst:.0%} of sha256sum: {verdict} the {TARGET_RATIO:.0%} target")


if __name__ == "__main__":
    main()
