"""`embed_hosts` in site.yml: the hosts whose pages a body may show in an iframe.

Read and checked from site.yml; honoured by the renderer and the sanitizer. The build
engine passes the hosts to the renderer (the last test builds a whole site).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clawdemy_testkit import SITE_YML, lesson_text, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.content.load import load_site
from clawdemy_site.plan import LinkTargets
from clawdemy_site.render.markdown import render_body
from clawdemy_site.render.sanitize import embed_allowed

HOSTS = frozenset({"www.youtube.com", "player.vimeo.com"})
YOUTUBE = '<iframe src="https://www.youtube.com/embed/abc" width="560" onload="x()"></iframe>'
SANDBOX = (
    'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"'
    ' referrerpolicy="strict-origin-when-cross-origin" loading="lazy"'
)
REMOVED = (
    "is removed from the page: lessons may not carry scripts, frames, styles, forms, event"
    " handlers or javascript:, vbscript: and data: URLs; an iframe may show a page of a host"
    " listed in site.yml `embed_hosts`"
)

ONLOAD = (
    "content/t/01-a.md:12:61: warning: raw HTML `onload=` is removed from the page: lessons"
    " may not carry scripts, frames, styles, forms, event handlers or javascript:, vbscript:"
    " and data: URLs"
)


def render(body: str, hosts: frozenset[str]) -> tuple[str, list[str]]:
    rendered = render_body(
        body,
        source="t/01-a.md",
        page_url="t/01-a/",
        targets=LinkTargets(pages={"t/01-a.md": "t/01-a/"}, assets=frozenset()),
        path="content/t/01-a.md",
        body_line=10,
        embed_hosts=hosts,
    )
    return rendered.html, [d.format() for d in rendered.diagnostics]


@pytest.mark.parametrize(
    ("src", "allowed"),
    [
        ("https://www.youtube.com/embed/x", True),
        ("https://WWW.YouTube.com/embed/x", True),
        ("https://a.player.vimeo.com/v", True),
        ("http://www.youtube.com/embed/x", False),
        ("https://www.youtube.com.evil.example/", False),
        ("https://evil.example/?www.youtube.com", False),
        ("//www.youtube.com/embed/x", False),
        ("javascript:alert(1)", False),
        ("https://[::1/", False),
    ],
)
def test_embed_allowed(src: str, allowed: bool) -> None:
    assert embed_allowed(src, HOSTS) is allowed


def test_an_iframe_of_a_listed_host_is_kept_sandboxed_without_its_handler() -> None:
    html, problems = render(f"Intro.\n\n{YOUTUBE}\n", HOSTS)
    assert problems == [ONLOAD]
    assert html.endswith(
        f'<iframe {SANDBOX} src="https://www.youtube.com/embed/abc" width="560"></iframe>'
    )


def test_an_iframe_of_another_host_is_removed_with_a_warning() -> None:
    body = 'Intro.\n\n<iframe src="https://evil.example/x"></iframe>\n\nAfter.\n'
    html, problems = render(body, HOSTS)
    assert "iframe" not in html and "evil" not in html
    assert problems == [f"content/t/01-a.md:12:1: warning: raw HTML `<iframe` {REMOVED}"]


def test_without_embed_hosts_every_iframe_is_removed() -> None:
    html, problems = render(f"Intro.\n\n{YOUTUBE}\n", frozenset())
    assert "iframe" not in html
    assert problems == [
        f"content/t/01-a.md:12:1: warning: raw HTML `<iframe` {REMOVED}",
        ONLOAD,
    ]


def test_site_yml_embed_hosts_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {"site.yml": SITE_YML + "embed_hosts: [www.YouTube.com]\n"})
    result = load_site(Path("content"))
    assert result.site is not None
    assert result.site.config.embed_hosts == ("www.youtube.com",)


def test_a_bad_embed_host_is_an_error_at_its_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    hosts = "embed_hosts:\n  - www.youtube.com\n  - https://player.vimeo.com/\n"
    write_site(tmp_path, {"site.yml": SITE_YML + hosts})
    result = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (
        1,
        "content/site.yml:6:5: error: each item of `embed_hosts` must be a host name such as"
        " `www.youtube.com`, not `https://player.vimeo.com/`\n1 error, 0 warnings\n",
    )


def test_a_build_keeps_an_iframe_of_a_listed_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(
        tmp_path,
        {
            "site.yml": SITE_YML + "embed_hosts: [www.youtube.com]\n",
            "t/02-v.md": lesson_text(2, body=f"Watch.\n\n{YOUTUBE}\n"),
        },
    )
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert result.exit_code == 0
    page = (tmp_path / "build/t/02-v/index.html").read_text(encoding="utf-8")
    assert (
        '<iframe sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"'
        ' referrerpolicy="strict-origin-when-cross-origin" loading="lazy"'
        ' src="https://www.youtube.com/embed/abc"'
    ) in page
