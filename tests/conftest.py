"""Suite-wide settings: hypothesis derandomized without deadlines; browser tests' skip rule."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "stage5kit",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("stage5kit")


REQUIRE_BROWSER_ENV = "STAGE5KIT_REQUIRE_BROWSER"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``browser`` skips with the install hint when no browser is found.

    With ``STAGE5KIT_REQUIRE_BROWSER=1`` (set by ``.ci/run``) it fails instead, so a CI run
    cannot pass with the browser tests silently skipped.
    """
    if item.get_closest_marker("browser") is None:
        return
    from stage5kit.errors import DependencyError
    from stage5kit.reporting.pdf import find_chromium

    try:
        find_chromium()
    except DependencyError as error:
        if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
            pytest.fail(f"{REQUIRE_BROWSER_ENV}=1 but no browser: {error}", pytrace=False)
        pytest.skip(str(error))
