"""`stage5kit stress`: Monte Carlo cost stress test of a trade log under named scenarios."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from stage5kit.cli._options import format_option, key_option, out_dir_option

if TYPE_CHECKING:
    from stage5kit.core import Budget, SimulationSettings, StressResult

_TABLE_COLUMNS = (
    ("scenario", "scenario", "{}"),
    ("expected_period_cost", "period cost", "{:,.2f}"),
    ("delta_expected_period_cost", "vs baseline", "{:+,.2f}"),
    ("cost_bps", "cost bps", "{:.2f}"),
    ("var95_daily_cost", "VaR95 day", "{:,.2f}"),
    ("es975_daily_cost", "ES97.5 day", "{:,.2f}"),
    ("p_budget_breach", "P(breach)", "{:.1%}"),
    ("p_net_pnl_negative", "P(net<0)", "{:.1%}"),
)


@click.command("stress")
@click.argument("trades", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--scenarios",
    "scenario_spec",
    default="all",
    show_default=True,
    help="'all', built-in names separated by commas, or a YAML file of custom scenarios.",
)
@click.option(
    "--paths",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Simulated paths.",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Trading days per path.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Same seed, same numbers.",
)
@click.option(
    "--block",
    type=click.Choice(["stationary", "circular"]),
    default="stationary",
    show_default=True,
    help="Block bootstrap: geometric block lengths (stationary) or fixed ones (circular).",
)
@click.option(
    "--block-length",
    type=click.FloatRange(min=1.0),
    default=5.0,
    show_default=True,
    help="Mean (stationary) or exact (circular) block length in days.",
)
@click.option("--include-tco", is_flag=True, help="Add allocated infra costs: the TCO view.")
@click.option(
    "--infra-costs",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Infra costs CSV (month, strategy, category, amount); used with --include-tco.",
)
@click.option(
    "--infra-proration",
    type=click.Choice(["days", "none"]),
    default="days",
    show_default=True,
    help="Charge each month's infra costs by the share of its days the log covers, or whole.",
)
@click.option(
    "--budget",
    "budget_spec",
    help="Budget for the whole horizon: an amount, or a budget YAML scaled to the horizon.",
)
@click.option("--gross-edge-bps", type=float, help="Gross edge in bps of notional, for net PnL.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes sharing the paths; results do not depend on it.",
)
@out_dir_option("Folder for stress_results.csv and stress_summary.json.")
@key_option("Sign both files with this key spec (hex:, file:, env:).")
@click.option("--key-id", help="Key id recorded in the signatures.")
@format_option(choices=("table", "json"), help_text="A short table, or the summary JSON on stdout.")
def stress(
    *,
    trades: Path,
    scenario_spec: str,
    paths: int,
    days: int,
    seed: int,
    block: Literal["stationary", "circular"],
    block_length: float,
    include_tco: bool,
    infra_costs: Path | None,
    infra_proration: Literal["days", "none"],
    budget_spec: str | None,
    gross_edge_bps: float | None,
    workers: int,
    out_dir: Path,
    key_spec: str | None,
    key_id: str | None,
    output_format: str,
) -> None:
    """Simulate the cost of TRADES' history under stress scenarios; write CSV and JSON."""
    from stage5kit import __version__
    from stage5kit.cli._options import load_output_key, output_names, sign_outputs
    from stage5kit.cli._progress import progress_bar
    from stage5kit.core import (
        Budget,
        SimulationSettings,
        load_infra_costs,
        load_trades,
        resolve_scenarios,
        run_stress_test,
    )
    from stage5kit.core.io import (
        describe_inputs,
        summarise_stress,
        trade_files,
        write_stress_outputs,
    )
    from stage5kit.core.io.stress_output import RESULTS_NAME, SUMMARY_NAME
    from stage5kit.core.stress.engine import CHUNK_PATHS
    from stage5kit.errors import ConfigError
    from stage5kit.files import output_directory
    from stage5kit.reporting.stress_reading import describe_stress_result

    if infra_costs is not None and not include_tco:
        msg = "--infra-costs is only used with --include-tco (add --include-tco)"
        raise ConfigError(msg)
    key = load_output_key(key_spec, key_id)
    settings = SimulationSettings(
        paths=paths, days=days, seed=seed, block=block, block_length=block_length, workers=workers
    )
    _check_memory(settings, scenarios=1)
    infra_frame = load_infra_costs(infra_costs) if infra_costs is not None else None
    budget = _resolve_budget(budget_spec)
    owned = output_names(RESULTS_NAME, SUMMARY_NAME)
    with output_directory(out_dir, owned=owned) as folder:
        log = load_trades(trades)
        venues = sorted(log["venue"].astype(str).unique())
        scenarios = resolve_scenarios(scenario_spec, venues=venues)
        _check_memory(settings, scenarios=len(scenarios))
        chunks = f"chunks of {CHUNK_PATHS:,} paths"
        with progress_bar(
            total=None, unit="chunk", desc=chunks, output_format=output_format
        ) as bar:

            def advance(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            result = run_stress_test(
                log,
                scenarios,
                settings,
                include_tco=include_tco,
                infra_costs=infra_frame,
                budget=budget,
                gross_edge_bps=gross_edge_bps,
                infra_proration=infra_proration,
                on_chunks_done=advance,
            )
        budget_file = budget_spec if isinstance(budget, Budget) else None
        inputs = describe_inputs(
            {"trades": trades, "infra_costs": infra_costs, "budget": budget_file},
            {"trades": trade_files(trades)},
        )
        summary = summarise_stress(
            result,
            inputs=inputs,
            scenario_spec=scenario_spec,
            kit_version=__version__,
            reading=describe_stress_result(result),
        )
        built = write_stress_outputs(result, summary, folder)
        sign_outputs(built, key)
        summary_text = built[1].read_text(encoding="utf-8")
    written = [out_dir / path.name for path in built]
    if output_format == "json":
        click.echo(summary_text, nl=False)
    else:
        click.echo(_format_table(result))
    click.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


def _check_memory(settings: SimulationSettings, *, scenarios: int) -> None:
    """Refuse up front a run whose memory estimate exceeds the machine's memory."""
    import os

    from stage5kit.errors import ConfigError

    needed = settings.memory_bytes(scenarios)
    try:
        machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return
    if needed <= machine:
        return
    fits = max(1, machine // (8 * 3 * settings.days + 8 * (scenarios + 2)) // 2)
    msg = (
        f"--paths {settings.paths} x --days {settings.days} x {scenarios} scenario(s) needs "
        f"about {_size(needed)} of memory; this machine has {_size(machine)} "
        f"(lower --paths, e.g. --paths {min(fits, settings.paths)}, or --days)"
    )
    raise ConfigError(msg)


def _size(count: int) -> str:
    """Bytes as people read them (GB, TB)."""
    value, unit = float(count), "bytes"
    for larger in ("KB", "MB", "GB", "TB"):
        if value < 1000:
            break
        value, unit = value / 1000, larger
    return f"{value:,.1f} {unit}"


def _resolve_budget(spec: str | None) -> float | Budget | None:
    """--budget as given: an amount, or the budget file it names (else a ConfigError)."""
    from stage5kit.core import load_budget
    from stage5kit.errors import ConfigError

    if spec is None:
        return None
    try:
        return float(spec)
    except ValueError:
        pass
    if not Path(spec).is_file():
        msg = f"--budget {spec!r}: neither an amount nor a budget file (give e.g. 250000)"
        raise ConfigError(msg)
    return load_budget(spec)


def _format_table(result: StressResult) -> str:
    """The short text table: one row per scenario, the headline metrics formatted."""
    header = [label for _, label, _ in _TABLE_COLUMNS]
    lines = []
    for record in result.table.to_dict(orient="records"):
        cells = []
        for column, _, pattern in _TABLE_COLUMNS:
            value = record[column]
            missing = isinstance(value, float) and math.isnan(value)
            cells.append("-" if missing else pattern.format(value))
        lines.append(cells)
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.rjust(width) if i else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *lines]
    )
