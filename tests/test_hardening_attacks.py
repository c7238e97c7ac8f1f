"""Issue 9, scope 4: content cannot attack learners.

Each attack goes through the real `clawdemy build`; then every built page is parsed and
must hold no script, no event handler, no active URL and no frame, plugin, form, base or
refresh; every page carries the Content-Security-Policy; what an author wrote in titles,
summaries and notes shows as text, never as markup or as evaluated Jinja; and each piece
of raw HTML that was removed is a warning at the line and column where it is written.
"""

from __future__ import annotations

import base64
import hashlib
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from clawdemy_testkit import read_page, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.render.csp import CONTENT_SECURITY_POLICY, RELOAD_SCRIPT_HASH
from clawdemy_site.serve import RELOAD_SCRIPT

SITE = (
    'title: "Site <script>alert(1)</script>"\n'
    "base_url: https://test.example/\n"
    "language: en\n"
    "description: 'Desc \"><img src=x onerror=alert(1)>'\n"
)
TRACK = 'title: "Track {{ 7*7 }} <b>x</b>"\nsummary: "S {% raw %}</script>"\n'
FRONT = (
    "---\n"
    'title: "A <script>alert(1)</script> {{ 7*7 }}"\n'
    "lesson: 1\n"
    "summary: '\"><svg onload=alert(1)>'\n"
    'objectives: ["<img src=x onerror=alert(2)>", "{% include \'base.html\' %}"]\n'
    "references:\n"
    "  - type: video\n"
    '    title: "V </a><script>x</script>"\n'
    "    url: 'https://example.org/?q=\"><script>'\n"
    '    note: "{{ config }} <iframe src=x>"\n'
    "---\n"
)
#: (raw HTML or Markdown in the body, what is removed: (column, what), or None if kept)
BODY: list[tuple[str, tuple[int, str] | None]] = [
    ("<script>alert(1)</script>", (1, "<script")),
    ('<img src="x.png" onerror="alert(1)">', (18, "onerror=")),
    ('A <a href="javascript:alert(1)">j</a> link.', (12, "javascript:")),
    ('<a href="vbscript:msgbox(1)">v</a>', (10, "vbscript:")),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>', (10, "data:")),
    ('<a href="  JaVaScRiPt:alert(1)">sp</a>', (12, "JaVaScRiPt:")),
    ('<iframe src="https://www.youtube.com/embed/x"></iframe>', (1, "<iframe")),
    ('<object data="https://evil.example/x.swf"></object>', (1, "<object")),
    ('<embed src="https://evil.example/x.swf">', (1, "<embed")),
    ('<p style="background:url(javascript:alert(1))">st</p>', (26, "javascript:")),
    ("<math><mtext><script>alert(1)</script></mtext></math>", (14, "<script")),
    ("<svg><script>alert(1)</script></svg>", (6, "<script")),
    ('<form action="https://evil.example/"><input name=x></form>', (1, "<form")),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', (1, "<meta")),
    ('<base href="https://evil.example/">', (1, "<base")),
    ("<style>body{display:none}</style>", (1, "<style")),
    ("![dot](data:image/png;base64,iVBORw0KGgo=)", None),
    ('<img alt="dot" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">', None),
]
BODY_LINE = FRONT.count("\n") + 2  # a blank line after the closing `---`
WARNING = (
    "is removed from the page: lessons may not carry scripts, frames, styles, forms, event"
    " handlers or javascript:, vbscript: and data: URLs"
)
FRAME_HINT = "; an iframe may show a page of a host listed in site.yml `embed_hosts`"
ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:")
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "form", "base", "frame", "style"}


