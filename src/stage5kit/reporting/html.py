"""Render an executed notebook as one self-contained HTML file that makes no network request.

The code is hidden; every plotly figure (kept in the notebook as plotly's JSON mimetype)
becomes a ``<div>`` drawn by plotly.js, which is inlined exactly once in the page head.
The template drops what nbconvert would otherwise fetch from a CDN: require.js, MathJax,
mermaid and the widget manager. Print CSS makes the page fit A4 when it is printed to PDF:
landscape when a table is wide, tables that wrap and shrink, no plotly toolbar; legends
sit below each chart and axis labels get the margin they need, so nothing is clipped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stage5kit.files import atomic_write_text
from stage5kit.reporting.i18n import DEFAULT_LANG
from stage5kit.reporting.plotly_locale import plotly_locale

if TYPE_CHECKING:
    from nbformat import NotebookNode

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
# A notebook's "description" cell tells a developer what it does (`stage5kit notebooks list`);
# the report shows its own introduction, in the report's language, instead.
DESCRIPTION_TAG = "description"
_TEMPLATE_NAME = "stage5kit_offline.html.j2"
_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>
<script type="text/javascript">{{ resources.plotly_js }}</script>
{%- if resources.plotly_locale %}
<script type="text/javascript">{{ resources.plotly_locale }}</script>
{%- endif %}
<style type="text/css">{{ resources.print_css }}</style>
{%- endblock html_head_css -%}
"""
_PLOT_CONFIG = {"responsive": True, "displaylogo": False}
WIDE_TABLE_COLUMNS = 7
"""A table with more columns than this turns the printed page to landscape."""
_PRINT_CSS = """
@page { size: A4 %(orientation)s; margin: 10mm; }
@media print {
  body, .jp-Notebook { margin: 0; padding: 0; }
  .jp-Cell, .jp-OutputArea-output { overflow: visible !important; }
  .jp-RenderedHTMLCommon table, .dataframe {
    table-layout: auto; width: 100%% !important; max-width: 100%%; font-size: 7.5pt;
  }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th {
    white-space: normal !important; overflow-wrap: anywhere; padding: 1px 3px;
  }
  .modebar, .modebar-container { display: none !important; }
  .stage5kit-figure, table { break-inside: avoid; }
}
"""
_HEADER_CELL = re.compile(r"<th\b", re.IGNORECASE)
_HEADER_ROW = re.compile(r"<thead>.*?</tr>", re.IGNORECASE | re.DOTALL)
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _script_json(value: object) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _printable_layout(layout: dict[str, Any]) -> dict[str, Any]:
    """The layout with a horizontal legend below the plot and axes that make room for labels."""
    legend = {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "xanchor": "left"}
    printable = {**layout, "legend": {**dict(layout.get("legend", {})), **legend}}
    for axis in ("xaxis", "yaxis"):
        printable[axis] = {**dict(layout.get(axis, {})), "automargin": True}
    return printable


def _figure_html(figure: dict[str, Any], div_id: str, lang: str = DEFAULT_LANG) -> str:
    data = _script_json(figure.get("data", []))
    layout = _script_json(_printable_layout(dict(figure.get("layout", {}))))
    config = _script_json(
        _PLOT_CONFIG if lang == DEFAULT_LANG else {**_PLOT_CONFIG, "locale": lang}
    )
    return (
        f'<div id="{div_id}" class="plotly-graph-div stage5kit-figure" '
        f'style="height:480px; width:100%;"></div>\n'
        f'<script type="text/javascript">Plotly.newPlot("{div_id}", {data}, {layout}, {config});'
        f"</script>"
    )


def inline_figures(notebook: NotebookNode, lang: str = DEFAULT_LANG) -> int:
    """Replace each plotly JSON output with HTML drawing it via the page's plotly.js, its
    toolbar in ``lang``."""
    count = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            figure = output.get("data", {}).get(PLOTLY_MIMETYPE)
            if figure is None:
                continue
            count += 1
            html = _figure_html(dict(figure), f"stage5kit-figure-{count}", lang)
            output["data"] = {"text/html": html, "text/plain": "<plotly figure>"}
    return count


def widest_table(notebook: NotebookNode) -> int:
    """The most header cells in the first header row of any HTML table the notebook shows."""
    widest = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html", "")
            markup = "".join(text) if isinstance(text, list) else str(text)
            for row in _HEADER_ROW.findall(markup):
                widest = max(widest, len(_HEADER_CELL.findall(row)))
    return widest


def report_title(notebook: NotebookNode) -> str | None:
    """The report's own title: its first level-1 Markdown heading, shown or written (None
    when it has none)."""
    for cell in notebook.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else []
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            texts.append("".join(text) if isinstance(text, list) else str(text))
        for text in texts:
            heading = _HEADING.search(text)
            if heading is not None:
                return heading.group(1)
    return None


def print_css(notebook: NotebookNode) -> str:
    """Print CSS for the notebook: A4, landscape when a table has many columns."""
    wide = widest_table(notebook) > WIDE_TABLE_COLUMNS
    return _PRINT_CSS % {"orientation": "landscape" if wide else "portrait"}


def render_html(notebook: Path, target: Path, *, title: str, lang: str = "en") -> Path:
    """Write ``notebook`` as offline HTML to ``target`` (code hidden, plotly.js inlined once).

    The page's ``<title>`` is the report's first heading (:func:`report_title`), ``title``
    when it has none. ``lang`` is the report's language, written as ``<html lang>``, and
    the language of the charts' toolbar.
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter
    from plotly.offline import get_plotlyjs

    executed = nbformat.read(notebook, as_version=4)
    executed.cells = [
        cell for cell in executed.cells if DESCRIPTION_TAG not in cell.metadata.get("tags", [])
    ]
    css = print_css(executed)
    inline_figures(executed, lang)
    locale = plotly_locale(lang)
    exporter = HTMLExporter(
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=lang,
    )
    resources = {
        "metadata": {"name": report_title(executed) or title},
        "plotly_js": get_plotlyjs(),
        "plotly_locale": f"Plotly.register({_script_json(locale)});" if locale else "",
        "print_css": css,
    }
    body, _ = exporter.from_notebook_node(executed, resources=resources)
    return atomic_write_text(target, body)
