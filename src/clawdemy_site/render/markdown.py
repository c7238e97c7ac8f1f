"""A lesson body, Markdown in, safe HTML out. Pure: the same inputs give the same bytes.

Links written relative to the lesson file are resolved against the content
tree and rewritten relative to the built page; external links are collected
with the line they are written on, for the link checker.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.codehilite import CodeHiliteExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify, slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE
from pygments.formatters.html import HtmlFormatter

from clawdemy_site.errors import Diagnostic, Severity
from clawdemy_site.plan import LinkTargets
from clawdemy_site.render import highlight, inline, mathml
from clawdemy_site.render.body import (
    BodyExercise,
    BodyHeading,
    BodyLink,
    BrokenBodyLink,
    InternalBodyLink,
    RenderedBody,
)
from clawdemy_site.render.callouts import CalloutExtension, exercises_in
from clawdemy_site.render.decorate import decorate_body
from clawdemy_site.render.math import MathExtension, MathProblem
from clawdemy_site.render.sanitize import embed_allowed, sanitize_body
from clawdemy_site.render.searchtext import body_search_text
from clawdemy_site.render.urls import relative_url

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
#: The one `data:` URL a body may hold: an image's `src`.
DATA_IMAGE = "data:image/"


#: Ids the page templates use; a body heading never takes one of them.
TEMPLATE_IDS = frozenset(
    {
        "content",
        "objectives-heading",
        "source-heading",
        "further-heading",
        "leads-heading",
        "elsewhere-heading",
        "prerequisites-heading",
        "keypoints-heading",
        "track-end-heading",
        "toc-heading",
        "tracks-heading",
        "printed-references-heading",
    }
)


def _has_unlatin_letters(text: str) -> bool:
    """True when a letter or digit of `text` has no ASCII form (Chinese, Cyrillic, Greek...)."""
    return any(
        char.isalnum() and not unicodedata.normalize("NFKD", char).encode("ascii", "ignore")
        for char in text
    )


def heading_id(text: str, separator: str) -> str:
    """A heading's id: Python-Markdown's slug, kept clear of the templates' own ids.

    Latin text gets the plain ASCII slug (`Café au lait` -> `cafe-au-lait`); a heading with
    letters of any other script keeps them (`你好世界`), so its id says what it names.
    Python-Markdown makes repeated ids unique (`_1`, `_2`)."""
    slugger = slugify_unicode if _has_unlatin_letters(text) else slugify
    slug = str(slugger(text, separator)) or "section"
    return f"{slug}{separator}section" if slug in TEMPLATE_IDS else slug


#: Python-Markdown writes an email autolink (`<someone@example.org>`) as character
#: references, with `&` held as a placeholder while the tree is built.
_OBFUSCATED = re.compile(re.escape(AMP_SUBSTITUTE) + r"#(?:x([0-9a-fA-F]+)|([0-9]+));")


def _plain_address(value: str) -> str:
    """An href with Python-Markdown's email obfuscation undone: `mailto:someone@...`."""
    return _OBFUSCATED.sub(lambda m: chr(int(m[1], 16) if m[1] else int(m[2])), value)


#: Raw HTML that the sanitizer removes; the author is told rather than surprised.
_UNSAFE_HTML = re.compile(
    r"<\s*(?:script|iframe|style|object|embed|form|frame|frameset|base|meta|link)\b"
    r"|\bon[a-z]+\s*=|javascript:|vbscript:|\bdata:(?!image/)",
    re.IGNORECASE,
)

#: An absolute http(s) address in raw HTML, for the link checker.
_RAW_HTML_URL = re.compile(
    r"""\b(?:href|src)\s*=\s*["']?(?P<url>https?://[^"'\s>]+)""", re.IGNORECASE
)

#: A comment, or a start tag (`tag`), in a stashed block of raw HTML: only a tag's
#: addresses are links (a comment's are not, nor a code sample's, whose `<` the stash
#: holds as `&lt;`).
_RAW_HTML_TAG = re.compile(r"<!--.*?(?:-->|$)|(?P<tag><[A-Za-z][^>]*>)", re.DOTALL)

#: A relative address in a raw HTML `href` or `src`: published as written, never rewritten.
_RAW_HTML_ADDRESS = re.compile(
    r"""(?<![\w-])(?P<attribute>href|src)\s*=\s*(?P<quote>["']?)(?P<url>[^"'\s>]+)(?P=quote)""",
    re.IGNORECASE,
)

