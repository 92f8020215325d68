"""The metrics the bot publishes for Stage5 monitoring, named by Prometheus conventions.

Base units (seconds, the quote currency), ``_total`` on counters, ``_seconds`` on the latency
histogram. Money counters only grow: a rebate or a price improvement is counted under
``direction="received"`` instead of being subtracted. The rules and the dashboard use no
other metric (a test checks it); ``prometheus_client`` (the ``observability`` extra) is the
optional way to publish them from the bot: :func:`create_stage5_metrics`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stage5kit.compliance.observability.config import LATENCY_BUCKETS_SECONDS
from stage5kit.errors import DependencyError

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

TRADES_TOTAL = "stage5_trades_total"
NOTIONAL_TOTAL = "stage5_trade_notional_total"
COST_TOTAL = "stage5_trade_cost_total"
COST_LIMIT_BREACHES_TOTAL = "stage5_trade_cost_limit_breaches_total"
DECISION_LATENCY_SECONDS = "stage5_decision_latency_seconds"
COST_BUDGET = "stage5_cost_budget"


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One published metric family: name, type, labels and help text."""

    name: str
    kind: str
    labels: tuple[str, ...]
    help: str


METRICS = (
    MetricSpec(TRADES_TOTAL, "counter", ("strategy", "venue"), "Trades executed."),
    MetricSpec(
        NOTIONAL_TOTAL,
        "counter",
        ("strategy", "venue"),
        "Traded notional at arrival price, in the quote currency.",
    ),
    MetricSpec(
        COST_TOTAL,
        "counter",
        ("strategy", "venue", "component", "direction"),
        "Trading cost in the quote currency by component (fee, slippage);"
        " rebates and price improvement count under direction=received.",
    ),
    MetricSpec(
        COST_LIMIT_BREACHES_TOTAL,
        "counter",
        ("strategy",),
        "Trades whose cost in bps exceeded their strategy's max_cost_bps.",
    ),
    MetricSpec(
        DECISION_LATENCY_SECONDS,
        "histogram",
        ("strategy",),
        "Time from market data to order decision.",
    ),
    MetricSpec(
        COST_BUDGET,
        "gauge",
        ("strategy", "period"),
        "Trading-cost budget for one period, in the quote currency.",
    ),
)


def latency_bucket_label(seconds: float) -> str:
    """The ``le`` label of a latency bucket as prometheus_client writes it (``0.25``, ``1.0``)."""
    return repr(float(seconds))


def metric_series_names() -> frozenset[str]:
    """Every series name the published metrics expose (histograms: _bucket, _count, _sum)."""
    names: set[str] = set()
    for spec in METRICS:
        if spec.kind == "histogram":
            names |= {f"{spec.name}_bucket", f"{spec.name}_count", f"{spec.name}_sum"}
        else:
            names.add(spec.name)
    return frozenset(names)


@dataclass(frozen=True, slots=True)
class Stage5Metrics:
    """The bot's metric objects in a prometheus_client registry; call :meth:`record_trade`."""

    registry: CollectorRegistry
    families: Mapping[str, Any]

    def record_trade(
        self,
        *,
        strategy: str,
        venue: str,
        notional: float,
        fee: float,
        slippage_cost: float,
        decision_latency_seconds: float,
        over_cost_limit: bool,
    ) -> None:
        """Count one executed trade in every metric (negative costs count as received)."""
        self.families[TRADES_TOTAL].labels(strategy, venue).inc()
        self.families[NOTIONAL_TOTAL].labels(strategy, venue).inc(notional)
        for component, amount in (("fee", fee), ("slippage", slippage_cost)):
            for direction in ("paid", "received"):
                child = self.families[COST_TOTAL].labels(strategy, venue, component, direction)
                share = max(amount, 0.0) if direction == "paid" else max(-amount, 0.0)
                child.inc(share)
        breaches = self.families[COST_LIMIT_BREACHES_TOTAL].labels(strategy)
        breaches.inc(1 if over_cost_limit else 0)
        self.families[DECISION_LATENCY_SECONDS].labels(strategy).observe(decision_latency_seconds)

    def set_budget(self, *, strategy: str, period: str, amount: float) -> None:
        """Publish a strategy's trading-cost budget for its period."""
        self.families[COST_BUDGET].labels(strategy, period).set(amount)


def create_stage5_metrics(registry: CollectorRegistry | None = None) -> Stage5Metrics:
    """Register the Stage5 metrics in a prometheus_client registry (a new one by default)."""
    try:
        import prometheus_client
    except ImportError:
        msg = (
            "publishing metrics needs prometheus_client:"
            " pip install 'stage5kit[observability]' (or pip install prometheus-client)"
        )
        raise DependencyError(msg) from None
    target = registry or prometheus_client.CollectorRegistry()
    classes = {
        "counter": prometheus_client.Counter,
        "gauge": prometheus_client.Gauge,
        "histogram": prometheus_client.Histogram,
    }
    families: dict[str, Any] = {}
    for spec in METRICS:
        # prometheus_client appends _total to counters itself.
        name = spec.name.removesuffix("_total") if spec.kind == "counter" else spec.name
        extra = {"buckets": LATENCY_BUCKETS_SECONDS} if spec.kind == "histogram" else {}
        families[spec.name] = classes[spec.kind](
            name, spec.help, spec.labels, registry=target, **extra
        )
    return Stage5Metrics(registry=target, families=families)
