"""Render an executed notebook as one self-contained HTML file that makes no network request.

The code is hidden; every plotly figure (kept in the notebook as plotly's JSON mimetype)
becomes a ``<div>`` drawn by plotly.js, which is inlined exactly once in the page head.
The template drops what nbconvert would otherwise fetch from a CDN: require.js, MathJax,
mermaid and the widget manager.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from stage5kit.files import atomic_write_text

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
{%- endblock html_head_css -%}
"""
_PLOT_CONFIG = {"responsive": True, "displaylogo": False}


def _script_json(value: object) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _figure_html(figure: dict[str, object], div_id: str) -> str:
    data = _script_json(figure.get("data", []))
    layout = _script_json(figure.get("layout", {}))
    config = _script_json(_PLOT_CONFIG)
    return (
        f'<div id="{div_id}" class="plotly-graph-div stage5kit-figure" '
        f'style="height:480px; width:100%;"></div>\n'
        f'<script type="text/javascript">Plotly.newPlot("{div_id}", {data}, {layout}, {config});'
        f"</script>"
    )


def inline_figures(notebook: NotebookNode) -> int:
    """Replace each plotly JSON output with HTML drawing it via the page's plotly.js."""
    count = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            figure = output.get("data", {}).get(PLOTLY_MIMETYPE)
            if figure is None:
                continue
            count += 1
            html = _figure_html(dict(figure), f"stage5kit-figure-{count}")
            output["data"] = {"text/html": html, "text/plain": "<plotly figure>"}
    return count


def render_html(notebook: Path, target: Path, *, title: str, lang: str = "en") -> Path:
    """Write ``notebook`` as offline HTML to ``target`` (code hidden, plotly.js inlined once).

    ``lang`` is the report's language, written as ``<html lang>``.
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter
    from plotly.offline import get_plotlyjs

    executed = nbformat.read(notebook, as_version=4)
    executed.cells = [
        cell for cell in executed.cells if DESCRIPTION_TAG not in cell.metadata.get("tags", [])
    ]
    inline_figures(executed)
    exporter = HTMLExporter(
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=lang,
    )
    resources = {"metadata": {"name": title}, "plotly_js": get_plotlyjs()}
    body, _ = exporter.from_notebook_node(executed, resources=resources)
    return atomic_write_text(target, body)
