"""`stage5kit bundle export` and `stage5kit alerts replay`: the Observability+ commands."""

from __future__ import annotations

import json
from pathlib import Path

import click

from stage5kit.cli._options import format_option, key_option, root_option, workspace_of

BUNDLE_NAME = "stage5_bundle.zip"

_config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Observability config YAML: objectives, latency threshold, windows (default: built-in).",
)
_thresholds_option = click.option(
    "--thresholds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Thresholds YAML whose max_cost_bps per strategy defines the execution-cost SLO.",
)
_budget_option = click.option(
    "--budget",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Budget YAML: its period sets the spend projection; its amounts go in the SLO file.",
)


@click.group("bundle")
def bundle() -> None:
    """The signed Stage5 observability bundle (dashboard, alert rules, SLOs)."""


@bundle.command("export")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Bundle zip (default: var/audit/observability/stage5_bundle.zip in the workspace).",
)
@root_option()
@key_option()
@click.option("--key-id", help="Key id to record (default: from the key's source or its hash).")
@_config_option
@_thresholds_option
@_budget_option
def export(
    *,
    out: Path | None,
    root: Path | None,
    key_spec: str | None,
    key_id: str | None,
    config_path: Path | None,
    thresholds: Path | None,
    budget: Path | None,
) -> None:
    """Write the signed bundle: Grafana dashboard, Prometheus rules and their tests, SLOs."""
    from stage5kit.compliance.observability import load_observability_config, write_bundle
    from stage5kit.core import load_budget, load_thresholds
    from stage5kit.signing import load_signing_key

    key = load_signing_key(key_spec, key_id=key_id)
    target = out or workspace_of(root).observability_dir / BUNDLE_NAME
    written = write_bundle(
        target,
        key,
        load_observability_config(config_path),
        budget=None if budget is None else load_budget(budget),
        thresholds=None if thresholds is None else load_thresholds(thresholds),
    )
    click.echo(str(written))


@click.group("alerts")
def alerts() -> None:
    """Replay the SLO and budget alerts on a trade log."""


@alerts.command("replay")
@click.argument("trades", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_config_option
@_thresholds_option
@_budget_option
@format_option(help_text="text: one line per alert episode; json: the episodes as a list.")
def replay(
    *,
    trades: Path,
    config_path: Path | None,
    thresholds: Path | None,
    budget: Path | None,
    output_format: str,
) -> None:
    """When each burn-rate (and, with --budget, budget) alert would have fired and cleared."""
    import pandas as pd

    from stage5kit.compliance.observability import (
        episode_records,
        load_observability_config,
        replay_budget_alerts,
        replay_burn_rate_alerts,
        slo_events,
    )
    from stage5kit.core import load_budget, load_thresholds, load_trades

    config = load_observability_config(config_path)
    limits = None if thresholds is None else load_thresholds(thresholds)
    events = slo_events(load_trades(trades), config, limits)
    episodes = replay_burn_rate_alerts(events, config)
    if budget is not None:
        spend = replay_budget_alerts(events, load_budget(budget), config)
        episodes = pd.concat([episodes, spend], ignore_index=True)
    rows = episode_records(episodes)
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    click.echo(f"{len(rows)} alert episode(s)")
    for entry in rows:
        cleared = entry["cleared_at"] or "still firing at the end of the log"
        click.echo(
            f"{entry['fired_at']}  {entry['alert']:<12} {entry['subject']:<16}"
            f" {entry['severity']:<8} cleared {cleared}"
        )
