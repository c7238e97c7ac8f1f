"""Issue 9, scope 6: property tests. Any input yields a site or diagnostics, never an
exception: front-matter parsing, reference validation, the Markdown renderer with its link
rewriting, and the HTML link extractors. Rendered bodies never carry active content.
"""

from __future__ import annotations

import string
import zlib
from html.parser import HTMLParser
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clawdemy_site.content.documents import LESSON_SCHEMA, parse_lesson
from clawdemy_site.content.fields import Problems
from clawdemy_site.content.models import Lesson
from clawdemy_site.content.references import (
    FURTHER_STUDY_SCHEMA,
    SOURCE_SCHEMA,
    read_references,
)
from clawdemy_site.content.references import (
    LESSON_SCHEMA as LESSON_ENTRY_SCHEMA,
)
from clawdemy_site.content.yamlnodes import YamlError, parse_yaml
from clawdemy_site.links.fragments import AnchorScanner, BodyDecoder, wanted_fragment
from clawdemy_site.plan import LinkTargets
from clawdemy_site.render.markdown import render_body
from clawdemy_site.workers import _ATTRIBUTE, _attributes, scan_html

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PATH = "content/t/02-x.md"

#: Text rich in what YAML, Markdown and HTML treat specially.
SPECIAL = "-:#[]{}()<>!*&|>'\"%@`$\\^_~=/.,?+ \n\t"
text = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + SPECIAL), max_size=300
)
any_text = st.text(max_size=300)

KEYS = sorted(
    {*LESSON_SCHEMA, *FURTHER_STUDY_SCHEMA, *SOURCE_SCHEMA, *LESSON_ENTRY_SCHEMA, "name", "role"}
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["source", "video", "lesson", "book", "t/1", "x/01", "08", "https://a.example/"]
    ),
    st.text(max_size=20),
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=5),
    ),
    max_leaves=25,
)
front_matter = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)


def lesson_or_problems(source: str) -> tuple[Lesson | None, list[str]]:
    problems = Problems(PATH)
    lesson = parse_lesson(source, path=PATH, track="t", stem="02-x", problems=problems)
    messages = [d.format() for d in problems.items]
    if lesson is None:
        assert any(": error: " in m for m in messages), messages
    for message in messages:
        assert message.startswith(f"{PATH}:")
    return lesson, messages


@PROPERTY
@given(any_text)
def test_any_lesson_text_gives_a_lesson_or_errors(source: str) -> None:
    lesson_or_problems(source)


@PROPERTY
@given(text, text)
def test_any_front_matter_text_gives_a_lesson_or_errors(front: str, body: str) -> None:
    lesson_or_problems(f"---\n{front}\n---\n{body}")


@PROPERTY
@given(front_matter, text)
def test_any_front_matter_mapping_gives_a_lesson_or_errors(
    fields: dict[str, Any], body: str
) -> None:
    dumped = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    lesson, _ = lesson_or_problems(f"---\n{dumped}---\n{body}")
    if lesson is not None:
        assert lesson.number == 2
        assert lesson.title.strip() and lesson.summary.strip()


@PROPERTY
@given(st.lists(st.dictionaries(st.sampled_from(KEYS), values, max_size=6), max_size=5))
def test_any_references_list_is_checked_without_an_exception(entries: list[Any]) -> None:
    dumped = yaml.safe_dump(entries, allow_unicode=True)
    try:
        node, _ = parse_yaml(dumped, first_line=6)
    except YamlError:
        return
    if node is None:
        return
    problems = Problems(PATH)
    references = read_references(node, "t", problems)
    assert len(references) <= len(entries)
    if len(references) < len(entries):
        assert any(d.severity == "error" for d in problems.items)


