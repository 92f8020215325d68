"""The Grafana dashboard JSON validates against the dashboard schema and has every panel."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from stage5kit.compliance.observability import ObservabilityConfig, build_dashboard

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "grafana_dashboard.schema.json").read_text(
        encoding="utf-8"
    )
)
CONFIG = ObservabilityConfig()


def _validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


def _dashboard() -> dict[str, object]:
    """The dashboard as Grafana would read it: through JSON text."""
    return json.loads(json.dumps(build_dashboard(CONFIG)))


def test_dashboard_validates_against_the_grafana_dashboard_schema() -> None:
    """No schema error in the exported dashboard."""
    errors = [e.message for e in _validator().iter_errors(_dashboard())]
    assert errors == []


def test_dashboard_has_title_panels_and_a_datasource_variable() -> None:
    """Title, the cost/slippage/latency/burn-rate/budget panels and a Prometheus datasource var."""
    dashboard = _dashboard()
    assert dashboard["title"] == "Stage5 \N{EN DASH} Compliance & Cost Control"
    titles = " | ".join(p["title"] for p in dashboard["panels"]).lower()
    for word in ("cost", "slippage", "latency", "burn rate", "budget"):
        assert word in titles
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    for panel in dashboard["panels"]:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert panel["targets"]
        assert all(t["datasource"]["uid"] == "${datasource}" for t in panel["targets"])


def test_panels_fit_the_grid_without_overlapping() -> None:
    """Every panel fits the 24-column grid and no two panels share a cell."""
    taken: set[tuple[int, int]] = set()
    for panel in _dashboard()["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & taken
        taken |= cells


def test_burn_rate_panel_draws_every_alert_factor_as_a_threshold() -> None:
    """The burn-rate panel's threshold steps are the alert factors (14.4, 6, 1)."""
    panel = next(p for p in _dashboard()["panels"] if "burn rate" in p["title"].lower())
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert sorted(s["value"] for s in steps if s["value"] is not None) == [1.0, 6.0, 14.4]


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("unknown dashboard key", lambda d: d.__setitem__("titel", "typo")),
        ("panel without gridPos", lambda d: d["panels"][0].pop("gridPos")),
        ("panel wider than the grid", lambda d: d["panels"][0]["gridPos"].__setitem__("w", 30)),
        ("unknown target key", lambda d: d["panels"][0]["targets"][0].__setitem__("query", "x")),
        (
            "threshold without colour",
            lambda d: d["panels"][2]["fieldConfig"]["defaults"]["thresholds"]["steps"][0].pop(
                "color"
            ),
        ),
        (
            "bad variable type",
            lambda d: d["templating"]["list"][0].__setitem__("type", "prometheus"),
        ),
        ("missing templating", lambda d: d.pop("templating")),
    ],
)
def test_schema_rejects_a_broken_dashboard(where: str, change: object) -> None:
    """Each deliberate mistake in the dashboard JSON is caught by the schema."""
    broken = copy.deepcopy(_dashboard())
    change(broken)  # type: ignore[operator]
    assert list(_validator().iter_errors(broken)), where
