"""Finding Chromium for PDF export: the override variable, the PATH search, the install hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from stage5kit.errors import DependencyError
from stage5kit.reporting.pdf import CHROMIUM_ENV, find_chromium


def test_override_must_name_a_program(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """STAGE5KIT_CHROMIUM pointing at nothing is refused, naming the variable."""
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-such-browser"))
    with pytest.raises(DependencyError, match="STAGE5KIT_CHROMIUM="):
        find_chromium()


def test_override_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An executable named by STAGE5KIT_CHROMIUM wins over the PATH search."""
    browser = tmp_path / "my-chrome"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv(CHROMIUM_ENV, str(browser))
    assert find_chromium() == browser


def test_missing_chromium_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With no browser on PATH the error tells the user to apt-get install chromium."""
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DependencyError, match="apt-get install chromium"):
        find_chromium()
