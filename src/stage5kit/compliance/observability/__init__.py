"""Observability+: SLOs, burn-rate and budget alerts, their offline replay, rules and bundle."""

from __future__ import annotations
