"""The pages the plan adds per track (exercises, print) and files that would collide with pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, read_page, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

EXERCISE_BODY = """Intro.

## Part

::: exercise Add two numbers
What is 2 + 3?

::: solution
Five.
:::
:::

See [the part](#part) and [next](02-next.md#later).
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_site(
        tmp_path,
        {
            "t/01-intro.md": lesson_text(
                1, "keypoints:\n  - Sums are easy.\n", title="Intro", body=EXERCISE_BODY
            ),
            "t/02-next.md": lesson_text(
                2,
                "prerequisites:\n  - 1\n",
                title="Next",
                body="Text.\n\n## Later\n\nMore [back](01-intro.md#part).",
            ),
        },
    )
    return tmp_path


def build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["build", "--templates", str(TEMPLATES), *args], catch_exceptions=False
    )
    return result.exit_code, result.stderr


def test_the_exercises_page_links_each_exercise_where_it_is_set(site: Path) -> None:
    assert build()[0] == 0
    page = read_page(site / "build" / "t" / "exercises" / "index.html")
    assert page.h1 == ["Exercises: Basics"]
    assert ("../01-intro/#exercise-add-two-numbers", "Exercise 1: Add two numbers") in (
        page.body_anchors
    )
    lesson = read_page(site / "build" / "t" / "01-intro" / "index.html")
    assert "exercise-add-two-numbers" in lesson.ids


def test_the_printable_page_holds_every_lesson_with_ids_kept_apart(site: Path) -> None:
    assert build()[0] == 0
    page = read_page(site / "build" / "t" / "print" / "index.html")
    assert page.h1 == ["Basics"]
    assert page.h2 == ["Lesson 1. Intro", "Lesson 2. Next"]
    assert {"lesson-1-part", "lesson-2-later", "lesson-1-exercise-add-two-numbers"} <= page.ids
    assert ("#lesson-1-part", "the part") in page.body_anchors
    assert ("../02-next/#later", "next") in page.body_anchors
    sitemap = (site / "build" / "sitemap.xml").read_text()
    assert "<loc>https://test.example/t/print/</loc>" in sitemap
    assert "<loc>https://test.example/t/exercises/</loc>" in sitemap


def test_lesson_pages_show_prerequisites_and_key_points(site: Path) -> None:
    assert build()[0] == 0
    first = read_page(site / "build" / "t" / "01-intro" / "index.html")
    assert "Key points" in first.h2
    assert "Sums are easy." in first.text
    second = read_page(site / "build" / "t" / "02-next" / "index.html")
    assert "Before this lesson" in second.h2
    assert ("../01-intro/", "Intro") in second.body_anchors


def test_a_content_file_where_a_page_goes_is_an_error(site: Path) -> None:
    (site / "content" / "t" / "print").mkdir()
    (site / "content" / "t" / "print" / "index.html").write_text("<p>mine</p>")
    assert build() == (
        1,
        "content/t/print/index.html:1:1: error: this file would be published where the page"
        " `t/print/` goes: rename or move it\n1 error, 0 warnings\n",
    )
    assert not (site / "build").exists()
