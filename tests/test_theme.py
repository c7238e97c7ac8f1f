"""The packaged theme: a site without templates/ builds with it; a site's templates override it.

The theme's source is this repository's top-level templates/; `theme_dir()` finds the
copy the installed package carries (tests/test_installed.py checks a real wheel).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, read_page, write_site, write_tree
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.render.templates import inline_code, theme_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site folder with content/ and no templates/, as the current folder."""
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {})
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_theme_is_this_repositorys_templates_folder() -> None:
    # An editable install runs from the theme's source; a wheel carries it as clawdemy_site/theme.
    assert theme_dir() == ROOT / "templates"


def test_a_site_without_templates_builds_with_the_packaged_theme(site: Path) -> None:
    assert run("build", "--strict") == (0, "", "built 8 pages (1 lesson in 1 track) into build\n")
    page = read_page(site / "build" / "t" / "01-intro" / "index.html")
    assert page.h1 == ["Intro"]
    theme_css = (theme_dir() / "static" / "site.css").read_bytes()
    assert (site / "build" / "static" / "site.css").read_bytes() == theme_css


def test_check_links_offline_runs_without_templates(site: Path) -> None:
    code, stdout, _ = run("check-links", "--offline", "--no-cache")
    assert (code, stdout) == (0, "45 links: 45 ok\npassed: no link fails the run\n")


def test_a_site_template_overrides_the_theme_by_name(site: Path) -> None:
    write_tree(
        site / "templates",
        {
            "lesson.html": '{% extends "base.html" %}{% block main %}<h1>Mine: {{ lesson.title }}'
            "</h1>{% endblock %}",
            "static/site.css": "body { color: teal; }\n",
            "static/extra.css": "p { margin: 0; }\n",
        },
    )
    assert run("build", "--strict")[0] == 0
    lesson = read_page(site / "build" / "t" / "01-intro" / "index.html")
    assert lesson.h1 == ["Mine: Intro"]
    # The theme's other templates are still used; its base.html wraps the override.
    assert read_page(site / "build" / "t" / "index.html").h1 == ["Basics"]
    assert "Skip to content" in lesson.text
    static = site / "build" / "static"
    assert (static / "site.css").read_text() == "body { color: teal; }\n"
    assert (static / "extra.css").read_text() == "p { margin: 0; }\n"


def test_a_site_base_extends_the_theme_base_by_its_prefix(site: Path) -> None:
    write_tree(
        site / "templates",
        {
            "base.html": '{% extends "clawdemy/base.html" %}'
            "{% block title %}{{ page.title }} | Ours{% endblock %}",
        },
    )
    assert run("build", "--strict")[0] == 0
    # The theme's lesson.html extends `base.html`, which is now the site's, which extends the
    # theme's own base by its `clawdemy/` name: the page has the theme's frame and our title.
    html = (site / "build" / "t" / "01-intro" / "index.html").read_text()
    assert "<title>Intro | Ours</title>" in html
    lesson = read_page(site / "build" / "t" / "01-intro" / "index.html")
    assert lesson.h1 == ["Intro"]
    assert "Skip to content" in lesson.text


@pytest.mark.parametrize(
    ("text", "html"),
    [
        pytest.param("Say what `git add` does", "Say what <code>git add</code> does", id="code"),
        pytest.param(
            "Use `a<b` & `*x*`", "Use <code>a&lt;b</code> &amp; <code>*x*</code>", id="esc"
        ),
        pytest.param("Write ``` `` `tick` `` ```", "Write <code>`` `tick` ``</code>", id="ticks"),
        pytest.param("*not* <b>bold</b>", "*not* &lt;b&gt;bold&lt;/b&gt;", id="nothing-else"),
        pytest.param("An odd ` backtick", "An odd ` backtick", id="unclosed"),
    ],
)
def test_objectives_show_inline_code_and_nothing_else(text: str, html: str) -> None:
    assert inline_code(text) == html


def test_objectives_and_key_points_render_their_code_spans(site: Path) -> None:
    extra = "objectives:\n  - Say what `git add` does.\nkeypoints:\n  - '`<b>` stays text.'\n"
    write_site(site, {"t/01-intro.md": lesson_text(1, extra, title="Intro")})
    assert run("build", "--strict")[0] == 0
    lesson = (site / "build/t/01-intro/index.html").read_text()
    assert "<li>Say what <code>git add</code> does.</li>" in lesson
    assert "<li><code>&lt;b&gt;</code> stays text.</li>" in lesson
    track = (site / "build/t/index.html").read_text()
    assert "<li>Say what <code>git add</code> does.</li>" in track
    printed = (site / "build/t/print/index.html").read_text()
    assert "<li><code>&lt;b&gt;</code> stays text.</li>" in printed
