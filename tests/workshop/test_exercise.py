"""Workshop self-checks: right answers pass, wrong ones get a Polish hint without the answer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from stage5kit.errors import InputError
from stage5kit.reporting import Exercise, all_checks_passed
from stage5kit.reporting.exercise import BUDGET_STATUSES, DECISIONS, ROTATION_STATES
from stage5kit.reporting.exercise_questions import QUESTIONS
from stage5kit.reporting.labels import column_label
from stage5kit.reporting.workshop_build import ANSWER_MARKER, build_notebooks, build_workshop

SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / "workshop_exercise.ipynb"


@pytest.fixture(scope="module")
def exercise() -> Exercise:
    return Exercise(seed=3, rows=3000, days=60, paths=50, stress_days=5)


def _passes(exercise: Exercise, number: int, answer: object) -> bool:
    """Check ``answer`` as the notebook does and return the recorded verdict."""
    exercise.sprawdz(number, answer)
    return exercise.verdicts[number].passed


@pytest.mark.parametrize("number", [1, 3, 4, 5, 6])
def test_right_answer_passes(exercise: Exercise, number: int) -> None:
    assert _passes(exercise, number, exercise.expected(number))
    assert exercise.verdicts[number].text.startswith("✓")


def test_sprawdz_returns_nothing_so_the_cell_shows_only_the_verdict(
    exercise: Exercise, capsys: pytest.CaptureFixture[str]
) -> None:
    """A notebook cell ending in sprawdz(...) shows the printed verdict and no stray True."""
    assert exercise.sprawdz(1, exercise.expected(1)) is None
    assert capsys.readouterr().out.startswith("✓ Pytanie 1")


def test_cost_change_within_tolerance_passes(exercise: Exercise) -> None:
    assert _passes(exercise, 2, float(str(exercise.expected(2))) + 0.03)


@pytest.mark.parametrize(
    ("number", "wrong"),
    [
        (1, "2026-01-02"),
        (1, "14 marca"),
        (2, 99.0),
        (2, "dużo"),
        (3, "nie_ma"),
        (4, "zle"),
        (5, "x"),
        (6, "expired"),
    ],
)
def test_wrong_answer_gets_polish_hint_without_the_answer(
    exercise: Exercise, number: int, wrong: object
) -> None:
    assert not _passes(exercise, number, wrong)
    text = exercise.verdicts[number].text
    assert text.startswith("✗")
    assert "Wskazówka:" in text
    if number in (4, 5, 6):  # a choice: every option is listed alike, none singled out
        options = {4: BUDGET_STATUSES, 5: DECISIONS, 6: ROTATION_STATES}[number]
        assert all(option in text for option in options)
    else:
        assert str(exercise.expected(number)) not in text


def test_wrong_strategy_hint_names_no_strategy(exercise: Exercise) -> None:
    others = [s for s in exercise.by_strategy["strategy"] if s != exercise.expected(3)]
    exercise.sprawdz(3, others[0])
    text = exercise.verdicts[3].text
    assert all(name not in text for name in exercise.by_strategy["strategy"] if name != others[0])


def test_message_without_stress_risk_names_what_is_missing(exercise: Exercise) -> None:
    facts = exercise.message_facts()
    partial = " ".join(v for k, v in facts.items() if "ujemnego" not in k)
    assert not _passes(exercise, 7, partial)
    text = exercise.verdicts[7].text
    assert "ujemnego wyniku netto" in text
    assert _passes(exercise, 7, " ".join(facts.values()))


def test_message_typed_with_plain_spaces_passes(exercise: Exercise) -> None:
    """Numbers typed with an ordinary space pass like the no-break space of the draft."""
    typed = " ".join(
        facts.replace("\N{NO-BREAK SPACE}", " ") for facts in exercise.message_facts().values()
    )
    assert _passes(exercise, 7, typed)


def test_wrong_rotation_state_verdict_does_not_depend_on_the_right_state() -> None:
    """A wrong state gets the same words whatever the right one is: nothing leaks the answer."""
    texts = {}
    for seed in range(6):
        exercise = Exercise(seed=seed)
        right = str(exercise.expected(6))
        wrong = next(state for state in ROTATION_STATES if state != right)
        assert not _passes(exercise, 6, wrong)
        texts[right, wrong] = exercise.verdicts[6].text
        assert "Wskazówka:" in texts[right, wrong]
        entry = next(
            e for e in exercise.rotation.entries if e.record.key_id == exercise.rotation_key()
        )
        assert entry.due_date.isoformat() not in texts[right, wrong]
    assert len(set(texts.values())) == 1


def test_rotation_question_follows_the_seed_over_every_state() -> None:
    """Across seeds the asked key's expected state covers ok, due and overdue."""
    states = {Exercise(seed=seed).expected(6) for seed in range(6)}
    assert states == set(ROTATION_STATES)


