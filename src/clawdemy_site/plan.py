"""The site plan: every page and file the build publishes, computed once from the content.

This is the one place that decides addresses. A page's address (`neural-networks/02-x/`),
its output file (`neural-networks/02-x/index.html`), its template and what it is about
are fixed here; the renderer, the sitemap, link targets, internal-link checks and the
writer all read them from the plan. Pure: a `Site` in, a `SitePlan` out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from clawdemy_site.content.models import Lesson, Site, Track, lesson_file_parts

PageKind = Literal[
    "home", "credits", "not_found", "track", "lesson", "references", "exercises", "print"
]

#: The theme template that renders each kind of page.
TEMPLATES: Mapping[PageKind, str] = {
    "home": "home.html",
    "credits": "credits.html",
    "not_found": "404.html",
    "track": "track.html",
    "lesson": "lesson.html",
    "references": "references.html",
    "exercises": "exercises.html",
    "print": "print.html",
}


def page_file(url: str) -> str:
    """The file that serves a page address: `a/b/` -> `a/b/index.html`, `` -> `index.html`."""
    return f"{url}index.html" if url.endswith("/") or url == "" else url


def lesson_url(track: str, slug: str) -> str:
    """A lesson page's address: its track's folder, then its file name without `.md`."""
    return f"{track}/{slug}/"


@dataclass(frozen=True)
class PlannedPage:
    """One HTML page: its id, address, output file, template, and the content it is about."""

    id: str
    kind: PageKind
    #: Site-relative address: `""` is the home page, folders end with `/`.
    url: str
    #: The lesson file (`neural-networks/02-x.md`) or track slug the page shows, if any.
    subject: str | None = None

    @cached_property
    def file(self) -> str:
        return page_file(self.url)

    @property
    def template(self) -> str:
        return TEMPLATES[self.kind]

    @property
    def in_sitemap(self) -> bool:
        return self.kind != "not_found"


@dataclass(frozen=True)
class LessonPlace:
    """Where a lesson is published, and where it sits in its track."""

    source: str
    track: str
    number: int
    url: str
    references_url: str
    #: Position in the track's lesson list (0-based).
    index: int


@dataclass(frozen=True)
class SitePlan:
    pages: tuple[PlannedPage, ...]
    #: Lesson file (relative to content/) -> where it is published.
    lessons: Mapping[str, LessonPlace]
    #: Track slug -> the track page's address.
    tracks: Mapping[str, str]
    #: Track slug -> its exercises page's and printable page's addresses.
    track_pages: Mapping[str, tuple[str, str]]
    #: (track, lesson number) -> lesson file, for `lesson` references.
    numbers: Mapping[tuple[str, int], str]
    #: Asset files, published at the same relative place.
    assets: frozenset[str]
    #: Lesson files left out of this build because they are drafts.
    drafts: frozenset[str] = frozenset()
    by_id: Mapping[str, PlannedPage] = field(init=False, repr=False, compare=False)
    by_file: Mapping[str, PlannedPage] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {page.id: page for page in self.pages})
        object.__setattr__(self, "by_file", {page.file: page for page in self.pages})

    def lesson_at(self, track: str, number: int) -> LessonPlace | None:
        source = self.numbers.get((track, number))
        return self.lessons[source] if source is not None else None

    def sitemap_urls(self, base_url: str) -> Iterator[str]:
        return (base_url + page.url for page in self.pages if page.in_sitemap)


def lesson_page_id(source: str) -> str:
    return f"lesson:{source}"


def references_page_id(source: str) -> str:
    return f"references:{source}"


def track_page_id(slug: str) -> str:
    return f"track:{slug}"


def exercises_page_id(slug: str) -> str:
    return f"exercises:{slug}"


def print_page_id(slug: str) -> str:
    return f"print:{slug}"


def _lesson_place(lesson: Lesson, index: int) -> LessonPlace:
    url = lesson_url(lesson.track, lesson.slug)
    return LessonPlace(lesson.source, lesson.track, lesson.number, url, f"{url}references/", index)


def plan_site(site: Site, *, drafts: frozenset[str] = frozenset()) -> SitePlan:
    """Every page of `site`, in the order the sitemap lists them."""
    pages = [PlannedPage("home", "home", ""), PlannedPage("credits", "credits", "credits/")]
    lessons: dict[str, LessonPlace] = {}
    tracks: dict[str, str] = {}
    track_pages: dict[str, tuple[str, str]] = {}
    for track in site.tracks:
        slug = track.slug
        tracks[slug] = f"{slug}/"
        track_pages[slug] = (f"{slug}/exercises/", f"{slug}/print/")
        pages.append(PlannedPage(track_page_id(slug), "track", tracks[slug], slug))
        for index, lesson in enumerate(track.lessons):
            place = lessons[lesson.source] = _lesson_place(lesson, index)
            source = place.source
            pages.append(PlannedPage(lesson_page_id(source), "lesson", place.url, source))
            pages.append(
                PlannedPage(references_page_id(source), "references", place.references_url, source)
            )
        exercises_url, print_url = track_pages[slug]
        pages.append(PlannedPage(exercises_page_id(slug), "exercises", exercises_url, slug))
        pages.append(PlannedPage(print_page_id(slug), "print", print_url, slug))
    pages.append(PlannedPage("404", "not_found", "404.html"))
    numbers = {(place.track, place.number): source for source, place in lessons.items()}
    return SitePlan(
        pages=tuple(pages),
        lessons=lessons,
        tracks=tracks,
        track_pages=track_pages,
        numbers=numbers,
        assets=frozenset(asset.rel for asset in site.assets),
        drafts=drafts,
    )


@dataclass(frozen=True)
class LinkTargets:
    """Where content files are published, by their path relative to content/: what a link
    written in a lesson body can name."""

    #: Lesson files to page addresses: `neural-networks/03-x.md` -> `neural-networks/03-x/`.
    pages: Mapping[str, str]
    #: Asset files, published at the same relative place.
    assets: frozenset[str]
    #: Lesson files that are drafts left out of this build.
    drafts: frozenset[str] = frozenset()
    tracks: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        folders = frozenset(url.split("/", 1)[0] + "/" for url in self.pages.values())
        object.__setattr__(self, "tracks", folders)

    def lookup(self, target: str) -> tuple[str, str]:
        """What a content-relative path names: (`draft`|`page`|`asset`|`folder`|`missing`,
        its site-relative address). The one answer a body link is resolved from, so a
        rendered body stays valid while every lookup it made gives the same answer."""
        if target in self.drafts:
            return "draft", ""
        if target in self.pages:
            return "page", self.pages[target]
        if target in self.assets:
            return "asset", target
        folder = target.rstrip("/") + "/"
        if folder == "./":
            return "folder", ""
        if folder in self.tracks:
            return "folder", folder
        return "missing", ""


def link_targets(
    lesson_files: frozenset[str], assets: frozenset[str], drafts: frozenset[str]
) -> LinkTargets:
    """Link targets from every lesson file found (`track/NN-slug.md`), so that a body link
    to a lesson that failed to parse is not reported as broken on top of its own errors."""
    pages = {}
    for path in lesson_files - drafts:
        pages[path] = lesson_url(*lesson_file_parts(path))
    return LinkTargets(pages=pages, assets=assets, drafts=drafts)


def track_of(site: Site, slug: str) -> Track | None:
    return next((track for track in site.tracks if track.slug == slug), None)
