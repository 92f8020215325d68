"""Cost stress scenarios: the shocks a scenario applies, the built-ins, and their validation.

A :class:`Scenario` describes how trading costs change relative to the history: fees
multiplied, maker share shifted, slippage added or spiking, latency added or spiking
(turned into slippage through the latency-slippage relation of the log), volume
multiplied (impact grows with the square root of volume) and a venue outage whose flow
is partly rerouted at an extra cost. Custom scenarios come from YAML (read by
:mod:`stage5kit.core.io.side_inputs`) and are validated here with errors that name the file,
the scenario, the field and the fix.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from stage5kit.errors import ConfigError, show_value

BASELINE_SCENARIO = "baseline"
BUSIEST_VENUE = "busiest"
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """One set of cost shocks applied to every simulated day; defaults change nothing."""

    name: str
    description: str = ""
    fee_mult: float = 1.0
    maker_share_shift: float = 0.0
    slippage_bps_add: float = 0.0
    slippage_spike_prob: float = 0.0
    slippage_spike_bps: float = 0.0
    latency_ms_add: float = 0.0
    latency_spike_prob: float = 0.0
    latency_spike_ms: float = 0.0
    volume_mult: float = 1.0
    outage_venue: str | None = None
    outage_reroute_share: float = 0.0
    outage_extra_bps: float = 0.0


BUILTIN_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(name=BASELINE_SCENARIO, description="history replayed as it was"),
    Scenario(name="fee_hike_50", description="every charged fee 50% higher", fee_mult=1.5),
    Scenario(
        name="liquidity_crunch",
        description="thin books: +3 bps slippage, 5% of trades hit a 25 bps spike, "
        "15 pp of maker flow has to cross the spread",
        maker_share_shift=-0.15,
        slippage_bps_add=3.0,
        slippage_spike_prob=0.05,
        slippage_spike_bps=25.0,
    ),
    Scenario(
        name="latency_spike",
        description="decisions 20 ms slower and 2% of trades delayed by 250 ms",
        latency_ms_add=20.0,
        latency_spike_prob=0.02,
        latency_spike_ms=250.0,
    ),
    Scenario(
        name="volume_surge_3x",
        description="three times the trades; impact grows with the square root of volume",
        volume_mult=3.0,
    ),
    Scenario(
        name="venue_outage",
        description="the busiest venue goes down; 70% of its flow is rerouted at +4 bps, "
        "the rest is not traded",
        outage_venue=BUSIEST_VENUE,
        outage_reroute_share=0.7,
        outage_extra_bps=4.0,
    ),
    Scenario(
        name="exercise_cost_growth",
        description="the workshop's cost-growth exercise: fees +25%, +1.5 bps slippage, "
        "+10 ms latency, 1.5x volume",
        fee_mult=1.25,
        slippage_bps_add=1.5,
        latency_ms_add=10.0,
        volume_mult=1.5,
    ),
)

_FIELDS = {f.name: f for f in dataclasses.fields(Scenario)}
# Upper bounds far beyond any plausible stress, low enough that no product of them
# overflows to infinity or NaN (a multiplier of 1e308 used to give NaN results).
_MAX_MULT = 1e3
_MAX_BPS = 1e5
_MAX_MS = 1e7
_TEXT_FIELDS = ("name", "description", "outage_venue")
# field -> (lowest allowed, highest allowed, what the field means: shown in the fix hint)
_RANGES: dict[str, tuple[float, float, str]] = {
    "fee_mult": (0.0, _MAX_MULT, "a multiplier on charged fees, 1.5 means +50%"),
    "maker_share_shift": (-1.0, 1.0, "a change of the maker share, -0.2 means 20 pp fewer"),
    "slippage_bps_add": (-_MAX_BPS, _MAX_BPS, "bps added to every trade's slippage"),
    "slippage_spike_prob": (0.0, 1.0, "a probability per trade between 0 and 1"),
    "slippage_spike_bps": (0.0, _MAX_BPS, "the extra slippage of a spiked trade in bps, >= 0"),
    "latency_ms_add": (-_MAX_MS, _MAX_MS, "ms added to every trade's decision latency"),
    "latency_spike_prob": (0.0, 1.0, "a probability per trade between 0 and 1"),
    "latency_spike_ms": (0.0, _MAX_MS, "the extra latency of a spiked trade in ms, >= 0"),
    "volume_mult": (0.0, _MAX_MULT, "a multiplier on trade count and notional, > 0"),
    "outage_reroute_share": (0.0, 1.0, "the share of the venue's flow rerouted, 0 to 1"),
    "outage_extra_bps": (0.0, _MAX_BPS, "the extra cost of rerouted flow in bps, >= 0"),
}


def builtin_scenario_names() -> tuple[str, ...]:
    """Return the names of the built-in scenarios, baseline first."""
    return tuple(s.name for s in BUILTIN_SCENARIOS)


def select_scenarios(names: Iterable[str]) -> tuple[Scenario, ...]:
    """Return the built-in scenarios with these names (``all`` for every one), baseline first."""
    wanted = [n.strip() for n in names if n.strip()]
    if not wanted or "all" in wanted:
        return BUILTIN_SCENARIOS
    by_name = {s.name: s for s in BUILTIN_SCENARIOS}
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        msg = (
            f"unknown scenario {unknown[0]!r} (built-ins: {', '.join(by_name)}; "
            "or give a YAML file of custom scenarios)"
        )
        raise ConfigError(msg)
    return _with_baseline([by_name[n] for n in dict.fromkeys(wanted)])


def parse_scenarios(
    document: object, *, source: str, venues: Collection[str] | None = None
) -> tuple[Scenario, ...]:
    """Validate a parsed YAML document of scenarios; every problem is named at once."""
    entries = document.get("scenarios") if isinstance(document, Mapping) else document
    if isinstance(document, Mapping) and set(document) != {"scenarios"}:
        extra = sorted(str(k) for k in document if k != "scenarios")
        msg = f"{source}: unexpected top-level key(s) {extra} (put scenarios under 'scenarios:')"
        raise ConfigError(msg)
    if not isinstance(entries, list) or not entries:
        msg = (
            f"{source}: no scenarios found (write 'scenarios:' followed by a list of "
            "'- name: ...' entries)"
        )
        raise ConfigError(msg)
    problems: list[str] = []
    scenarios: list[Scenario] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        scenario = _parse_entry(entry, position=position, source=source, problems=problems)
        if scenario is None:
            continue
        if scenario.name in seen or scenario.name == BASELINE_SCENARIO:
            what = "is reserved" if scenario.name == BASELINE_SCENARIO else "is used twice"
            problems.append(
                f"{source}, scenario {scenario.name!r}, field 'name': {what} "
                "(give each scenario its own name)"
            )
            continue
        seen.add(scenario.name)
        if venues is not None:
            _check_venue(scenario, venues, source=source, problems=problems)
        scenarios.append(scenario)
    if problems:
        header = [f"{len(problems)} problems in scenario file"] if len(problems) > 1 else []
        raise ConfigError("\n".join([*header, *problems]))
    return _with_baseline(scenarios)


def check_scenario_venues(scenarios: Sequence[Scenario], venues: Collection[str]) -> None:
    """Refuse scenarios whose outage names a venue the trade log does not have."""
    problems: list[str] = []
    for scenario in scenarios:
        _check_venue(scenario, venues, source="scenario", problems=problems)
    if problems:
        raise ConfigError("\n".join(problems))


def _with_baseline(scenarios: Sequence[Scenario]) -> tuple[Scenario, ...]:
    rest = tuple(s for s in scenarios if s.name != BASELINE_SCENARIO)
    return (BUILTIN_SCENARIOS[0], *rest)


def _parse_entry(
    entry: object, *, position: int, source: str, problems: list[str]
) -> Scenario | None:
    if not isinstance(entry, Mapping):
        problems.append(
            f"{source}, scenario #{position}: expected a mapping of fields, got "
            f"{type(entry).__name__} (start the entry with '- name: ...')"
        )
        return None
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME_PATTERN.match(name):
        problems.append(
            f"{source}, scenario #{position}, field 'name': {show_value(name)} is not a valid name "
            "(letters, digits, '_', '-', '.'; at most 64 characters)"
        )
        return None
    where = f"{source}, scenario {name!r}"
    values: dict[str, object] = {}
    before = len(problems)
    for key, value in entry.items():
        field = str(key)
        if field not in _FIELDS:
            close = difflib.get_close_matches(field, _FIELDS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(_FIELDS)}"
            problems.append(f"{where}, field {field!r}: unknown field ({hint})")
        elif field in _TEXT_FIELDS:
            if not (isinstance(value, str) or (value is None and field == "outage_venue")):
                problems.append(
                    f"{where}, field {field!r}: {show_value(value)} is a {type(value).__name__}, "
                    "expected text"
                )
            values[field] = value
        else:
            number = _check_number(value, field=field, where=where, problems=problems)
            values[field] = number
    outage_options = [f for f in ("outage_reroute_share", "outage_extra_bps") if f in values]
    if outage_options and values.get("outage_venue") is None:
        problems.append(
            f"{where}, field {outage_options[0]!r}: set without 'outage_venue' (name the venue "
            f"that goes down, or {BUSIEST_VENUE!r})"
        )
    if len(problems) > before:
        return None
    return Scenario(**values)  # type: ignore[arg-type]


def _check_number(value: object, *, field: str, where: str, problems: list[str]) -> float:
    low, high, meaning = _RANGES[field]
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(
            f"{where}, field {field!r}: {show_value(value)} is a {type(value).__name__}, "
            f"expected a number ({meaning})"
        )
        return math.nan
    number = float(value)
    if not math.isfinite(number):
        problems.append(f"{where}, field {field!r}: {show_value(value)} is not finite ({meaning})")
    elif field == "volume_mult" and number <= 0.0:
        problems.append(f"{where}, field {field!r}: {show_value(value)} must be > 0 ({meaning})")
    elif number < low:
        sign = "negative" if low == 0.0 else f"below {low:g}"
        problems.append(f"{where}, field {field!r}: {show_value(value)} is {sign} ({meaning})")
    elif number > high:
        problems.append(
            f"{where}, field {field!r}: {show_value(value)} is above {high:g} ({meaning})"
        )
    return number


def _check_venue(
    scenario: Scenario, venues: Collection[str], *, source: str, problems: list[str]
) -> None:
    venue = scenario.outage_venue
    if venue is None or venue == BUSIEST_VENUE or venue in venues:
        return
    known = ", ".join(sorted(venues))
    problems.append(
        f"{source}, scenario {scenario.name!r}, field 'outage_venue': {venue!r} is not a "
        f"venue of the trade log (known: {known}; or {BUSIEST_VENUE!r})"
    )
