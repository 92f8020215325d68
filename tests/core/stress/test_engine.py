"""Monte Carlo stress simulation on a synthetic cost log whose parameters are known."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from stage5kit.core.stress.engine import SimulationSettings, simulate_daily_costs, simulate_stress
from stage5kit.core.stress.history import CostHistory, build_cost_history
from stage5kit.core.stress.metrics import (
    compute_expected_shortfall,
    compute_tail_risk,
    compute_value_at_risk,
)
from stage5kit.core.stress.scenarios import BUILTIN_SCENARIOS, Scenario
from stage5kit.errors import ConfigError

HISTORY_DAYS = 60
TRADE_NOTIONAL = 10_000.0
MAKER_SHARE = 0.4
FEE_BPS = {"maker": 1.0, "taker": 5.0}
SLIPPAGE_BPS = {"maker": 0.5, "taker": 3.0}
SLOPE = 0.8
PATHS = 3000
DAYS = 20


def _synthetic_costed_log(*, seed: int = 11, rebate_bps: float | None = None) -> pd.DataFrame:
    """Trades of 10k notional on two venues; every fifth week is a run of expensive days."""
    rng = np.random.default_rng(seed)
    frames = []
    for day in range(HISTORY_DAYS):
        count = int(rng.poisson(200))
        bad = (day // 5) % 4 == 3
        maker = rng.random(count) < MAKER_SHARE
        venue = np.where(rng.random(count) < 0.6, "alpha", "beta")
        fee_bps = np.where(maker, FEE_BPS["maker"], FEE_BPS["taker"])
        if rebate_bps is not None:
            fee_bps = np.where(maker, -rebate_bps, fee_bps)
        slip_bps = np.where(maker, SLIPPAGE_BPS["maker"], SLIPPAGE_BPS["taker"])
        slip_bps = slip_bps * (3.0 if bad else 1.0) + rng.normal(0.0, 1.0, count)
        frames.append(
            pd.DataFrame(
                {
                    "timestamp": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(days=day),
                    "venue": venue,
                    "liquidity": np.where(maker, "maker", "taker"),
                    "notional": TRADE_NOTIONAL,
                    "fee": fee_bps * TRADE_NOTIONAL / 1e4,
                    "slippage_cost": slip_bps * TRADE_NOTIONAL / 1e4,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def history() -> CostHistory:
    """The synthetic log reduced to daily sums, with a known latency slope."""
    return build_cost_history(_synthetic_costed_log(), latency_slope_bps_per_10ms=SLOPE)


@pytest.fixture(scope="module")
def settings() -> SimulationSettings:
    """A fixed seed, 3000 paths of 20 days, stationary blocks of mean length 5."""
    return SimulationSettings(paths=PATHS, days=DAYS, seed=2026)


def _run(history: CostHistory, settings: SimulationSettings, scenario: Scenario):
    result = simulate_stress(history, [scenario], settings)
    row = result.table.set_index("scenario").loc[scenario.name]
    per_path = result.period_costs[scenario.name] - result.period_costs["baseline"]
    se = float(per_path.std(ddof=1) / math.sqrt(len(per_path)))
    return row, se


def _mean_daily(history: CostHistory, values: np.ndarray) -> float:
    return float(values.sum(axis=1).mean())


def test_baseline_reproduces_the_historical_mean_daily_cost(history, settings) -> None:
    """The baseline's expected period cost is days x the historical mean daily cost, within 3 SE."""
    result = simulate_stress(history, [], settings)
    row = result.table.iloc[0]
    expected = DAYS * history.daily_cost().mean()
    assert row["scenario"] == "baseline"
    assert abs(row["expected_period_cost"] - expected) <= 3 * row["period_cost_se"]


def test_circular_bootstrap_also_reproduces_the_historical_mean(history) -> None:
    """With circular blocks the baseline still matches the historical mean within 3 SE."""
    settings = SimulationSettings(paths=PATHS, days=DAYS, seed=5, block="circular")
    row = simulate_stress(history, [], settings).table.iloc[0]
    expected = DAYS * history.daily_cost().mean()
    assert abs(row["expected_period_cost"] - expected) <= 3 * row["period_cost_se"]


def test_fee_hike_multiplies_fee_cost(history, settings) -> None:
    """fee_mult 1.5 raises the fee cost by half the historical fees, within 3 SE."""
    row, se = _run(history, settings, Scenario(name="hike", fee_mult=1.5))
    expected = 0.5 * DAYS * _mean_daily(history, history.fee_charged)
    assert row["delta_expected_fee_cost"] > 0
    assert abs(row["delta_expected_fee_cost"] - expected) <= 3 * se + 1e-9 * expected
    assert row["delta_expected_slippage_cost"] == pytest.approx(0.0, abs=1e-6)


