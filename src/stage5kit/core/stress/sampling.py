"""The random draws of a stress simulation: block-bootstrap day indices and per-day binomials.

Both are vectorised over a chunk of paths. Seeds are derived per fixed-size chunk of
paths (and per scenario name for the spike draws), so results never depend on how many
workers share the chunks or on which other scenarios run alongside.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

BlockKind = Literal["stationary", "circular"]
BLOCK_KINDS: tuple[BlockKind, ...] = ("stationary", "circular")
_INDEX_STREAM = 0
_SPIKE_STREAM = 1
_TAIL_SD = 12.0
_GUIDE_SIZE = 2048


def chunk_generator(seed: int, chunk: int, *, scenario: str | None = None) -> np.random.Generator:
    """Return the generator for one chunk of paths: day indices, or one scenario's spikes."""
    if scenario is None:
        key: tuple[int, ...] = (chunk, _INDEX_STREAM)
    else:
        digest = hashlib.sha256(scenario.encode("utf-8")).digest()
        key = (chunk, _SPIKE_STREAM, int.from_bytes(digest[:4], "big"))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def bootstrap_day_indices(
    rng: np.random.Generator,
    *,
    paths: int,
    days: int,
    history_days: int,
    block: BlockKind,
    block_length: float,
) -> np.ndarray:
    """Return (paths, days) indices into the history, drawn in blocks of consecutive days.

    ``stationary``: block lengths are geometric with mean ``block_length`` (Politis and
    Romano); ``circular``: blocks of exactly ``round(block_length)`` days. Both wrap around
    the end of the history, so every historical day is drawn equally often on average.
    """
    position = np.arange(days)
    if block == "circular":
        length = max(1, round(block_length))
        blocks = -(-days // length)
        starts = rng.integers(0, history_days, size=(paths, blocks))
        offsets = position % length
        return (np.repeat(starts, length, axis=1)[:, :days] + offsets) % history_days
    starts = rng.integers(0, history_days, size=(paths, days))
    new_block = rng.random((paths, days)) < 1.0 / max(block_length, 1.0)
    new_block[:, 0] = True
    block_start = np.maximum.accumulate(np.where(new_block, position, 0), axis=1)
    first_day = np.take_along_axis(starts, block_start, axis=1)
    indices: np.ndarray = (first_day + (position - block_start)) % history_days
    return indices


@dataclass(frozen=True, slots=True, kw_only=True)
class BinomialTable:
    """Inverse-CDF tables of Binomial(n, p) for each distinct per-day trade count n."""

    flat: np.ndarray
    offsets: np.ndarray
    lowest: np.ndarray
    largest: np.ndarray
    group_of_day: np.ndarray
    guide: np.ndarray


def build_binomial_table(trials: np.ndarray, prob: float) -> BinomialTable:
    """Tabulate the CDF of Binomial(trials[h], prob) for every day h, for inverse sampling.

    The table for group g holds ``g + cdf(k)`` for k within 12 standard deviations (+20)
    of the mean (the mass outside is below 1e-30), so one ``searchsorted`` over all groups
    draws every (path, day) at once. A guide table (Chen and Asau) of the inverse CDF on a
    grid of uniforms answers most draws with one lookup; only the rest are searched.
    """
    counts, group_of_day = np.unique(trials, return_inverse=True)
    pieces: list[np.ndarray] = []
    lowest = np.empty(len(counts), dtype=np.int64)
    largest = np.empty(len(counts), dtype=np.int64)
    for group, n in enumerate(counts.tolist()):
        low, cdf = _binomial_cdf(int(n), prob)
        lowest[group] = low
        largest[group] = len(cdf) - 1
        pieces.append(group + cdf)
    sizes = np.array([len(p) for p in pieces], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    flat = np.concatenate(pieces)
    grid = np.arange(_GUIDE_SIZE + 1) / _GUIDE_SIZE
    groups = np.arange(len(counts))[:, None]
    guide = np.searchsorted(flat, groups + grid[None, :], side="right") - offsets[:, None]
    return BinomialTable(
        flat=flat,
        guide=guide.ravel(),
        offsets=offsets,
        lowest=lowest,
        largest=largest,
        group_of_day=group_of_day.astype(np.int64),
    )


def draw_binomial(
    rng: np.random.Generator, table: BinomialTable, day_indices: np.ndarray
) -> np.ndarray:
    """Draw one Binomial(n_day, p) count per entry of ``day_indices`` by CDF inversion."""
    group = table.group_of_day[day_indices]
    uniform = rng.random(day_indices.shape)
    cell = group * (_GUIDE_SIZE + 1) + (uniform * _GUIDE_SIZE).astype(np.int64)
    step = table.guide[cell]
    unsure = np.flatnonzero(step != table.guide[cell + 1])
    unsure_group = group.ravel()[unsure]
    position = np.searchsorted(table.flat, unsure_group + uniform.ravel()[unsure], side="right")
    step.ravel()[unsure] = position - table.offsets[unsure_group]
    drawn: np.ndarray = table.lowest[group] + np.minimum(step, table.largest[group])
    return drawn


def _binomial_cdf(n: int, prob: float) -> tuple[int, np.ndarray]:
    """Return (k_low, CDF at k_low..k_high) of Binomial(n, prob), computed in log space."""
    if n == 0 or prob <= 0.0:
        return 0, np.ones(1)
    if prob >= 1.0:
        return n, np.ones(1)
    mean = n * prob
    spread = _TAIL_SD * math.sqrt(mean * (1.0 - prob)) + 20.0
    low = max(0, math.floor(mean - spread))
    high = min(n, math.ceil(mean + spread))
    k = np.arange(low + 1, high + 1, dtype=np.float64)
    steps = np.log((n - k + 1.0) / k) + math.log(prob / (1.0 - prob))
    first = (
        math.lgamma(n + 1)
        - math.lgamma(low + 1)
        - math.lgamma(n - low + 1)
        + low * math.log(prob)
        + (n - low) * math.log1p(-prob)
    )
    cdf = np.minimum(np.cumsum(np.exp(first + np.concatenate([[0.0], np.cumsum(steps)]))), 1.0)
    if high == n:
        cdf[-1] = 1.0
    return low, cdf
