"""Stress scenarios: the built-ins, selecting them by name, and loading custom ones from YAML."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.core.io.side_inputs import load_scenarios
from stage5kit.core.stress.scenarios import (
    BASELINE_SCENARIO,
    BUILTIN_SCENARIOS,
    Scenario,
    builtin_scenario_names,
    check_scenario_venues,
    parse_scenarios,
    select_scenarios,
)
from stage5kit.errors import ConfigError

BAD_SCENARIOS = Path(__file__).resolve().parents[2] / "data" / "bad_scenarios"
SAMPLE_VENUES = ("binance", "coinbase", "kraken", "okx")


def expected_fragment(path: Path) -> str:
    """Return the message fragment a bad scenario file declares on its first line."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expected: ")
    return first.removeprefix("# expected: ")


def test_builtins_are_the_seven_the_issue_names() -> None:
    """The built-in scenarios are exactly the seven named ones, baseline first."""
    assert builtin_scenario_names() == (
        "baseline",
        "fee_hike_50",
        "liquidity_crunch",
        "latency_spike",
        "volume_surge_3x",
        "venue_outage",
        "exercise_cost_growth",
    )


def test_baseline_changes_nothing() -> None:
    """The baseline scenario has every shock at its neutral value."""
    assert BUILTIN_SCENARIOS[0] == Scenario(
        name=BASELINE_SCENARIO, description=BUILTIN_SCENARIOS[0].description
    )


def test_every_builtin_but_baseline_shocks_something() -> None:
    """Each non-baseline built-in differs from a neutral scenario in at least one shock."""
    for scenario in BUILTIN_SCENARIOS[1:]:
        neutral = Scenario(name=scenario.name, description=scenario.description)
        assert scenario != neutral, scenario.name


def test_scenarios_are_frozen() -> None:
    """A scenario cannot be changed after it is made."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        BUILTIN_SCENARIOS[1].fee_mult = 2.0  # type: ignore[misc]


def test_select_all_gives_every_builtin() -> None:
    """'all' selects all seven built-ins."""
    assert select_scenarios(["all"]) == BUILTIN_SCENARIOS


def test_select_by_name_puts_baseline_first() -> None:
    """Selected names come after baseline, in the order given, without duplicates."""
    chosen = select_scenarios(["volume_surge_3x", "fee_hike_50", "volume_surge_3x"])
    assert [s.name for s in chosen] == ["baseline", "volume_surge_3x", "fee_hike_50"]


def test_select_unknown_name_lists_the_builtins() -> None:
    """An unknown built-in name is a ConfigError listing the valid names."""
    with pytest.raises(ConfigError, match=r"unknown scenario 'fee_hike_5'.*fee_hike_50"):
        select_scenarios(["fee_hike_5"])


def test_load_custom_scenarios(tmp_path) -> None:
    """A YAML file of custom scenarios loads into Scenario records after baseline."""
    path = tmp_path / "mine.yaml"
    path.write_text(
        "scenarios:\n"
        "  - name: hike_and_lag\n"
        "    description: fees up, decisions slower\n"
        "    fee_mult: 1.2\n"
        "    latency_ms_add: 15\n"
        "  - name: down\n"
        "    outage_venue: kraken\n"
        "    outage_reroute_share: 0.4\n"
        "    outage_extra_bps: 2\n",
        encoding="utf-8",
    )
    loaded = load_scenarios(path, venues=SAMPLE_VENUES)
    assert loaded == (
        BUILTIN_SCENARIOS[0],
        Scenario(
            name="hike_and_lag",
            description="fees up, decisions slower",
            fee_mult=1.2,
            latency_ms_add=15.0,
        ),
        Scenario(
            name="down", outage_venue="kraken", outage_reroute_share=0.4, outage_extra_bps=2.0
        ),
    )


def test_a_plain_list_is_accepted() -> None:
    """A document that is just the list of scenarios works like one under 'scenarios:'."""
    loaded = parse_scenarios([{"name": "x", "fee_mult": 2}], source="inline")
    assert loaded[1] == Scenario(name="x", fee_mult=2.0)


@pytest.mark.parametrize("path", sorted(BAD_SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_scenario_file_names_file_scenario_field_and_fix(path: Path) -> None:
    """Each bad scenario file raises ConfigError with its expected message and the file name."""
    with pytest.raises(ConfigError) as caught:
        load_scenarios(path, venues=SAMPLE_VENUES)
    assert expected_fragment(path) in str(caught.value)
    assert path.name in str(caught.value)


def test_there_are_at_least_eight_bad_scenario_files() -> None:
    """The bad-input corpus has at least eight cases."""
    assert len(list(BAD_SCENARIOS.glob("*.yaml"))) >= 8


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    """Two bad fields in two scenarios give one error listing both."""
    document = {"scenarios": [{"name": "a", "fee_mult": -1}, {"name": "b", "volume_mult": 0}]}
    with pytest.raises(ConfigError) as caught:
        parse_scenarios(document, source="two.yaml")
    message = str(caught.value)
    assert message.startswith("2 problems in scenario file")
    assert "scenario 'a', field 'fee_mult'" in message
    assert "scenario 'b', field 'volume_mult'" in message


def test_missing_file_is_a_config_error(tmp_path) -> None:
    """A scenario file that does not exist is a ConfigError naming it."""
    with pytest.raises(ConfigError, match=r"nope\.yaml: cannot read the scenario file"):
        load_scenarios(tmp_path / "nope.yaml")


def test_venue_is_not_checked_without_a_log() -> None:
    """Without the log's venues any outage venue name is accepted at load time."""
    loaded = parse_scenarios([{"name": "x", "outage_venue": "elsewhere"}], source="inline")
    assert loaded[1].outage_venue == "elsewhere"
    with pytest.raises(ConfigError, match="'elsewhere' is not a venue"):
        check_scenario_venues(loaded, SAMPLE_VENUES)


def test_builtin_outage_targets_the_busiest_venue() -> None:
    """The built-in venue_outage passes the venue check for any log."""
    check_scenario_venues(BUILTIN_SCENARIOS, ["anything"])


_NUMBERS = {
    "fee_mult": st.floats(0, 10),
    "maker_share_shift": st.floats(-1, 1),
    "slippage_bps_add": st.floats(-50, 50),
    "slippage_spike_prob": st.floats(0, 1),
    "slippage_spike_bps": st.floats(0, 500),
    "latency_ms_add": st.floats(-50, 500),
    "latency_spike_prob": st.floats(0, 1),
    "latency_spike_ms": st.floats(0, 5000),
    "volume_mult": st.floats(0.01, 20),
}


@given(
    name=st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True).filter(
        lambda n: n != BASELINE_SCENARIO
    ),
    values=st.fixed_dictionaries({}, optional=_NUMBERS),
)
def test_valid_scenarios_round_trip_through_yaml(name: str, values: dict[str, float]) -> None:
    """Any valid scenario written as YAML loads back as the same Scenario."""
    scenario = Scenario(name=name, **values)
    text = yaml.safe_dump({"scenarios": [{"name": name, **values}]})
    assert parse_scenarios(yaml.safe_load(text), source="gen.yaml")[1] == scenario
