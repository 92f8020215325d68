"""The workshop exercise's questions: the answer variable each fills, and its Polish hint."""

from __future__ import annotations

from dataclasses import dataclass

from stage5kit.errors import InputError

ROTATION_QUESTION = 6
MESSAGE_QUESTION = 7


@dataclass(frozen=True, slots=True)
class Question:
    """One answer cell of the exercise: its number, the variable it fills and a hint."""

    number: int
    variable: str
    title: str
    hint: str


QUESTIONS: tuple[Question, ...] = (
    Question(
        1,
        "dzien_zmiany",
        "dzień zmiany poziomu kosztów",
        "Dzień zmiany podaje wiersz „zmiana poziomu od …” nad wykresem (zapisany jako "
        "DD.MM.RRRR); wpisz go jako tekst w formacie RRRR-MM-DD.",
    ),
    Question(
        2,
        "zmiana_kosztu_pb",
        "zmiana kosztu wykonania w pb",
        "To różnica poziomów po i przed dniem zmiany (po minus przed), w punktach bazowych, "
        "jako liczba z kropką dziesiętną, jak w Pythonie; wystarczy dokładność do 0,05 pb.",
    ),
    Question(
        3,
        "strategia",
        "strategia odpowiedzialna za wzrost",
        "Spójrz na tabelę porównania okresów w podziale na strategie: szukasz strategii "
        "z największą wartością w kolumnie „zmiana kosztu wykonania”. Wpisz jej nazwę "
        "dokładnie jak w tabeli.",
    ),
    Question(
        4,
        "status_budzetu",
        "stan budżetu tej strategii w ostatnim miesiącu",
        "Znajdź w tabeli budżetów (pod opisem budżetu) wiersz Twojej strategii z pkt 3 "
        "i ostatniego miesiąca logu; kolumna „stan” ma jedną z wartości: ok, warn, critical, "
        "over.",
    ),
    Question(
        5,
        "decyzja",
        "decyzja silnika dla zlecenia kandydującego",
        "Przeczytaj decision_path zlecenia kandydującego: decyzja to wynik pierwszego "
        "niespełnionego warunku (kolumna „decyzja, gdy warunek niespełniony”: reduce, reject "
        "albo escalate); gdy wszystkie warunki są spełnione \N{EN DASH} approve.",
    ),
    Question(
        6,
        "stan_rotacji",
        "stan rotacji klucza",
        "Znajdź w tabeli rotacji wiersz klucza z pytania i porównaj dzień ćwiczenia z "
        "kolumnami okna rotacji i terminu (przed oknem: ok; od otwarcia okna do terminu: due; "
        "po terminie: overdue). Wpisz jedno z: ok, due, overdue.",
    ),
    Question(
        MESSAGE_QUESTION,
        "komunikat",
        "komunikat dla OEM",
        "Komunikat musi zawierać liczby z Twojego raportu napisane po polsku: przecinek "
        "dziesiętny, zmiana w pb z dwoma miejscami po przecinku, prawdopodobieństwo w procentach, "
        "data jak „5 stycznia 2026” albo „05.01.2026”.",
    ),
)


def question(number: int) -> Question:
    """The question with this number; InputError naming the valid numbers otherwise."""
    for item in QUESTIONS:
        if item.number == number:
            return item
    msg = f"no question {number}; the exercise has questions 1-{len(QUESTIONS)}"
    raise InputError(msg, value=str(number))
