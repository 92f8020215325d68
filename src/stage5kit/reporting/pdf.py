"""Print a report's HTML to PDF with a real headless Chromium, after the charts have rendered.

The browser is ``$STAGE5KIT_CHROMIUM`` when set, else the first of Chromium, Chrome or
Edge found on PATH or in the usual install locations of Linux, macOS and Windows.
``--virtual-time-budget`` lets the page's scripts (plotly drawing every figure) finish
before the page is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from stage5kit.errors import DependencyError
from stage5kit.files import atomic_path

CHROMIUM_ENV = "STAGE5KIT_CHROMIUM"
CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "chrome",
    "msedge",
)
_MAC_APPS = (
    "Google Chrome.app/Contents/MacOS/Google Chrome",
    "Chromium.app/Contents/MacOS/Chromium",
    "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
)
_WINDOWS_APPS = (
    ("Google", "Chrome", "Application", "chrome.exe"),
    ("Chromium", "Application", "chrome.exe"),
    ("Microsoft", "Edge", "Application", "msedge.exe"),
)
INSTALL_HINTS = {
    "linux": "install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`; "
    "Fedora: `sudo dnf install chromium`)",
    "darwin": "install Google Chrome from https://www.google.com/chrome/ or Chromium with "
    "`brew install --cask chromium`",
    "win32": "install Google Chrome from https://www.google.com/chrome/ or use the "
    "Microsoft Edge that ships with Windows",
}
RENDER_BUDGET_MS = 20_000
PRINT_TIMEOUT_S = 300


def browser_locations(platform: str = sys.platform) -> list[Path]:
    """The usual install locations of Chromium, Chrome and Edge on ``platform``."""
    if platform == "darwin":
        roots = [Path("/Applications"), Path.home() / "Applications"]
        return [root / app for root in roots for app in _MAC_APPS]
    if platform == "win32":
        variables = ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")
        roots = [Path(os.environ[v]) for v in variables if os.environ.get(v)]
        return [root.joinpath(*app) for root in roots for app in _WINDOWS_APPS]
    return [
        Path("/snap/bin/chromium"),
        Path("/opt/google/chrome/chrome"),
        Path("/opt/microsoft/msedge/msedge"),
    ]


def _is_program(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_chromium() -> Path:
    """Return the browser to print with, or raise DependencyError naming what was tried."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        found = shutil.which(configured)
        if found is None:
            msg = f"{CHROMIUM_ENV}={configured!r} is not an executable program"
            raise DependencyError(msg)
        return Path(found)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return Path(found)
    locations = browser_locations()
    for location in locations:
        if _is_program(location):
            return location
    hint = INSTALL_HINTS.get(sys.platform, INSTALL_HINTS["linux"])
    tried = ", ".join([*CHROMIUM_NAMES, *(str(p) for p in locations)])
    msg = (
        f"PDF export needs Chromium, Chrome or Edge and none was found (tried on PATH and "
        f"in the usual places: {tried}); {hint}, or set {CHROMIUM_ENV} to the browser's "
        "executable"
    )
    raise DependencyError(msg)


def headless_command(chromium: Path, *, profile_dir: Path) -> list[str]:
    """Return the Chromium command line for a quiet, isolated, headless run."""
    return [
        str(chromium),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile_dir}",
        "--run-all-compositor-stages-before-draw",
        f"--virtual-time-budget={RENDER_BUDGET_MS}",
    ]


def render_pdf(html: Path, target: Path) -> Path:
    """Print ``html`` to ``target`` as PDF with headless Chromium; the result is checked."""
    chromium = find_chromium()
    with (
        tempfile.TemporaryDirectory(prefix="s5k-chromium-") as profile,
        atomic_path(target) as partial,
    ):
        command = [
            *headless_command(chromium, profile_dir=Path(profile)),
            "--no-pdf-header-footer",
            f"--print-to-pdf={partial}",
            html.resolve().as_uri(),
        ]
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False
        )
        with partial.open("rb") as handle:
            head = handle.read(5)
        if completed.returncode != 0 or head != b"%PDF-":
            detail = completed.stderr.strip().splitlines()[-1:] or ["no output"]
            msg = f"{chromium} could not print {html.name} to PDF: {detail[0]}"
            raise DependencyError(msg)
    return target
