"""Internal links of the site: every href/src names a published file, every #fragment an id.

Judging is pure: the engine records each page's ids and links as it renders it, and each
broken link is reported against the lesson line that wrote it, or the template that made it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from clawdemy_site.links.model import LinkResult, SourceRef
from clawdemy_site.links.status import Broken, Ok


@dataclass(frozen=True)
class PageScan:
    """What one built HTML page offers (ids) and asks for (the addresses it links to)."""

    ids: frozenset[str]
    links: tuple[str, ...]


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
