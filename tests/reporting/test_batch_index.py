"""The batch index read back as a browser would: KPIs up front, relative paths, a chart."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

from stage5kit.reporting import BatchEntry, BatchResult
from stage5kit.reporting.batch.index import TEXT_LIMIT, write_index


class _Page(HTMLParser):
    """Collects the table's header, its cells (text and title) and the scripts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[tuple[str, str]]] = []
        self.links: list[str] = []
        self.scripts: list[str] = []
        self._where = ""
        self._title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td", "script"):
            self._where, self._title = tag, found.get("title") or ""
            if tag == "td":
                self.rows[-1].append(("", self._title))
            if tag == "script":
                self.scripts.append("")
        elif tag == "a":
            self.links.append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td", "script"):
            self._where = ""

    def handle_data(self, data: str) -> None:
        if self._where == "th":
            self.header.append(data)
        elif self._where == "td":
            text, title = self.rows[-1][-1]
            self.rows[-1][-1] = (text + data, title)
        elif self._where == "script":
            self.scripts[-1] += data


def _batch(tmp_path: Path) -> BatchResult:
    trades = tmp_path / "inputs" / "trades.csv"
    note = "parameters changed since the signed report " * 3
    entries = tuple(
        BatchEntry(
            name=f"seed={seed}",
            parameters={"trades_path": str(trades), "title": "TCO", "seed": seed},
            status="ok",
            results={"tco": 20000.0 * seed, "cost_bps": 3.14159, "label": "x"},
            seconds=1.5,
            note=note,
        )
        for seed in (1, 2)
    )
    return BatchResult(out_dir=tmp_path / "out", entries=entries)


def test_index_html_puts_varying_parameters_and_kpis_first(tmp_path: Path) -> None:
    """The first columns are the report, its status, what varies, then the KPIs."""
    result = _batch(tmp_path)
    result.out_dir.mkdir()
    write_index(result)
    page = _Page()
    page.feed((result.out_dir / "index.html").read_text(encoding="utf-8"))
    assert page.header[:6] == [
        "report",
        "status",
        "seed",
        "result.tco",
        "result.cost_bps",
        "result.label",
    ]
    assert set(page.header[6:]) >= {"trades_path", "title", "error", "note"}
    first = [text for text, _ in page.rows[1]]
    assert first[:5] == ["seed=1", "ok", "1", "20,000.00", "3.14 bps"]
    assert page.links == ["seed=1/report.html", "seed=2/report.html"]


def test_index_has_no_absolute_paths_and_truncates_long_text(tmp_path: Path) -> None:
    """Paths are relative to the index's folder; long text is cut with the full value on hover."""
    result = _batch(tmp_path)
    result.out_dir.mkdir()
    write_index(result)
    text = (result.out_dir / "index.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    assert str(tmp_path) not in text
    cells = [cell for row in page.rows for cell in row]
    assert ("../inputs/trades.csv", "") in cells
    long = [(shown, title) for shown, title in cells if title]
    assert long
    for shown, title in long:
        assert len(shown) == TEXT_LIMIT
        assert shown.endswith("…")
        assert title.startswith(shown[:-1])


def test_index_chart_compares_kpis_offline(tmp_path: Path) -> None:
    """A plotly chart of the numeric KPIs across runs, with plotly.js inlined once."""
    result = _batch(tmp_path)
    result.out_dir.mkdir()
    write_index(result)
    page = _Page()
    page.feed((result.out_dir / "index.html").read_text(encoding="utf-8"))
    library = [s for s in page.scripts if "Plotly" in s and len(s) > 1_000_000]
    assert len(library) == 1
    (chart,) = [s for s in page.scripts if "newPlot" in s and len(s) < 100_000]
    assert '"name": "tco"' in chart
    assert '"name": "cost_bps"' in chart
    assert '"name": "label"' not in chart


def test_index_csv_keeps_every_column_and_raw_values(tmp_path: Path) -> None:
    """index.csv has every parameter and KPI, unformatted, in the same order as the page."""
    result = _batch(tmp_path)
    result.out_dir.mkdir()
    write_index(result)
    rows = list(csv.DictReader((result.out_dir / "index.csv").read_text().splitlines()))
    assert list(rows[0])[:6] == [
        "report",
        "status",
        "seed",
        "result.tco",
        "result.cost_bps",
        "result.label",
    ]
    assert {"trades_path", "title", "seconds", "error", "note", "link"} <= set(rows[0])
    assert rows[1]["result.tco"] == "40000.0"
    assert rows[0]["trades_path"] == "../inputs/trades.csv"
    assert rows[0]["note"] == result.entries[0].note