#: How a link is written around its address, most specific first.
_LINK_SYNTAX = (
    ("](", ")"),
    ("](", " "),
    ("](", "#"),
    ("]: ", ""),
    ("<", ">"),
    ('="', '"'),
    ("='", "'"),
    ("](", ""),
    ("", ""),
)
#: The link syntaxes that end where the address ends, so each match is one link to it.
_WRITTEN_ONCE = (("](", ")"), ("](", " "), ("]: ", ""), ("<", ">"), ('="', '"'), ("='", "'"))


@dataclass
class _Context:
    source: str  # the lesson file, relative to content/
    page_url: str  # the built page's folder, site-relative
    targets: LinkTargets
    path: str  # the lesson file as shown to the user
    body: str
    body_line: int
    links: list[BodyLink] = field(default_factory=list)
    internal: list[InternalBodyLink] = field(default_factory=list)
    broken: list[BrokenBodyLink] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    lookups: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: How many links to each address have been placed so far.
    asked: dict[str, int] = field(default_factory=dict)
    #: (line, column) in the body where each address is written in link syntax.
    places: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    #: The text of the link being placed, to find it when its address was rewritten.
    label: str = ""
    #: The element whose address is being resolved (`a` or `img`).
    tag: str = "a"
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.body.splitlines()

    def position_of(self, needle: str) -> tuple[int, int]:
        """File line and column where `needle` is first written, preferring link syntax."""
        for before, after in _LINK_SYNTAX:
            written = f"{before}{needle}{after}"
            for offset, text in enumerate(self.lines):
                index = text.find(written)
                if index >= 0:
                    return self.body_line + offset, index + len(before) + 1
        return self.guess_position(needle)

    def guess_position(self, needle: str) -> tuple[int, int]:
        """Where a link whose rendered address differs from what was written (backticks in
        a URL, say) is written: after the text of the link being placed (`[text](`), or
        else after the longest start of the address written in link syntax."""
        if self.label:
            written = f"[{self.label}]("
            for offset, text in enumerate(self.lines):
                index = text.find(written)
                if index >= 0:
                    return self.body_line + offset, index + len(written) + 1
        for cut in range(len(needle) - 1, 0, -1):
            for before in ("](", "<", "]: ", '="', "='"):
                written = f"{before}{needle[:cut]}"
                for offset, text in enumerate(self.lines):
                    index = text.find(written)
                    if index >= 0:
                        return self.body_line + offset, index + len(before) + 1
        return self.body_line, 1

    def link_position(self, needle: str, *, advance: bool = True) -> tuple[int, int]:
        """File line and column of the next link to `needle`: links come in document order,
        so the n-th one gets the n-th place `needle` is written in link syntax (the first
        place once those run out: e.g. one `[ref]: url` used twice). `advance=False` looks
        without moving on, for a link whose place is asked for again."""
        nth = self.asked.get(needle, 0)
        if advance:
            self.asked[needle] = nth + 1
        places = self.places.get(needle)
        if places is None:
            places = self.places[needle] = _link_places(self.lines, needle)
        if nth < len(places):
            line, column = places[nth]
            return self.body_line + line, column
        return self.position_of(needle)

    def line_of(self, needle: str) -> int:
        return self.link_position(needle)[0]

    def report(
        self,
        needle: str,
        message: str,
        severity: Severity = "error",
        *,
        at: tuple[int, int] | None = None,
    ) -> Diagnostic:
        line, column = at or self.position_of(needle)
        diagnostic = Diagnostic(self.path, line, column, severity, message)
        self.problems.append(diagnostic)
        return diagnostic

    def report_link(self, url: str, message: str) -> None:
        """A link that cannot be published: an error, and a broken link for the checker."""
        diagnostic = self.report(url, message, at=self.link_position(url))
        self.broken.append(BrokenBodyLink(url, diagnostic))


