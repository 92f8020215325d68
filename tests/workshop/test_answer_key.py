"""The facilitator's answer key agrees with the exercise notebook run with its defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stage5kit.reporting import run_report
from stage5kit.reporting.answer_key import answer_key, notebook_exercise, render_answer_key
from stage5kit.reporting.exercise_questions import MESSAGE_QUESTION, QUESTIONS
from stage5kit.reporting.workshop_build import build_workshop

SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / "workshop_exercise.ipynb"
CHECKED = [q for q in QUESTIONS if q.number != MESSAGE_QUESTION]


def _plain(text: str) -> str:
    return text.replace("\N{NO-BREAK SPACE}", " ").replace("\N{NARROW NO-BREAK SPACE}", " ")


@pytest.mark.parametrize("seed", [3, 7, 11])
def test_every_answer_of_the_key_passes_the_notebooks_self_checks(seed: int) -> None:
    """Seeds 7 and 11 once had `critical` in the key and `over` in the notebook: now each
    answer, and a message made of the key's facts, passes the checks of the exercise the
    notebook builds from its own defaults (infra costs, budget and key registry included)."""
    (key,) = answer_key(SOURCE, [seed])
    exercise = notebook_exercise(SOURCE, seed=seed)
    assert exercise.infra_costs_path.endswith("infra_costs.csv")
    assert Path(exercise.rotation_registry_path).is_file()
    for question in CHECKED:
        exercise.sprawdz(question.number, key.answers[question.variable])
        assert exercise.verdicts[question.number].passed, exercise.verdicts[question.number]
    exercise.sprawdz(MESSAGE_QUESTION, " ".join(key.message_facts.values()))
    assert exercise.verdicts[MESSAGE_QUESTION].passed
    assert key.rotation_key == exercise.rotation_key()


def test_given_parameters_override_the_notebooks_defaults() -> None:
    """A smaller log (as `--rows`/`--days` give) changes the key; an unknown name is refused."""
    from stage5kit.errors import ParameterError

    small = notebook_exercise(SOURCE, seed=4, parameters={"rows": 2000, "days": 60})
    assert (small.rows, small.days, small.paths) == (2000, 60, 1000)
    with pytest.raises(ParameterError, match="colour"):
        notebook_exercise(SOURCE, seed=4, parameters={"colour": "red"})


def test_printed_key_has_a_title_numbered_columns_and_notes() -> None:
    """The printed key is Polish: a title, question numbers in the header, what 2 and 7 take."""
    key = answer_key(SOURCE, [7], parameters={"rows": 3000, "days": 60, "paths": 50})
    text = render_answer_key(key)
    lines = text.splitlines()
    assert lines[0] == "Klucz odpowiedzi \N{EN DASH} ćwiczenie Stage5"
    header = lines[2]
    for label in (
        "1 dzień zmiany",
        "2 zmiana (pb, ±0,05)",
        "3 strategia",
        "4 stan budżetu",
        "5 decyzja",
        "6 stan rotacji",
        "klucz z pyt. 6",
    ):
        assert label in header
    assert lines[3].split()[:7] == [
        "7",
        *(str(key[0].answers[q.variable]) for q in CHECKED),
    ]
    assert "z kropką dziesiętną (np. 1.55)" in text
    assert "Pyt. 7" in text
    assert all(_plain(fact) in _plain(text) for fact in key[0].message_facts.values())


@pytest.mark.slow
def test_key_equals_the_answers_the_facilitator_notebook_computes(tmp_path: Path) -> None:
    """The facilitator notebook, run by `report run` for seed 7 with its defaults, passes
    every check, and its own answer variables are the key's (from it and from the source)."""
    built = build_workshop(SOURCE, tmp_path / "ws")
    document = json.loads(built.facilitator.read_text(encoding="utf-8"))
    names = [q.variable for q in QUESTIONS]
    document["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "answerkeytest",
            "metadata": {},
            "outputs": [],
            "source": f"for _name in {names!r} + ['klucz']:\n"
            "    record(f'answer_{_name}', globals()[_name])\n",
        }
    )
    built.facilitator.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = run_report(built.facilitator, parameters={"seed": 7}, out_dir=tmp_path / "report")
    recorded = result.results
    assert all(recorded[f"check_{q.number}"] is True for q in QUESTIONS)
    for notebook in (built.facilitator, SOURCE):
        (key,) = answer_key(notebook, [7])
        for question in CHECKED:
            assert key.answers[question.variable] == recorded[f"answer_{question.variable}"]
        assert key.rotation_key == recorded["answer_klucz"]
        message = _plain(str(recorded["answer_komunikat"]))
        assert all(_plain(fact) in message for fact in key.message_facts.values())
