"""What the observability layer watches: SLO objectives, burn-rate windows, budget spend levels.

One :class:`ObservabilityConfig` drives the offline replay, the Prometheus rules and the
Grafana dashboard, so the three never disagree. Durations are whole seconds and are written
the Prometheus way (``5m``, ``1h``, ``3d``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stage5kit.errors import ConfigError
from stage5kit.files import read_config_file

# Prometheus client's default histogram buckets, in seconds: the latency SLO threshold must be
# one of them, so ``le="<threshold>"`` picks out the good events exactly.
LATENCY_BUCKETS_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SLO_NAMES = ("decision_latency", "execution_cost")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"([1-9][0-9]*)([smhdw])")


def parse_duration(text: object, *, where: str) -> int:
    """Seconds in a Prometheus-style duration with one unit (``5m``, ``6h``, ``3d``)."""
    match = _DURATION.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        msg = f"{where}: {str(text)[:80]!r} is not a duration (write e.g. 5m, 1h, 3d)"
        raise ConfigError(msg)
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def format_duration(seconds: int) -> str:
    """The shortest Prometheus duration for a whole number of seconds (3600 -> ``1h``)."""
    for unit in ("w", "d", "h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True, slots=True, kw_only=True)
class BurnRateWindow:
    """One multiwindow alert: fires when both windows burn the error budget ``factor`` times
    faster than sustainable (Google SRE workbook, chapter 5)."""

    factor: float
    long_seconds: int
    short_seconds: int
    severity: str

    @property
    def label(self) -> str:
        """``14.4x 1h/5m``: how the alert is named in tables and figures."""
        return (
            f"{self.factor:g}x {format_duration(self.long_seconds)}"
            f"/{format_duration(self.short_seconds)}"
        )


DEFAULT_BURN_RATE_WINDOWS = (
    BurnRateWindow(factor=14.4, long_seconds=3600, short_seconds=300, severity="page"),
    BurnRateWindow(factor=6.0, long_seconds=6 * 3600, short_seconds=1800, severity="page"),
    BurnRateWindow(factor=1.0, long_seconds=3 * 86400, short_seconds=6 * 3600, severity="ticket"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservabilityConfig:
    """SLO objectives, the latency threshold, burn-rate windows and budget spend-rate alerts.

    ``objectives`` maps each SLO name to the fraction of good trades it promises.
    ``min_events`` is the least number of trades the long window must hold before a
    burn-rate alert may fire (a handful of trades would make any ratio look alarming).
    """

    objectives: Mapping[str, float] = field(
        default_factory=lambda: {"decision_latency": 0.99, "execution_cost": 0.95}
    )
    latency_threshold_seconds: float = 0.25
    burn_rate_windows: tuple[BurnRateWindow, ...] = DEFAULT_BURN_RATE_WINDOWS
    min_events: int = 20
    budget_levels: tuple[float, ...] = (0.8, 0.9, 1.0)
    budget_windows_seconds: tuple[int, ...] = (86400, 6 * 3600)

    def __post_init__(self) -> None:
        if set(self.objectives) != set(SLO_NAMES):
            msg = f"objectives must name exactly {', '.join(SLO_NAMES)}"
            raise ConfigError(msg)
        for name, objective in self.objectives.items():
            if not 0.0 < objective < 1.0:
                msg = f"objective of {name} must be between 0 and 1 (e.g. 0.99), got {objective}"
                raise ConfigError(msg)
        if self.latency_threshold_seconds not in LATENCY_BUCKETS_SECONDS:
            allowed = ", ".join(f"{b * 1000:g}" for b in LATENCY_BUCKETS_SECONDS)
            msg = (
                f"latency threshold {self.latency_threshold_seconds * 1000:g} ms is not a"
                f" histogram bucket boundary (use one of {allowed} ms)"
            )
            raise ConfigError(msg)
        if not self.burn_rate_windows:
            msg = "at least one burn-rate window is needed"
            raise ConfigError(msg)
        for window in self.burn_rate_windows:
            if window.factor <= 0 or window.short_seconds >= window.long_seconds:
                msg = f"burn-rate window {window.label}: needs factor > 0 and short < long"
                raise ConfigError(msg)
        for slo, objective in self.objectives.items():
            unreachable = [w for w in self.burn_rate_windows if w.factor * (1 - objective) >= 1]
            if unreachable:
                msg = (
                    f"burn-rate window {unreachable[0].label} can never fire for {slo}:"
                    f" {unreachable[0].factor:g} x {1 - objective:.4g} is not below 1"
                    " (raise the objective or lower the factor)"
                )
                raise ConfigError(msg)
        if self.min_events < 1:
            msg = f"min_events must be at least 1, got {self.min_events}"
            raise ConfigError(msg)
        if not self.budget_levels or any(not 0 < level <= 2 for level in self.budget_levels):
            msg = "budget_levels must be fractions of the budget in (0, 2], e.g. 0.8, 0.9, 1.0"
            raise ConfigError(msg)
        if not self.budget_windows_seconds:
            msg = "at least one budget window is needed"
            raise ConfigError(msg)

    def long_windows(self) -> tuple[str, ...]:
        """The alerts' long windows (``1h``, ``6h``, ``3d``), which the event guard applies to."""
        return tuple(format_duration(w.long_seconds) for w in self.burn_rate_windows)

    def error_budget(self, slo: str) -> float:
        """The fraction of trades allowed to be bad (1 - objective)."""
        return 1.0 - self.objectives[slo]

    def to_document(self) -> dict[str, object]:
        """The config as the YAML document :func:`load_observability_config` reads."""
        return {
            "objectives": dict(self.objectives),
            "latency_threshold_ms": self.latency_threshold_seconds * 1000,
            "burn_rate_windows": [
                {
                    "factor": w.factor,
                    "long": format_duration(w.long_seconds),
                    "short": format_duration(w.short_seconds),
                    "severity": w.severity,
                }
                for w in self.burn_rate_windows
            ],
            "min_events": self.min_events,
            "budget_levels": list(self.budget_levels),
            "budget_windows": [format_duration(s) for s in self.budget_windows_seconds],
        }


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{where}: {str(value)[:80]!r} is not a number"
        raise ConfigError(msg)
    return float(value)


