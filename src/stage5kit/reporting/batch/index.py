"""The batch index: ``index.csv`` and ``index.html``, one row per report with its KPIs."""

from __future__ import annotations

import csv
import html
import io

from stage5kit.files import atomic_write_text
from stage5kit.reporting.batch.result import BatchResult
from stage5kit.reporting.runner import REPORT_HTML

INDEX_CSV = "index.csv"
INDEX_HTML = "index.html"


def _index_rows(result: BatchResult) -> tuple[list[str], list[list[str]]]:
    parameters = list(dict.fromkeys(k for e in result.entries for k in e.parameters))
    kpis = list(dict.fromkeys(k for e in result.entries for k in e.results))
    header = [
        "report",
        "status",
        *parameters,
        *[f"result.{k}" for k in kpis],
        "seconds",
        "error",
        "note",
        "link",
    ]
    rows = []
    for entry in result.entries:
        link = f"{entry.name}/{REPORT_HTML}" if entry.status != "failed" else f"{entry.name}/"
        rows.append(
            [
                entry.name,
                entry.status,
                *[str(entry.parameters.get(p, "")) for p in parameters],
                *[str(entry.results.get(k, "")) for k in kpis],
                f"{entry.seconds:.2f}",
                entry.error,
                entry.note,
                link,
            ]
        )
    return header, rows


def write_index(result: BatchResult) -> None:
    """Write ``index.csv`` and ``index.html`` (atomically) listing every report of a batch."""
    header, rows = _index_rows(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    atomic_write_text(result.out_dir / INDEX_CSV, buffer.getvalue())
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = [f"<td>{html.escape(v)}</td>" for v in row[:-1]]
        link = html.escape(row[-1], quote=True)
        cells.append(f'<td><a href="{link}">{html.escape(row[0])}</a></td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>stage5kit batch</title><style>body{font-family:sans-serif}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
        "</style></head><body><h1>Reports</h1>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        "</body></html>\n"
    )
    atomic_write_text(result.out_dir / INDEX_HTML, page)
