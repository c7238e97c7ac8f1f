"""Helpers shared by the build's tests: write small sites to disk, read built HTML pages.

Importable from any test because tests/conftest.py puts tests/ on sys.path.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

SITE_YML = "title: Test site\nbase_url: https://test.example/\nlanguage: en\n"
TRACK_YML = "title: Basics\nsummary: The basics.\n"


def lesson_text(
    number: int = 1, extra: str = "", *, title: str = "A lesson", body: str = ""
) -> str:
    """A valid lesson file; `extra` is added to the front matter (whole lines)."""
    return (
        f"---\ntitle: {title}\nlesson: {number}\nsummary: One line.\n{extra}---\n"
        f"{body or 'Some text.'}\n"
    )


def write_tree(root: Path, files: Mapping[str, str | bytes | None]) -> None:
    """Write `files` (relative path -> text or bytes) under `root`; None skips a file."""
    for rel, data in files.items():
        if data is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


def write_site(root: Path, files: Mapping[str, str | bytes | None]) -> Path:
    """A site under `root/content`: site.yml and track `t` with one good lesson, then `files`.

    `files` are relative to content/ and override the defaults (None removes one).
    Returns the content folder.
    """
    defaults: dict[str, str | bytes | None] = {
        "site.yml": SITE_YML,
        "t/track.yml": TRACK_YML,
        "t/01-intro.md": lesson_text(1, title="Intro"),
    }
    defaults.update(files)
    content = root / "content"
    write_tree(content, defaults)
    return content


def normalise(text: str) -> str:
    """Entities decoded, runs of white space made one space."""
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


@dataclass
class Page:
    """What the tests need from one built HTML page."""

    #: The text of <body>, tags stripped, white space normalised.
    text: str
    h1: list[str] = field(default_factory=list)
    h2: list[str] = field(default_factory=list)
    #: (tag, attribute, value) of every href and src, in document order, <head> included.
    links: list[tuple[str, str, str]] = field(default_factory=list)
    #: href of every <a> inside <body>, in order, with the link's text.
    body_anchors: list[tuple[str, str]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.chunks: list[str] = []
        self.heading: str | None = None
        self.heading_text: list[str] = []
        self.anchor: str | None = None
        self.anchor_text: list[str] = []
        self.page = Page(text="")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "body":
            self.in_body = True
        if values.get("id"):
            self.page.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.page.ids.add(str(values["name"]))
        for attribute in ("href", "src"):
            if values.get(attribute) is not None:
                self.page.links.append((tag, attribute, str(values[attribute])))
        if tag in ("h1", "h2"):
            self.heading = tag
            self.heading_text = []
        if tag == "a" and self.in_body:
            self.anchor = values.get("href") or ""
            self.anchor_text = []
        if tag in ("p", "li", "div", "dt", "dd", "h1", "h2", "h3", "br", "section", "ul"):
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.heading:
            text = normalise("".join(self.heading_text))
            (self.page.h1 if tag == "h1" else self.page.h2).append(text)
            self.heading = None
        if tag == "a" and self.anchor is not None:
            self.page.body_anchors.append((self.anchor, normalise("".join(self.anchor_text))))
            self.anchor = None
        if tag in ("p", "li", "div", "dt", "dd", "h1", "h2", "h3", "section", "ul"):
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if self.in_body:
            self.chunks.append(data)
        if self.heading:
            self.heading_text.append(data)
        if self.anchor is not None:
            self.anchor_text.append(data)


def parse_page(markup: str) -> Page:
    parser = _PageParser()
    parser.feed(markup)
    parser.close()
    page = parser.page
    page.text = normalise("".join(parser.chunks))
    return page


def read_page(path: Path) -> Page:
    return parse_page(path.read_text(encoding="utf-8"))
