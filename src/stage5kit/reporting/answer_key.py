"""The facilitator's answer key: each seed's answers as the exercise notebook checks them.

Each seed's :class:`~stage5kit.reporting.exercise.Exercise` is built from the notebook's
own ``parameters`` cell, its default input files resolved against the notebook's folder as
``stage5kit report run`` resolves them, so the key and the notebook's self-checks cannot
disagree (a key built without the notebook's infra costs once expected another budget state).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from stage5kit.reporting.exercise import COST_TOLERANCE_BPS, Exercise
from stage5kit.reporting.exercise_questions import MESSAGE_QUESTION, QUESTIONS, ROTATION_QUESTION
from stage5kit.reporting.i18n import format_number

TITLE = "Klucz odpowiedzi \N{EN DASH} ćwiczenie Stage5"
ROTATION_KEY = "klucz"
MESSAGE_FACTS = "komunikat"
_HEADERS = {
    1: "dzień zmiany",
    2: "zmiana (pb, ±{tolerance})",
    3: "strategia",
    4: "stan budżetu",
    5: "decyzja",
    ROTATION_QUESTION: "stan rotacji",
}


@dataclass(frozen=True, slots=True)
class SeedAnswers:
    """One seed's key: the answer of each checked question by its variable, the key whose
    rotation state question 6 asks about, and the facts the OEM message (question 7) needs."""

    seed: int
    answers: dict[str, object]
    rotation_key: str
    message_facts: dict[str, str]

    def to_dict(self) -> dict[str, object]:
        """The seed's key for JSON: the notebook's variable names as keys."""
        return {**self.answers, ROTATION_KEY: self.rotation_key, MESSAGE_FACTS: self.message_facts}


def notebook_exercise(
    notebook: str | Path, *, seed: int, parameters: Mapping[str, object] | None = None
) -> Exercise:
    """The exercise the notebook builds for ``seed``: its defaults, ``parameters`` over them.

    ``*_path`` defaults are resolved against the notebook's folder, given ones against the
    working directory, as ``stage5kit report run`` resolves them; a parameter the notebook
    does not declare is a ParameterError naming it.
    """
    from stage5kit.reporting.parameters import coerce_parameters, read_parameters, resolve_paths

    path = Path(notebook).resolve()
    declared = read_parameters(path)
    given = coerce_parameters(
        declared, {**(parameters or {}), "seed": seed}, source="the answer key"
    )
    values = resolve_paths(declared, given, notebook_dir=path.parent, given_dir=Path.cwd())
    # Typed by the notebook's defaults (coerce_parameters checked them), as its cell passes them.
    settings: dict[str, Any] = {
        f.name: values[f.name] for f in fields(Exercise) if f.init and f.name in values
    }
    return Exercise(**settings)


def answer_key(
    notebook: str | Path, seeds: Iterable[int], *, parameters: Mapping[str, object] | None = None
) -> list[SeedAnswers]:
    """Every seed's answers as ``notebook``'s self-checks expect them (see
    :func:`notebook_exercise` for the parameters)."""
    key = []
    for seed in seeds:
        exercise = notebook_exercise(notebook, seed=seed, parameters=parameters)
        key.append(
            SeedAnswers(
                seed=seed,
                answers={
                    q.variable: exercise.expected(q.number)
                    for q in QUESTIONS
                    if q.number != MESSAGE_QUESTION
                },
                rotation_key=exercise.rotation_key(),
                message_facts=exercise.message_facts(),
            )
        )
    return key


def render_answer_key(key: Iterable[SeedAnswers]) -> str:
    """The key as the facilitator prints it, in Polish: a title, a table with the question
    numbers in its header, what question 2 accepts and what question 7 checks per seed."""
    seeds = list(key)
    tolerance = format_number(COST_TOLERANCE_BPS, "pl")
    header = [
        "seed",
        *(f"{number} {title.format(tolerance=tolerance)}" for number, title in _HEADERS.items()),
        f"{ROTATION_KEY} z pyt. {ROTATION_QUESTION}",
    ]
    table = [
        header,
        *(
            [str(s.seed), *(str(value) for value in s.answers.values()), s.rotation_key]
            for s in seeds
        ),
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = [TITLE, ""]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    lines += [
        "",
        "Pyt. 2 uczestnik wpisuje w Pythonie, z kropką dziesiętną (np. 1.55); zalicza wartość "
        f"różniącą się od klucza najwyżej o {tolerance} pb.",
        "Pyt. 7 (komunikat) zalicza tekst, który podaje: dzień zmiany (np. „14 marca 2026” albo "
        "„14.03.2026”), zmianę kosztu w pb (2 miejsca po przecinku, ze znakiem albo bez), "
        "prawdopodobieństwo ujemnego wyniku netto w teście warunków skrajnych (1 miejsce po "
        "przecinku, %) i \N{EN DASH} gdy zmiana jest istotna \N{EN DASH} strategię z pyt. 3:",
        *(f"  seed {s.seed}: " + "; ".join(s.message_facts.values()) for s in seeds),
    ]
    return "\n".join(lines)
