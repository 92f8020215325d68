"""Bounded mutation fuzzing of every input format: exit 0/1/2, no traceback, nothing written on 2.

``STAGE5KIT_FUZZ_EXAMPLES`` sets the examples per target (default 12, a few seconds each);
the long run is ``python -m tests.robustness.fuzzing --inputs 10000`` (docs/robustness.md).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.robustness.fuzzing import TARGETS, Corpus, run_one

EXAMPLES = int(os.environ.get("STAGE5KIT_FUZZ_EXAMPLES", "12"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The valid inputs the mutations start from."""
    return Corpus(Path(tmp_path_factory.mktemp("fuzz-corpus")))


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_mutated_inputs_keep_the_contract(corpus: Corpus, target: str) -> None:
    """Every mutated input ends in exit 0, 1 or 2 with a bounded message and no traceback."""

    @settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(rng=st.randoms(use_true_random=False))
    def check(rng: random.Random) -> None:
        outcome = run_one(target, corpus, rng)
        assert outcome.failure == "", outcome.failure

    check()
