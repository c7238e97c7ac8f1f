"""Every external URL the site cites, with every place it is written. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from clawdemy_site.content.models import FurtherStudy, Lesson, Site, SourceCurriculum
from clawdemy_site.links.model import ExternalLink, SourceRef
from clawdemy_site.records import BodyRecord


def _reference_urls(lesson: Lesson) -> Iterable[tuple[str, int, str | None]]:
    """(URL, line of its key, the entry's `archived:` copy of it)."""
    for entry in lesson.references:
        if isinstance(entry, FurtherStudy):
            yield entry.url, entry.url_line, entry.archived
        elif isinstance(entry, SourceCurriculum):
            yield entry.url, entry.url_line, entry.archived
            if entry.series_url and entry.series_url_line:
                yield entry.series_url, entry.series_url_line, None
            if entry.companion is not None:
                companion = entry.companion
                yield companion.url, companion.url_line, companion.archived


def external_links(site: Site, bodies: Mapping[str, BodyRecord]) -> tuple[ExternalLink, ...]:
    """Each URL once, sorted, with the sorted places that cite it."""
    places: dict[str, set[SourceRef]] = {}
    archived: dict[str, str] = {}
    for track in site.tracks:
        for lesson in track.lessons:
            found = list(_reference_urls(lesson))
            record = bodies.get(lesson.source)
            if record is not None:
                found += [(link.url, link.line, None) for link in record.body.external_links]
            for url, line, copy in found:
                places.setdefault(url, set()).add(SourceRef(lesson.path, line))
                if copy is not None:
                    archived.setdefault(url, copy)
    return tuple(
        ExternalLink(url, tuple(sorted(refs)), archived.get(url))
        for url, refs in sorted(places.items())
    )
