"""Internal links of the site: every href/src names a published file, every #fragment an id.

Judging is pure: the engine records each page's ids and links as it renders it, and each
broken link is reported against the lesson line that wrote it, or the template that made it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from clawdemy_site.links.model import LinkResult, SourceRef
from clawdemy_site.links.status import Broken, Ok
from clawdemy_site.records import PageRecord
from clawdemy_site.render.urls import resolve_href


@dataclass(frozen=True)
class LinkOrigin:
    """Where a link on a built page was written: the lesson file's lines (one per time the
    author wrote it there), and the address as written."""

    written: str
    sources: tuple[SourceRef, ...]


def judge_internal(
    pages: Mapping[str, PageRecord],
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
