"""render_body: Markdown in, sanitized HTML, external links and diagnostics out."""

from __future__ import annotations

import pytest

from clawdemy_site.render.markdown import BodyLink, LinkTargets, RenderedBody, render_body

TARGETS = LinkTargets(
    pages={
        "t/01-a.md": "t/01-a/",
        "t/02-b.md": "t/02-b/",
        "u/01-c.md": "u/01-c/",
    },
    assets=frozenset({"t/images/seven.png", "files/notes.pdf"}),
    drafts=frozenset({"t/03-draft.md"}),
)
PATH = "content/t/01-a.md"
BODY_LINE = 10


def render(body: str, *, body_line: int = BODY_LINE) -> RenderedBody:
    """Render `body` as lesson t/01-a (page t/01-a/), whose body starts on file line 10."""
    return render_body(
        body,
        source="t/01-a.md",
        page_url="t/01-a/",
        targets=TARGETS,
        path=PATH,
        body_line=body_line,
    )


def messages(rendered: RenderedBody) -> list[str]:
    return [d.format() for d in rendered.diagnostics]


def test_table() -> None:
    html = render("| a | b |\n| --- | ---: |\n| 1 | 2 |\n").html
    assert "<table>" in html
    assert "<th>a</th>" in html
    assert '<td style="text-align:right">2</td>' in html


def test_fenced_code_is_highlighted() -> None:
    html = render("```python\nprint('hi')\n```\n").html
    # In a scroller a keyboard can reach and scroll, named for what it holds.
    assert html.startswith(
        '<div class="scroller scroller-code" tabindex="0" role="region" aria-label="Code 1">'
        '<div class="codehilite"><pre>'
    )
    assert '<span class="nb">print</span>' in html


def test_fenced_code_keeps_markup_as_text() -> None:
    html = render("```html\n<script>alert(1)</script>\n```\n").html
    assert "<script>" not in html
    assert "&lt;" in html and "script" in html


def test_footnotes() -> None:
    html = render("A claim.[^1]\n\n[^1]: The evidence.\n").html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<li id="fn:1">' in html
    assert '<a class="footnote-backref" href="#fnref:1"' in html


def test_heading_ids_are_unique() -> None:
    html = render("## Hello world\n\ntext\n\n## Hello world\n\n### Why? Because!\n").html
    assert '<h2 id="hello-world">Hello world</h2>' in html
    assert '<h2 id="hello-world_1">Hello world</h2>' in html
    assert '<h3 id="why-because">Why? Because!</h3>' in html


def test_inline_math_becomes_mathml() -> None:
    html = render("The square $x^2$ grows.\n").html
    assert html == (
        '<p>The square <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'
        "<mrow><msup><mi>x</mi><mn>2</mn></msup></mrow></math> grows.</p>"
    )


def test_display_math_becomes_block_mathml() -> None:
    html = render("$$\\frac{a}{b}$$\n").html
    assert html.startswith(
        '<div class="scroller scroller-math" tabindex="0" role="region" aria-label="Equation 1">'
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
    )
    assert "<mfrac>" in html
    assert "$" not in html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("It costs $5 and $10.\n", "<p>It costs $5 and $10.</p>", id="prices"),
        pytest.param("From $ 5 to $ 10\n", "<p>From $ 5 to $ 10</p>", id="spaced-dollars"),
        pytest.param("Escaped \\$x\\$ here\n", "<p>Escaped $x$ here</p>", id="escaped"),
        pytest.param("Code `$x$` here\n", "<p>Code <code>$x$</code> here</p>", id="code-span"),
    ],
)
def test_dollars_that_are_not_math_stay_text(body: str, expected: str) -> None:
    rendered = render(body)
    assert (rendered.html, messages(rendered)) == (expected, [])


def test_bad_math_is_an_error_on_its_line() -> None:
    rendered = render("Fine line.\n\nBroken $\\frac{$ here.\n")
    assert "<math" not in rendered.html
    assert "<code>$\\frac{$</code>" in rendered.html
    assert messages(rendered) == [
        f"{PATH}:12:9: error: cannot convert the math `\\frac{{` to MathML"
        " (NoAvailableTokensError: a brace, bracket or command is incomplete);"
        " check its braces and commands, or write `\\$` for a literal dollar sign"
    ]


