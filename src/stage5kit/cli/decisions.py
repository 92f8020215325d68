"""`stage5kit smoke` (the decision-engine smoke test) and `stage5kit decide` (candidate orders)."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from stage5kit.cli._options import format_option, key_option, root_option, workspace_of

SMOKE_SCENARIO_NAMES = ("cost_growth", "baseline")


@click.command("smoke")
@click.option(
    "--scenario",
    type=click.Choice(SMOKE_SCENARIO_NAMES),
    default="cost_growth",
    show_default=True,
    help="Fixed scenario to replay (docs/decision_engine.md describes both).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for sample_incident.json and smoke.sig."
    " Default: logs/decision_engine/ in the workspace.",
)
@root_option()
@key_option()
@click.option("--ticket", help="Also append the incident to the decision log with this ticket.")
@click.option(
    "--log-key",
    "log_key_spec",
    metavar="SPEC",
    help="Decision-log key (with --ticket). Default: $STAGE5KIT_DECISION_LOG_KEY, "
    "$LIVE_DECISION_LOG_HMAC, then secrets/decision_log.key.",
)
@format_option(help_text="Output: a summary, or the incident's summary as JSON.")
def smoke(
    *,
    scenario: str,
    out_dir: Path | None,
    root: Path | None,
    key_spec: str | None,
    ticket: str | None,
    log_key_spec: str | None,
    output_format: str,
) -> None:
    """Replay a fixed set of orders through the decision engine and check every decision.

    Writes sample_incident.json and smoke.sig; exits 1 when a decision is not the expected one.
    """
    from stage5kit.compliance import load_log_key, run_smoke
    from stage5kit.signing import load_signing_key

    workspace = workspace_of(root)
    key = load_signing_key(key_spec)
    log_key = None
    if ticket is not None:
        log_key = load_log_key(log_key_spec, default_key_file=workspace.decision_log_key)
    result = run_smoke(
        out_dir if out_dir is not None else workspace.decision_engine_dir,
        key=key,
        scenario=scenario,
        ticket=ticket,
        decision_log=workspace.decision_log,
        log_key=log_key,
        actor=getpass.getuser(),
    )
    summary = result.summary
    if output_format == "json":
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        counts = ", ".join(f"{n} {name}" for name, n in summary["decisions"].items())
        click.echo(f"smoke {scenario}: {summary['candidates']} orders: {counts}")
        for failure in summary["failed_expectations"]:
            click.echo(
                f"  UNEXPECTED {failure['order_id']}: {failure['decision']}"
                f" (expected {failure['expected']})"
            )
        click.echo(f"wrote {result.incident_path} and {result.signature_path}", err=True)
        if result.log_entry is not None:
            click.echo(
                f"logged as seq {result.log_entry.seq} in {workspace.decision_log}", err=True
            )
    if not result.passed:
        raise SystemExit(1)


@click.command("decide")
@click.argument("orders", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--kpis",
    "kpi_source",
    type=click.Path(path_type=Path),
    required=True,
    help="A `stage5kit tco` output folder, or a trade log to compute the KPIs from now.",
)
@click.option(
    "--limits",
    "limits_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Limits file (YAML/JSON): max_cost_bps, max_slippage_bps, max_decision_latency_ms, "
    "max_order_notional, daily_cost_budget, strategies.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the decisions as JSON (each with its decision_path and the tco_kpi used).",
)
@format_option(help_text="Output: counts per decision, or the counts as JSON.")
def decide(
    *,
    orders: Path,
    kpi_source: Path,
    limits_path: Path,
    out_file: Path | None,
    output_format: str,
) -> None:
    """Decide each candidate order in ORDERS (CSV or Parquet): approve, reduce, reject, escalate."""
    from stage5kit.core.decisions import DecisionOrchestrator, ThresholdRiskEngine
    from stage5kit.core.io.decisions import (
        load_candidate_orders,
        load_decision_kpis,
        load_risk_limits,
    )
    from stage5kit.files import atomic_write_text

    limits = load_risk_limits(limits_path)
    candidates = load_candidate_orders(orders)
    kpis = load_decision_kpis(kpi_source)
    decisions = DecisionOrchestrator(ThresholdRiskEngine(limits)).decide(candidates, kpis)
    if out_file is not None:
        document = {
            "limits": limits.to_dict(),
            "tco_kpi": kpis.to_dict(),
            "decisions": decisions.records(),
            "summary": decisions.summary(),
        }
        atomic_write_text(out_file, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        click.echo(f"wrote {out_file}", err=True)
    summary = decisions.summary()
    if output_format == "json":
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(", ".join(f"{n} {name}" for name, n in summary.items()))