def lesson_text() -> str:
    return FRONT + "\n" + "\n\n".join(markup for markup, _ in BODY) + "\n"


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.policies: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in FORBIDDEN_TAGS and not _theme_script(tag, values):
            self.problems.append(f"<{tag}>")
        if tag == "meta" and values.get("http-equiv") == "Content-Security-Policy":
            self.policies.append(str(values.get("content")))
        elif tag == "meta" and "http-equiv" in values:
            self.problems.append(f"<meta http-equiv={values['http-equiv']}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            text = (value or "").strip().lower()
            if (
                name in ("href", "src", "action", "formaction", "data", "style")
                and any(scheme in text for scheme in ACTIVE_SCHEMES)
                and not (tag == "img" and name == "src" and text.startswith("data:image/"))
            ):
                self.problems.append(f"<{tag} {name}={value}>")


def _theme_script(tag: str, values: dict[str, str | None]) -> bool:
    """The theme's own scripts: a file of the site's static/ (theme.js, search.js) or the
    lesson's JSON-LD, a data block no browser runs. Nothing else may be a script."""
    if tag != "script":
        return False
    if values.get("type") == "application/ld+json" and "src" not in values:
        return True
    src = values.get("src") or ""
    return src.endswith(("static/theme.js", "static/search.js")) and "//" not in src


def audit(page: Path) -> _Audit:
    parser = _Audit()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("attacks")
    write_site(
        root,
        {"site.yml": SITE, "t/track.yml": TRACK, "t/01-intro.md": lesson_text()},
    )
    cwd = Path.cwd()
    try:
        os.chdir(root)
        result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return root / "build", result.stderr.splitlines()


def test_every_piece_of_active_html_is_a_warning_where_it_is_written(
    built: tuple[Path, list[str]],
) -> None:
    _, stderr = built
    expected = [
        f"content/t/01-intro.md:{BODY_LINE + 2 * n}:{place[0]}: warning: raw HTML `{place[1]}`"
        f" {WARNING}" + (FRAME_HINT if place[1] in ("<iframe", "<object", "<embed") else "")
        for n, (_, place) in enumerate(BODY)
        if place is not None
    ]
    assert [line for line in stderr if ": warning: " in line] == expected


def test_no_built_page_holds_active_content(built: tuple[Path, list[str]]) -> None:
    out, _ = built
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        assert audit(page).problems == [], page


def test_every_page_carries_the_content_security_policy(built: tuple[Path, list[str]]) -> None:
    out, _ = built
    for page in sorted(out.rglob("*.html")):
        assert audit(page).policies == [CONTENT_SECURITY_POLICY], page
    assert "script-src 'self' 'sha256-" in CONTENT_SECURITY_POLICY
    assert "object-src 'none'" in CONTENT_SECURITY_POLICY


def test_the_policy_allows_the_serve_reload_script_by_its_hash() -> None:
    text = RELOAD_SCRIPT.decode("utf-8").strip()
    script = text.removeprefix("<script>").removesuffix("</script>")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"sha256-{digest}" == RELOAD_SCRIPT_HASH


def test_data_images_are_kept(built: tuple[Path, list[str]]) -> None:
    out, _ = built
    links = read_page(out / "t/01-intro/index.html").links
    assert ("img", "src", "data:image/png;base64,iVBORw0KGgo=") in links
    assert ("img", "src", "data:image/gif;base64,R0lGODlhAQABAAAAACw=") in links


def test_titles_summaries_and_notes_are_text_not_markup_nor_jinja(
    built: tuple[Path, list[str]],
) -> None:
    out, _ = built
    lesson = read_page(out / "t/01-intro/index.html")
    assert lesson.h1 == ["A <script>alert(1)</script> {{ 7*7 }}"]
    assert '"><svg onload=alert(1)>' in lesson.text
    assert "<img src=x onerror=alert(2)>" in lesson.text
    assert "{% include 'base.html' %}" in lesson.text
    references = read_page(out / "t/01-intro/references/index.html")
    assert "V </a><script>x</script>. {{ config }} <iframe src=x>." in references.text
    assert ("a", "href", 'https://example.org/?q="><script>') in references.links
    home = read_page(out / "index.html")
    assert home.h1 == ["Site <script>alert(1)</script>"]
    assert 'Desc "><img src=x onerror=alert(1)>' in home.text
    assert "Track {{ 7*7 }} <b>x</b>" in home.text
    assert "S {% raw %}</script>" in home.text
    for page in sorted(out.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "49" not in text.replace("2147483647", ""), page


def test_a_javascript_link_in_markdown_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    body = "Intro.\n\n[click](javascript:alert(1)) and [data](data:text/html,x).\n"
    write_site(tmp_path, {"t/02-x.md": FRONT.replace("lesson: 1", "lesson: 2") + "\n" + body})
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert result.exit_code == 1
    line = BODY_LINE + 2
    assert [x for x in result.stderr.splitlines() if ": error: " in x] == [
        f"content/t/02-x.md:{line}:9: error: link `javascript:alert(1)` uses the `javascript:`"
        " scheme; use http, https or mailto",
        f"content/t/02-x.md:{line}:41: error: link `data:text/html,x` uses the `data:` scheme;"
        " use http, https or mailto",
    ]
    assert not (tmp_path / "build").exists()
