"""The packaged theme: a site without templates/ builds with it; a site's templates override it.

The theme's source is this repository's top-level templates/; `theme_dir()` finds the
copy the installed package carries (tests/test_installed.py checks a real wheel).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clawdemy_testkit import read_page, write_site, write_tree
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.render.templates import theme_dir

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