def test_fee_hike_leaves_rebates_unchanged() -> None:
    """A fee multiplier scales charged fees only: rebates (negative fees) stay as they were."""
    log = _synthetic_costed_log(rebate_bps=0.5)
    history = build_cost_history(log, latency_slope_bps_per_10ms=SLOPE)
    settings = SimulationSettings(paths=500, days=DAYS, seed=3)
    row, se = _run(history, settings, Scenario(name="hike", fee_mult=2.0))
    expected = DAYS * _mean_daily(history, history.fee_charged)
    assert history.fee_rebate.sum() < 0
    assert abs(row["delta_expected_fee_cost"] - expected) <= 3 * se + 1e-9 * expected


def test_slippage_add_costs_its_bps_of_notional(history, settings) -> None:
    """slippage_bps_add 2 adds 2 bps of the traded notional, within 3 SE."""
    row, se = _run(history, settings, Scenario(name="slip", slippage_bps_add=2.0))
    expected = 2.0 / 1e4 * DAYS * _mean_daily(history, history.notional)
    assert abs(row["delta_expected_slippage_cost"] - expected) <= 3 * se + 1e-9 * expected
    assert row["delta_cost_bps"] == pytest.approx(2.0, rel=1e-9)


def test_latency_add_costs_slippage_through_the_slope(history, settings) -> None:
    """latency_ms_add 25 adds slope x 2.5 bps of notional, within 3 SE."""
    row, se = _run(history, settings, Scenario(name="slow", latency_ms_add=25.0))
    expected = SLOPE * 2.5 / 1e4 * DAYS * _mean_daily(history, history.notional)
    assert abs(row["delta_expected_period_cost"] - expected) <= 3 * se + 1e-9 * expected
    assert row["delta_cost_bps"] == pytest.approx(SLOPE * 2.5, rel=1e-9)


def test_negative_latency_slope_is_not_turned_into_savings(settings) -> None:
    """A log whose slippage falls with latency gives latency shocks no effect, not a gain."""
    history = build_cost_history(_synthetic_costed_log(), latency_slope_bps_per_10ms=-0.5)
    row, _ = _run(history, settings, Scenario(name="slow", latency_ms_add=50.0))
    assert row["delta_expected_period_cost"] == pytest.approx(0.0, abs=1e-6)


def test_volume_surge_scales_cost_with_square_root_impact(history, settings) -> None:
    """volume_mult 3 triples trades and adds (sqrt(3) - 1) x mean slippage bps of impact."""
    row, se = _run(history, settings, Scenario(name="surge", volume_mult=3.0))
    cost = DAYS * history.daily_cost().mean()
    notional = DAYS * _mean_daily(history, history.notional)
    impact = 3.0 * (math.sqrt(3.0) - 1.0) * history.mean_slippage_bps / 1e4 * notional
    expected = 2.0 * cost + impact
    assert abs(row["delta_expected_period_cost"] - expected) <= 3 * se
    assert row["delta_expected_trades"] == pytest.approx(
        2.0 * DAYS * _mean_daily(history, history.trades), rel=0.02
    )
    assert row["cost_bps"] > simulate_stress(history, [], settings).table.iloc[0]["cost_bps"]


def test_venue_outage_drops_unrouted_flow_and_charges_rerouting(history, settings) -> None:
    """Outage of alpha, 70% rerouted at +4 bps: -30% of alpha's cost + 4 bps on 70% of it."""
    scenario = Scenario(
        name="down", outage_venue="alpha", outage_reroute_share=0.7, outage_extra_bps=4.0
    )
    row, se = _run(history, settings, scenario)
    alpha = history.venues.index("alpha")
    cost = (history.fee_charged + history.fee_rebate + history.slippage_cost)[:, alpha].mean()
    notional = history.notional[:, alpha].mean()
    expected = DAYS * (-0.3 * cost + 0.7 * 4.0 / 1e4 * notional)
    assert abs(row["delta_expected_period_cost"] - expected) <= 3 * se
    assert row["delta_expected_notional"] == pytest.approx(-0.3 * DAYS * notional, rel=0.05)


def test_busiest_venue_outage_takes_down_the_venue_with_most_notional(history, settings) -> None:
    """outage_venue 'busiest' hits the same venue as naming it (alpha carries 60%)."""
    named = Scenario(name="named", outage_venue="alpha", outage_reroute_share=0.5)
    busiest = Scenario(name="busiest_one", outage_venue="busiest", outage_reroute_share=0.5)
    first, _ = _run(history, settings, named)
    second, _ = _run(history, settings, busiest)
    assert first["delta_expected_notional"] == pytest.approx(second["delta_expected_notional"])


