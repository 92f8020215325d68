"""Observability tests: a bundle key, the real promtool, crafted trade logs."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stage5kit.signing import SigningKey, generate_keypair, load_signing_key


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding an Ed25519 key pair ``ops.key`` / ``ops.pub``."""
    folder = tmp_path_factory.mktemp("keys")
    generate_keypair(algorithm="ed25519", key_id="ops", out_dir=folder)
    return folder


@pytest.fixture(scope="session")
def signing_key(key_dir: Path) -> SigningKey:
    """The Ed25519 key bundles are signed with in these tests."""
    return load_signing_key(f"file:{key_dir / 'ops.key'}")


@pytest.fixture(scope="session")
def promtool() -> str:
    """The real promtool; the test is skipped, saying how to get it, when it is not installed."""
    found = shutil.which("promtool")
    if found is None:
        pytest.skip(
            "promtool not found on PATH: install Debian's 'prometheus' package"
            " (make system-deps does it where apt-get runs as root)"
        )
    return found


def make_trades(
    start: str, end: str, *, every: str = "10s", slow: tuple[str, str] | None = None
) -> pd.DataFrame:
    """A validated-shape trade log: one momentum trade every ``every``, 5 ms latency,
    500 ms between the ``slow`` times; costs of about 1 bps (under any limit used here)."""
    stamps = pd.date_range(start, end, freq=every, tz="UTC")
    latency = np.full(len(stamps), 5.0)
    if slow is not None:
        inside = (stamps >= pd.Timestamp(slow[0], tz="UTC")) & (
            stamps < pd.Timestamp(slow[1], tz="UTC")
        )
        latency[inside] = 500.0
    return pd.DataFrame(
        {
            "timestamp": stamps,
            "trade_id": np.arange(1, len(stamps) + 1),
            "strategy": "momentum",
            "venue": "binance",
            "symbol": "BTC-USD",
            "side": "buy",
            "quantity": 1.0,
            "arrival_price": 100.0,
            "fill_price": 100.0,
            "fee": 0.01,
            "decision_latency_ms": latency,
        }
    )
