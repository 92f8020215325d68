"""The workshop exercise's self-checks: expected answers from the participant's own seed.

Each question of the exercise (``workshop/cwiczenie.md``, agenda block 5) has an answer
the kit can recompute from the participant's parameters alone. :meth:`Exercise.sprawdz`
compares the participant's answer with it, prints a Polish verdict and, when wrong, a hint
that never contains the answer; each result is recorded (``check_N``) so the signing
process can register the exercise only when every check passed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from stage5kit.reporting.exercise_questions import (
    MESSAGE_QUESTION,
    QUESTIONS,
    ROTATION_QUESTION,
    Question,
    question,
)
from stage5kit.reporting.i18n import (
    format_date,
    format_number,
    format_percent,
    format_short_date,
    number_symbols,
)
from stage5kit.reporting.record import record

if TYPE_CHECKING:
    import pandas as pd

    from stage5kit.compliance import RegistryStatus
    from stage5kit.core import CostShift, StressResult, TcoResult
    from stage5kit.core.trades import RegimeShift

SHIFT_STRATEGIES = ("twap_execution", "momentum")
SHIFT_SHARES = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)

CHECK_PREFIX = "check_"
COST_TOLERANCE_BPS = 0.05
BUDGET_STATUSES = ("ok", "warn", "critical", "over")
DECISIONS = ("approve", "reduce", "reject", "escalate")
ROTATION_STATES = ("ok", "due", "overdue")
# Limits of the exercise's decision engine: the desk's risk limits for a candidate order.
EXERCISE_LIMITS = {
    "max_cost_bps": 6.0,
    "max_slippage_bps": 4.0,
    "max_decision_latency_ms": 60.0,
    "max_order_notional": 250_000.0,
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one self-check: passed or not, and the Polish text shown."""

    number: int
    passed: bool
    text: str


