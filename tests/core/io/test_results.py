"""The one result writer: CSV and JSON bytes that do not depend on the OS or on dict order."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stage5kit.core.io import format_result_json, write_result_csv, write_result_json

ROOT = Path(__file__).resolve().parents[3]


def test_csv_uses_newline_endings_whatever_the_os(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Windows' line separator in force the CSV still ends its lines with a bare \\n."""
    monkeypatch.setattr(os, "linesep", "\r\n")
    frame = pd.DataFrame({"b": [1.5, np.nan], "a": ["x", "y"]})
    data = write_result_csv(frame, tmp_path / "t.csv").read_bytes()
    assert data == b"b,a\n1.5,x\n,y\n"


def test_json_is_sorted_plain_and_ends_with_a_newline(tmp_path: Path) -> None:
    """Keys sorted at every level, numpy scalars plain, NaN/inf/NA null, tuples as lists."""
    document = {
        "z": {"b": np.float64(1.5), "a": np.int64(2)},
        "a": [float("nan"), float("inf"), pd.NA, ("t", 1)],
    }
    data = write_result_json(document, tmp_path / "t.json").read_bytes()
    expected = (
        '{\n  "a": [\n    null,\n    null,\n    null,\n    [\n      "t",\n      1\n    ]\n  ],\n'
    )
    assert data.decode("utf-8").startswith(expected)
    assert data.endswith(b'"z": {\n    "a": 2,\n    "b": 1.5\n  }\n}\n')
    assert b"\r" not in data
    assert data.decode("utf-8") == format_result_json(document)


def test_insertion_order_does_not_change_the_bytes() -> None:
    """Two documents equal up to key order give the same JSON text."""
    first = {"a": 1, "b": {"c": 2, "d": 3}}
    second = {"b": {"d": 3, "c": 2}, "a": 1}
    assert format_result_json(first) == format_result_json(second)


@pytest.mark.parametrize(
    "summary", ["tco/tco_summary.json", "stress/stress_summary.json"], ids=["tco", "stress"]
)
def test_committed_summaries_are_in_the_writers_format(summary: str) -> None:
    """Both committed sample summaries are exactly what the one writer makes of them."""
    text = (ROOT / "sample_artifacts" / summary).read_text(encoding="utf-8")
    assert text == format_result_json(json.loads(text))
