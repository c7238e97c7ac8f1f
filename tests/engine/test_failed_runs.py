"""A run with errors in lesson bodies still plans and renders the site in memory, so that
it reports every problem at once; what it rendered is not served, so the next good run
renders it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site

from clawdemy_site.engine import Engine, EngineOptions

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FRAGMENT = (
    "error: link `01-intro.md#nowhere` names `#nowhere`, which is not an id on `t/01-intro/`:"
    " link to one of its headings (their ids are their words in lowercase, joined by dashes)"
)


def test_broken_fragments_are_reported_beside_broken_links_and_images(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    body = (
        "![a graph](missing.svg)\n"  # line 6
        "\n"
        "[run me](javascript:alert(1))\n"
        "\n"
        "See [the intro](01-intro.md#nowhere).\n"  # line 10
    )
    content = write_site(tmp_path, {"t/02-two.md": lesson_text(2, body=body)})
    result = Engine(EngineOptions(content, TEMPLATES, parallel=False)).run()
    assert not result.ok
    assert [d.format() for d in result.diagnostics] == [
        "content/t/02-two.md:6:12: error: link `missing.svg` names `t/missing.svg`, which is"
        " not a lesson, a track or a published file under content/: write the path relative"
        " to this lesson file",
        "content/t/02-two.md:8:10: error: link `javascript:alert(1)` uses the `javascript:`"
        " scheme; use http, https or mailto",
        f"content/t/02-two.md:10:17: {FRAGMENT}",
    ]


def test_a_page_rendered_by_a_failed_run_is_rendered_again_by_the_next(tmp_path: Path) -> None:
    content = write_site(tmp_path, {"t/02-two.md": lesson_text(2, body="[intro](01-intro.md)")})
    engine = Engine(EngineOptions(content, TEMPLATES, parallel=False))
    assert engine.run().ok
    (content / "t" / "01-intro.md").write_text(lesson_text(1, title="Renamed"))
    (content / "t" / "02-two.md").write_text(lesson_text(2, body="[intro](01-intro.md#nowhere)"))
    failed = engine.run()
    assert not failed.ok and "t/01-intro/index.html" in failed.rendered  # not served
    (content / "t" / "02-two.md").write_text(lesson_text(2, body="[intro](01-intro.md)"))
    fixed = engine.run()
    assert fixed.ok
    assert b"Renamed" in fixed.rendered["t/01-intro/index.html"]


def test_a_missing_templates_folder_is_reported_beside_the_bodies_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    content = write_site(tmp_path, {"t/02-two.md": lesson_text(2, body="[x](nope.md)")})
    result = Engine(EngineOptions(content, tmp_path / "templates", parallel=False)).run()
    assert [d.format().split(": error:")[0] for d in result.diagnostics] == [
        "content/t/02-two.md:6:5",
        "templates:1:1",
    ]
