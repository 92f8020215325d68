"""Suite-wide settings: hypothesis runs derandomized and without deadlines (CI shares 2 cores)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "stage5kit",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("stage5kit")
