"""record(name, value) writes a schema-versioned results.json where the runner says."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stage5kit.errors import InputError
from stage5kit.reporting.record import REPORT_DIR_ENV, RESULTS_SCHEMA, read_results, record


def test_record_writes_values_into_the_report_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values land in results.json under the schema tag; numpy scalars become plain numbers."""
    monkeypatch.setenv(REPORT_DIR_ENV, str(tmp_path))
    assert record("trades", np.int64(12)) == 12
    record("cost_bps", np.float64(1.25))
    record("venues", ["a", "b"])
    data = json.loads((tmp_path / "results.json").read_text())
    assert data == {
        "schema": RESULTS_SCHEMA,
        "values": {"cost_bps": 1.25, "trades": 12, "venues": ["a", "b"]},
    }
    assert read_results(tmp_path)["trades"] == 12


def test_record_outside_a_report_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the runner's environment variable (e.g. in JupyterLab) no file is written."""
    monkeypatch.delenv(REPORT_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert record("x", 1.5) == 1.5
    assert list(tmp_path.iterdir()) == []


def test_record_refuses_values_that_are_not_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An object that cannot be a KPI is refused with the KPI's name."""
    monkeypatch.setenv(REPORT_DIR_ENV, str(tmp_path))
    with pytest.raises(InputError, match="record\\('frame'"):
        record("frame", object())


def test_non_finite_numbers_are_recorded_as_null(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NaN and infinity are stored as null so results.json stays valid JSON."""
    monkeypatch.setenv(REPORT_DIR_ENV, str(tmp_path))
    record("ratio", float("nan"))
    assert read_results(tmp_path) == {"ratio": None}


def test_polish_text_is_written_as_utf8_not_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """results.json keeps 'Zofia Łęcka' as UTF-8 bytes, with no \\u escape."""
    monkeypatch.setenv(REPORT_DIR_ENV, str(tmp_path))
    record("participant", "Zofia Łęcka")
    raw = (tmp_path / "results.json").read_bytes()
    assert "Zofia Łęcka".encode() in raw
    assert b"\\u" not in raw
    assert read_results(tmp_path)["participant"] == "Zofia Łęcka"
