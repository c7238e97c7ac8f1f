"""Issue 9, finding 6: a link report names the place the link is written.

Template links at the template's file (the site's own, or the packaged theme's) relative to
the current folder; footnote links at the lesson lines of `[^1]` and `[^1]:`; a body link
whose rendered address differs from what was written at the line it is written on.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from clawdemy_testkit import lesson_text, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.links.model import SourceRef
from clawdemy_site.links.run import template_locator
from clawdemy_site.plan import LinkTargets
from clawdemy_site.render.markdown import render_body
from clawdemy_site.render.templates import theme_dir

pytestmark = pytest.mark.timeout(30)

TRACK_TEMPLATE = (
    '{% extends "base.html" %}\n'
    "{% block main %}\n"
    "<h1>{{ track.title }}</h1>\n"
    '<a href="nowhere/">gone</a>\n'
    '<a href="#nope">nothing here</a>\n'
    "{% endblock %}\n"
)


def offline_report(cwd: Path, *args: str) -> list[dict[str, Any]]:
    """`check-links --offline --format json` run from `cwd`: the results."""
    os.chdir(cwd)
    result = CliRunner().invoke(
        main, ["check-links", "--offline", "--format", "json", *args], catch_exceptions=False
    )
    assert "Traceback" not in result.stderr
    results: list[dict[str, Any]] = json.loads(result.stdout)["results"]
    return results


def sources(results: list[dict[str, Any]], url: str) -> list[tuple[str, str, int]]:
    return [
        (result["status"], source["path"], source["line"])
        for result in results
        if result["url"] == url
        for source in result["sources"]
    ]


def test_links_of_the_sites_own_template_are_reported_at_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/track.html").write_text(TRACK_TEMPLATE, encoding="utf-8")
    results = offline_report(tmp_path)
    assert sources(results, "nowhere/") == [("broken", "templates/track.html", 4)]
    assert sources(results, "#nope") == [("broken", "templates/track.html", 5)]
    # From a folder below the project, the same file is named relative to that folder.
    (tmp_path / "sub").mkdir()
    results = offline_report(
        tmp_path / "sub", "--content", "../content", "--templates", "../templates"
    )
    assert sources(results, "nowhere/") == [("broken", "../templates/track.html", 4)]


def test_links_of_theme_templates_are_reported_at_the_theme_file(tmp_path: Path) -> None:
    """A template the site does not override is read from the packaged theme: its links are
    placed in the theme's file, not in a templates/ file that does not exist."""
    cwd = Path.cwd()
    theme_base = theme_dir() / "base.html"
    lines = theme_base.read_text(encoding="utf-8").splitlines()
    expected_line = next(n for n, text in enumerate(lines, 1) if '"#content"' in text)
    locate = template_locator(tmp_path / "templates", {"t/index.html": "track.html"})
    assert locate("t/index.html", "#content", "t/index.html") == SourceRef(
        os.path.relpath(theme_base, cwd), expected_line
    )
    # `clawdemy/<name>` always names the theme's file, even beside a site's own.
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/base.html").write_text('{% extends "clawdemy/base.html" %}\n')
    locate = template_locator(tmp_path / "templates", {"t/index.html": "base.html"})
    assert locate("t/index.html", "#content", "t/index.html") == SourceRef(
        os.path.relpath(theme_base, cwd), expected_line
    )


def test_footnote_links_are_reported_at_the_lesson(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    body = "Text with a note.[^why]\n\nMore text.\n\n[^why]: Because.\n"
    write_site(tmp_path, {"t/02-x.md": lesson_text(2, body=body)})  # body starts on line 6
    results = offline_report(tmp_path)
    assert sources(results, "#fn:why") == [("ok", "content/t/02-x.md", 6)]
    assert sources(results, "#fnref:why") == [("ok", "content/t/02-x.md", 10)]


def test_a_link_whose_address_is_rewritten_is_placed_on_its_own_line() -> None:
    body = (
        "First line.\n\n"
        "Then [tick](https://example.org/`x`) here.\n\n"
        "And [**bold**](https://example.org/a_`b`_c).\n"
    )
    rendered = render_body(
        body,
        source="t/01-a.md",
        page_url="t/01-a/",
        targets=LinkTargets(pages={"t/01-a.md": "t/01-a/"}, assets=frozenset()),
        path="content/t/01-a.md",
        body_line=10,
    )
    assert [(link.url, link.line) for link in rendered.external_links] == [
        ("https://example.org/x", 12),
        ("https://example.org/a_b_c", 14),
    ]