def test_empty_display_math_is_an_error_not_a_crash() -> None:
    rendered = render("Fine $$x$$ line.\n\nSee $$ $$ here.\n")
    assert "<code>$$ $$</code>" in rendered.html
    assert messages(rendered) == [
        f"{PATH}:12:5: error: the math between `$$` and `$$` is empty: write TeX between"
        " them, or `\\$` for a literal dollar sign"
    ]


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        pytest.param("[b](02-b.md)", "../02-b/", id="lesson-same-track"),
        pytest.param("[b](02-b.md#weights)", "../02-b/#weights", id="lesson-with-fragment"),
        pytest.param("[c](../u/01-c.md)", "../../u/01-c/", id="lesson-other-track"),
        pytest.param("[c](/u/01-c.md)", "../../u/01-c/", id="lesson-from-content-root"),
        pytest.param("[u](../u/)", "../../u/", id="track-folder"),
        pytest.param("[img](images/seven.png)", "../images/seven.png", id="asset"),
        pytest.param("[pdf](../files/notes.pdf)", "../../files/notes.pdf", id="asset-elsewhere"),
        pytest.param("[p](images/seven%2Epng)", "../images/seven.png", id="percent-encoded-asset"),
        pytest.param("[f](#section)", "#section", id="fragment-only"),
        pytest.param("[home](../)", "../../", id="content-root-is-site-root"),
        pytest.param("[e](https://e.example/a?b=1#c)", "https://e.example/a?b=1#c", id="external"),
        pytest.param("[m](mailto:a@b.example)", "mailto:a@b.example", id="mailto"),
    ],
)
def test_links_are_rewritten(markdown: str, href: str) -> None:
    rendered = render(markdown + "\n")
    assert messages(rendered) == []
    assert f'href="{href}"' in rendered.html


def test_relative_image_gets_relative_src_and_lazy_loading() -> None:
    rendered = render("![Seven](images/seven.png)\n")
    assert rendered.html == '<p><img alt="Seven" loading="lazy" src="../images/seven.png"></p>'


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        pytest.param(
            "[d](03-draft.md)",
            "link `03-draft.md` names a draft lesson: drafts are published only with --drafts",
            id="draft",
        ),
        pytest.param(
            "[m](04-missing.md)",
            "link `04-missing.md` names `t/04-missing.md`, which is not a lesson, a track or a"
            " published file under content/: write the path relative to this lesson file",
            id="missing-lesson",
        ),
        pytest.param(
            "![i](seven.png)",
            "link `seven.png` names `t/seven.png`, which is not a lesson, a track or a"
            " published file under content/: write the path relative to this lesson file",
            id="missing-image",
        ),
        pytest.param(
            "[x](../../etc/passwd)",
            "link `../../etc/passwd` points outside content/",
            id="outside-content",
        ),
        pytest.param(
            "[j](javascript:alert(1))",
            "link `javascript:alert(1)` uses the `javascript:` scheme; use http, https or mailto",
            id="javascript",
        ),
        pytest.param(
            "[j](JaVaScRiPt:alert(1))",
            "link `JaVaScRiPt:alert(1)` uses the `javascript:` scheme; use http, https or mailto",
            id="javascript-mixed-case",
        ),
        pytest.param(
            "[d](data:text/html,hi)",
            "link `data:text/html,hi` uses the `data:` scheme; use http, https or mailto",
            id="data",
        ),
        pytest.param(
            "[s](//cdn.example/x.js)",
            "link `//cdn.example/x.js` has no scheme: write `https://cdn.example/x.js`",
            id="scheme-relative",
        ),
        pytest.param(
            "[v](http://[::1/)",
            "link `http://[::1/` is not a valid URL",
            id="unclosed-ipv6",
        ),
    ],
)
def test_bad_links_are_errors_and_neutralised(markdown: str, message: str) -> None:
    rendered = render(f"Intro.\n\nSee {markdown} now.\n")
    column = len("See ") + markdown.index("(") + 2  # where the URL itself is written
    assert messages(rendered) == [f"{PATH}:12:{column}: error: {message}"]
    assert 'href="#"' in rendered.html or 'src="#"' in rendered.html
    assert "javascript:" not in rendered.html.lower()
    assert "data:" not in rendered.html


REMOVED = (
    "is removed from the page: lessons may not carry scripts, frames, styles, forms, event"
    " handlers or javascript:, vbscript: and data: URLs"
)


