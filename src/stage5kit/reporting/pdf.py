"""Print a report's HTML to PDF with a real headless Chromium, after the charts have rendered.

Chromium is looked up as ``$STAGE5KIT_CHROMIUM``, then ``chromium``, ``chromium-browser``,
``google-chrome`` and ``google-chrome-stable`` on PATH. ``--virtual-time-budget`` lets the
page's scripts (plotly drawing every figure) finish before the page is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from stage5kit.errors import DependencyError
from stage5kit.files import atomic_path

CHROMIUM_ENV = "STAGE5KIT_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
RENDER_BUDGET_MS = 20_000
PRINT_TIMEOUT_S = 300


def find_chromium() -> Path:
    """Return the Chromium executable to use, or raise DependencyError saying how to get one."""
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
    msg = (
        "PDF export needs Chromium and none was found on PATH; install it "
        "(`apt-get install chromium` on Debian/Ubuntu) or set "
        f"{CHROMIUM_ENV} to the browser's executable"
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
