"""Figures, notebook execution, HTML/PDF rendering, report signing and batch runs.

``run_report`` runs one parameterized notebook into a signed report folder; ``run_batch``
runs a grid of them on a local process pool or a Dask cluster. Inside a notebook,
``record(name, value)`` hands a KPI to the report's ``results.json``.
"""

from __future__ import annotations

from stage5kit.reporting.batch import BatchEntry, BatchGrid, BatchResult, load_grid, run_batch
from stage5kit.reporting.bundled import (
    BundledNotebook,
    bundled_notebooks,
    copy_notebooks,
    resolve_notebook,
)
from stage5kit.reporting.decision_figures import plot_decision_flows
from stage5kit.reporting.exercise import Exercise, all_checks_passed
from stage5kit.reporting.figures import (
    plot_cost_waterfall,
    plot_distribution,
    plot_percentiles,
    plot_scatter,
    plot_series_with_markers,
)
from stage5kit.reporting.observability_figures import plot_burn_rate
from stage5kit.reporting.parameters import NotebookParameter, read_parameters
from stage5kit.reporting.period_figures import plot_period_comparison
from stage5kit.reporting.record import read_results, record, report_dir, save_table
from stage5kit.reporting.runner import ReportResult, prepare_report, run_report
from stage5kit.reporting.stress_figures import (
    plot_stress_distributions,
    plot_stress_fan,
    plot_stress_probabilities,
    plot_stress_tornado,
)
from stage5kit.reporting.tco_view import (
    anomaly_points,
    budget_limits,
    cost_components,
    daily_cost_per_trade,
    describe_tco,
    headline_table,
)
from stage5kit.reporting.workshop import draft_oem_message
from stage5kit.reporting.workshop_build import build_workshop

__all__ = [
    "BatchEntry",
    "BatchGrid",
    "BatchResult",
    "BundledNotebook",
    "Exercise",
    "NotebookParameter",
    "ReportResult",
    "all_checks_passed",
    "anomaly_points",
    "budget_limits",
    "build_workshop",
    "bundled_notebooks",
    "copy_notebooks",
    "cost_components",
    "daily_cost_per_trade",
    "describe_tco",
    "draft_oem_message",
    "headline_table",
    "load_grid",
    "plot_burn_rate",
    "plot_cost_waterfall",
    "plot_decision_flows",
    "plot_distribution",
    "plot_percentiles",
    "plot_period_comparison",
    "plot_scatter",
    "plot_series_with_markers",
    "plot_stress_distributions",
    "plot_stress_fan",
    "plot_stress_probabilities",
    "plot_stress_tornado",
    "prepare_report",
    "read_parameters",
    "read_results",
    "record",
    "report_dir",
    "resolve_notebook",
    "run_batch",
    "run_report",
    "save_table",
]
