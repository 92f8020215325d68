"""`stage5kit sample ...` (deterministic sample inputs) and `stage5kit tco` (TCO report)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import click

from stage5kit.cli._options import (
    format_option,
    key_option,
    optional_out_dir_option,
    out_dir_option,
    root_option,
    workspace_of,
)

_rows_option = click.option(
    "--rows", type=click.IntRange(min=1), default=20_000, show_default=True, help="Trades to draw."
)
_seed_option = click.option(
    "--seed", type=int, default=5, show_default=True, help="Random seed; same seed, same bytes."
)


class _TcoOptionsDefault(click.Option):
    """An option whose default is a field of :class:`~stage5kit.core.TcoOptions`.

    The defaults live in ``TcoOptions`` alone; they are read when the command runs or its
    help is shown, so ``stage5kit --help`` does not import the analytics.
    """

    def __init__(self, param_decls: Sequence[str], *, field: str, **attrs: Any) -> None:  # noqa: ANN401 - click's own signature
        super().__init__(param_decls, show_default=True, **attrs)
        self.options_field = field

    def get_default(self, ctx: click.Context, call: bool = True) -> str | int | float:
        """The ``TcoOptions`` default (report keys joined by commas, as typed)."""
        from stage5kit.core import TcoOptions

        value: tuple[str, ...] | str | int | float = getattr(TcoOptions(), self.options_field)
        return ",".join(value) if isinstance(value, tuple) else value


@click.group("sample")
def sample() -> None:
    """Write deterministic sample inputs (same seed, same bytes)."""


@sample.command("trades")
@_rows_option
@_seed_option
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=120,
    show_default=True,
    help="Days of UTC timestamps from 2026-01-01.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Target file: Parquet when it ends in .parquet (or .pq), CSV otherwise.",
)
def sample_trades(rows: int, seed: int, days: int, out: Path) -> None:
    """Write a synthetic trade log of ROWS trades (CSV or Parquet by suffix)."""
    from stage5kit.cli._progress import progress_bar
    from stage5kit.core import generate_trades, write_trades

    frame = generate_trades(rows=rows, seed=seed, days=days)
    with progress_bar(total=rows, unit=" rows", desc=f"writing {out.name}") as bar:
        write_trades(frame, out, progress=bar.update)
    click.echo(f"wrote {rows} trades to {out}", err=True)


@sample.command("inputs")
@_rows_option
@_seed_option
@out_dir_option("Folder for trades.csv, infra_costs.csv, thresholds.yaml, budget.yaml.")
def sample_inputs(rows: int, seed: int, out_dir: Path) -> None:
    """Write the sample TCO inputs (the defaults make sample_artifacts/inputs/)."""
    from stage5kit.core import write_sample_inputs

    for path in write_sample_inputs(out_dir, rows=rows, seed=seed):
        click.echo(f"wrote {path}", err=True)


@sample.command("artifacts")
@out_dir_option(
    "Folder to rebuild whole: inputs/, demo_key/, tco/, stress/, smoke/, decision_log/, keys/,"
    " observability/, README.md."
)
def sample_artifacts(out_dir: Path) -> None:
    """Rebuild the sample inputs and the demo-key-signed sample outputs (`make sample`)."""
    from stage5kit.cli._progress import progress_bar
    from stage5kit.cli.sample_artifacts import SAMPLE_STEPS, write_sample_artifacts

    with progress_bar(total=len(SAMPLE_STEPS), unit="step", desc="sample artifacts") as bar:

        def advance(step: str) -> None:
            bar.set_postfix_str(step)
            bar.update()

        written = write_sample_artifacts(out_dir, on_step=advance)
    for path in written:
        click.echo(f"wrote {path}", err=True)


@click.command("tco")
@click.argument("trades", type=click.Path(path_type=Path))
@optional_out_dir_option(
    "Folder for tco_report.csv and tco_summary.json. Default: var/audit/tco/ in the workspace."
)
@root_option()
@click.option(
    "--infra-costs",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Monthly infra costs CSV.",
)
@click.option(
    "--by",
    cls=_TcoOptionsDefault,
    field="by",
    help="Group keys: strategy, venue, symbol, liquidity and one of day, week, month.",
)
@click.option(
    "--thresholds",
    type=click.Path(dir_okay=False, path_type=Path),
    help="KPI limits (YAML or JSON).",
)
@click.option(
    "--budget",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Budgets per strategy (YAML or JSON).",
)
@click.option(
    "--allocation",
    type=click.Choice(["trades", "notional"]),
    cls=_TcoOptionsDefault,
    field="allocation",
    help="How shared infra costs are split.",
)
@click.option(
    "--anomaly-window",
    type=click.IntRange(min=2),
    cls=_TcoOptionsDefault,
    field="anomaly_window_days",
    help="Rolling window of the anomaly check, in days.",
)
@click.option(
    "--anomaly-k",
    type=click.FloatRange(min=0, min_open=True),
    cls=_TcoOptionsDefault,
    field="anomaly_k",
    help="A day is an anomaly above the rolling mean + k standard deviations.",
)
@click.option(
    "--infra-proration",
    type=click.Choice(["days", "none"]),
    cls=_TcoOptionsDefault,
    field="infra_proration",
    help="Charge each month's infra costs by the share of its days the log covers, or whole.",
)
@click.option(
    "--stream",
    is_flag=True,
    help="Quantiles from the 1%-accurate sketch even for a log small enough for exact ones "
    "(logs of more than 5,000,000 trades always use the sketch).",
)
@click.option(
    "--batch-rows",
    type=click.IntRange(min=1000),
    default=500_000,
    show_default=True,
    help="Trades per streamed batch (bounds memory).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Dask scheduler (tcp://host:8786): one task per Parquet file of a folder or glob; "
    "the workers read the files themselves.",
)
@click.option(
    "--fail-on-breach", is_flag=True, help="Exit 1 when a limit is breached or a budget is over."
)
@key_option("Sign both files with this key (hex:, base64:, file:, env:).")
@format_option(help_text="json prints tco_summary.json on stdout; text a short overview.")
def tco(
    *,
    trades: Path,
    out_dir: Path | None,
    root: Path | None,
    infra_costs: Path | None,
    by: str,
    thresholds: Path | None,
    budget: Path | None,
    allocation: Literal["trades", "notional"],
    anomaly_window: int,
    anomaly_k: float,
    infra_proration: Literal["days", "none"],
    stream: bool,
    batch_rows: int,
    scheduler: str | None,
    fail_on_breach: bool,
    key_spec: str | None,
    output_format: str,
) -> None:
    """Compute TCO KPIs of TRADES (CSV, Parquet, or a folder or glob of Parquet) into --out."""
    from stage5kit import __version__
    from stage5kit.cli._options import load_output_key, output_names, sign_outputs
    from stage5kit.cli._progress import progress_bar
    from stage5kit.core import (
        TcoOptions,
        analyse_tco_file,
        load_budget,
        load_infra_costs,
        load_thresholds,
    )
    from stage5kit.core.io import describe_inputs, trade_files, write_tco_outputs
    from stage5kit.core.io.tco_output import REPORT_NAME, SUMMARY_NAME
    from stage5kit.files import output_directory

    out_dir = out_dir if out_dir is not None else workspace_of(root).tco_dir
    key = load_output_key(key_spec)
    options = TcoOptions(
        by=tuple(k.strip() for k in by.split(",") if k.strip()),
        allocation=allocation,
        anomaly_window_days=anomaly_window,
        anomaly_k=anomaly_k,
        infra_proration=infra_proration,
    )
    infra_frame = None if infra_costs is None else load_infra_costs(infra_costs)
    limits = None if thresholds is None else load_thresholds(thresholds)
    budgets = None if budget is None else load_budget(budget)
    files = trade_files(trades)
    total, unit, scale = _progress_scale(files)
    with output_directory(out_dir, owned=output_names(REPORT_NAME, SUMMARY_NAME)) as folder:
        with progress_bar(total=total, unit=unit, desc="tco", output_format=output_format) as bar:

            def progress(rows: int) -> None:
                bar.update(rows * scale)

            if scheduler:
                from stage5kit.reporting.tco_cluster import analyse_tco_on_cluster

                result = analyse_tco_on_cluster(
                    trades,
                    scheduler,
                    options,
                    infra_costs=infra_frame,
                    thresholds=limits,
                    budget=budgets,
                    batch_rows=batch_rows,
                    progress=progress,
                )
            else:
                result = analyse_tco_file(
                    trades,
                    options,
                    infra_costs=infra_frame,
                    thresholds=limits,
                    budget=budgets,
                    batch_rows=batch_rows,
                    progress=progress,
                    **({"exact_rows": 0} if stream else {}),
                )
        inputs = describe_inputs(
            {
                "trades": trades,
                "infra_costs": infra_costs,
                "thresholds": thresholds,
                "budget": budget,
            },
            {"trades": files},
        )
        built = write_tco_outputs(result, folder, inputs=inputs, kit_version=__version__)
        sign_outputs(built, key)
        summary_text = built[1].read_text(encoding="utf-8")
    written = (out_dir / built[0].name, out_dir / built[1].name)
    over = int((result.budget_status["status"] == "over").sum()) if len(result.budget_status) else 0
    if output_format == "json":
        click.echo(summary_text, nl=False)
    else:
        _echo_overview(
            overall=result.overall,
            groups=len(result.kpis),
            breaches=len(result.breaches),
            anomalies=len(result.anomalies),
            over=over,
            written=written,
            quantile_method=result.quantile_method,
        )
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if fail_on_breach and (len(result.breaches) or over):
        click.echo(
            f"finding: {len(result.breaches)} limit breach(es), {over} budget(s) over", err=True
        )
        click.get_current_context().exit(1)


def _progress_scale(files: list[Path]) -> tuple[float | None, str, float]:
    """(total, unit, amount per trade) of the progress bar: trades of Parquet files (their
    metadata counts them), else bytes of the CSV, advanced by an average line length."""
    import pyarrow.parquet as pq

    if all(f.suffix.lower() in (".parquet", ".pq") for f in files):
        try:
            return float(sum(pq.ParquetFile(f).metadata.num_rows for f in files)), " trades", 1.0
        except (OSError, ValueError):
            return None, " trades", 1.0
    size = sum(f.stat().st_size for f in files)
    with files[0].open("rb") as handle:
        head = handle.read(1 << 16).splitlines()[1:-1]
    line = sum(len(h) + 1 for h in head) / len(head) if head else 1.0
    return float(size), "B", line


def _echo_overview(
    *,
    overall: dict[str, float],
    groups: int,
    breaches: int,
    anomalies: int,
    over: int,
    written: tuple[Path, Path],
    quantile_method: str,
) -> None:
    """Print the text overview: headline KPIs, counts of findings, and the files written.

    A sketched quantile is shown to 3 significant digits (its error is up to 1%).
    """
    p95 = overall.get("decision_latency_ms_p95", float("nan"))
    rows = [
        ("trades", f"{overall.get('n_trades', 0):,.0f}"),
        ("groups", f"{groups:,}"),
        ("tco", f"{overall.get('tco', float('nan')):,.2f}"),
        ("avg_cost_per_trade", f"{overall.get('avg_cost_per_trade', float('nan')):,.4f}"),
        ("cost_bps", f"{overall.get('cost_bps', float('nan')):.3f}"),
        ("slippage_bps", f"{overall.get('slippage_bps', float('nan')):.3f}"),
        (
            f"decision_latency_ms_p95 ({quantile_method})",
            f"{p95:.3g}" if quantile_method == "sketch" else f"{p95:.2f}",
        ),
        ("breaches", str(breaches)),
        ("anomalies", str(anomalies)),
        ("budgets over", str(over)),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name.ljust(width)}  {value}")
    for path in written:
        click.echo(f"wrote {path}")