@pytest.mark.parametrize(
    ("markup", "forbidden", "warning"),
    [
        pytest.param(
            "<script>alert(1)</script>",
            "<script",
            f"{PATH}:12:1: warning: raw HTML `<script` {REMOVED}",
            id="script",
        ),
        pytest.param(
            '<img src="x.png" onerror="alert(1)">',
            "onerror",
            f"{PATH}:12:18: warning: raw HTML `onerror=` {REMOVED}",
            id="onerror",
        ),
        pytest.param(
            '<a href="javascript:alert(1)">x</a>',
            "javascript:",
            f"{PATH}:12:10: warning: raw HTML `javascript:` {REMOVED}",
            id="raw-javascript-href",
        ),
        pytest.param(
            "<iframe src='https://e.example/'></iframe>",
            "<iframe",
            f"{PATH}:12:1: warning: raw HTML `<iframe` {REMOVED}; an iframe may show a page"
            " of a host listed in site.yml `embed_hosts`",
            id="iframe",
        ),
        pytest.param('<p style="position:fixed">x</p>', "position", None, id="style"),
        pytest.param("<!-- secret -->", "secret", None, id="comment"),
    ],
)
def test_raw_html_is_sanitized(markup: str, forbidden: str, warning: str | None) -> None:
    rendered = render(f"Before.\n\n{markup}\n\nAfter.\n")
    assert forbidden not in rendered.html.lower()
    assert "<p>Before.</p>" in rendered.html and "<p>After.</p>" in rendered.html
    assert messages(rendered) == ([warning] if warning else [])


def test_harmless_raw_html_is_kept() -> None:
    html = render("<details><summary>More</summary>Hidden text.</details>\n").html
    assert html == "<details><summary>More</summary>Hidden text.</details>"


def test_h1_is_demoted_with_a_warning_on_its_line() -> None:
    rendered = render("Intro.\n\n# Big heading\n\nText.\n")
    assert '<h2 id="big-heading">Big heading</h2>' in rendered.html
    assert "<h1" not in rendered.html
    assert messages(rendered) == [
        f"{PATH}:12:3: warning: a `#` heading in the body: the lesson title is the page's only"
        " level-1 heading, so this one is shown as `##`; write `##` instead"
    ]


def test_external_links_are_collected_with_file_lines() -> None:
    body = (
        "First paragraph.\n"  # line 7
        "\n"
        "See [a](https://a.example/one) and\n"  # line 9
        "[b](http://b.example/two#part).\n"  # line 10
        "\n"
        "- item <https://c.example/>\n"  # line 12
        "- ![pic](https://d.example/p.png)\n"  # line 13
        "- [local](02-b.md) and [mail](mailto:x@y.example)\n"
    )
    rendered = render(body, body_line=7)
    assert messages(rendered) == []
    assert rendered.external_links == (
        BodyLink("https://a.example/one", 9),
        BodyLink("http://b.example/two#part", 10),
        BodyLink("https://c.example/", 12),
        BodyLink("https://d.example/p.png", 13),
    )


def test_external_link_in_a_footnote_is_collected() -> None:
    rendered = render("Text.[^n]\n\n[^n]: See [x](https://x.example/).\n", body_line=20)
    assert rendered.external_links == (BodyLink("https://x.example/", 22),)


def test_deeply_nested_markdown_is_an_error_not_a_crash() -> None:
    rendered = render("- " * 600 + "x\n")
    assert messages(rendered) == [
        f"{PATH}:10:1: error: the body nests lists, quotes or emphasis too deeply to render"
    ]


def test_rendering_is_deterministic() -> None:
    body = "## A\n\n$x$ and [b](02-b.md)[^1]\n\n[^1]: n\n"
    assert render(body) == render(body)


def test_a_broken_link_written_twice_is_reported_at_each_place() -> None:
    rendered = render("See [x](nope.md).\n\nAgain [y](nope.md).\n")
    message = (
        "error: link `nope.md` names `t/nope.md`, which is not a lesson, a track or a published"
        " file under content/: write the path relative to this lesson file"
    )
    assert messages(rendered) == [f"{PATH}:10:9: {message}", f"{PATH}:12:11: {message}"]


