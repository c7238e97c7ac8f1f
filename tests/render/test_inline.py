"""The inline pass that skips patterns a text cannot match renders what Python-Markdown's
own pass renders, for any body."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clawdemy_site.render import inline
from clawdemy_site.render import markdown as markdown_module
from clawdemy_site.render.markdown import LinkTargets, RenderedBody, render_body

TARGETS = LinkTargets(
    pages={"t/01-a.md": "t/01-a/", "t/02-b.md": "t/02-b/"},
    assets=frozenset({"t/images/seven.png"}),
)

#: Pieces a body is made of: words, and what each inline pattern looks for.
PIECES = [
    "word", "two words", " ", "\n", "\n\n", "  \n", "*", "**", "_", "__", "`", "``", "\\",
    "\\*", "\\`", "$", "$$", "$x^2$", "$$\\frac{1}{2}$$", "[", "]", "(", ")", "!", "![",
    "[a](02-b.md)", "[^1]", "[^1]: note\n", "[ref]", "[ref]: https://r.example/\n",
    "<", ">", "</b>", "<b>", "<https://a.example/>", "<me@mail.example>", "&", "&amp;",
    "&#35;", ";", "@", "://", "- ", "1. ", "> ", "# ", "| a | b |\n| - | - |\n", "```\n",
    "    ", "*[HTML]: markup\n", "HTML", ":", "{: .c }", "é", "\u00a0",
]  # fmt: skip

BODIES = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@pytest.fixture(scope="module")
def converters() -> Iterator[tuple[object, object]]:
    """(the converter with the skipping pass, one with Python-Markdown's own)."""
    assert inline.supported()
    saved = markdown_module._converter
    markdown_module._converter = None
    skipping = markdown_module._get_converter()
    markdown_module._converter = None
    supported, inline.supported = inline.supported, lambda: False
    try:
        stock = markdown_module._get_converter()
    finally:
        inline.supported = supported
    yield skipping, stock
    markdown_module._converter = saved


def render_with(converter: object, body: str) -> RenderedBody:
    markdown_module._converter = converter  # type: ignore[assignment]
    return render_body(
        body, source="t/01-a.md", page_url="t/01-a/", targets=TARGETS, path="p", body_line=1
    )


def test_the_skipping_pass_is_the_one_used(converters: tuple[object, object]) -> None:
    skipping, stock = converters
    assert type(skipping.md.treeprocessors["inline"]) is inline.SkippingInlineProcessor  # type: ignore[attr-defined]
    assert type(stock.md.treeprocessors["inline"]) is not inline.SkippingInlineProcessor  # type: ignore[attr-defined]


def test_every_pattern_of_ours_is_one_the_pass_knows(converters: tuple[object, object]) -> None:
    """Else the pass still renders right, but tries that pattern on every text."""
    skipping, _ = converters
    md = skipping.md  # type: ignore[attr-defined]
    unknown = [type(p).__name__ for p in md.inlinePatterns if inline._needed(p) is None]
    assert unknown == []


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES)
def test_skipping_renders_what_python_markdown_renders(
    converters: tuple[object, object], body: str
) -> None:
    skipping, stock = converters
    assert render_with(skipping, body) == render_with(stock, body)