def test_maker_share_shift_moves_flow_to_taker_rates(history, settings) -> None:
    """maker_share_shift -0.2 moves 20% of notional from maker to taker fee and slippage rates."""
    row, se = _run(history, settings, Scenario(name="crossing", maker_share_shift=-0.2))
    notional = DAYS * _mean_daily(history, history.notional)
    fee_gap = (history.taker_fee_charged_rate - history.maker_fee_charged_rate) * 0.2 * notional
    slip_gap = (history.taker_slippage_rate - history.maker_slippage_rate) * 0.2 * notional
    assert history.taker_fee_charged_rate == pytest.approx(FEE_BPS["taker"] / 1e4)
    assert abs(row["delta_expected_fee_cost"] - fee_gap) <= 3 * se + 1e-9 * fee_gap
    assert abs(row["delta_expected_period_cost"] - fee_gap - slip_gap) <= 3 * se


def test_slippage_spikes_cost_probability_times_size(history, settings) -> None:
    """5% of trades spiking by 20 bps adds 0.05 x 20 bps of notional, within 3 SE."""
    scenario = Scenario(name="spiky", slippage_spike_prob=0.05, slippage_spike_bps=20.0)
    row, se = _run(history, settings, scenario)
    expected = 0.05 * 20.0 / 1e4 * DAYS * _mean_daily(history, history.notional)
    assert se > 0
    assert abs(row["delta_expected_slippage_cost"] - expected) <= 3 * se


def test_latency_spikes_cost_through_the_slope(history, settings) -> None:
    """2% of trades delayed 200 ms adds 0.02 x slope x 20 bps of notional, within 3 SE."""
    scenario = Scenario(name="lag", latency_spike_prob=0.02, latency_spike_ms=200.0)
    row, se = _run(history, settings, scenario)
    expected = 0.02 * SLOPE * 20.0 / 1e4 * DAYS * _mean_daily(history, history.notional)
    assert abs(row["delta_expected_period_cost"] - expected) <= 3 * se


def test_spikes_widen_the_tail_more_than_the_mean(history, settings) -> None:
    """Rare large spikes raise ES97.5 of daily cost by more than they raise the mean day."""
    scenario = Scenario(name="rare", slippage_spike_prob=0.002, slippage_spike_bps=2000.0)
    row, _ = _run(history, settings, scenario)
    assert row["delta_es975_daily_cost"] > row["delta_expected_period_cost"] / DAYS


def test_var_and_es_match_numpy_on_the_simulated_sample(history, settings) -> None:
    """VaR95 and ES97.5 in the table are the nearest-rank quantile and the exact tail mean
    (worst 2.5% of simulated days, boundary day weighted) of the same sample."""
    scenario = BUILTIN_SCENARIOS[2]
    daily = simulate_daily_costs(history, scenario, settings)
    row = simulate_stress(history, [scenario], settings).table.set_index("scenario")
    ordered = np.sort(daily, axis=None)
    n = ordered.size
    tail = n * 0.025
    boundary = int(np.ceil(n * 0.975))
    exact_es = (ordered[boundary:].sum() + (boundary - n * 0.975) * ordered[boundary - 1]) / tail
    assert daily.shape == (PATHS, DAYS)
    assert row.loc[scenario.name, "var95_daily_cost"] == ordered[int(np.ceil(n * 0.95)) - 1]
    assert row.loc[scenario.name, "es975_daily_cost"] == pytest.approx(exact_es, rel=1e-12)
    assert row.loc[scenario.name, "worst_day_cost"] == daily.max()


def test_fan_bands_match_numpy_quantiles_of_cumulative_cost(history, settings) -> None:
    """The fan chart's bands are numpy's quantiles across paths of the cumulative cost."""
    daily = simulate_daily_costs(history, BUILTIN_SCENARIOS[0], settings)
    fan = simulate_stress(history, [], settings).fan
    median = fan[(fan["quantile"] == 0.5)].sort_values("day")["cumulative_cost"].to_numpy()
    np.testing.assert_allclose(median, np.median(np.cumsum(daily, axis=1), axis=0), rtol=1e-12)


def test_block_bootstrap_keeps_bad_days_clustered(history) -> None:
    """Blocks of mean length 5 keep lag-1 autocorrelation of daily cost; single days lose it."""

    def lag_one(block_length: float) -> float:
        settings = SimulationSettings(paths=400, days=60, seed=9, block_length=block_length)
        daily = simulate_daily_costs(history, BUILTIN_SCENARIOS[0], settings)
        centred = daily - daily.mean()
        return float((centred[:, 1:] * centred[:, :-1]).mean() / centred.var())

    assert lag_one(5.0) > 0.5
    assert abs(lag_one(1.0)) < 0.05