def test_rotation_table_hides_the_state() -> None:
    """The table the participant reads has the dates but not the answer column."""
    table = Exercise(seed=1).rotation_table()
    assert "state" not in table.columns
    assert {"window_opens", "due_date", "age_days"} <= set(table.columns)


def test_hints_name_table_columns_as_the_polish_tables_show_them() -> None:
    """A hint points at a column by its Polish header, never by the data file's identifier."""
    hints = {question.number: question.hint for question in QUESTIONS}
    assert f"„{column_label('cost_bps_change', 'pl')}”" in hints[3]
    assert f"„{column_label('status', 'pl')}”" in hints[4]
    assert "cost_bps_change" not in hints[3]
    assert "budget_status" not in hints[4]


def test_unanswered_question_says_so(exercise: Exercise) -> None:
    assert not _passes(exercise, 1, ...)
    assert "brak odpowiedzi" in exercise.verdicts[1].text


def test_unknown_question_is_an_input_error(exercise: Exercise) -> None:
    with pytest.raises(InputError, match="questions 1-7"):
        exercise.sprawdz(9, "x")


def test_all_checks_passed_needs_every_check_true() -> None:
    full = {f"check_{n}": True for n in range(1, 8)}
    assert all_checks_passed(full)
    assert not all_checks_passed({**full, "check_4": False})
    assert not all_checks_passed({k: v for k, v in full.items() if k != "check_7"})


def test_build_blanks_answers_for_participant_and_keeps_solutions(tmp_path: Path) -> None:
    built = build_workshop(SOURCE, tmp_path)
    participant = built.participant.read_text(encoding="utf-8")
    facilitator = built.facilitator.read_text(encoding="utf-8")
    assert ANSWER_MARKER not in participant
    assert ANSWER_MARKER not in facilitator
    assert "dzien_zmiany = ...  # Twoja odpowiedź" in participant
    assert "dzien_zmiany = shift.day" in facilitator
    assert "dzien_zmiany = shift.day" not in participant
    assert (built.data / "budget.yaml").is_file()
    assert (built.data / "key_rotation.json").is_file()
    assert "dane/key_rotation.json" in participant
    assert "../sample_artifacts" not in participant


def test_source_without_answer_cells_is_rejected() -> None:
    notebook = {"cells": [{"cell_type": "code", "source": "x = 1\n", "metadata": {}}]}
    with pytest.raises(InputError, match="no answer cells"):
        build_notebooks(notebook, where="nb.ipynb")


@pytest.mark.parametrize(
    "document",
    [[1], "notebook", {"cells": "x"}, {"cells": [1]}, {"cells": [{"source": "x = 1"}]}],
)
def test_source_that_is_not_a_notebook_is_an_input_error(document: object) -> None:
    """Valid JSON of another shape (a list, cells without cell_type) is named, not a crash."""
    with pytest.raises(InputError, match="not a notebook"):
        build_notebooks(document, where="nb.ipynb")


def test_answer_cell_must_assign_a_name() -> None:
    cell = {"cell_type": "code", "source": f"print(1)  {ANSWER_MARKER}\n", "metadata": {}}
    with pytest.raises(InputError, match="cell 1"):
        build_notebooks({"cells": [cell]}, where="nb.ipynb")


