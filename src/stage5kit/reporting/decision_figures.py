"""The decision-flow figure: candidate orders -> first failing check -> decision (a Sankey)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from plotly.graph_objects import Figure

OUTCOME_COLOURS = {
    "approve": "#2ca02c",
    "reduce": "#1f77b4",
    "reject": "#d62728",
    "escalate": "#ff7f0e",
}


def plot_decision_flows(
    flows: pd.DataFrame, *, title: str = "Decision flows", candidates_label: str = "candidates"
) -> Figure:
    """Sankey of ``Decisions.flows()``: all candidates, split by first failing check, into outcomes.

    Link widths are order counts; the first column is every candidate, the middle the first
    check each failed (or ``all_passed``), the last the decision.
    """
    import plotly.graph_objects as go

    checks = list(dict.fromkeys(flows["first_failed_check"].astype(str)))
    outcomes = [o for o in OUTCOME_COLOURS if o in set(flows["decision"].astype(str))]
    total = int(flows["orders"].sum())
    labels = [f"{candidates_label} ({total})", *checks, *outcomes]
    index = {name: k for k, name in enumerate(labels)}
    per_check = flows.groupby("first_failed_check", sort=False)["orders"].sum()
    sources = [0] * len(per_check)
    targets = [index[str(check)] for check in per_check.index]
    values = [int(v) for v in per_check.to_numpy()]
    colours = ["rgba(150,150,150,0.4)"] * len(per_check)
    for record in flows.to_dict("records"):
        sources.append(index[str(record["first_failed_check"])])
        targets.append(index[str(record["decision"])])
        values.append(int(record["orders"]))
        colours.append(OUTCOME_COLOURS.get(str(record["decision"]), "#999999"))
    node_colours = ["#7f7f7f"] * (1 + len(checks)) + [OUTCOME_COLOURS[o] for o in outcomes]
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": labels, "color": node_colours, "pad": 18},
            link={"source": sources, "target": targets, "value": values, "color": colours},
            valueformat=",d",
            valuesuffix=" orders",
        )
    )
    figure.update_layout(title={"text": title}, template="plotly_white", font={"size": 12})
    return figure
