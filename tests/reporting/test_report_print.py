"""Printed reports fit the page: the stress report goes through real headless Chromium and
pypdf reads back every column header of its widest table inside the A4 landscape page."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from stage5kit.reporting import run_report
from stage5kit.reporting.html import print_css

ROOT = Path(__file__).resolve().parents[2]
STRESS = ROOT / "notebooks" / "stress_test.ipynb"
_HEADER_ROW = re.compile(r"<thead>.*?</tr>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th(?:\s[^>]*)?>(.*?)</th>", re.DOTALL)


def _widest_header(notebook: Path) -> list[str]:
    """The header cells of the table with the most columns among the notebook's outputs."""
    headers: list[list[str]] = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            for row in _HEADER_ROW.findall(markup):
                headers.append([h for h in _HEADER_CELL.findall(row) if h.strip()])
    return max(headers, key=len)


def _visible_text(pdf: Path) -> tuple[str, list[tuple[float, float]]]:
    """Text drawn inside each page's width (whitespace removed) and every page's size."""
    shown: list[str] = []
    sizes = []
    for page in PdfReader(pdf).pages:
        width = float(page.mediabox.width)
        sizes.append((width, float(page.mediabox.height)))

        def keep(
            text: str,
            cm: list[float],
            tm: list[float],
            _font: object,
            _size: object,
            w: float = width,
        ) -> None:
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            if 0 <= x < w:
                shown.append(text)

        page.extract_text(visitor_text=keep)
    return re.sub(r"\s+", "", "".join(shown)), sizes


@pytest.mark.slow
def test_stress_pdf_shows_every_column_of_its_widest_table(tmp_path: Path) -> None:
    """Every header of the widest stress table is drawn on an A4 landscape page, no toolbar."""
    result = run_report(
        STRESS,
        parameters={"paths": 200, "days": 10},
        out_dir=tmp_path / "report",
        pdf=True,
    )
    header = _widest_header(result.folder / "report.ipynb")
    assert len(header) > 10
    text, sizes = _visible_text(result.folder / "report.pdf")
    missing = [h for h in header if re.sub(r"\s+", "", h) not in text]
    assert missing == []
    assert all(width > height for width, height in sizes)
    assert all(abs(width - 842) < 2 for width, _ in sizes)
    assert "@page { size: A4 landscape" in (result.folder / "report.html").read_text()
    assert "Downloadplotaspng" not in text


def test_narrow_reports_print_portrait() -> None:
    """A notebook whose tables are narrow prints on A4 portrait; modebar hidden in print."""
    table = "<table><thead><tr><th>a</th><th>b</th></tr></thead></table>"
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                outputs=[
                    nbformat.v4.new_output(
                        "display_data",
                        data={"text/html": table},
                    )
                ]
            )
        ]
    )
    css = print_css(notebook)
    assert "size: A4 portrait" in css
    assert ".modebar" in css