def _kit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stage5kit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.mark.slow
def test_participant_journey_registers_only_a_passed_exercise(tmp_path: Path) -> None:
    assert _kit("workshop", "build", "--out", "ws", cwd=tmp_path).returncode == 0
    assert _kit("init", "ws", "--with-key", cwd=tmp_path).returncode == 0
    keys = _kit(
        "keys", "generate", "--algorithm", "ed25519", "--key-id", "w", "--out", "k", cwd=tmp_path
    )
    assert keys.returncode == 0
    common = ["-p", "participant", "Ewa Wiśniewska", "-p", "seed", "4", "-p", "paths", "100"]
    common += ["--root", "ws", "--key", "file:k/w.key"]
    blank = _kit(
        "report",
        "run",
        "ws/cwiczenie_uczestnik.ipynb",
        *common,
        "--out",
        "ws/u",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert blank.returncode == 0, blank.stderr
    results = json.loads(blank.stdout)["results"]
    assert results["check_1"] is False
    assert results["checks_passed"] == 0
    assert "nothing registered" in blank.stderr
    solved = _kit(
        "report", "run", "ws/cwiczenie_prowadzacy.ipynb", *common, "--out", "ws/p", cwd=tmp_path
    )
    assert solved.returncode == 0, solved.stderr
    assert "exercise registered" in solved.stderr
    assert _kit("verify", "ws/p", "--public-key", "k/w.pub", cwd=tmp_path).returncode == 0
    assert _kit("decision-log", "verify", "--root", "ws", cwd=tmp_path).returncode == 0
    shown = _kit("decision-log", "show", "--root", "ws", "--format", "json", cwd=tmp_path)
    entries = [e for e in json.loads(shown.stdout) if e["category"] == "stage5_training"]
    assert len(entries) == 1
    assert entries[0]["payload"]["participant"] == "Ewa Wiśniewska"
    assert entries[0]["payload"]["kind"] == "exercise"


def test_signing_command_registers_in_the_participants_workspace() -> None:
    """The printed command names the workspace (without --root nothing is registered) and the
    participant notebook where `make lab` builds it."""
    from stage5kit.reporting.workshop_build import PARTICIPANT_NOTEBOOK

    source = SOURCE.read_text(encoding="utf-8")
    makefile = (SOURCE.parents[1] / "Makefile").read_text(encoding="utf-8")
    assert "LAB_DIR := out/lab" in makefile
    assert f"stage5kit report run out/lab/{PARTICIPANT_NOTEBOOK}" in source
    assert "--root moje" in source
    assert "--root moje --out moje/cwiczenie-11" in (
        SOURCE.parents[1] / "workshop" / "cwiczenie.md"
    ).read_text(encoding="utf-8")


def test_budget_answer_counts_infra_costs_as_the_notebook_table_does() -> None:
    """Question 4's expected state comes from the same spend the budget table shows."""
    from stage5kit.core import TcoOptions, analyse_tco, load_budget, load_infra_costs

    inputs = SOURCE.parents[1] / "sample_artifacts" / "inputs"
    exercise = Exercise(
        seed=3,
        rows=3000,
        days=60,
        paths=50,
        stress_days=5,
        budget_path=str(inputs / "budget.yaml"),
        infra_costs_path=str(inputs / "infra_costs.csv"),
    )
    table = analyse_tco(
        exercise.trades,
        TcoOptions(by=("strategy", "month")),
        infra_costs=load_infra_costs(inputs / "infra_costs.csv"),
        budget=load_budget(inputs / "budget.yaml"),
    ).budget_status
    pd.testing.assert_frame_equal(exercise.tco.budget_status, table)


def test_neighbours_seeds_give_other_answers() -> None:
    """The seed picks when costs shift, whose and where: seeds 1-12 do not share one answer
    key, so a participant cannot copy the shift day, strategy or budget state."""
    answers = [
        Exercise(seed=seed, rows=3000, days=60, paths=50, stress_days=5) for seed in range(1, 13)
    ]
    assert len({exercise.shift.day for exercise in answers}) >= 5
    assert len({exercise.expected(3) for exercise in answers}) == 2


@pytest.mark.parametrize("seed", range(1, 31))
def test_every_seed_of_the_answer_key_shows_its_own_shift(seed: int) -> None:
    """At the notebook's default size each seed's shift is significant, found within three
    days of the day it was generated, on the strategy and venue the seed picked."""
    from stage5kit.core import add_trade_costs, compare_cost_periods
    from stage5kit.reporting import exercise_shift

    exercise = Exercise(seed=seed)
    generated = exercise_shift(seed)
    shift_day = pd.Timestamp("2026-01-01") + pd.Timedelta(days=int(exercise.days * generated.at))
    assert exercise.shift.significant
    assert abs(pd.Timestamp(exercise.shift.day) - shift_day) <= pd.Timedelta(days=3)
    assert exercise.expected(3) == generated.strategies[0]
    by_venue = compare_cost_periods(
        add_trade_costs(exercise.trades), split=exercise.shift.day, by=("venue",)
    )
    assert by_venue.sort_values("fee_bps_change")["venue"].iloc[-1] == generated.venue


def test_message_without_a_significant_shift_needs_no_strategy() -> None:
    """On a log too small to show its shift (seed 11, 6,000 trades, 60 days) the OEM draft
    names no strategy to blame, and check 7 passes that draft."""
    from stage5kit.core import add_trade_costs, compare_cost_periods
    from stage5kit.reporting import draft_oem_message

    exercise = Exercise(seed=11, rows=6000, days=60, paths=50, stress_days=5)
    assert not exercise.shift.significant
    assert "strategia" not in exercise.message_facts()
    costed = add_trade_costs(exercise.trades)
    draft = draft_oem_message(
        shift=exercise.shift,
        by_strategy=exercise.by_strategy,
        by_venue=compare_cost_periods(costed, split=exercise.shift.day, by=("venue",)),
        stress=exercise.stress,
        currency="USD",
    )
    assert _passes(exercise, 7, draft)


def test_day_hint_points_at_the_line_the_notebook_prints() -> None:
    """Question 1's hint names the printed „zmiana poziomu od …” line (checked output of the
    notebook) instead of the dashed level lines, which span the whole chart."""
    expected = json.loads(
        (SOURCE.parent / "expected_outputs" / "workshop_exercise.json").read_text(encoding="utf-8")
    )
    printed = [o["text"] for outputs in expected.values() for o in outputs]
    assert any(text.startswith("zmiana poziomu od ") for text in printed)
    hint = next(q.hint for q in QUESTIONS if q.number == 1)
    assert "„zmiana poziomu od …”" in hint
    assert "RRRR-MM-DD" in hint
    assert "przerywana" not in hint


@pytest.mark.parametrize("typed", ["tuple", "text"])
def test_decimal_comma_is_named_without_the_answer(exercise: Exercise, typed: str) -> None:
    """`0,89` typed in Python (a tuple) or as text gets the decimal-comma advice, not the value."""
    whole, fraction = f"{abs(float(str(exercise.expected(2)))):.2f}".split(".")
    answer: object = (int(whole), int(fraction)) if typed == "tuple" else f"{whole},{fraction}"
    assert not _passes(exercise, 2, answer)
    text = exercise.verdicts[2].text
    assert "wygląda na przecinek dziesiętny \N{EN DASH} w Pythonie wpisz liczbę z kropką" in text
    assert f"{whole}.{fraction}" not in text
    assert f"{whole},{fraction}" not in text
    assert "wystarczy dokładność do 0,05 pb" in text


def test_decision_table_shows_what_each_condition_leads_to(exercise: Exercise) -> None:
    """Question 5 can be read from the table: the first condition not met gives its decision
    column's value, all met gives approve; the hint names that column by its Polish header."""
    from stage5kit.reporting.labels import column_label

    header = column_label("decision_if_failed", "pl")
    table = exercise.decision_table()
    column = "decision_if_failed"
    assert list(table.columns) == [*pd.DataFrame(exercise.decide_candidate()[1]).columns, column]
    assert set(table[column]) <= set(DECISIONS) - {"approve"}
    failed = table[~table["passed"]]
    read = str(failed[column].iloc[0]) if len(failed) else "approve"
    assert read == exercise.expected(5)
    hint = next(q.hint for q in QUESTIONS if q.number == 5)
    assert f"„{header}”" in hint
    assert "gdy wszystkie warunki są spełnione \N{EN DASH} approve" in hint


def test_decision_if_failed_follows_the_engine() -> None:
    """Each condition's decision is its check's action, escalate when its value is unknown."""
    from stage5kit.core.decisions import CHECKS, decision_if_failed

    assert [decision_if_failed(c.name, 1.0) for c in CHECKS] == [c.action for c in CHECKS]
    assert decision_if_failed("cost_bps", None) == "escalate"
    assert decision_if_failed("order_notional", float("nan")) == "escalate"


@pytest.fixture(scope="module")
def exercise_seed_11() -> Exercise:
    """Seed 11 as the notebook runs it: a change of +0,89 pb and a 100,0% risk."""
    from stage5kit.reporting.answer_key import notebook_exercise

    exercise = notebook_exercise(SOURCE, seed=11)
    assert exercise.message_facts()["zmiana kosztu w pb"] == "+0,89"
    return exercise


def _message_forms(exercise: Exercise) -> dict[str, str]:
    from stage5kit.reporting.i18n import format_number, format_short_date

    change = abs(exercise.shift.cost_bps_change)
    risk = exercise.stress.table.set_index("scenario").loc["exercise_cost_growth"]
    percent = float(risk["p_net_pnl_negative"]) * 100
    strategy = str(exercise.expected(3))
    return {
        "long date, no sign, whole percent": (
            f"Od {exercise.message_facts()['dzień zmiany']} wzrost o {format_number(change, 'pl')}"
            f" pb w {strategy}; ryzyko {percent:.0f}%."
        ),
        "short date, space before %": (
            f"{format_short_date(exercise.shift.day, 'pl')}: +{format_number(change, 'pl')} pb, "
            f"{format_number(percent, 'pl', decimals=1)} %, {strategy}"
        ),
    }


@pytest.mark.parametrize(
    "form", ["long date, no sign, whole percent", "short date, space before %"]
)
def test_message_accepts_the_facts_written_another_way(
    exercise_seed_11: Exercise, form: str
) -> None:
    """„wzrost o 0,89 pb … 100%” passes as „+0,89 … 100,0%” does; „14.03.2026” as a long date."""
    message = _message_forms(exercise_seed_11)[form]
    assert "100%" in message or "100,0 %" in message
    assert _passes(exercise_seed_11, 7, message), exercise_seed_11.verdicts[7].text


def test_message_with_a_wrong_number_fails_without_the_right_one(
    exercise_seed_11: Exercise,
) -> None:
    """A change off by 0,01 pb or another probability fails; the verdict names what is
    missing and its hint holds none of the right numbers or the day."""
    from stage5kit.reporting.i18n import format_number

    message = _message_forms(exercise_seed_11)["long date, no sign, whole percent"]
    change = format_number(abs(exercise_seed_11.shift.cost_bps_change), "pl")
    wrong_change = format_number(abs(exercise_seed_11.shift.cost_bps_change) + 0.01, "pl")
    assert not _passes(exercise_seed_11, 7, message.replace(change, wrong_change))
    assert exercise_seed_11.verdicts[7].text.count("zmiana kosztu w pb") == 1
    assert not _passes(exercise_seed_11, 7, message.replace("%", " pb"))
    text = exercise_seed_11.verdicts[7].text
    assert "prawdopodobieństwo ujemnego wyniku netto" in text
    for fact in [*exercise_seed_11.message_facts().values(), change]:
        assert fact not in text


def test_summary_lists_the_questions_not_passed(
    exercise: Exercise, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary names the questions without a pass, answered wrongly or not at all."""
    exercise.verdicts.clear()
    exercise.sprawdz(1, exercise.expected(1))
    capsys.readouterr()
    exercise.podsumowanie()
    assert "pytania bez zaliczenia: 2, 3, 4, 5, 6, 7." in capsys.readouterr().out
