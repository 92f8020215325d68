"""The batch index: ``index.csv`` and ``index.html``, one row per report with its KPIs.

Both list the reports in grid order with the same columns: the report and its status,
the parameters that differ between runs, the recorded KPIs, then the parameters every
run shares, timings and errors. Paths are written relative to the index's folder, so the
folder can be moved or archived. ``index.html`` formats the KPIs, truncates long text
(the full value is the cell's tooltip) and draws a chart comparing the KPIs across runs;
plotly.js is inlined once, so the page opens offline.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from stage5kit.files import atomic_write_text
from stage5kit.reporting.batch.result import BatchEntry, BatchResult
from stage5kit.reporting.formatting import MONEY_UNIT, column_unit, format_kpi
from stage5kit.reporting.runner import REPORT_HTML

INDEX_CSV = "index.csv"
INDEX_HTML = "index.html"
RESULT_PREFIX = "result."
TEXT_LIMIT = 40
_STYLE = """
body{font-family:sans-serif;margin:1em}
table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ccc;padding:2px 6px;white-space:nowrap;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
td.kpi{text-align:right;font-variant-numeric:tabular-nums}
tr.failed{background:#fdecea}
"""


@dataclass(frozen=True, slots=True)
class _Columns:
    """The index's columns by role, in the order they are shown."""

    varying: list[str]
    kpis: list[str]
    shared: list[str]

    @property
    def header(self) -> list[str]:
        """Every column name of index.csv."""
        return [
            "report",
            "status",
            *self.varying,
            *[f"{RESULT_PREFIX}{k}" for k in self.kpis],
            *self.shared,
            "seconds",
            "error",
            "note",
            "link",
        ]


def _columns(result: BatchResult) -> _Columns:
    """Varying parameters, recorded KPIs (numbers first) and parameters every run shares."""
    entries = result.entries
    parameters = list(dict.fromkeys(k for e in entries for k in e.parameters))
    varying = [p for p in parameters if len({repr(e.parameters.get(p)) for e in entries}) > 1]
    kpis = list(dict.fromkeys(k for e in entries for k in e.results))
    numeric = [k for k in kpis if any(_is_number(e.results.get(k)) for e in entries)]
    kpis = [*numeric, *(k for k in kpis if k not in numeric)]
    shared = [p for p in parameters if p not in varying]
    return _Columns(varying=varying, kpis=kpis, shared=shared)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _relative(value: object, root: Path) -> str:
    """A parameter as text; an absolute path becomes relative to the index's folder."""
    text = "" if value is None else str(value)
    if text.startswith("/") and Path(text).is_absolute():
        return Path(os.path.relpath(text, root)).as_posix()
    return text


def _link(entry: BatchEntry) -> str:
    return f"{entry.name}/{REPORT_HTML}" if entry.status != "failed" else f"{entry.name}/"


def _csv_row(entry: BatchEntry, columns: _Columns, root: Path) -> list[str]:
    return [
        entry.name,
        entry.status,
        *[_relative(entry.parameters.get(p, ""), root) for p in columns.varying],
        *[str(entry.results.get(k, "")) for k in columns.kpis],
        *[_relative(entry.parameters.get(p, ""), root) for p in columns.shared],
        f"{entry.seconds:.2f}",
        entry.error,
        entry.note,
        _link(entry),
    ]


def _cell(text: str, *, css: str = "") -> str:
    """A table cell; text longer than TEXT_LIMIT is cut, the full value is its tooltip."""
    shown = text if len(text) <= TEXT_LIMIT else f"{text[: TEXT_LIMIT - 1]}…"
    title = f' title="{html.escape(text, quote=True)}"' if shown != text else ""
    klass = f' class="{css}"' if css else ""
    return f"<td{klass}{title}>{html.escape(shown)}</td>"


def _kpi_text(name: str, value: object) -> str:
    if value is None or value == "":
        return ""
    unit = column_unit(name)
    return format_kpi(value, "number" if unit == MONEY_UNIT else unit)


def _html_row(entry: BatchEntry, columns: _Columns, root: Path) -> str:
    link = html.escape(_link(entry), quote=True)
    cells = [
        f'<td><a href="{link}">{html.escape(entry.name)}</a></td>',
        _cell(entry.status),
        *[_cell(_relative(entry.parameters.get(p, ""), root)) for p in columns.varying],
        *[_cell(_kpi_text(k, entry.results.get(k, "")), css="kpi") for k in columns.kpis],
        *[_cell(_relative(entry.parameters.get(p, ""), root)) for p in columns.shared],
        _cell(f"{entry.seconds:.1f}", css="kpi"),
        _cell(entry.error),
        _cell(entry.note),
    ]
    css = ' class="failed"' if entry.status == "failed" else ""
    return f"<tr{css}>{''.join(cells)}</tr>"


def _chart(result: BatchResult, columns: _Columns) -> str:
    """A bar chart of one KPI per run, a menu to switch KPIs; '' when no KPI is a number."""
    numeric = [k for k in columns.kpis if any(_is_number(e.results.get(k)) for e in result.entries)]
    if not numeric:
        return ""
    names = [e.name for e in result.entries]
    traces = [
        {
            "type": "bar",
            "name": kpi,
            "x": names,
            "y": [
                e.results.get(kpi) if _is_number(e.results.get(kpi)) else None
                for e in result.entries
            ],
            "visible": index == 0,
        }
        for index, kpi in enumerate(numeric)
    ]
    buttons = [
        {
            "label": kpi,
            "method": "update",
            "args": [{"visible": [i == j for j in range(len(numeric))]}, {"yaxis.title.text": kpi}],
        }
        for i, kpi in enumerate(numeric)
    ]
    layout = {
        "title": {"text": "KPIs across runs"},
        "yaxis": {"title": {"text": numeric[0]}},
        "xaxis": {"automargin": True},
        "updatemenus": [{"buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.15}],
        "margin": {"t": 80},
    }
    data = json.dumps(traces).replace("</", "<\\/")
    spec = json.dumps(layout).replace("</", "<\\/")
    return (
        '<div id="kpi-chart" style="height:420px;max-width:1200px"></div>'
        f'<script>Plotly.newPlot("kpi-chart",{data},{spec},{{"displaylogo":false}});</script>'
    )


def write_index(result: BatchResult) -> None:
    """Write ``index.csv`` and ``index.html`` (atomically) listing every report of a batch."""
    from plotly.offline import get_plotlyjs

    root = result.out_dir.resolve()
    columns = _columns(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns.header)
    writer.writerows(_csv_row(e, columns, root) for e in result.entries)
    atomic_write_text(result.out_dir / INDEX_CSV, buffer.getvalue())
    shown = columns.header[:-1]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in shown)
    body = "".join(_html_row(e, columns, root) for e in result.entries)
    chart = _chart(result, columns)
    script = f"<script>{get_plotlyjs()}</script>" if chart else ""
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>stage5kit batch</title><style>{_STYLE}</style>{script}</head><body>"
        f"<h1>Reports ({len(result.entries)})</h1>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"{chart}</body></html>\n"
    )
    atomic_write_text(result.out_dir / INDEX_HTML, page)