@pytest.mark.parametrize(
    ("markup", "column", "message"),
    [
        pytest.param(
            '<p><a href="02-b.md">next</a></p>',
            13,
            "raw HTML link `02-b.md` names `t/02-b.md`, but only Markdown links are rewritten,"
            " so on the page it leads nowhere: write it as a Markdown link `[text](02-b.md)`,"
            " or write the address from the page, `../02-b/`",
            id="block",
        ),
        pytest.param(
            'See <a href="02-b.md#top">next</a> now.',
            14,
            "raw HTML link `02-b.md#top` names `t/02-b.md`, but only Markdown links are"
            " rewritten, so on the page it leads nowhere: write it as a Markdown link"
            " `[text](02-b.md#top)`, or write the address from the page, `../02-b/#top`",
            id="inline",
        ),
        pytest.param(
            "Look: <img src='images/seven.png' alt='7'>",
            17,
            "raw HTML image `images/seven.png` names `t/images/seven.png`, but only Markdown"
            " links are rewritten, so on the page it leads nowhere: write it as a Markdown"
            " image `![alt text](images/seven.png)`, or write the address from the page,"
            " `../images/seven.png`",
            id="image",
        ),
        pytest.param(
            '<a href="03-draft.md">d</a>',
            10,
            "raw HTML link `03-draft.md` names the draft lesson `t/03-draft.md`: drafts are"
            " published only with --drafts, and only a Markdown link to it is rewritten:"
            " write `[text](03-draft.md)`",
            id="draft",
        ),
        pytest.param(
            '<a href="09-nope.md">n</a>',
            10,
            "raw HTML link `09-nope.md` names `t/09-nope.md`, which is not a lesson under"
            " content/: write the path relative to this lesson file, as a Markdown link"
            " `[text](09-nope.md)`",
            id="missing",
        ),
    ],
)
def test_raw_html_naming_a_content_file_is_an_error_where_it_is_written(
    markup: str, column: int, message: str
) -> None:
    rendered = render(f"Intro.\n\n{markup}\n")
    assert messages(rendered) == [f"{PATH}:12:{column}: error: {message}"]
    assert [broken.diagnostic.message for broken in rendered.broken_links] == [message]
    assert ".md" not in rendered.html and "images/" not in rendered.html
    assert 'href="#"' in rendered.html or 'src="#"' in rendered.html


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        pytest.param('<!-- old: <a href="02-b.md">next</a> -->', None, id="comment"),
        pytest.param('```\n<a href="02-b.md">next</a>\n```', "02-b.md", id="fenced-code"),
        pytest.param("    <img src=02-b.md alt=x>", "02-b.md", id="indented-code"),
        pytest.param('<pre>&lt;a href="02-b.md"&gt;</pre>', "02-b.md", id="escaped-in-pre"),
        pytest.param('Write `<a href="02-b.md">` in raw HTML.', "02-b.md", id="code-span"),
        pytest.param('```js\nlocation = "javascript:void(0)";\n```', "javascript:", id="js"),
        pytest.param('```html\n<a href="x" onclick="go()">x</a>\n```', "onclick", id="html"),
        pytest.param('    <iframe src="data:text/html,x"></iframe>', "data:", id="frame"),
    ],
)
def test_comments_and_code_samples_are_neither_links_nor_unsafe_html(
    markup: str, shown: str | None
) -> None:
    rendered = render(f"Intro.\n\n{markup}\n")
    assert messages(rendered) == []
    assert shown is None or shown in rendered.html  # shown as written (comments go)


def test_only_raw_html_tags_give_cited_addresses_to_check() -> None:
    body = (
        'A <a href="https://a.example/">link</a>.\n\n'
        '<!-- <a href="https://old.example/">gone</a> -->\n\n'
        '```html\n<a href="https://sample.example/">x</a>\n```\n\n'
        '<pre>&lt;a href="https://pre.example/"&gt;</pre>\n'
    )
    assert [link.url for link in render(body).external_links] == ["https://a.example/"]


def test_raw_html_addresses_that_work_from_the_page_are_kept() -> None:
    body = '<a href="../02-b/">b</a> <img src="../images/seven.png" alt=""> <a href="#x">x</a>\n'
    rendered = render(body)
    assert messages(rendered) == []
    assert 'href="../02-b/"' in rendered.html and 'src="../images/seven.png"' in rendered.html


def test_internal_links_carry_the_line_and_column_where_they_are_written() -> None:
    body = "Intro, see [b](02-b.md#x).\n\n  Again [b](02-b.md#x).[^n]\n\n[^n]: A note.\n"
    rendered = render(body)
    assert [(link.written, link.line, link.column) for link in rendered.internal_links] == [
        ("02-b.md#x", 10, 16),
        ("02-b.md#x", 12, 13),
        ("#fn:n", 12, 24),
        ("#fnref:n", 14, 1),
    ]