def exercise_shift(seed: int) -> RegimeShift:
    """The cost regime shift of the seed's log: when (45-70% of the period), whose latency
    grows (TWAP or momentum) and which venue raises its fees, so neighbours' answers differ."""
    from stage5kit.core.trades import VENUE_NAMES, RegimeShift

    return RegimeShift(
        at=SHIFT_SHARES[seed % len(SHIFT_SHARES)],
        strategies=(SHIFT_STRATEGIES[seed // len(SHIFT_SHARES) % len(SHIFT_STRATEGIES)],),
        venue=VENUE_NAMES[seed % len(VENUE_NAMES)],
    )


def exercise_trades(*, rows: int, seed: int, days: int) -> pd.DataFrame:
    """The participant's trade log: the seed draws the trades and picks their regime shift."""
    from stage5kit.core.trades import generate_trades

    return generate_trades(rows=rows, seed=seed, days=days, shift=exercise_shift(seed))


@dataclass
class Exercise:
    """The participant's exercise: their trade log from ``seed`` and every expected answer."""

    seed: int
    rows: int = 20_000
    days: int = 120
    budget_path: str = ""
    infra_costs_path: str = ""
    paths: int = 1000
    stress_days: int = 21
    budget: float = 200_000.0
    gross_edge_bps: float = 8.0
    rotation_registry_path: str = ""
    lang: str = "pl"
    verdicts: dict[int, Verdict] = field(default_factory=dict)

    @cached_property
    def trades(self) -> pd.DataFrame:
        """The participant's synthetic trade log (the same seed gives the same log)."""
        return exercise_trades(rows=self.rows, seed=self.seed, days=self.days)

    @cached_property
    def tco(self) -> TcoResult:
        """TCO by strategy and month as the notebook's table has it: infra costs and budget."""
        from stage5kit.core import TcoOptions, analyse_tco, load_budget, load_infra_costs

        budget = load_budget(self.budget_path) if self.budget_path else None
        infra = load_infra_costs(self.infra_costs_path) if self.infra_costs_path else None
        options = TcoOptions(by=("strategy", "month"))
        return analyse_tco(self.trades, options, infra_costs=infra, budget=budget)

    @cached_property
    def shift(self) -> CostShift:
        """The day the level of the daily execution cost changed the most."""
        from stage5kit.core import find_cost_shift

        return find_cost_shift(self.tco.daily_costs)

    @cached_property
    def by_strategy(self) -> pd.DataFrame:
        """Cost before and after the shift per strategy, largest cost_bps growth first."""
        from stage5kit.core import add_trade_costs, compare_cost_periods

        costed = add_trade_costs(self.trades)
        return compare_cost_periods(costed, split=self.shift.day, by=("strategy",))

    @cached_property
    def stress(self) -> StressResult:
        """The exercise's stress test: cost growth beside the baseline, from this seed."""
        from stage5kit.core import (
            SimulationSettings,
            load_infra_costs,
            run_stress_test,
            select_scenarios,
        )

        infra = load_infra_costs(self.infra_costs_path) if self.infra_costs_path else None
        return run_stress_test(
            self.trades,
            select_scenarios(["exercise_cost_growth"]),
            SimulationSettings(paths=self.paths, days=self.stress_days, seed=self.seed),
            include_tco=infra is not None,
            infra_costs=infra,
            budget=self.budget or None,
            gross_edge_bps=self.gross_edge_bps or None,
        )

    def candidate_order(self) -> pd.DataFrame:
        """The candidate order of question 5: the log's last trade replayed as an order."""
        from stage5kit.core.decisions import replay_candidates

        return replay_candidates(self.trades, last=1)

    def decide_candidate(self) -> tuple[str, list[dict[str, object]], dict[str, object]]:
        """The engine's decision for the candidate order, its decision_path and tco_kpi."""
        from stage5kit.core.decisions import (
            DecisionKpis,
            DecisionOrchestrator,
            ThresholdRiskEngine,
            parse_risk_limits,
        )

        limits = parse_risk_limits(EXERCISE_LIMITS, source="exercise limits")
        kpis = DecisionKpis.from_tco(self.tco.kpis, self.tco.overall, self.tco.daily_costs)
        decisions = DecisionOrchestrator(ThresholdRiskEngine(limits)).decide(
            self.candidate_order(), kpis
        )
        return str(decisions.outcome[0]), decisions.decision_path(0), kpis.to_dict()

    def decision_table(self) -> pd.DataFrame:
        """The candidate's decision_path as the notebook shows it, with the decision each
        condition leads to when it is the first one not met (question 5 is read from it)."""
        import pandas as pd

        from stage5kit.core.decisions import decision_if_failed

        table = pd.DataFrame(self.decide_candidate()[1])
        table["decision_if_failed"] = [
            decision_if_failed(str(check), None if value is None else float(value))
            for check, value in zip(table["check"], table["value"], strict=True)
        ]
        return table

    @cached_property
    def rotation(self) -> RegistryStatus:
        """The key registry's rotation states on the exercise day (the sample registry's day).

        Without ``rotation_registry_path`` the sample registry of ``sample_artifacts/keys/``.
        """
        from stage5kit.compliance import load_registry, registry_status
        from stage5kit.compliance.samples import SAMPLE_DAY, sample_key_registry

        registry = (
            load_registry(self.rotation_registry_path)
            if self.rotation_registry_path
            else sample_key_registry(Path("key_rotation.json"))
        )
        return registry_status(registry, today=SAMPLE_DAY)

    def rotation_key(self) -> str:
        """The key of question 6: one of the registry's active keys, chosen by the seed."""
        entries = self.rotation.entries
        return entries[self.seed % len(entries)].record.key_id

    def rotation_table(self) -> pd.DataFrame:
        """The active keys with their dates (not their state: question 6 asks for it)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "key_id": e.record.key_id,
                    "bundle": e.record.bundle,
                    "purpose": e.record.purpose,
                    "last_rotated": e.record.last_rotated.isoformat(),
                    "age_days": e.age_days,
                    "window_opens": e.record.window_opens().isoformat(),
                    "due_date": e.due_date.isoformat(),
                }
                for e in self.rotation.entries
            ]
        )

    def rotation_day(self) -> str:
        """The day the rotation states refer to (ISO)."""
        return self.rotation.today.isoformat()

    def rotation_state(self, key_id: str) -> str:
        """The rotation state (ok, due, overdue) of ``key_id`` on the exercise day."""
        return next(e.state for e in self.rotation.entries if e.record.key_id == key_id)

    def expected(self, number: int) -> object:
        """The right answer to question ``number`` (for the facilitator's answer key)."""
        question(number)
        answers: dict[int, Callable[[], object]] = {
            1: lambda: self.shift.day,
            2: lambda: round(float(self.shift.cost_bps_change), 2),
            3: lambda: str(self.by_strategy["strategy"].iloc[0]),
            4: self._budget_status,
            5: lambda: self.decide_candidate()[0],
            ROTATION_QUESTION: lambda: self.rotation_state(self.rotation_key()),
            MESSAGE_QUESTION: self.message_facts,
        }
        return answers[number]()

    def _budget_status(self) -> str:
        """The last month's budget status of the strategy with the largest cost growth."""
        strategy = str(self.by_strategy["strategy"].iloc[0])
        status = self.tco.budget_status
        rows = status[status["strategy"] == strategy]
        return str(rows.sort_values("period")["status"].iloc[-1]) if len(rows) else "ok"

    def message_facts(self) -> dict[str, str]:
        """What the OEM message must state, written as in ``lang``: day, change, risk, and the
        strategy responsible when the shift is significant (otherwise no strategy is to blame)."""
        risk = self.stress.table.set_index("scenario").loc["exercise_cost_growth"]
        facts = {
            "dzień zmiany": format_date(self.shift.day, self.lang),
            "zmiana kosztu w pb": format_number(self.shift.cost_bps_change, self.lang, signed=True),
            "prawdopodobieństwo ujemnego wyniku netto w teście warunków skrajnych": (
                format_percent(float(str(risk["p_net_pnl_negative"])), self.lang)
            ),
        }
        if self.shift.significant:
            facts["strategia"] = str(self.by_strategy["strategy"].iloc[0])
        return facts

    def sprawdz(self, number: int, answer: object) -> None:
        """Check the answer to question ``number``; print a Polish verdict and record it.

        Returns nothing, so a notebook cell shows the verdict alone (it is in ``verdicts``).
        """
        item = question(number)
        verdict = self._judge(item, answer)
        self.verdicts[number] = verdict
        record(f"{CHECK_PREFIX}{number}", verdict.passed)
        print(verdict.text)

    def _judge(self, item: Question, answer: object) -> Verdict:
        label = f"Pytanie {item.number} ({item.title})"
        if answer is Ellipsis or answer is None or answer == "":
            text = (
                f"✗ {label}: brak odpowiedzi. Wpisz ją w zmiennej {item.variable} "
                f"w komórce powyżej. Wskazówka: {item.hint}"
            )
            return Verdict(item.number, passed=False, text=text)
        problem = self._problem(item.number, answer)
        if problem is None:
            return Verdict(item.number, passed=True, text=f"✓ {label}: dobrze.")
        text = f"✗ {label}: {problem} Wskazówka: {item.hint}"
        return Verdict(item.number, passed=False, text=text)

    def _problem(self, number: int, answer: object) -> str | None:
        """What is wrong with an answer, in Polish, without the right answer; None when right."""
        if number == 2:
            return self._number_problem(answer)
        if number == MESSAGE_QUESTION:
            found = self._message_found(_plain_spaces(str(answer)))
            missing = [name for name in self.message_facts() if not found[name]]
            return "w komunikacie brakuje: " + ", ".join(missing) + "." if missing else None
        given = str(answer).strip()
        if given == self.expected(number):
            return None
        return self._format_problem(number, given) or (
            "to nie jest stan rotacji tego klucza w dniu ćwiczenia."
            if number == ROTATION_QUESTION
            else "to nie jest odpowiedź wynikająca z Twojego logu."
        )

    def _message_found(self, written: str) -> dict[str, bool]:
        """Which facts of :meth:`message_facts` the message states, however it writes them:
        the day long or short, the change with or without its sign to 2 decimals, the
        probability to 1 decimal with or without a space before %, any spaces in numbers."""
        day = self.shift.day
        dates = {format_date(day, self.lang), format_short_date(day, self.lang), day[:10]}
        without_dates = _DATE_PATTERN.sub(" ", written)
        for text in dates:
            without_dates = without_dates.replace(_plain_spaces(text), " ")
        numbers = _numbers(without_dates, self.lang)
        change = float(self.shift.cost_bps_change)
        risk = self.stress.table.set_index("scenario").loc["exercise_cost_growth"]
        percent = float(str(risk["p_net_pnl_negative"])) * 100.0
        found = {
            "dzień zmiany": any(_plain_spaces(text) in written for text in dates),
            "zmiana kosztu w pb": any(
                not is_percent
                and round(abs(value), 2) == round(abs(change), 2)
                and (sign == "" or (sign == "-") == (change < 0) or round(change, 2) == 0)
                for sign, value, is_percent in numbers
            ),
            "prawdopodobieństwo ujemnego wyniku netto w teście warunków skrajnych": any(
                is_percent and sign != "-" and round(value, 1) == round(percent, 1)
                for sign, value, is_percent in numbers
            ),
        }
        if self.shift.significant:
            found["strategia"] = str(self.by_strategy["strategy"].iloc[0]) in written
        return found

    def _number_problem(self, answer: object) -> str | None:
        value = _as_number(answer)
        expected = float(str(self.expected(2)))
        if _looks_like_decimal_comma(answer):
            return "wygląda na przecinek dziesiętny \N{EN DASH} w Pythonie wpisz liczbę z kropką."
        if value is None:
            return "odpowiedź musi być liczbą (punkty bazowe), a nie tekstem."
        if abs(value - expected) <= COST_TOLERANCE_BPS:
            return None
        if (value < 0) != (expected < 0):
            return "zły znak: wzrost kosztu to liczba dodatnia, spadek ujemna."
        return "ta wartość nie zgadza się z poziomami przed i po zmianie w Twoim logu."

    def _format_problem(self, number: int, given: str) -> str | None:
        """A wrong form of answer (not a day, not an allowed value), or None."""
        problems = {
            1: (_looks_like_day(given), "dzień wpisz jako tekst w formacie RRRR-MM-DD."),
            3: (
                given in set(self.by_strategy["strategy"].astype(str)),
                "w Twoim logu nie ma strategii o tej nazwie.",
            ),
            4: (
                given in BUDGET_STATUSES,
                f"stan musi być jednym z: {', '.join(BUDGET_STATUSES)}.",
            ),
            5: (given in DECISIONS, f"decyzja musi być jedną z: {', '.join(DECISIONS)}."),
            6: (
                given in ROTATION_STATES,
                f"stan rotacji musi być jednym z: {', '.join(ROTATION_STATES)}.",
            ),
        }
        well_formed, problem = problems[number]
        return None if well_formed else problem

    def podsumowanie(self) -> None:
        """Print the progress summary in Polish: how many checks passed and which are left."""
        passed = sorted(n for n, v in self.verdicts.items() if v.passed)
        left = [q.number for q in QUESTIONS if q.number not in passed]
        record("checks_passed", len(passed))
        record("checks_total", len(QUESTIONS))
        text = f"Zaliczone sprawdzenia: {len(passed)} z {len(QUESTIONS)}"
        if left:
            text += f"; pytania bez zaliczenia: {', '.join(map(str, left))}."
        else:
            text += (
                ". Podpisz raport poleceniem z ostatniej komórki: po podpisaniu ćwiczenie "
                "trafi do dziennika decyzji."
            )
        print(text)


def all_checks_passed(results: Mapping[str, object]) -> bool:
    """Whether a report's recorded values hold every check of the exercise, all passed."""
    return all(results.get(f"{CHECK_PREFIX}{q.number}") is True for q in QUESTIONS)


def _as_number(answer: object) -> float | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int | float):
        return float(answer) if math.isfinite(float(answer)) else None
    return None


def _looks_like_decimal_comma(answer: object) -> bool:
    """``0,89`` typed in Python (a tuple of two whole numbers) or as text."""
    if isinstance(answer, tuple):
        return len(answer) == 2 and all(
            isinstance(part, int) and not isinstance(part, bool) for part in answer
        )
    return isinstance(answer, str) and re.fullmatch(r"\s*[+-]?\d+,\d+\s*", answer) is not None


_DATE_PATTERN = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
_MINUS_SIGNS = "-\N{MINUS SIGN}"


def _numbers(text: str, lang: str) -> list[tuple[str, float, bool]]:
    """Every number written in ``text`` in ``lang``'s format: its sign (``+``, ``-`` or
    ``""``), its absolute value and whether a % follows it."""
    decimal, thousands = number_symbols(lang)
    group = re.escape(_plain_spaces(thousands))
    pattern = re.compile(
        rf"(?<![\d{re.escape(decimal)}])([+{re.escape(_MINUS_SIGNS)}]?)"
        rf"(\d{{1,3}}(?:{group}\d{{3}})+|\d+)(?:{re.escape(decimal)}(\d+))?(?!\d)( ?%)?"
    )
    found = []
    for sign, whole, fraction, percent in pattern.findall(text):
        digits = re.sub(r"\D", "", whole) + "." + (fraction or "0")
        found.append(("-" if sign and sign in _MINUS_SIGNS else sign, float(digits), bool(percent)))
    return found


def _plain_spaces(text: str) -> str:
    """``text`` with no-break and thin spaces as plain ones (``1 234`` typed either way)."""
    return text.replace("\N{NO-BREAK SPACE}", " ").replace("\N{NARROW NO-BREAK SPACE}", " ")


def _looks_like_day(text: str) -> bool:
    parts = text.split("-")
    return len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4