#: The address of the frame a raw `<iframe ...>` tag opens.
_FRAME_SRC = re.compile(r"""\ssrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def _allowed_frame(block: str, at: int, hosts: frozenset[str]) -> bool:
    """True when the `<iframe` at `at` in `block` shows a page of one of `hosts`."""
    tag = block[at : block.find(">", at) + 1 or len(block)]
    found = _FRAME_SRC.search(tag)
    return found is not None and embed_allowed(found.group(1), hosts)


def _report_unsafe_html(
    ctx: _Context, blocks: list[str], embed_hosts: frozenset[str] = frozenset()
) -> None:
    """A warning at each script, frame, style, form, event handler or unsafe URL in raw
    HTML (the sanitizer removes them), at the line and column where it is written.

    Raw HTML is stashed in an order of its own (blocks first, then inline tags), so each
    block is placed at the first body line holding its first line where the unsafe text
    stands and no earlier warning stands already."""
    claimed: set[tuple[int, int]] = set()
    for block in blocks:
        matches = [
            found
            for found in _UNSAFE_HTML.finditer(block)
            if not (
                embed_hosts
                and found.group(0).lower().replace(" ", "") == "<iframe"
                and _allowed_frame(block, found.start(), embed_hosts)
            )
        ]
        if not matches:
            continue
        start = len(block) - len(block.lstrip())
        first = block[start:].splitlines()[0] if block.strip() else ""
        holding = [n for n, text in enumerate(ctx.lines) if first and first in text]
        for found in matches:
            what = found.group(0).strip()
            message = (
                f"raw HTML `{what}` is removed from the page: lessons may not carry scripts,"
                " frames, styles, forms, event handlers or javascript:, vbscript: and data: URLs"
            )
            if what.lower().replace(" ", "") in ("<iframe", "<object", "<embed"):
                message += "; an iframe may show a page of a host listed in site.yml `embed_hosts`"
            before = block[start : found.start()]
            place = None
            for offset in holding:
                head = ctx.lines[offset].find(first)
                while head >= 0 and place is None:
                    line = offset + before.count("\n")
                    if "\n" in before:
                        column = len(before) - before.rfind("\n")
                    else:
                        column = head + len(before) + 1
                    written = ctx.lines[line][column - 1 :] if line < len(ctx.lines) else ""
                    if (line, column) not in claimed and written.startswith(found.group(0)):
                        place = (line, column)
                    head = ctx.lines[offset].find(first, head + 1)
                if place is not None:
                    break
            if place is None:
                ctx.report(what, message, "warning")
                continue
            claimed.add(place)
            ctx.report(what, message, "warning", at=(ctx.body_line + place[0], place[1]))


def _link_places(lines: list[str], needle: str) -> list[tuple[int, int]]:
    """(line, column) of each place where `needle` is written in link syntax: those of the
    most specific syntax first, each in document order; each line once. Lines 0-based,
    columns 1-based."""
    places: dict[int, int] = {}
    candidates = [(n, text) for n, text in enumerate(lines) if needle in text]
    for before, after in _WRITTEN_ONCE:
        written = f"{before}{needle}{after}"
        for offset, text in candidates:
            start = text.find(written)
            while start >= 0 and offset not in places:
                end = start + len(written)
                # `[ref]: url` must end with the line or a space, not run on (`url/more`).
                if after or end == len(text) or text[end].isspace():
                    places[offset] = start + len(before) + 1
                start = text.find(written, start + 1)
    return list(places.items())


def _resolve(ctx: _Context, url: str) -> str | None:
    """The rewritten address of one href/src, or None to leave it as written."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. `http://[::1/`, an unclosed IPv6 address
        ctx.report_link(url, f"link `{url}` is not a valid URL")
        return "#"
    if " " in url:
        ctx.report(
            url,
            f"link `{url}` contains a space: write `%20` for each space"
            f" (`{url.replace(' ', '%20')}`)",
            "warning",
            at=ctx.link_position(url, advance=False),
        )
    if parts.scheme:
        if ctx.tag == "img" and url.lower().startswith(DATA_IMAGE):
            return None  # an image written into the page; the sanitizer keeps only these
        if parts.scheme.lower() not in SAFE_SCHEMES:
            ctx.report_link(
                url, f"link `{url}` uses the `{parts.scheme}:` scheme; use http, https or mailto"
            )
            return "#"
        if parts.scheme.lower() in ("http", "https"):
            ctx.links.append(BodyLink(url, ctx.line_of(url)))
        return url.replace(" ", "%20") if " " in url else None
    if url.startswith("//"):
        ctx.report_link(url, f"link `{url}` has no scheme: write `https:{url}`")
        return "#"
    if not parts.path:
        return None  # `#fragment` on the same page
    fragment = (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else ""
    )
    base = "" if parts.path.startswith("/") else posixpath.dirname(ctx.source)
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path).lstrip("/")))
    if target.startswith("../") or target == "..":
        ctx.report_link(url, f"link `{url}` points outside content/")
        return "#"
    kind, address = ctx.targets.lookup(target)
    ctx.lookups[target] = (kind, address)
    if kind == "draft":
        ctx.report_link(
            url, f"link `{url}` names a draft lesson: drafts are published only with --drafts"
        )
        return "#"
    if kind != "missing":
        return quote(relative_url(ctx.page_url, address)) + fragment
    ctx.report_link(
        url,
        f"link `{url}` names `{target}`, which is not a lesson, a track or a published file"
        " under content/: write the path relative to this lesson file",
    )
    return "#"