def test_same_seed_gives_identical_results(history) -> None:
    """Two runs with the same seed give identical tables, path costs and fan bands."""
    settings = SimulationSettings(paths=1500, days=10, seed=77)
    first = simulate_stress(history, BUILTIN_SCENARIOS, settings, gross_edge_bps=6.0)
    second = simulate_stress(history, BUILTIN_SCENARIOS, settings, gross_edge_bps=6.0)
    pd.testing.assert_frame_equal(first.table, second.table)
    pd.testing.assert_frame_equal(first.period_costs, second.period_costs)
    pd.testing.assert_frame_equal(first.fan, second.fan)


def test_different_seeds_give_different_paths(history) -> None:
    """Another seed draws other paths."""
    first = simulate_daily_costs(
        history, Scenario(name="b"), SimulationSettings(paths=50, days=5, seed=1)
    )
    second = simulate_daily_costs(
        history, Scenario(name="b"), SimulationSettings(paths=50, days=5, seed=2)
    )
    assert not np.array_equal(first, second)


def test_results_do_not_depend_on_the_number_of_workers(history) -> None:
    """One worker and two worker processes give identical numbers for the same seed."""
    scenarios = [BUILTIN_SCENARIOS[2], BUILTIN_SCENARIOS[3]]
    one = simulate_stress(history, scenarios, SimulationSettings(paths=2500, days=8, seed=4))
    two = simulate_stress(
        history, scenarios, SimulationSettings(paths=2500, days=8, seed=4, workers=2)
    )
    pd.testing.assert_frame_equal(one.table, two.table)
    pd.testing.assert_frame_equal(one.period_costs, two.period_costs)


def test_a_scenario_gives_the_same_numbers_alone_or_among_others(history) -> None:
    """A scenario's spikes are seeded by its name, not by its position in the list."""
    settings = SimulationSettings(paths=300, days=5, seed=8)
    crunch = BUILTIN_SCENARIOS[2]
    alone = simulate_stress(history, [crunch], settings).period_costs[crunch.name]
    among = simulate_stress(history, BUILTIN_SCENARIOS, settings).period_costs[crunch.name]
    pd.testing.assert_series_equal(alone, among)


def test_every_metric_has_a_delta_to_baseline(history) -> None:
    """Each metric column has a delta_ column, and baseline's deltas are all zero."""
    settings = SimulationSettings(paths=200, days=5, seed=1)
    table = simulate_stress(
        history,
        BUILTIN_SCENARIOS,
        settings,
        include_tco=True,
        infra_cost_per_day=50.0,
        budget=1e5,
        gross_edge_bps=8.0,
    ).table
    metrics = [c for c in table.columns if c not in {"scenario", "description"}]
    plain = [c for c in metrics if not c.startswith("delta_")]
    assert {f"delta_{m}" for m in plain} == {c for c in metrics if c.startswith("delta_")}
    assert (table.loc[0, [f"delta_{m}" for m in plain]] == 0).all()
    assert list(table["scenario"]) == [s.name for s in BUILTIN_SCENARIOS]


def test_tco_adds_infra_cost_to_the_period(history) -> None:
    """With include_tco the TCO is period cost + infra per day x days, and breaches use it."""
    settings = SimulationSettings(paths=400, days=10, seed=1)
    plain = simulate_stress(history, [], settings, budget=1e9)
    tco = simulate_stress(
        history, [], settings, include_tco=True, infra_cost_per_day=300.0, budget=1e9
    )
    row = tco.table.iloc[0]
    assert "expected_tco" not in plain.table.columns
    assert row["expected_tco"] == pytest.approx(row["expected_period_cost"] + 3000.0)
    pd.testing.assert_series_equal(
        tco.period_costs["baseline"], plain.period_costs["baseline"] + 3000.0
    )


def test_budget_breach_probability_counts_paths_over_budget(history) -> None:
    """P(budget breach) is the share of paths whose period cost exceeds the budget."""
    settings = SimulationSettings(paths=800, days=10, seed=6)
    probe = simulate_stress(history, [], settings)
    budget = float(probe.period_costs["baseline"].median())
    result = simulate_stress(history, [], settings, budget=budget)
    assert result.table.loc[0, "p_budget_breach"] == pytest.approx(
        (probe.period_costs["baseline"] > budget).mean()
    )
    assert 0.45 <= result.table.loc[0, "p_budget_breach"] <= 0.55


