"""Figures, notebook execution, HTML/PDF rendering, report signing and batch runs.

``run_report`` runs one parameterized notebook into a signed report folder; ``run_batch``
runs a grid of them on a local process pool or a Dask cluster. Inside a notebook,
``record(name, value)`` hands a KPI to the report's ``results.json``.
"""

from __future__ import annotations

from stage5kit.reporting.answer_key import (
    SeedAnswers,
    answer_key,
    notebook_exercise,
    render_answer_key,
)
from stage5kit.reporting.batch import BatchEntry, BatchGrid, BatchResult, load_grid, run_batch
from stage5kit.reporting.bundled import (
    BundledNotebook,
    bundled_notebooks,
    copy_notebooks,
    resolve_notebook,
)
from stage5kit.reporting.decision_figures import plot_decision_flows
from stage5kit.reporting.exercise import (
    Exercise,
    all_checks_passed,
    exercise_shift,
    exercise_trades,
)
from stage5kit.reporting.figures import (
    add_limit_lines,
    plot_box_summary,
    plot_cost_waterfall,
    plot_percentiles,
    plot_scatter,
    plot_series_with_markers,
)
from stage5kit.reporting.formatting import format_kpi, readable_table, scenario_table
from stage5kit.reporting.i18n import (
    LANGUAGES,
    format_count,
    format_date,
    format_money,
    format_number,
    format_percent,
    format_short_date,
    translate,
    translate_count,
)
from stage5kit.reporting.labels import column_label, label_columns, style_table
from stage5kit.reporting.observability_figures import plot_burn_rate
from stage5kit.reporting.palette import colour_map, name_colour
from stage5kit.reporting.parameters import NotebookParameter, read_parameters
from stage5kit.reporting.period_figures import plot_period_comparison
from stage5kit.reporting.record import read_results, record, report_dir, save_table
from stage5kit.reporting.report_text import section, section_text, trade_log_size
from stage5kit.reporting.runner import ReportResult, prepare_report, run_report
from stage5kit.reporting.stress_figures import (
    plot_stress_distributions,
    plot_stress_fan,
    plot_stress_probabilities,
    plot_stress_tornado,
)
from stage5kit.reporting.stress_reading import describe_scenarios, describe_stress_result
from stage5kit.reporting.tco_view import (
    anomaly_points,
    box_summary,
    budget_limits,
    daily_cost_per_trade,
    describe_tco,
    headline_table,
    profile_cost_components,
)
from stage5kit.reporting.workshop import draft_oem_message
from stage5kit.reporting.workshop_build import build_workshop

__all__ = [
    "LANGUAGES",
    "BatchEntry",
    "BatchGrid",
    "BatchResult",
    "BundledNotebook",
    "Exercise",
    "NotebookParameter",
    "ReportResult",
    "SeedAnswers",
    "add_limit_lines",
    "all_checks_passed",
    "anomaly_points",
    "answer_key",
    "box_summary",
    "budget_limits",
    "build_workshop",
    "bundled_notebooks",
    "colour_map",
    "column_label",
    "copy_notebooks",
    "daily_cost_per_trade",
    "describe_scenarios",
    "describe_stress_result",
    "describe_tco",
    "draft_oem_message",
    "exercise_shift",
    "exercise_trades",
    "format_count",
    "format_date",
    "format_kpi",
    "format_money",
    "format_number",
    "format_percent",
    "format_short_date",
    "headline_table",
    "label_columns",
    "load_grid",
    "name_colour",
    "notebook_exercise",
    "plot_box_summary",
    "plot_burn_rate",
    "plot_cost_waterfall",
    "plot_decision_flows",
    "plot_percentiles",
    "plot_period_comparison",
    "plot_scatter",
    "plot_series_with_markers",
    "plot_stress_distributions",
    "plot_stress_fan",
    "plot_stress_probabilities",
    "plot_stress_tornado",
    "prepare_report",
    "profile_cost_components",
    "read_parameters",
    "read_results",
    "readable_table",
    "record",
    "render_answer_key",
    "report_dir",
    "resolve_notebook",
    "run_batch",
    "run_report",
    "save_table",
    "scenario_table",
    "section",
    "section_text",
    "style_table",
    "trade_log_size",
    "translate",
    "translate_count",
]
