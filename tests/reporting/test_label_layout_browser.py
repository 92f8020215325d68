"""The line labels as headless Chromium really draws them: clear of each other, in the plot.

The figures go through the report page's own drawing code (``html._figure_html``, with
its legend below the plot and auto-margins); plotly.js then lays them out and the page
writes each label's drawn box and the plot area into the DOM, read back with --dump-dom.
This also checks the assumptions the layout arithmetic rests on: a label's drawn height
and the plot area the legend leaves.
"""

from __future__ import annotations

import html as html_text
import itertools
import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from stage5kit.core import BUILTIN_SCENARIOS, SimulationSettings, generate_trades, run_stress_test
from stage5kit.reporting import plot_series_with_markers, plot_stress_distributions
from stage5kit.reporting.figures import label_height, smallest_plot_height
from stage5kit.reporting.html import _figure_html
from stage5kit.reporting.pdf import find_chromium, headless_command

MEASURE = """
<script>
Promise.all([...document.querySelectorAll(".stage5kit-figure")].map(async (div) => {
  await new Promise((done) => setTimeout(done, 50));
  const size = div._fullLayout._size;
  const origin = div.getBoundingClientRect();
  const labels = [...div.querySelectorAll("g.annotation rect.bg")].map((rect) => {
    const box = rect.getBoundingClientRect();
    return [box.left - origin.left, box.top - origin.top, box.right - origin.left,
            box.bottom - origin.top];
  });
  const ticks = (axis) => [...div.querySelectorAll(`g.${axis}tick text`)].map((t) => t.textContent);
  return {plot: [size.l, size.t, size.l + size.w, size.t + size.h], labels: labels,
          xticks: ticks("x"), yticks: ticks("y")};
})).then((found) => { document.body.setAttribute("data-measured", JSON.stringify(found)); });
</script>
"""


def _budget_figure(amounts: dict[str, float], lang: str):
    frame = pd.DataFrame(
        [
            {"period": period, "strategy": name, "spend": 30_000.0 + 4_000 * i + 900 * p}
            for i, name in enumerate(amounts)
            for p, period in enumerate(["2026-01", "2026-02", "2026-03"])
        ]
    )
    return plot_series_with_markers(
        frame,
        x="period",
        y="spend",
        group="strategy",
        unit="USD",
        title="Wydatki w okresie na tle budżetu",
        budgets=amounts,
        lang=lang,
    )


@pytest.mark.browser
@pytest.mark.slow
def test_chromium_draws_every_label_clear_and_inside_the_plot(tmp_path: Path) -> None:
    """Close budgets of eight strategies, equal budgets, and a stress budget, as drawn;
    the Polish figure's ticks read 40 000 and 01.2026, the English one's 40,000."""
    trades = generate_trades(rows=2000, seed=2, days=30)
    stress = run_stress_test(
        trades, BUILTIN_SCENARIOS, SimulationSettings(paths=50, days=5, seed=1), budget=3e4
    )
    names = ["momentum", "twap_execution", "market_making", "arbitraż_ąęł", "mean_reversion"]
    names += ["pairs", "vwap", "iceberg"]
    figures = [
        _budget_figure({n: 40_000.0 + 150 * i for i, n in enumerate(names)}, "pl"),
        _budget_figure(dict.fromkeys(names[:4], 41_000.0), "en"),
        plot_stress_distributions(stress, currency="USD", lang="pl"),
    ]
    from plotly.offline import get_plotlyjs

    divs = "\n".join(
        _figure_html(json.loads(figure.to_json()), f"stage5kit-figure-{i}")
        for i, figure in enumerate(figures, start=1)
    )
    page = tmp_path / "labels.html"
    page.write_text(
        f'<html><head><meta charset="utf-8"><script>{get_plotlyjs()}</script></head>'
        f'<body style="width:900px">{divs}{MEASURE}</body></html>',
        encoding="utf-8",
    )
    command = [
        *headless_command(find_chromium(), profile_dir=tmp_path / "profile"),
        "--dump-dom",
        page.as_uri(),
    ]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True).stdout
    found = re.search(r'data-measured="([^"]*)"', dom)
    assert found, dom[-500:]
    measured = json.loads(html_text.unescape(found.group(1)))
    assert [len(m["labels"]) for m in measured] == [8, 4, 1]
    for figure, each in zip(figures, measured, strict=True):
        left, top, right, bottom = each["plot"]
        assert bottom - top >= smallest_plot_height(figure.layout.height) - 1
        for x0, y0, x1, y1 in each["labels"]:
            assert left - 1 <= x0 <= x1 <= right + 1
            assert top - 1 <= y0 <= y1 <= bottom + 1
            assert y1 - y0 <= label_height() + 1
        boxes = sorted(each["labels"], key=lambda box: box[1])
        for upper, lower in itertools.pairwise(boxes):
            assert upper[3] <= lower[1] + 0.5, (upper, lower)
    polish, english = measured[0], measured[1]
    assert polish["xticks"]
    assert polish["xticks"] == ["01.2026", "02.2026", "03.2026"]
    assert any("\N{NO-BREAK SPACE}" in tick for tick in polish["yticks"]), polish["yticks"]
    assert not any("," in tick for tick in polish["yticks"])
    assert any("," in tick for tick in english["yticks"]), english["yticks"]
