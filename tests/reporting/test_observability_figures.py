"""plot_burn_rate: one line per chosen window, factor lines, firing windows shaded, units."""

from __future__ import annotations

import pandas as pd

from stage5kit.reporting import plot_burn_rate


def _timeline() -> pd.DataFrame:
    times = pd.date_range("2026-03-02 00:00", periods=240, freq="1min", tz="UTC")
    return pd.concat(
        [
            pd.DataFrame({"time": times, "window": window, "events": 10, "burn_rate": rate})
            for window, rate in (("5m", 20.0), ("1h", 2.0))
        ],
        ignore_index=True,
    )


def _episodes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "alert": ["14.4x 1h/5m", "6x 6h/30m", "1x 3d/6h"],
            "subject": ["decision_latency", "decision_latency", "execution_cost"],
            "severity": ["page", "page", "ticket"],
            "fired_at": pd.to_datetime(
                ["2026-03-02 01:00", "2026-03-02 02:00", "2026-03-02 00:10"], utc=True
            ),
            "cleared_at": pd.to_datetime(["2026-03-02 01:30", None, None], utc=True),
        }
    )


def test_burn_rate_figure_shades_only_the_slo_s_alerts() -> None:
    """Two of three episodes are decision_latency's: two shaded spans, the open one to the end."""
    figure = plot_burn_rate(
        _timeline(), _episodes(), slo="decision_latency", factors=[14.4, 6, 1], windows=["1h"]
    )
    assert [trace.name for trace in figure.data] == ["window 1h"]
    shapes = [s for s in figure.layout.shapes if s.type == "rect"]
    assert len(shapes) == 2
    assert pd.Timestamp(shapes[1].x1) == pd.Timestamp("2026-03-02 03:59", tz="UTC")
    lines = sorted(s.y0 for s in figure.layout.shapes if s.type == "line")
    assert lines == [1, 6, 14.4]
    assert "2 alert episodes" in figure.layout.title.text
    assert figure.layout.yaxis.title.text == "burn rate (x sustainable)"
    assert figure.layout.yaxis.range == (0, 1.5 * 14.4)


def test_burn_rate_figure_draws_every_window_by_default() -> None:
    """Without ``windows`` every window of the timeline gets a line (peak per 15 minutes)."""
    figure = plot_burn_rate(_timeline(), _episodes(), slo="execution_cost", factors=[1])
    assert sorted(trace.name for trace in figure.data) == ["window 1h", "window 5m"]
    assert len(figure.data[0].x) == 16


def test_polish_burn_rate_figure_writes_numbers_times_and_factors_the_polish_way() -> None:
    """Decimal comma, days as 02.03.2026 (hours zoomed in), factors 14,4 times, windows 1 h."""
    figure = plot_burn_rate(
        _timeline(),
        _episodes(),
        slo="decision_latency",
        factors=[14.4, 6, 1],
        windows=["1h"],
        lang="pl",
    )
    assert figure.layout.separators == ",\N{NO-BREAK SPACE}"
    assert [trace.name for trace in figure.data] == ["okno 1\N{NO-BREAK SPACE}h"]
    assert [a.text for a in figure.layout.annotations] == [
        "1\N{MULTIPLICATION SIGN}",
        "6\N{MULTIPLICATION SIGN}",
        "14,4\N{MULTIPLICATION SIGN}",
    ]
    stops = {stop.value for stop in figure.layout.xaxis.tickformatstops}
    assert stops == {"%d.%m.%Y", "%H:%M<br>%d.%m.%Y"}
    assert figure.layout.xaxis.hoverformat == "%d.%m.%Y %H:%M"


def test_english_burn_rate_figure_keeps_plotly_s_dates_and_x_factors() -> None:
    """In English the factor lines read 14.4x and plotly picks its own date ticks."""
    figure = plot_burn_rate(_timeline(), _episodes(), slo="decision_latency", factors=[14.4])
    assert [a.text for a in figure.layout.annotations] == ["14.4x"]
    assert figure.layout.separators == ".,"
    assert not figure.layout.xaxis.tickformatstops
    assert figure.layout.xaxis.hoverformat is None
