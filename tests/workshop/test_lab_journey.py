"""The participant's journey in a real JupyterLab, driven in a real headless Chromium.

Lab is started the way ``make lab`` starts it (``stage5kit workshop lab``), with Jupyter's
config, data and runtime folders in tmp; the browser opens the page Lab itself opens (its
file-to-run redirect in the runtime folder), runs every cell from the Run menu and reads
what the participant sees: drawn plotly figures, error outputs, the self-checks' verdicts,
pop-ups and dialogs. Playwright drives the system's browser; its own browsers are never
downloaded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from stage5kit.reporting import build_workshop
from stage5kit.reporting.exercise_questions import QUESTIONS
from stage5kit.reporting.workshop_build import PARTICIPANT_NOTEBOOK, PLACEHOLDER, WorkshopBuild
from stage5kit.reporting.workshop_lab import (
    LAB_SETTINGS_DIR,
    effective_uid,
    prepare_lab,
    root_arguments,
)

SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / "workshop_exercise.ipynb"
# Timeouts that stop a hung Lab or browser, not speed limits (a journey: 1-2 min on 2 cores).
START_TIMEOUT_S = 120
RUN_TIMEOUT_MS = 600_000
NEWS_QUESTION = "Would you like to get notified about official Jupyter news?"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@dataclass(frozen=True, slots=True)
class Seen:
    """What the participant sees once every cell has run."""

    tabs: list[str]
    kernel: str
    code_cells: int
    executed_cells: int
    figures: int
    drawn_figures: int
    stdout: str
    errors: list[str]
    toasts: list[str]
    dialogs: list[str]


def _notebook(path: Path) -> dict[str, object]:
    document: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _cells(document: dict[str, object]) -> list[dict[str, object]]:
    cells = document["cells"]
    assert isinstance(cells, list)
    return cells


def _source(cell: dict[str, object]) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def fill_with_facilitator_answers(built: WorkshopBuild) -> int:
    """Put the facilitator's answer cells into the participant notebook; how many were filled.

    The build keeps both notebooks cell for cell, so an answer cell of the participant's
    (``NAME = ...  # Twoja odpowiedź``) takes the facilitator's cell at the same place.
    """
    participant, facilitator = _notebook(built.participant), _notebook(built.facilitator)
    filled = 0
    for mine, theirs in zip(_cells(participant), _cells(facilitator), strict=True):
        if PLACEHOLDER in _source(mine):
            mine["source"] = theirs["source"]
            filled += 1
    built.participant.write_text(json.dumps(participant, ensure_ascii=False), encoding="utf-8")
    return filled


def _tags(cell: dict[str, object]) -> list[str]:
    metadata = cell.get("metadata")
    tags = metadata.get("tags", []) if isinstance(metadata, dict) else []
    return [str(tag) for tag in tags]


def inject_parameters(path: Path, **values: object) -> None:
    """Add a cell setting ``values`` after the ``parameters`` cell, as papermill does."""
    document = _notebook(path)
    cells = _cells(document)
    where = next(n for n, cell in enumerate(cells) if "parameters" in _tags(cell))
    source = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    injected = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": ["injected-parameters"]},
        "outputs": [],
        "source": source,
    }
    cells.insert(where + 1, injected)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _figure_count(path: Path) -> int:
    """Figures the notebook makes: one per ``.show()`` of a plotly figure in a code cell."""
    return sum(
        _source(cell).count(".show()")
        for cell in _cells(_notebook(path))
        if cell["cell_type"] == "code"
    )


def _chromium() -> str:
    from stage5kit.reporting.pdf import find_chromium

    return str(find_chromium())  # conftest skips (or fails in CI) when there is none


@contextmanager
def _lab(folder: Path, home: Path, *, kit_settings: bool = True) -> Iterator[str]:
    """A Lab server started like `make lab`; yields the URI of the page Lab would open.

    With ``kit_settings=False`` the kit's settings overrides are removed before Lab reads
    them: the control that shows what the overrides keep away.
    """
    runtime = home / "runtime"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env = {
        **inherited,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_TOKEN": "stage5kit-lab-test",
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    server_args = ["--no-browser", "--ServerApp.port=0", "--ServerApp.ip=127.0.0.1"]
    if kit_settings:
        # As root (CI) `workshop lab` adds --allow-root itself, as `make lab` relies on.
        command = [sys.executable, "-m", "stage5kit", "workshop", "lab", "--dir", str(folder)]
        command += ["--", *server_args]
    else:
        server_args += root_arguments(server_args, euid=effective_uid())
        command = prepare_lab(folder, extra_args=server_args)
        (folder / LAB_SETTINGS_DIR / "overrides.json").unlink()
    home.mkdir(parents=True, exist_ok=True)
    log = home / "lab.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (openers := sorted(runtime.glob("jpserver-file-to-run-*-open.html"))):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Lab did not start:\n{log.read_text(encoding='utf-8')[-3000:]}")
            time.sleep(0.2)
        yield openers[0].as_uri()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _open(page: Page, opener: str) -> None:
    """Open what Lab opens; wait until the notebook's kernel has started and is idle.

    The status bar says "<kernel> | Idle" only then (the toolbar's indicator already shows
    idle while there is no kernel yet). A dialog (kernel selection, kernel error) ends the
    wait at once: the assertions report it.
    """
    page.goto(opener)
    page.wait_for_function(
        """() => document.querySelector('.jp-Dialog') || Array.from(
          document.querySelectorAll('.jp-StatusBar-Item'),
          (item) => item.textContent.trim(),
        ).some((text) => text.endsWith(' | Idle') && !text.startsWith('No Kernel'))""",
        timeout=RUN_TIMEOUT_MS,
        polling=250,
    )


def _look(page: Page) -> dict[str, object]:
    seen: dict[str, object] = page.evaluate(
        """() => {
        const all = (selector) => Array.from(document.querySelectorAll(selector));
        const prompts = all('.jp-CodeCell .jp-InputArea-prompt').map((p) => p.textContent.trim());
        return {
          tabs: all('.lm-DockPanel-tabBar .lm-TabBar-tabLabel').map((t) => t.textContent),
          kernel: document.querySelector('.jp-KernelName')?.textContent.trim() ?? '',
          code_cells: prompts.length,
          executed_cells: prompts.filter((p) => /^\\[\\d+\\]:$/.test(p)).length,
          figures: all('.js-plotly-plot').length,
          drawn_figures: all('.js-plotly-plot').filter(
            (f) => f.querySelector('svg.main-svg') && f.querySelector('g.trace')).length,
          stdout: all('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]')
            .map((o) => o.textContent).join('\\n'),
          errors: all('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
            .map((o) => o.textContent.slice(0, 2000)),
          toasts: all('.Toastify__toast').map((t) => t.textContent),
          dialogs: all('.jp-Dialog').map((d) => d.textContent),
        };
      }"""
    )
    return seen


def _run_all(page: Page, expected_figures: int) -> Seen:
    """Run > Run All Cells; wait until the run has ended and its figures are drawn."""
    page.locator("#jp-MainMenu").get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    with suppress(PlaywrightTimeout):  # the assertions say what was missing
        page.wait_for_function(
            """(figures) => {
              const prompts = Array.from(
                document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt'));
              const idle = document.querySelector(
                '.jp-Notebook-ExecutionIndicator[data-status="idle"]');
              const drawn = Array.from(document.querySelectorAll('.js-plotly-plot')).filter(
                (f) => f.querySelector('svg.main-svg') && f.querySelector('g.trace'));
              const ran = prompts.filter((p) => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
              const running = prompts.some((p) => p.textContent.trim() === '[*]:');
              if (document.querySelector('.jp-Dialog')) return true;
              // After an error Run All stops: the cells left unrun end the wait too.
              return idle && ran.length > 0 && !running
                && (ran.length < prompts.length || drawn.length >= figures);
            }""",
            arg=expected_figures,
            timeout=RUN_TIMEOUT_MS,
            polling=500,
        )
    return Seen(**_look(page))


@contextmanager
def _browser() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(), headless=True, args=["--no-sandbox"]
        )
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 900})
        finally:
            browser.close()


@pytest.fixture
def workshop(tmp_path: Path) -> WorkshopBuild:
    return build_workshop(SOURCE, tmp_path / "warsztat")


def _journey(built: WorkshopBuild, home: Path) -> Seen:
    with _lab(built.participant.parent, home) as opener, _browser() as page:
        _open(page, opener)
        return _run_all(page, _figure_count(built.participant))


def _assert_clean(seen: Seen, figures: int) -> None:
    """Nothing in the way: only the participant notebook open, the kit's kernel, no pop-ups."""
    assert seen.tabs == [PARTICIPANT_NOTEBOOK]
    assert seen.kernel == "Python 3 (ipykernel)"
    assert seen.dialogs == []  # no kernel-selection (or any other) dialog
    assert seen.toasts == []  # no news question, no update notice
    assert seen.executed_cells == seen.code_cells > 0
    assert seen.errors == []
    assert seen.figures == seen.drawn_figures == figures > 0


def test_participant_notebook_with_facilitator_answers_passes_every_check(
    workshop: WorkshopBuild, tmp_path: Path
) -> None:
    assert fill_with_facilitator_answers(workshop) > 0
    seen = _journey(workshop, tmp_path / "jupyter")
    _assert_clean(seen, _figure_count(workshop.participant))
    for question in QUESTIONS:
        assert f"✓ Pytanie {question.number} ({question.title}): dobrze." in seen.stdout
    assert "✗" not in seen.stdout
    assert f"Zaliczone sprawdzenia: {len(QUESTIONS)} z {len(QUESTIONS)}." in seen.stdout


def test_unfilled_participant_notebook_shows_hints_not_passes(
    workshop: WorkshopBuild, tmp_path: Path
) -> None:
    # The starting notebook on a small log (as tests/workshop/test_exercise.py uses): the
    # verdicts, not the figures' size, are what this journey checks.
    inject_parameters(workshop.participant, rows=3000, days=60, paths=50, stress_days=5)
    seen = _journey(workshop, tmp_path / "jupyter")
    _assert_clean(seen, _figure_count(workshop.participant))
    for question in QUESTIONS:
        assert f"✗ Pytanie {question.number} ({question.title}): brak odpowiedzi." in seen.stdout
    assert "✓" not in seen.stdout
    assert f"Zaliczone sprawdzenia: 0 z {len(QUESTIONS)}; pytania bez zaliczenia:" in seen.stdout


def test_lab_without_the_kit_settings_asks_about_news(
    workshop: WorkshopBuild, tmp_path: Path
) -> None:
    """The control: the same Lab minus the kit's overrides shows the pop-up the test looks for."""
    with (
        _lab(workshop.participant.parent, tmp_path / "jupyter", kit_settings=False) as opener,
        _browser() as page,
    ):
        _open(page, opener)
        page.wait_for_selector(".Toastify__toast", timeout=RUN_TIMEOUT_MS)
        seen = _look(page)
    toasts = seen["toasts"]
    assert isinstance(toasts, list)
    assert any(NEWS_QUESTION in t for t in toasts)