def _window(entry: object, where: str) -> BurnRateWindow:
    if not isinstance(entry, dict) or set(entry) != {"factor", "long", "short", "severity"}:
        msg = f"{where}: each window needs exactly factor, long, short and severity"
        raise ConfigError(msg)
    return BurnRateWindow(
        factor=_number(entry["factor"], f"{where}.factor"),
        long_seconds=parse_duration(entry["long"], where=f"{where}.long"),
        short_seconds=parse_duration(entry["short"], where=f"{where}.short"),
        severity=str(entry["severity"]),
    )


def _objectives(value: object, where: str) -> dict[str, float]:
    if not isinstance(value, dict):
        msg = f"{where}: must map each SLO name to a fraction"
        raise ConfigError(msg)
    return {str(k): _number(v, f"{where}.{k}") for k, v in value.items()}


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        msg = f"{where}: must be a list"
        raise ConfigError(msg)
    return value


# YAML key -> (dataclass field, parser of the value given the place to name in errors)
_PARSERS: dict[str, tuple[str, Callable[[object, str], object]]] = {
    "objectives": ("objectives", _objectives),
    "latency_threshold_ms": (
        "latency_threshold_seconds",
        lambda v, where: _number(v, where) / 1000,
    ),
    "burn_rate_windows": (
        "burn_rate_windows",
        lambda v, where: tuple(_window(w, f"{where}[{i}]") for i, w in enumerate(_list(v, where))),
    ),
    "min_events": ("min_events", lambda v, where: int(_number(v, where))),
    "budget_levels": (
        "budget_levels",
        lambda v, where: tuple(_number(x, where) for x in _list(v, where)),
    ),
    "budget_windows": (
        "budget_windows_seconds",
        lambda v, where: tuple(parse_duration(x, where=where) for x in _list(v, where)),
    ),
}


def parse_observability_config(document: object, *, source: str) -> ObservabilityConfig:
    """Build a config from a parsed YAML document; missing keys keep their defaults."""
    if document is None:
        return ObservabilityConfig()
    if not isinstance(document, dict):
        msg = f"{source}: expected a mapping of settings"
        raise ConfigError(msg)
    unknown = sorted(set(document) - set(_PARSERS))
    if unknown:
        msg = f"{source}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(_PARSERS))})"
        raise ConfigError(msg)
    settings: dict[str, Any] = {}
    for key, value in document.items():
        field_name, parse = _PARSERS[key]
        settings[field_name] = parse(value, f"{source}: {key}")
    try:
        return ObservabilityConfig(**settings)
    except ConfigError as error:
        msg = f"{source}: {error}"
        raise ConfigError(msg) from None


def load_observability_config(path: str | Path | None = None) -> ObservabilityConfig:
    """Read an observability config YAML (None: the defaults)."""
    if path is None:
        return ObservabilityConfig()
    document = read_config_file(path, what="observability config")
    return parse_observability_config(document, source=str(path))
