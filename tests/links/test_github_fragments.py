"""GitHub-aware fragments: `user-content-` ids, and `#L10` / `#L10-L20` on blob pages."""

from __future__ import annotations

from typing import Any

import pytest
from loopback import LoopbackServer, html

from clawdemy_site.links.check import run_checks
from clawdemy_site.links.fragments import blob_line_range
from clawdemy_site.links.model import CheckOptions, ExternalLink, LinkResult

pytestmark = pytest.mark.timeout(30)

README = """<!doctype html><html><body><article class="markdown-body">
<h2 id="user-content-install">Install</h2><p>pip install it</p>
<h2 id="user-content-usage">Usage</h2></article></body></html>"""


def blob(lines: int, *, ids: bool = True, header: bool = False) -> str:
    rows = "".join(
        f'<tr><td id="L{n}" class="blob-num"></td><td id="LC{n}">line {n}</td></tr>'
        for n in range(1, lines + 1)
    )
    top = f"<div class='file-info'>{lines} lines ({lines - 2} loc) · 1 KB</div>" if header else ""
    body = f"<table>{rows}</table>" if ids else "<div id='read-only-cursor'></div>"
    return f"<!doctype html><html><body>{top}{body}</body></html>"


def check_all(urls: list[str], **overrides: Any) -> dict[str, LinkResult]:
    settings: dict[str, Any] = {"timeout": 2.0, "retries": 0, "allow_private": True}
    results = run_checks([ExternalLink(u, ()) for u in urls], CheckOptions(**settings))
    return {r.url: r for r in results}


def outcome(result: LinkResult) -> tuple[str, int | None, str]:
    return result.status, result.code, result.detail


def test_user_content_prefix_matches_the_bare_fragment(server: LoopbackServer) -> None:
    page = server.route("/owner/repo", html(README))

    got = check_all([f"{page}#install", f"{page}#usage", f"{page}#nope"])

    assert outcome(got[f"{page}#install"]) == ("ok", 200, "")
    assert outcome(got[f"{page}#usage"]) == ("ok", 200, "")
    assert outcome(got[f"{page}#nope"]) == ("broken", 200, "fragment #nope not found")
    assert server.requests("/owner/repo") == ["GET"]


def test_line_fragments_against_the_ids_of_a_blob_page(server: LoopbackServer) -> None:
    page = server.route("/owner/repo/blob/main/src/app.py", html(blob(42)))

    got = check_all([f"{page}#L10", f"{page}#L10-L20", f"{page}#L40-L50", f"{page}#L43"])

    assert outcome(got[f"{page}#L10"]) == ("ok", 200, "")
    assert outcome(got[f"{page}#L10-L20"]) == ("ok", 200, "")
    assert outcome(got[f"{page}#L40-L50"]) == (
        "broken",
        200,
        "line 50 is past the end of the file (42 lines)",
    )
    assert outcome(got[f"{page}#L43"]) == (
        "broken",
        200,
        "line 43 is past the end of the file (42 lines)",
    )


def test_line_count_from_the_header_of_a_blob_page(server: LoopbackServer) -> None:
    page = server.route("/group/repo/-/blob/main/README.md", html(blob(12, ids=False, header=True)))

    got = check_all([f"{page}#L12", f"{page}#L3-L13"])

    assert outcome(got[f"{page}#L12"]) == ("ok", 200, "")
    assert outcome(got[f"{page}#L3-L13"]) == (
        "broken",
        200,
        "line 13 is past the end of the file (12 lines)",
    )


def test_line_fragment_accepted_where_the_count_cannot_be_known(server: LoopbackServer) -> None:
    page = server.route("/owner/repo/blob/main/big.c", html(blob(5, ids=False)))

    [result] = check_all([f"{page}#L900"]).values()

    assert outcome(result) == (
        "ok",
        200,
        "line #L900 not checked: the page does not tell the line count",
    )


def test_line_fragment_elsewhere_is_an_ordinary_id(server: LoopbackServer) -> None:
    page = server.route("/docs/page", html(blob(5, ids=False)))

    [result] = check_all([f"{page}#L10"]).values()

    assert outcome(result) == ("broken", 200, "fragment #L10 not found")


@pytest.mark.parametrize(
    ("url", "fragment", "expected"),
    [
        ("https://github.com/o/r/blob/main/a.py", "L10", (10, 10)),
        ("https://github.com/o/r/blob/main/a.py", "L10-L20", (10, 20)),
        ("https://gitlab.com/g/sub/r/-/blob/main/a.py", "L3-L4", (3, 4)),
        ("https://git.example.org/g/r/-/blob/main/a.py", "L7", (7, 7)),
        ("https://github.com/o/r/blob/main/a.py", "L20-L10", (20, 20)),
        ("https://github.com/o/r/blob/main/a.py", "heading", None),
        ("https://github.com/o/r/tree/main/src", "L10", None),
        ("https://example.org/docs/", "L10", None),
    ],
)
def test_blob_line_range(url: str, fragment: str, expected: tuple[int, int] | None) -> None:
    assert blob_line_range(f"{url}#{fragment}", fragment) == expected


def test_line_count_from_the_json_github_embeds(server: LoopbackServer) -> None:
    payload = (
        '{"payload":{"blob":{"headerInfo":{"lineInfo":'
        '{"truncatedLoc":"30","truncatedSloc":"25"}}}}}'
    )
    page = server.route(
        "/owner/repo/blob/main/app.py",
        html(
            "<!doctype html><html><body>"
            f'<script type="application/json" data-target="react-app.embeddedData">{payload}'
            "</script></body></html>"
        ),
    )

    got = check_all([f"{page}#L30", f"{page}#L31"])

    assert outcome(got[f"{page}#L30"]) == ("ok", 200, "")
    assert outcome(got[f"{page}#L31"]) == (
        "broken",
        200,
        "line 31 is past the end of the file (30 lines)",
    )
