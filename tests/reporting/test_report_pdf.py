"""Finding a browser for PDF export: the override, PATH, usual places, the hint per OS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stage5kit.errors import DependencyError
from stage5kit.reporting import pdf
from stage5kit.reporting.pdf import CHROMIUM_ENV, INSTALL_HINTS, browser_locations, find_chromium

ROOT = Path(__file__).resolve().parents[2]


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
    """With no browser anywhere the error names what was tried and how to install one."""
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf, "browser_locations", lambda: [tmp_path / "chrome"])
    with pytest.raises(DependencyError) as caught:
        find_chromium()
    message = str(caught.value)
    assert "tried on PATH and in the usual places: chromium, chromium-browser" in message
    assert str(tmp_path / "chrome") in message
    assert INSTALL_HINTS[sys.platform if sys.platform in INSTALL_HINTS else "linux"] in message
    assert CHROMIUM_ENV in message


def test_a_browser_in_a_usual_location_is_found_off_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A browser installed where the OS puts it (not on PATH) is used."""
    browser = tmp_path / "Google Chrome"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(pdf, "browser_locations", lambda: [tmp_path / "absent", browser])
    assert find_chromium() == browser


def test_usual_locations_on_macos_and_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS: Chrome, Chromium and Edge apps; Windows: Chrome and Edge under Program Files."""
    mac = [str(p) for p in browser_locations("darwin")]
    assert "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" in mac
    assert "/Applications/Chromium.app/Contents/MacOS/Chromium" in mac
    assert "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge" in mac
    monkeypatch.setenv("PROGRAMFILES", "C:/Program Files")
    monkeypatch.setenv("PROGRAMFILES(X86)", "C:/Program Files (x86)")
    windows = [p.as_posix() for p in browser_locations("win32")]
    assert "C:/Program Files/Google/Chrome/Application/chrome.exe" in windows
    assert "C:/Program Files (x86)/Microsoft/Edge/Application/msedge.exe" in windows
    assert "brew install --cask chromium" in INSTALL_HINTS["darwin"]
    assert "Microsoft Edge" in INSTALL_HINTS["win32"]


def _browser_tests(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the browser-marked report tests in a child pytest whose PATH has no browser."""
    base = {k: v for k, v in os.environ.items() if k not in {CHROMIUM_ENV, "PYTEST_ADDOPTS"}}
    base.pop("STAGE5KIT_REQUIRE_BROWSER", None)
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "tests/reporting/test_report_run.py", "-m"),
            *("browser", "-p", "no:cacheprovider", "-q", "-rsE"),
        ],
        cwd=ROOT,
        env={**base, "PATH": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the child run's PATH trick is Linux's")
def test_browser_tests_skip_with_the_hint_when_no_browser_is_on_path(tmp_path: Path) -> None:
    """A Chromium-less run: the three browser tests skip, each with the install hint."""
    run = _browser_tests(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 skipped" in run.stdout
    assert "SKIPPED [3]" in run.stdout
    assert "PDF export needs Chromium, Chrome or Edge and none was found" in run.stdout
    assert "sudo apt-get install chromium" in run.stdout


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the child run's PATH trick is Linux's")
def test_ci_turns_the_browser_skip_into_a_failure(tmp_path: Path) -> None:
    """Under STAGE5KIT_REQUIRE_BROWSER=1 (what .ci/run exports) the same run fails."""
    run = _browser_tests(tmp_path, STAGE5KIT_REQUIRE_BROWSER="1")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "3 errors" in run.stdout
    assert "STAGE5KIT_REQUIRE_BROWSER=1 but no browser" in run.stdout
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("export STAGE5KIT_REQUIRE_BROWSER=1") < ci.index("make test")
