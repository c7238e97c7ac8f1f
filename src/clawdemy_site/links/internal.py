"""Internal links of a built site: every href/src names a built file, every #fragment an id.

Scanning reads the built HTML (IO); judging is pure and reports each broken
link against the lesson line that wrote it, or the template that made it.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from clawdemy_site.links.model import LinkResult, SourceRef
from clawdemy_site.links.status import Broken, Ok

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}


@dataclass(frozen=True)
class PageScan:
    """What one built HTML page offers (ids) and asks for (the addresses it links to)."""

    ids: frozenset[str]
    links: tuple[str, ...]


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(str(values[key]))
        attribute = LINK_ATTRIBUTES.get(tag)
        target = values.get(attribute) if attribute else None
        if target is not None:
            self.links.append(target.strip())


def scan_page(html: str) -> PageScan:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return PageScan(frozenset(scanner.ids), tuple(scanner.links))


def scan_built_site(out_dir: Path) -> tuple[dict[str, PageScan], frozenset[str]]:
    """Each HTML page's scan by its path relative to `out_dir`, and every built file's path."""
    pages: dict[str, PageScan] = {}
    files: set[str] = set()
    for root, _dirs, names in os.walk(out_dir):
        for name in names:
            path = Path(root, name)
            rel = path.relative_to(out_dir).as_posix()
            files.add(rel)
            if name.endswith(".html"):
                pages[rel] = scan_page(path.read_text(encoding="utf-8", errors="replace"))
    return pages, frozenset(files)


@dataclass(frozen=True)
class LinkOrigin:
    """Where a link on a built page was written: the lesson file's lines (one per time the
    author wrote it there), and the address as written."""

    written: str
    sources: tuple[SourceRef, ...]


def resolve_href(
    page: str, href: str, files: frozenset[str], base_path: str
) -> tuple[str | None, str]:
    """(the built file `href` names from `page`, or None; the fragment).

    `base_path` is the path of the site's base_url (`/course/`): an address
    starting with `/` must start with it.
    """
    parts = urlsplit(href)
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    if path.startswith("/"):
        if not path.startswith(base_path):
            return None, parts.fragment
        base, path = "", path[len(base_path) :] or "./"
    else:
        base = posixpath.dirname(page)
    target = posixpath.normpath(posixpath.join(base, path))
    if target.startswith(".."):
        return None, parts.fragment
    if path.endswith("/") or target in (".", ""):
        target = "index.html" if target in (".", "") else f"{target}/index.html"
    elif target not in files and f"{target}/index.html" in files:
        target = f"{target}/index.html"
    return (target if target in files else None), parts.fragment


def judge_internal(
    pages: Mapping[str, PageScan],
    files: frozenset[str],
    *,
    origins: Mapping[tuple[str, str], LinkOrigin],
    locate: Callable[[str, str, str | None], SourceRef],
    base_path: str = "/",
) -> list[LinkResult]:
    """One result per link target, with every place that names it.

    `origins` maps (page, href) to the lesson lines that wrote a body link;
    `locate(page, href, target)` names the template line of every other link,
    `target` being the built file the link reaches (None when it reaches none).
    """
    found: dict[tuple[str, str, str], set[SourceRef]] = {}
    for page, scan in sorted(pages.items()):
        for href in scan.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # external: checked from the content, not the build
            target, fragment = resolve_href(page, href, files, base_path)
            status, detail = "ok", ""
            if target is None:
                status, detail = "broken", f"no built file for `{href}` on {page}"
            elif fragment and target.endswith(".html"):
                scan_target = pages.get(target)
                if scan_target is not None and unquote(fragment) not in scan_target.ids:
                    status, detail = "broken", f"fragment #{fragment} not found on {target}"
            origin = origins.get((page, href))
            written = origin.written if origin else href
            where = origin.sources if origin else (locate(page, href, target),)
            found.setdefault((written, status, detail), set()).update(where)
    return [
        LinkResult(
            url=written,
            state=Ok(detail=detail) if status == "ok" else Broken(detail=detail),
            sources=tuple(sorted(refs)),
        )
        for (written, status, detail), refs in sorted(found.items())
    ]
