"""Plan every page of the site as an `OutputPage`: its address, template and what it shows.

Pure: a `Site` and the rendered lesson bodies in, page plans out. The views
hold only what templates need, resolved (a `lesson` entry already carries the
title and address of the lesson it names).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from clawdemy_site.content.models import (
    FurtherStudy,
    Lesson,
    Site,
    SourceCurriculum,
    Track,
)


@dataclass(frozen=True)
class LessonLinkView:
    """A lesson named from another page: `<title> (lesson N)`."""

    title: str
    number: int
    url: str
    note: str | None = None
    #: The track's title when the lesson is in another track than the page's.
    other_track: str | None = None


@dataclass(frozen=True)
class SourceView:
    source: SourceCurriculum
    #: The statement shown under it: its own `statement`, else the site's `attribution`.
    statement: str | None


@dataclass(frozen=True)
class CreditView:
    source: SourceCurriculum
    lessons: tuple[LessonLinkView, ...]


@dataclass(frozen=True)
class OutputPage:
    """One HTML page to write: the address (site-relative folder) and its template's data."""

    url: str
    template: str
    title: str
    data: Mapping[str, object] = field(default_factory=dict)


def _lesson_link(
    lesson: Lesson, site: Site, *, from_track: str, note: str | None = None
) -> LessonLinkView:
    other = None
    if lesson.track != from_track:
        track = site.track(lesson.track)
        other = track.title if track else lesson.track
    return LessonLinkView(lesson.title, lesson.number, lesson.url, note, other)


def _neighbours(track: Track, index: int) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after the one at `index` in the track."""
    previous = track.lessons[index - 1] if index > 0 else None
    following = track.lessons[index + 1] if index + 1 < len(track.lessons) else None
    return previous, following


def _leads_to(lesson: Lesson, site: Site) -> tuple[LessonLinkView, ...]:
    views = []
    for ref in lesson.leads_to:
        target = site.lesson(ref.track, ref.number)
        if target is not None:  # validation already reported any that is missing
            views.append(_lesson_link(target, site, from_track=lesson.track, note=ref.note))
    return tuple(views)


def plan_lesson_pages(
    site: Site, track: Track, index: int, body_html: str
) -> tuple[OutputPage, ...]:
    """The lesson page and the references page of the track's `index`-th lesson."""
    lesson = track.lessons[index]
    previous, following = _neighbours(track, index)
    lesson_page = OutputPage(
        url=lesson.url,
        template="lesson.html",
        title=lesson.title,
        data={
            "track": track,
            "lesson": lesson,
            "body": body_html,
            "previous": previous,
            "next": following,
        },
    )
    sources = tuple(
        SourceView(source, source.statement or site.config.attribution) for source in lesson.sources
    )
    further: tuple[FurtherStudy, ...] = lesson.further_study
    references_page = OutputPage(
        url=lesson.references_url,
        template="references.html",
        title=f"References: {lesson.title}",
        data={
            "track": track,
            "lesson": lesson,
            "sources": sources,
            "further": further,
            "leads": _leads_to(lesson, site),
        },
    )
    return lesson_page, references_page


def _credits(site: Site) -> tuple[CreditView, ...]:
    order: list[tuple[str, str]] = []
    by_key: dict[tuple[str, str], tuple[SourceCurriculum, list[LessonLinkView]]] = {}
    for track in site.tracks:
        for lesson in track.lessons:
            for source in lesson.sources:
                key = (source.title, source.url)
                if key not in by_key:
                    order.append(key)
                    by_key[key] = (source, [])
                by_key[key][1].append(_lesson_link(lesson, site, from_track=""))
    return tuple(CreditView(by_key[key][0], tuple(by_key[key][1])) for key in order)


def plan_site(site: Site, bodies: Mapping[tuple[str, int], str]) -> tuple[OutputPage, ...]:
    """Every page of the site. `bodies` maps (track, lesson number) to the body's HTML."""
    pages = [
        OutputPage(
            url="", template="home.html", title=site.config.title, data={"tracks": site.tracks}
        ),
        OutputPage(
            url="credits/",
            template="credits.html",
            title="Credits",
            data={"credits": _credits(site)},
        ),
        OutputPage(url="404.html", template="404.html", title="Page not found"),
    ]
    for track in site.tracks:
        pages.append(
            OutputPage(
                url=track.url, template="track.html", title=track.title, data={"track": track}
            )
        )
        for index, lesson in enumerate(track.lessons):
            pages += plan_lesson_pages(site, track, index, bodies[(lesson.track, lesson.number)])
    return tuple(pages)