def test_break_even_figures_zero_the_expected_net_pnl(history) -> None:
    """At the break-even fee multiplier and cost bps, expected net PnL is zero."""
    settings = SimulationSettings(paths=600, days=10, seed=2)
    edge = 6.0
    row = simulate_stress(history, [], settings, gross_edge_bps=edge).table.iloc[0]
    gross = edge / 1e4 * row["expected_notional"]
    assert row["break_even_cost_bps"] == pytest.approx(edge)
    assert row["cost_drag_pct"] == pytest.approx(100 * row["expected_period_cost"] / gross)
    fee_unit = row["expected_fee_cost"]
    at_break_even = row["expected_period_cost"] + (row["break_even_fee_mult"] - 1.0) * fee_unit
    assert at_break_even == pytest.approx(gross, rel=1e-9)
    hike = Scenario(name="hike", fee_mult=row["break_even_fee_mult"])
    hiked = simulate_stress(history, [hike], settings, gross_edge_bps=edge).table.iloc[1]
    assert hiked["expected_period_cost"] == pytest.approx(gross, rel=1e-9)


def test_net_pnl_probability_rises_with_costs(history) -> None:
    """A thinner gross edge makes P(net PnL < 0) larger, and a fee hike makes it larger still."""
    settings = SimulationSettings(paths=600, days=10, seed=2)
    cost_bps = simulate_stress(history, [], settings).table.loc[0, "cost_bps"]
    table = simulate_stress(
        history, [Scenario(name="hike", fee_mult=1.3)], settings, gross_edge_bps=cost_bps
    ).table
    assert 0.2 < table.loc[0, "p_net_pnl_negative"] < 0.8
    assert table.loc[1, "p_net_pnl_negative"] > table.loc[0, "p_net_pnl_negative"]


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"paths": 0}, "paths must be >= 1"),
        ({"days": 0}, "days must be >= 1"),
        ({"seed": -1}, "seed must be >= 0"),
        ({"workers": 0}, "workers must be >= 1"),
        ({"block": "moving"}, "block must be one of"),
        ({"block_length": 0.5}, "block_length must be"),
    ],
)
def test_bad_settings_are_refused(options, fragment) -> None:
    """Each impossible simulation setting raises ConfigError naming the option."""
    values = {"paths": 10, "days": 5, "seed": 1} | options
    with pytest.raises(ConfigError, match=fragment):
        SimulationSettings(**values)


def test_unknown_outage_venue_is_refused(history) -> None:
    """An outage of a venue the log does not have is a ConfigError naming the known venues."""
    scenario = Scenario(name="x", outage_venue="nowhere", outage_reroute_share=0.5)
    with pytest.raises(ConfigError, match="'nowhere' is not a venue of the trade log"):
        simulate_stress(history, [scenario], SimulationSettings(paths=5, days=2, seed=1))


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"budget": 0.0}, "budget must be a positive amount"),
        ({"budget": math.nan}, "budget must be a positive amount"),
        ({"infra_cost_per_day": -1.0}, "infra cost per day must be"),
        ({"gross_edge_bps": math.inf}, "gross edge must be a finite number"),
    ],
)
def test_bad_metric_options_are_refused(history, options, fragment) -> None:
    """A budget <= 0, negative infra cost or infinite edge is a ConfigError."""
    with pytest.raises(ConfigError, match=fragment):
        simulate_stress(history, [], SimulationSettings(paths=5, days=2, seed=1), **options)


def test_fan_is_drawn_at_64_days_at_most(history) -> None:
    """A long horizon's fan keeps 64 evenly spread days, the first and the last among them."""
    fan = simulate_stress(history, [], SimulationSettings(paths=20, days=252, seed=1)).fan
    days = sorted(fan["day"].unique())
    assert len(days) == 64
    assert (days[0], days[-1]) == (1, 252)


def test_tail_risk_equals_the_separate_var_and_es() -> None:
    """compute_tail_risk gives the same VaR95 and ES97.5 as the two separate functions."""
    costs = np.random.default_rng(3).lognormal(size=(50, 40))
    assert compute_tail_risk(costs) == (
        compute_value_at_risk(costs),
        compute_expected_shortfall(costs),
    )


def test_progress_callback_hears_every_scenario_in_order(history) -> None:
    """on_scenario_done is called once per scenario, baseline first."""
    done: list[str] = []
    simulate_stress(
        history,
        BUILTIN_SCENARIOS[1:3],
        SimulationSettings(paths=10, days=3, seed=1),
        on_scenario_done=done.append,
    )
    assert done == ["baseline", "fee_hike_50", "liquidity_crunch"]
