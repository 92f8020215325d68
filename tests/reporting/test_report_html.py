"""The report HTML is self-contained: code hidden, plotly.js inlined once, nothing fetched."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from stage5kit.reporting import plot_burn_rate
from stage5kit.reporting.html import PLOTLY_MIMETYPE, render_html
from stage5kit.reporting.pdf import find_chromium, headless_command
from stage5kit.reporting.plotly_locale import PLOTLY_TEXTS

FIGURE = {
    "data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2], "name": "</script><b>x"}],
    "layout": {"title": {"text": "Cost (bps)"}},
}


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    """HTML rendered from an executed-looking notebook with two plotly figures."""
    folder = tmp_path_factory.mktemp("html")
    cells = [
        new_markdown_cell("# Costs\n\nWhat the reader sees: $x^2$"),
        new_code_cell(
            "SECRET_CODE_LINE = 1",
            outputs=[new_output("display_data", data={PLOTLY_MIMETYPE: FIGURE})],
        ),
        new_code_cell(
            "fig",
            outputs=[
                new_output("execute_result", data={PLOTLY_MIMETYPE: FIGURE}, execution_count=2)
            ],
        ),
    ]
    notebook = new_notebook(cells=cells)
    source = folder / "report.ipynb"
    nbformat.write(notebook, source)
    return render_html(source, folder / "report.html", title="Costs").read_text()


def test_plotly_js_is_inlined_exactly_once(report_html: str) -> None:
    """The plotly.js bundle appears once however many figures the report has."""
    assert report_html.count("* plotly.js v") == 1
    assert report_html.count('class="plotly-graph-div stage5kit-figure"') == 2
    assert report_html.count("Plotly.newPlot(") == 2


def _without_plotly_js(html: str) -> str:
    start = html.index("/**\n* plotly.js v")
    return html[:start] + html[html.index("</script>", start) :]


def test_no_script_style_or_font_is_fetched(report_html: str) -> None:
    """No <script src>, no stylesheet link, no require.js, MathJax or web font is referenced."""
    assert re.search(r"<script[^>]*\bsrc=", report_html) is None
    assert re.search(r"<link[^>]*\bhref=", report_html) is None
    page = _without_plotly_js(report_html)
    markers = (
        "require.js",
        "require.min",
        "cdnjs",
        "jsdelivr",
        "mathjax.js",
        "fonts.g",
        "url(http",
    )
    for marker in markers:
        assert marker not in page.lower()


def test_code_is_hidden(report_html: str) -> None:
    """Cell sources do not appear in the HTML."""
    assert "SECRET_CODE_LINE" not in report_html


def test_figure_json_cannot_close_the_script(report_html: str) -> None:
    """A '</script>' inside figure data is escaped so it cannot end the script early."""
    assert "<\\/script><b>x" in report_html
    assert "</script><b>x" not in report_html


def test_markdown_and_title_are_kept(report_html: str) -> None:
    """Markdown text and the report title are in the page."""
    assert "<title>Costs</title>" in report_html
    assert "What the reader sees" in report_html


def test_html_is_written_for_a_notebook_without_figures(tmp_path: Path) -> None:
    """A report without figures still gets plotly.js once and valid HTML."""
    source = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("plain")]), source)
    html = render_html(source, tmp_path / "n.html", title="n").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "Plotly.newPlot(" not in html


def _report(folder: Path, cells: list[Any], lang: str = "en") -> str:
    source = folder / "n.ipynb"
    nbformat.write(new_notebook(cells=cells), source)
    return render_html(source, folder / "n.html", title="n", lang=lang).read_text()


def _shown_heading(text: str) -> Any:
    return new_code_cell("x", outputs=[new_output("display_data", data={"text/markdown": text})])


def test_page_title_is_the_report_s_own_heading(tmp_path: Path) -> None:
    """<title> is the first heading the report shows, not the notebook's file name."""
    cells = [
        _shown_heading("# Symulacja wzrostu kosztów \N{EN DASH} Jan Nowak"),
        _shown_heading("# Next"),
    ]
    html = _report(tmp_path, cells)
    assert "<title>Symulacja wzrostu kosztów \N{EN DASH} Jan Nowak</title>" in html
    assert _report(tmp_path, [new_markdown_cell("no heading")]).count("<title>n</title>") == 1


def test_polish_report_registers_plotly_s_polish_toolbar_once(tmp_path: Path) -> None:
    """A Polish page registers the Polish plotly.js texts once and draws every chart with them."""
    charts = [
        new_code_cell("f", outputs=[new_output("display_data", data={PLOTLY_MIMETYPE: FIGURE})])
        for _ in range(2)
    ]
    html = _report(tmp_path, charts, lang="pl")
    assert html.count('Plotly.register({"moduleType":"locale","name":"pl"') == 1
    assert '"Download plot as a PNG":"Pobierz wykres jako PNG"' in html
    assert '"Zoom in":"Powiększ"' in html
    assert html.count('"displaylogo":false,"locale":"pl"}') == 2
    english = _report(tmp_path, charts[:1], lang="en")
    assert "Plotly.register(" not in english
    assert english.count('{"responsive":true,"displaylogo":false}') == 1


def test_every_translated_plotly_text_is_one_plotly_js_shows() -> None:
    """The dictionary's keys are texts of the inlined plotly.js, so each one takes effect."""
    from plotly.offline import get_plotlyjs

    bundle = get_plotlyjs()
    assert [text for text in PLOTLY_TEXTS if f'"{text}"' not in bundle] == []


@pytest.mark.browser
@pytest.mark.slow
def test_chromium_shows_the_polish_toolbar_and_time_axis(tmp_path: Path) -> None:
    """Drawn by Chromium, a Polish burn-rate chart's toolbar, date ticks and factors read Polish."""
    times = pd.date_range("2026-01-01", periods=60 * 24, freq="1h", tz="UTC")
    timeline = pd.DataFrame({"time": times, "window": "1h", "events": 10, "burn_rate": 2.0})
    episodes = pd.DataFrame(columns=["alert", "subject", "fired_at", "cleared_at"])
    figure = plot_burn_rate(timeline, episodes, slo="execution_cost", factors=[14.4, 1], lang="pl")
    chart = new_output("display_data", data={PLOTLY_MIMETYPE: json.loads(figure.to_json())})
    source = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("f", outputs=[chart])]), source)
    page = render_html(source, tmp_path / "n.html", title="n", lang="pl")
    command = [
        *headless_command(find_chromium(), profile_dir=tmp_path / "profile"),
        "--dump-dom",
        page.as_uri(),
    ]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True).stdout
    buttons = set(re.findall(r'data-title="([^"]*)"', dom))
    assert {"Pobierz wykres jako PNG", "Powiększ", "Pomniejsz", "Przywróć osie"} <= buttons
    assert not buttons & set(PLOTLY_TEXTS)
    ticks = re.findall(r'class="xtick"><text[^>]*>(.*?)</text>', dom)
    assert ticks
    assert all(re.fullmatch(r"\d\d\.\d\d\.2026", tick) for tick in ticks), ticks
    assert 'data-unformatted="14,4\N{MULTIPLICATION SIGN}"' in dom
