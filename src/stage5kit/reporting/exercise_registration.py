"""A passed workshop exercise as a ``stage5_training`` entry in the workspace's decision log.

``report run`` of the exercise notebook (and ``workshop demo``) registers the signed report
only when every self-check passed; otherwise the outcome says why nothing was registered,
so the command can tell the participant.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from stage5kit.compliance import Workspace


class NotRegistered(StrEnum):
    """Why a report was not registered as a passed exercise."""

    NOT_AN_EXERCISE = "not_an_exercise"
    CHECK_FAILED = "check_failed"
    UNSIGNED = "unsigned"
    NO_WORKSPACE = "no_workspace"


@dataclass(frozen=True, slots=True)
class ExerciseRegistration:
    """The outcome: the ``stage5_training`` entry's seq, or why nothing was registered."""

    seq: int | None = None
    reason: NotRegistered | None = None


def register_exercise(
    results: Mapping[str, object], folder: Path, *, signed: bool, workspace: Workspace
) -> ExerciseRegistration:
    """Append a ``stage5_training`` entry for a signed report whose every self-check passed.

    A report without self-checks is not an exercise; a failed check, an unsigned report or
    a folder outside any workspace registers nothing and says so in ``reason``.
    """
    from stage5kit.compliance import append_entry, load_log_key
    from stage5kit.compliance.training import TRAINING_CATEGORY
    from stage5kit.files import sha256_file
    from stage5kit.reporting.exercise import CHECK_PREFIX, all_checks_passed
    from stage5kit.signing import MANIFEST_NAME

    if not any(name.startswith(CHECK_PREFIX) for name in results):
        return ExerciseRegistration(reason=NotRegistered.NOT_AN_EXERCISE)
    if not all_checks_passed(results):
        return ExerciseRegistration(reason=NotRegistered.CHECK_FAILED)
    if not signed:
        return ExerciseRegistration(reason=NotRegistered.UNSIGNED)
    if not workspace.marker.is_file():
        return ExerciseRegistration(reason=NotRegistered.NO_WORKSPACE)
    participant = str(results.get("participant", ""))
    entry = append_entry(
        workspace.decision_log,
        category=TRAINING_CATEGORY,
        payload={
            "kind": "exercise",
            "participant": participant,
            "seed": results.get("seed"),
            "checks_passed": results.get("checks_passed"),
            "report": str(folder),
            "manifest_sha256": sha256_file(folder / MANIFEST_NAME),
        },
        key=load_log_key(None, default_key_file=workspace.decision_log_key),
        actor=participant or "participant",
    )
    return ExerciseRegistration(seq=entry.seq)
