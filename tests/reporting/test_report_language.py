"""Polish reports: the three report notebooks run with lang=pl show no English UI text.

Each notebook is run for real by ``stage5kit report run`` (papermill, a kernel, nbconvert);
the visible text of ``report.html`` and every string of its figures are then searched for
the English source of every message in the Polish catalog (singular and plural sources of
counted messages too). The figures' line labels are checked clear of each other from the
layouts the page draws.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.reporting.label_boxes import label_problems

from stage5kit.cli import main
from stage5kit.reporting.figures import smallest_plot_height
from stage5kit.reporting.i18n import catalog, read_catalog

ROOT = Path(__file__).resolve().parents[2]
KEY_SPEC = "hex:" + "5e" * 16 + "c2" * 16
RUNS = {
    "tco_analysis": {"lang": "pl"},
    "stress_test": {"lang": "pl", "paths": 200, "days": 10},
    "workshop_exercise": {"participant": "Zofia Łęcka", "rows": 6000, "days": 60, "paths": 200},
}
FIGURE = re.compile(r'Plotly\.newPlot\("stage5kit-figure-\d+", (.*?), (\{.*?\}), \{"responsive"')


class _VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles or code spans (identifiers stay English)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "title"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "title"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _figure_text(html: str) -> list[str]:
    """Titles, axis titles, legend names, line labels and labels of every figure in the page."""
    texts: list[str] = []
    for data, layout in FIGURE.findall(html):
        traces = json.loads(data)
        texts += [t.get("name", "") for t in traces]
        texts += [str(x) for t in traces for x in t.get("x", []) if isinstance(x, str)]
        texts += _strings(json.loads(layout).get("title"))
        texts += [a.get("text", "") for a in json.loads(layout).get("annotations", [])]
        for axis in ("xaxis", "yaxis"):
            texts += _strings(json.loads(layout).get(axis, {}).get("title"))
    return texts


def polish_messages() -> dict[str, str]:
    """English source -> Polish of every message, counted ones by singular and by plural."""
    messages = dict(catalog("pl"))
    for message in read_catalog("pl"):
        if isinstance(message.id, tuple | list) and isinstance(message.string, tuple | list):
            forms = " / ".join(str(form) for form in message.string)
            messages[str(message.id[0])] = messages[str(message.id[1])] = forms
    return messages


def _fragments(source: str) -> list[str]:
    """The words of an English source a reader would see: no fields, code or Markdown marks."""
    plain = re.sub(r"`[^`]*`", " ", source)
    plain = re.sub(r"[#*]+", " ", plain)
    pieces = re.split(r"\{\w*\}", plain)
    return [p.strip(" .,:;()-") for p in pieces if re.search(r"[A-Za-z]{3,}", p)]


def english_left(text: str, polish: dict[str, str]) -> list[str]:
    """The English sources (whose Polish differs) with a fragment found in ``text``."""
    found = []
    for source, translated in polish.items():
        if source == translated:
            continue
        for fragment in _fragments(source):
            if fragment and re.search(rf"(?<![\w/.]){re.escape(fragment)}(?![\w/=]|\.\w)", text):
                found.append(f"{fragment!r} (from {source[:50]!r})")
    return found


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three report notebooks run in Polish by `stage5kit report run`."""
    out = tmp_path_factory.mktemp("polish")
    folders = {}
    for name, parameters in RUNS.items():
        folder = out / name
        arguments = ["report", "run", str(ROOT / "notebooks" / f"{name}.ipynb")]
        arguments += ["--out", str(folder), "--key", KEY_SPEC]
        for key, value in parameters.items():
            arguments += ["-p", key, str(value)]
        outcome = CliRunner().invoke(main, arguments)
        assert outcome.exit_code == 0, outcome.output
        folders[name] = folder
    return folders


@pytest.mark.slow
@pytest.mark.xdist_group("polish-reports")
@pytest.mark.parametrize("name", list(RUNS))
def test_polish_report_shows_no_english_ui_text(reports: dict[str, Path], name: str) -> None:
    """No English source of the catalog is left in the page text or the figures' text."""
    html = (reports[name] / "report.html").read_text(encoding="utf-8")
    parser = _VisibleText()
    parser.feed(html)
    visible = " ".join(" ".join(parser.parts).split())
    assert '<html lang="pl">' in html
    assert english_left(visible, polish_messages()) == []
    assert english_left("\n".join(_figure_text(html)), polish_messages()) == []
    assert " pb" in visible


@pytest.mark.slow
@pytest.mark.xdist_group("polish-reports")
@pytest.mark.parametrize("name", list(RUNS))
def test_line_labels_of_the_executed_reports_do_not_overlap(
    reports: dict[str, Path], name: str
) -> None:
    """Every budget or limit label the page draws is clear of the others and in its plot."""
    html = (reports[name] / "report.html").read_text(encoding="utf-8")
    layouts = [json.loads(layout) for _, layout in FIGURE.findall(html)]
    labelled = [layout for layout in layouts if layout.get("annotations")]
    assert labelled, "the report draws no labelled budget or limit line"
    for layout in labelled:
        assert label_problems(layout) == []
        assert label_problems(layout, plot_height=smallest_plot_height(layout["height"])) == []


@pytest.mark.slow
@pytest.mark.xdist_group("polish-reports")
def test_polish_text_in_results_json_is_utf8(reports: dict[str, Path]) -> None:
    """The participant's name is stored in results.json as UTF-8, not as \\u escapes."""
    raw = (reports["workshop_exercise"] / "results.json").read_bytes()
    assert "Zofia Łęcka".encode() in raw
    assert b"\\u0141" not in raw


def test_the_search_finds_english_left_in_a_page() -> None:
    """The checker itself: an English sentence, label or counted phrase is reported."""
    polish = polish_messages()
    assert english_left("Koszt: 4,56 pb", polish) == []
    assert english_left("Cost per trade by day", polish)
    assert english_left("the baseline costs 12 USD on average", polish)
    assert english_left("plik trades.csv w raporcie", polish) == []
    assert english_left("W ciągu 21 symulowanych dni (1 000 ścieżek)", polish) == []
    assert english_left("Over 21 simulated days", polish)
    assert english_left("(1 000 paths, ziarno 7)", polish)
    assert english_left("Over 1 simulated day", polish)
