"""The workshop exercise notebook: documented parameters, and a signed end-to-end report run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.core import TcoOptions, analyse_tco, find_cost_shift
from stage5kit.reporting import exercise_shift, exercise_trades, read_parameters
from stage5kit.signing import load_verification_key, verify_manifest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "workshop_exercise.ipynb"
KEY_SPEC = "hex:" + "5e" * 16 + "c2" * 16
RUN = {"participant": "Anna Test", "seed": 14, "rows": 6000, "days": 60, "paths": 200}


def test_workshop_notebook_declares_the_exercise_parameters() -> None:
    """Parameters are the exercise's, typed by their defaults, and file defaults exist."""
    parameters = read_parameters(NOTEBOOK)
    assert {name: p.type_name for name, p in parameters.items()} == {
        "participant": "str",
        "seed": "int",
        "rows": "int",
        "days": "int",
        "infra_costs_path": "str",
        "thresholds_path": "str",
        "budget_path": "str",
        "rotation_registry_path": "str",
        "paths": "int",
        "stress_days": "int",
        "budget": "float",
        "gross_edge_bps": "float",
        "currency": "str",
        "lang": "str",
    }
    for name in ("infra_costs_path", "thresholds_path", "budget_path", "rotation_registry_path"):
        default = parameters[name].default
        assert isinstance(default, str)
        assert (NOTEBOOK.parent / default).is_file()


def test_workshop_notebook_defaults_stay_small() -> None:
    """Defaults run in seconds: at most 20,000 trades and 2000 stress paths of at most 30 days."""
    parameters = read_parameters(NOTEBOOK)
    assert parameters["rows"].default <= 20_000
    assert parameters["paths"].default <= 2000
    assert parameters["stress_days"].default <= 30


def test_no_parameter_can_carry_a_key() -> None:
    """Keys never pass through notebook parameters: no parameter is named like one."""
    assert not [name for name in read_parameters(NOTEBOOK) if re.search("key|secret", name)]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The notebook run by `stage5kit report run` with a small log, signed."""
    out = tmp_path_factory.mktemp("workshop") / "report"
    arguments = ["report", "run", str(NOTEBOOK), "--out", str(out), "--key", KEY_SPEC]
    for name, value in RUN.items():
        arguments += ["-p", name, str(value)]
    outcome = CliRunner().invoke(main, arguments)
    assert outcome.exit_code == 0, outcome.output
    return out


@pytest.mark.slow
@pytest.mark.xdist_group("workshop-notebook")
def test_report_records_the_exercise_kpis(report: Path) -> None:
    """results.json holds the participant, the shift day the core finds, stress and message."""
    values = json.loads((report / "results.json").read_text())["values"]
    trades = exercise_trades(rows=6000, seed=14, days=60)
    expected = find_cost_shift(analyse_tco(trades, TcoOptions(by=("strategy",))).daily_costs)
    assert values["participant"] == "Anna Test"
    assert values["seed"] == 14
    assert values["n_trades"] == 6000
    assert values["shift_day"] == expected.day
    assert values["cost_bps_after"] == pytest.approx(expected.cost_bps_after)
    assert values["cost_bps_after"] > values["cost_bps_before"]
    assert values["costliest_scenario"] == "exercise_cost_growth"
    assert values["stress_paths"] == 200
    assert 0.0 <= values["max_p_budget_breach"] <= 1.0
    assert values["top_venue"] == exercise_shift(14).venue
    assert len(re.split(r"(?<=\.) ", values["oem_message"])) == 6
    assert "Prawdopodobieństwo ujemnego wyniku netto" in values["oem_message"]
    assert values["checks_passed"] == 7


@pytest.mark.slow
@pytest.mark.xdist_group("workshop-notebook")
def test_report_is_signed_and_verifies(report: Path) -> None:
    """The manifest verifies with the key, via the library and via `stage5kit verify`."""
    verdict = verify_manifest(report, load_verification_key(KEY_SPEC))
    assert verdict.ok, verdict.message
    outcome = CliRunner().invoke(main, ["verify", str(report), "--key", KEY_SPEC])
    assert outcome.exit_code == 0, outcome.output


@pytest.mark.slow
@pytest.mark.xdist_group("workshop-notebook")
def test_report_holds_the_participants_log_and_tables(report: Path) -> None:
    """The participant's own log is saved byte for byte as generated, beside the tables."""
    trades = exercise_trades(rows=6000, seed=14, days=60)
    assert (report / "trades.csv").read_text() == trades.to_csv(index=False)
    for name in (
        "daily_cost.csv",
        "cost_shift_by_strategy.csv",
        "cost_shift_by_venue.csv",
        "stress_results.csv",
    ):
        assert (report / name).is_file(), name
    manifest = json.loads((report / "manifest.json").read_text())
    assert manifest["metadata"]["parameters"]["seed"] == 14


@pytest.mark.slow
@pytest.mark.xdist_group("workshop-notebook")
def test_report_html_shows_title_figures_and_message(report: Path) -> None:
    """The HTML carries the participant's title, seven figures, the checks and the OEM message."""
    html = (report / "report.html").read_text()
    assert "<title>Symulacja wzrostu kosztów \N{EN DASH} Anna Test</title>" in html
    assert html.count('class="plotly-graph-div stage5kit-figure"') == 7
    assert "Zaliczone sprawdzenia: 7 z 7" in html
    assert "Proponujemy" in html


@pytest.mark.slow
@pytest.mark.xdist_group("workshop-notebook")
def test_report_tables_and_toolbar_read_polish(report: Path) -> None:
    """Counts whole, no "nan", percent shares, kupno/sprzedaż, Polish dates, Polish toolbar."""
    html = (report / "report.html").read_text()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert "6\N{NO-BREAK SPACE}000" in cells
    assert "6\N{NO-BREAK SPACE}000,00" not in cells
    assert "nan" not in cells
    assert {"kupno", "sprzedaż"} & set(cells)
    assert not {"buy", "sell"} & set(cells)
    assert [cell for cell in cells if re.fullmatch(r"\d+%", cell)]  # budget used
    assert [cell for cell in cells if re.fullmatch(r"\d+,\d%", cell)]  # P(...) of the stress test
    assert [cell for cell in cells if re.fullmatch(r"\d\d\.\d\d\.2026", cell)]  # key rotation
    assert not [cell for cell in cells if re.fullmatch(r"2026-\d\d-\d\d", cell)]
    assert "koszt wykonania przed (pb)" in html
    assert "dodatkowy koszt po zmianie (USD)" in html
    assert html.count('"locale":"pl"}') == 7
    assert html.count('Plotly.register({"moduleType":"locale","name":"pl"') == 1
