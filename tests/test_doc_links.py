"""Every relative link in workshop/*.md and docs/**/*.md resolves in a clone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")
PAGES = sorted([*ROOT.glob("workshop/*.md"), *ROOT.glob("docs/**/*.md")])


def _relative_targets(page: Path) -> list[str]:
    links = LINK.findall(page.read_text(encoding="utf-8"))
    return [link for link in links if not re.match(r"[a-z]+:", link) and not link.startswith("#")]


def test_there_are_pages_to_check() -> None:
    assert any(p.parent.name == "workshop" for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    dead = [
        link
        for link in _relative_targets(page)
        if not (page.parent / link.split("#")[0]).resolve().exists()
    ]
    assert dead == [], f"{page.relative_to(ROOT)}: dead links {dead}"


def test_a_dead_link_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "strona.md"
    page.write_text("[brak](nie_ma.md) [jest](strona.md) [www](https://x.org)\n", encoding="utf-8")
    assert _relative_targets(page) == ["nie_ma.md", "strona.md"]
    assert not (page.parent / "nie_ma.md").exists()
