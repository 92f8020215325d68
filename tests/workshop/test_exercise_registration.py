"""`register_exercise`: a passed, signed exercise becomes a stage5_training entry; else why not."""

from __future__ import annotations

from pathlib import Path

import pytest

from stage5kit.compliance import Workspace, init_workspace, read_entries
from stage5kit.files import sha256_file
from stage5kit.reporting.exercise_registration import (
    ExerciseRegistration,
    NotRegistered,
    register_exercise,
)
from stage5kit.signing import MANIFEST_NAME

PASSED = {
    **{f"check_{n}": True for n in range(1, 8)},
    "checks_passed": 7,
    "participant": "Ewa Wiśniewska",
    "seed": 4,
}


@pytest.fixture(autouse=True)
def no_log_key_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workspace's own key file signs entries, not a variable of the caller's shell."""
    for name in ("STAGE5KIT_DECISION_LOG_KEY", "LIVE_DECISION_LOG_HMAC"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A workspace made by `stage5kit init --with-key`."""
    made, _ = init_workspace(tmp_path / "ws", with_key=True)
    return made


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """A report folder with a manifest (the registered entry records its digest)."""
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / MANIFEST_NAME).write_text('{"files": {}}\n', encoding="utf-8")
    return folder


def test_a_passed_signed_exercise_is_registered_with_its_report(
    workspace: Workspace, report: Path
) -> None:
    """The entry's payload names the participant, seed, checks and the report's manifest."""
    outcome = register_exercise(PASSED, report, signed=True, workspace=workspace)
    entries = read_entries(workspace.decision_log)
    assert [e.seq for e in entries] == [outcome.seq]
    assert outcome.reason is None
    assert entries[0].category == "stage5_training"
    assert entries[0].actor == "Ewa Wiśniewska"
    assert dict(entries[0].payload) == {
        "kind": "exercise",
        "participant": "Ewa Wiśniewska",
        "seed": 4,
        "checks_passed": 7,
        "report": str(report),
        "manifest_sha256": sha256_file(report / MANIFEST_NAME),
    }


@pytest.mark.parametrize(
    ("results", "signed", "reason"),
    [
        ({**PASSED, "check_4": False, "checks_passed": 6}, True, NotRegistered.CHECK_FAILED),
        ({k: v for k, v in PASSED.items() if k != "check_7"}, True, NotRegistered.CHECK_FAILED),
        (PASSED, False, NotRegistered.UNSIGNED),
        ({"participant": "Ewa", "cost_bps": 1.5}, True, NotRegistered.NOT_AN_EXERCISE),
    ],
    ids=["failed-check", "missing-check", "unsigned", "not-an-exercise"],
)
def test_nothing_is_registered_and_the_reason_is_given(
    workspace: Workspace,
    report: Path,
    results: dict[str, object],
    signed: bool,
    reason: NotRegistered,
) -> None:
    """A failed or missing check, an unsigned report or another notebook leave the log alone."""
    outcome = register_exercise(results, report, signed=signed, workspace=workspace)
    assert outcome == ExerciseRegistration(reason=reason)
    assert not workspace.decision_log.exists() or read_entries(workspace.decision_log) == []


def test_outside_a_workspace_nothing_is_registered(tmp_path: Path, report: Path) -> None:
    """A passed exercise with no workspace marker at the root says so and writes no log."""
    nowhere = Workspace(root=tmp_path / "nowhere")
    outcome = register_exercise(PASSED, report, signed=True, workspace=nowhere)
    assert outcome == ExerciseRegistration(reason=NotRegistered.NO_WORKSPACE)
    assert not (tmp_path / "nowhere").exists()
