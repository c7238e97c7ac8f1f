"""The Neural networks figures: what scripts/make_figures.py draws is what is committed, and
each SVG answers the reader's colour scheme itself (an <img> sees no page CSS)."""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

import pytest

IMAGES = Path("content") / "neural-networks" / "images"


@pytest.fixture(scope="module")
def drawn(project_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("figures")
    argv = sys.argv
    sys.argv = ["make_figures.py", str(out)]
    try:
        runpy.run_path(str(project_root / "scripts" / "make_figures.py"), run_name="__main__")
    finally:
        sys.argv = argv
    return out


def test_committed_figures_are_the_script_output(project_root: Path, drawn: Path) -> None:
    committed = {p.name: p.read_bytes() for p in (project_root / IMAGES).glob("*.svg")}
    fresh = {p.name: p.read_bytes() for p in drawn.glob("*.svg")}
    assert sorted(committed) == sorted(fresh)
    stale = [name for name in sorted(fresh) if committed[name] != fresh[name]]
    assert stale == [], "run `python3 scripts/make_figures.py` and commit the result"


def test_each_figure_has_a_title_and_dark_colours(drawn: Path) -> None:
    for svg in sorted(drawn.glob("*.svg")):
        text = svg.read_text(encoding="utf-8")
        assert re.search(r"<title>[^<]+</title>", text), svg.name
        assert "@media (prefers-color-scheme: dark)" in text, svg.name


def test_every_lesson_image_has_alt_text_and_a_caption(project_root: Path) -> None:
    images = re.compile(
        r"!\[(?P<alt>[^\]]*)\]\((?P<src>images/[^ )]+)(?: \"(?P<title>[^\"]*)\")?\)"
    )
    seen = set()
    for lesson in sorted((project_root / "content" / "neural-networks").glob("*.md")):
        for found in images.finditer(lesson.read_text(encoding="utf-8")):
            assert found["alt"].strip(), f"{lesson.name}: {found['src']} has no alt text"
            assert found["title"], f"{lesson.name}: {found['src']} has no caption"
            seen.add(found["src"].removeprefix("images/"))
    assert seen == {p.name for p in (project_root / IMAGES).glob("*.svg")}