TARGETS = LinkTargets(
    pages={"t/01-a.md": "t/01-a/", "t/02-x.md": "t/02-x/", "u/01-c.md": "u/01-c/"},
    assets=frozenset({"t/images/a.png"}),
)
#: Pieces Markdown bodies are made of, links and raw HTML included.
PIECES = st.sampled_from(
    [
        "[a](01-a.md)",
        "[b](../u/01-c.md#x)",
        "![i](images/a.png)",
        "[c](https://e.example/`x`)",
        "<https://e.example/>",
        "<me@e.example>",
        "[d](javascript:alert(1))",
        "[e](<a b.md>)",
        "[f]: https://e.example/f",
        "[f]",
        "[^1]",
        "[^1]: note",
        "$x^2$",
        "$$\\frac{1}{2}",
        "$$",
        "\\foo",
        "# H",
        "## 你好",
        "```",
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="vbscript:x">v</a>',
        "<iframe src=//e.example/>",
        "> quote",
        "- item",
        "1. item",
        "| a | b |\n| - | - |",
        "*em* **strong**",
        "\n\n",
        "\n",
        "    code",
        ":::",
    ]
)
bodies = st.lists(st.one_of(PIECES, text), max_size=25).map("".join)


class _Active(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "style", "form", "base", "meta"):
            self.found.append(tag)
        for name, value in attrs:
            lowered = (value or "").strip().lower()
            if name.startswith("on") or lowered.startswith(("javascript:", "vbscript:")):
                self.found.append(f"{tag} {name}")


@PROPERTY
@given(bodies)
def test_any_body_renders_to_safe_html_or_diagnostics(body: str) -> None:
    rendered = render_body(
        body, source="t/02-x.md", page_url="t/02-x/", targets=TARGETS, path=PATH, body_line=6
    )
    for diagnostic in rendered.diagnostics:
        assert diagnostic.path == PATH
        assert diagnostic.line >= 6 and diagnostic.column >= 1
    for link in rendered.external_links:
        assert link.url.startswith(("http://", "https://")) and link.line >= 6
    audit = _Active()
    audit.feed(rendered.html)
    audit.close()
    assert audit.found == []


@PROPERTY
@given(any_text)
def test_any_text_renders_without_an_exception(body: str) -> None:
    render_body(
        body, source="t/02-x.md", page_url="t/02-x/", targets=TARGETS, path=PATH, body_line=6
    )


html_text = st.lists(
    st.one_of(
        st.sampled_from(
            ['<a href="x">', "<a href='#y' id=z>", "<img src=", "<a name=", '"', "'", ">", "<!--"]
        ),
        any_text,
    ),
    max_size=20,
).map("".join)


@PROPERTY
@given(html_text)
def test_the_link_extractor_reads_any_html(markup: str) -> None:
    ids, links = scan_html(markup)
    assert all(isinstance(link, str) for link in links)
    assert all(isinstance(ident, str) for ident in ids)


SPACES = st.sampled_from(["", " ", "\n", "\t", "  "])
ATTRIBUTES = st.tuples(
    SPACES,
    st.sampled_from(["id", "href", "src", "ID", "class", "xid"]),
    SPACES,
    st.sampled_from(["=", ""]),
    SPACES,
    st.sampled_from(['"a b"', "'#c'", '"', "'", "x", '""']),
).map("".join)
NOISE = st.sampled_from(["<a", ">", "=", " ", "text", "id", '"'])


@PROPERTY
@given(st.lists(st.one_of(ATTRIBUTES, NOISE), max_size=12).map("".join))
def test_the_fast_attribute_scan_finds_what_the_general_one_does(markup: str) -> None:
    assert _attributes(markup) == _ATTRIBUTE.findall(markup)


@PROPERTY
@given(st.binary(max_size=2000), st.sampled_from(["utf-8", "latin-1", "nonsense", None]))
def test_the_anchor_scanner_reads_any_bytes(data: bytes, charset: str | None) -> None:
    scanner = AnchorScanner(frozenset({"x"}), charset)
    for start in range(0, len(data), 97):
        scanner.feed(data[start : start + 97])
    scanner.close()
    assert scanner.found <= {"x"}


@PROPERTY
@given(st.binary(max_size=2000), st.sampled_from(["", "gzip", "deflate", "identity"]))
def test_the_body_decoder_never_exceeds_its_limit(data: bytes, coding: str) -> None:
    decoder = BodyDecoder(coding, 500)
    total = 0
    try:
        for start in range(0, len(data), 64):
            total += len(decoder.feed(data[start : start + 64]))
    except zlib.error:
        pass  # a corrupt stream stops it, with zlib's own error and nothing else
    assert total <= 500


@PROPERTY
@given(any_text)
def test_wanted_fragment_takes_any_url(url: str) -> None:
    fragment = wanted_fragment(url)
    assert fragment is None or fragment
