"""relative_url, and the plan's page_file: internal addresses are relative to the page."""

from __future__ import annotations

import posixpath

import pytest

from clawdemy_site.plan import page_file
from clawdemy_site.render.urls import relative_url


@pytest.mark.parametrize(
    ("from_dir", "to", "expected"),
    [
        pytest.param("", "", "./", id="root-to-root"),
        pytest.param("", "credits/", "credits/", id="root-to-folder"),
        pytest.param("", "static/site.css", "static/site.css", id="root-to-file"),
        pytest.param("t/", "", "../", id="track-to-root"),
        pytest.param("t/01-a/", "", "../../", id="lesson-to-root"),
        pytest.param("t/01-a/", "t/01-a/", "./", id="page-to-itself"),
        pytest.param("t/01-a/", "t/02-b/", "../02-b/", id="sibling-lesson"),
        pytest.param("t/01-a/", "t/", "../", id="lesson-to-track"),
        pytest.param("t/01-a/", "t/01-a/references/", "references/", id="lesson-to-references"),
        pytest.param("t/01-a/references/", "t/01-a/", "../", id="references-to-lesson"),
        pytest.param("t/01-a/references/", "u/03-c/", "../../../u/03-c/", id="other-track"),
        pytest.param("t/01-a/references/", "static/site.css", "../../../static/site.css", id="css"),
        pytest.param("t/01-a/", "t/images/seven.png", "../images/seven.png", id="asset"),
        pytest.param("credits/", "t/01-a/", "../t/01-a/", id="credits-to-lesson"),
    ],
)
def test_relative_url(from_dir: str, to: str, expected: str) -> None:
    assert relative_url(from_dir, to) == expected
    # Resolving the result from the page's folder lands on the target again.
    resolved = posixpath.normpath(posixpath.join(from_dir or ".", expected))
    assert resolved == (posixpath.normpath(to) if to else ".")


@pytest.mark.parametrize(
    ("url", "file"),
    [
        pytest.param("", "index.html", id="root"),
        pytest.param("credits/", "credits/index.html", id="folder"),
        pytest.param("t/01-a/references/", "t/01-a/references/index.html", id="nested"),
        pytest.param("404.html", "404.html", id="file"),
    ],
)
def test_page_file(url: str, file: str) -> None:
    assert page_file(url) == file