def _raw_html_problem(ctx: _Context, attribute: str, url: str) -> str | None:
    """Why a raw HTML `href` or `src` leads nowhere on the built page, or None.

    Raw HTML is published as written, so an address that names a content file relative
    to the lesson file (`02-x.md`, `images/x.png`) is dead on the page, one folder deeper,
    unless it also names that file from the page."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme or url.startswith("//") or not parts.path:
        return None
    path = unquote(parts.path)
    base = "" if path.startswith("/") else posixpath.dirname(ctx.source)
    target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    kind, address = ctx.targets.lookup(target)
    what = "image" if attribute.lower() == "src" else "link"
    markdown = f"![alt text]({url})" if what == "image" else f"[text]({url})"
    if kind == "draft":
        return (
            f"raw HTML {what} `{url}` names the draft lesson `{target}`: drafts are published"
            " only with --drafts, and only a Markdown link to it is rewritten:"
            f" write `{markdown}`"
        )
    if kind == "missing" and target.endswith(".md"):
        return (
            f"raw HTML {what} `{url}` names `{target}`, which is not a lesson under content/:"
            f" write the path relative to this lesson file, as a Markdown {what} `{markdown}`"
        )
    if kind not in ("page", "asset"):
        return None
    from_page = posixpath.normpath(
        posixpath.join("" if path.startswith("/") else ctx.page_url, path.lstrip("/"))
    )
    if from_page == posixpath.normpath(address):
        return None  # the address works from the page too
    from_here = quote(relative_url(ctx.page_url, address))
    from_here += (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else ""
    )
    return (
        f"raw HTML {what} `{url}` names `{target}`, but only Markdown links are rewritten,"
        f" so on the page it leads nowhere: write it as a Markdown {what} `{markdown}`,"
        f" or write the address from the page, `{from_here}`"
    )


def _check_raw_html_addresses(ctx: _Context, blocks: list[str | etree.Element]) -> None:
    """Collect each http(s) address of a raw HTML tag for the link checker; report each
    relative one that leads nowhere on the built page, where it is written, and neutralise
    it as a broken Markdown link is (`#`)."""

    def check(found: re.Match[str]) -> str:
        url = found["url"]
        problem = _raw_html_problem(ctx, found["attribute"], url)
        if problem is None:
            return found[0]
        ctx.report_link(url, problem)
        return f'{found["attribute"]}="#"'

    def in_tag(found: re.Match[str]) -> str:
        tag = found["tag"]
        if tag is None:
            return found[0]  # a comment
        for url in _RAW_HTML_URL.finditer(tag):
            ctx.links.append(BodyLink(url["url"], ctx.line_of(url["url"])))
        return _RAW_HTML_ADDRESS.sub(check, tag)

    for index in _written_blocks(blocks):
        block = blocks[index]
        if isinstance(block, str):
            blocks[index] = _RAW_HTML_TAG.sub(in_tag, block)


def _written_blocks(blocks: list[str | etree.Element]) -> list[int]:
    """The indices of the stash's blocks that the author wrote as raw HTML. Code that
    Pygments highlighted is stashed too, but its tags are Pygments' and its text is the
    author's code, escaped: a sample's `javascript:` or `href=` is neither a link nor
    unsafe. (MathML is the author's: TeX's `\\href` makes links.)"""
    highlighted = {id(html) for _, html in highlight.MEMO.used()}
    return [index for index, block in enumerate(blocks) if id(block) not in highlighted]


class _LinkRewriter(Treeprocessor):
    def __init__(self, md: Markdown, ctx: _Context) -> None:
        super().__init__(md)
        self.ctx = ctx

    def run(self, root: etree.Element) -> None:
        self.unclosed_math(root)
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
                self.ctx.report(
                    element.text or "# ",
                    "a `#` heading in the body: the lesson title is the page's only level-1"
                    " heading, so this one is shown as `##`; write `##` instead",
                    "warning",
                )
            attribute = {"a": "href", "img": "src"}.get(str(element.tag))
            if attribute is None:
                continue
            value = element.get(attribute)
            if value is None:
                continue
            if element.get("class") in ("footnote-ref", "footnote-backref"):
                self.footnote_link(value, backref=element.get("class") == "footnote-backref")
                continue
            if AMP_SUBSTITUTE in value:
                value = _plain_address(value)
                element.set(attribute, value)
            written = value.strip()
            label = "".join(element.itertext()) if element.tag == "a" else element.get("alt")
            self.ctx.label = label or ""
            self.ctx.tag = str(element.tag)
            rewritten = _resolve(self.ctx, written)
            if rewritten is not None:
                element.set(attribute, rewritten)
            if rewritten != "#" and not urlsplit(written).scheme:
                href = written if rewritten is None else rewritten
                line, column = self.ctx.link_position(written)
                self.ctx.internal.append(InternalBodyLink(written, href, line, column))
            if element.tag == "img" and element.get("loading") is None:
                element.set("loading", "lazy")
        # Raw HTML is stashed by now, blocks and inline tags alike, and put back afterwards.
        _check_raw_html_addresses(self.ctx, self.md.htmlStash.rawHtmlBlocks)

    def footnote_link(self, href: str, *, backref: bool) -> None:
        """A link Python-Markdown made for a footnote (`#fn:label`, `#fnref:label`), placed
        where the author wrote `[^label]` (the reference) or `[^label]:` (the note)."""
        label = href.partition(":")[2]
        written = f"[^{label}]:" if backref else f"[^{label}]"
        line, column = self.ctx.body_line, 1
        for offset, text in enumerate(self.ctx.lines):
            index = text.find(written)
            if index >= 0 and (backref or not text.startswith(":", index + len(written))):
                line, column = self.ctx.body_line + offset, index + 1
                break
        self.ctx.internal.append(InternalBodyLink(href, href, line, column))

    def unclosed_math(self, root: etree.Element) -> None:
        """Warn of a `$$` left in the text: display math that opens and never closes.

        Inline patterns have run, so every closed pair is MathML by now, and an escaped
        `\\$` is still a placeholder: a `$$` left in text outside code is unclosed."""
        for element in root.iter():
            texts = [] if element.tag in ("code", "pre") else [element.text]
            texts.append(element.tail)
            for text in texts:
                if text and "$$" in text:
                    start = text.index("$$")
                    snippet = text[start:].splitlines()[0].strip()
                    self.ctx.report(
                        snippet,
                        "`$$` opens display math that is never closed: add the closing `$$`"
                        " (math between `$$` may span lines of one paragraph, not a blank line)",
                        "warning",
                    )
                    return


class _LinkExtension(Extension):
    def __init__(self, rewriter: list[_LinkRewriter]) -> None:
        super().__init__()
        self.rewriter = rewriter

    def extendMarkdown(self, md: Markdown) -> None:
        rewriter = _LinkRewriter(md, _Context("", "", LinkTargets({}, frozenset()), "", "", 1))
        self.rewriter.append(rewriter)
        md.treeprocessors.register(rewriter, "clawdemy-links", 8)


class _HtmlFormatter(HtmlFormatter):  # type: ignore[type-arg]
    """Pygments' HTML formatter with its token-to-class tables worked out once per style:
    Python-Markdown makes a formatter for every code block, and working them out cost more
    than highlighting a short block. Formatting only reads them."""

    _tables: ClassVar[dict[tuple[object, str], tuple[Any, Any]]] = {}

    def _create_stylesheet(self) -> None:
        key = (self.style, self.classprefix)
        found = self._tables.get(key)
        tables = vars(self)  # the two tables are attributes Pygments' stubs do not name
        if found is None:
            super()._create_stylesheet()  # type: ignore[misc]
            self._tables[key] = (tables["ttype2class"], tables["class2style"])
        else:
            tables.update(ttype2class=found[0], class2style=found[1])


@dataclass
class _Converter:
    """One Python-Markdown instance with our extensions, reset between bodies: building it
    costs more than converting a short body."""

    md: Markdown
    rewriter: _LinkRewriter
    math_problems: list[MathProblem]
    callouts: CalloutExtension


_converter: _Converter | None = None


def _get_converter() -> _Converter:
    global _converter
    if _converter is None:
        math_problems: list[MathProblem] = []
        rewriters: list[_LinkRewriter] = []
        callouts = CalloutExtension("", 1, [])
        md = Markdown(
            # Instances, not names: a name makes Python-Markdown read every installed
            # package's entry points first (tens of milliseconds at each start).
            extensions=[
                TableExtension(),
                FencedCodeExtension(),
                SaneListExtension(),
                AttrListExtension(),
                DefListExtension(),
                AbbrExtension(),
                CodeHiliteExtension(
                    css_class="codehilite", guess_lang=False, pygments_formatter=_HtmlFormatter
                ),
                FootnoteExtension(UNIQUE_IDS=False),
                TocExtension(permalink=False, toc_depth="2-4", slugify=heading_id),
                MathExtension(math_problems),
                callouts,
                _LinkExtension(rewriters),
            ],
            output_format="html",
        )
        if inline.supported():  # Python-Markdown's own inline pass, made quicker
            md.treeprocessors.register(inline.SkippingInlineProcessor(md), "inline", 20)
        _converter = _Converter(md, rewriters[0], math_problems, callouts)
    return _converter


#: An element's id in the sanitizer's output, which separates attributes by one space (a
#: pattern that starts with a fixed string is found five times as fast as one with `\s`).
_ID = re.compile(r' id="([^"]+)"')


def render_body(
    body: str,
    *,
    source: str,
    page_url: str,
    targets: LinkTargets,
    path: str,
    body_line: int,
    embed_hosts: frozenset[str] = frozenset(),
) -> RenderedBody:
    """Render one lesson body. `source` is the lesson file relative to content/;
    `embed_hosts` are the hosts (site.yml) whose pages an iframe may show."""
    global _converter
    ctx = _Context(source, page_url, targets, path, body, body_line)
    converter = _get_converter()
    converter.rewriter.ctx = ctx
    converter.math_problems.clear()
    for memo in (mathml.MEMO, highlight.MEMO):
        memo.start_body()
    converter.callouts.begin(ctx.path, ctx.body_line, ctx.problems)
    math_problems = converter.math_problems
    md = converter.md.reset()
    try:
        html = md.convert(body)
    except RecursionError:  # Python-Markdown recurses on deeply nested lists and emphasis
        problem = "the body nests lists, quotes or emphasis too deeply to render"
        ctx.problems.append(Diagnostic(path, body_line, 1, "error", problem))
        _converter = None  # a failed conversion may leave the instance half-reset
        return RenderedBody("", tuple(ctx.links), tuple(ctx.problems))
    blocks = md.htmlStash.rawHtmlBlocks
    _report_unsafe_html(ctx, [str(blocks[i]) for i in _written_blocks(blocks)], embed_hosts)
    for oddity in math_problems:
        ctx.report(oddity.tex.splitlines()[0], oddity.message, oddity.severity)
    safe = decorate_body(sanitize_body(html, embed_hosts))
    return RenderedBody(
        safe,
        tuple(ctx.links),
        tuple(ctx.problems),
        tuple(ctx.internal),
        tuple(ctx.broken),
        tuple(sorted(ctx.lookups.items())),
        frozenset(_ID.findall(safe)),
        tuple(
            BodyExercise(found.number, found.id, found.title, found.line)
            for found in exercises_in(body, body_line=body_line)
        ),
        _headings(getattr(md, "toc_tokens", [])),
        mathml.MEMO.used(),
        highlight.MEMO.used(),
        body_search_text(safe),
    )


def _headings(tokens: list[dict[str, object]]) -> tuple[BodyHeading, ...]:
    """The TOC extension's nested tokens, flattened in document order."""
    found: list[BodyHeading] = []
    for token in tokens:
        level, ident, name = token.get("level"), token.get("id"), token.get("name")
        if isinstance(level, int) and isinstance(ident, str) and isinstance(name, str):
            found.append(BodyHeading(level, ident, html.unescape(name)))
        children = token.get("children")
        if isinstance(children, list):
            found += _headings(children)
    return tuple(found)


def warm_up() -> None:
    """Load what rendering a first body would (Python-Markdown, Pygments' lexers, the math
    converter), so that a process that waits for edits answers the first one quickly."""
    sample = "## A\n\n$x^2$\n\n```python\nx = 1\n```\n"
    render_body(
        sample,
        source="warm/00-up.md",
        page_url="warm/00-up/",
        targets=LinkTargets({}, frozenset()),
        path="warm-up",
        body_line=1,
    )
