"""The site as frozen values: what the loader produces and every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeAlias

from clawdemy_site.content.yamlnodes import Pos

#: Further-study entry types, in the order the contract lists them.
FURTHER_STUDY_TYPES: tuple[str, ...] = (
    "video",
    "book",
    "article",
    "paper",
    "interactive",
    "course",
    "tool",
)


@dataclass(frozen=True)
class FurtherStudy:
    """A `video`, `book`, `article`, ... entry: one specific next step outside the site."""

    kind: str
    title: str
    url: str
    url_line: int
    by: str | None = None
    publisher: str | None = None
    minutes: int | None = None
    role: str | None = None
    note: str | None = None
    #: `archived:`, a copy to fall back on when `url` dies (the references page links it).
    archived: str | None = None


@dataclass(frozen=True)
class Contributor:
    name: str
    role: str


@dataclass(frozen=True)
class SourceCurriculum:
    """A `source` entry: the curriculum a lesson mirrors, with what its licence asks of us."""

    title: str
    creator: str
    url: str
    url_line: int
    license: str
    publisher: str | None = None
    series_url: str | None = None
    series_url_line: int | None = None
    contributors: tuple[Contributor, ...] = ()
    mirrors: str | None = None
    statement: str | None = None
    companion: FurtherStudy | None = None
    #: `archived:`, a copy to fall back on when `url` dies (the references page links it).
    archived: str | None = None


@dataclass(frozen=True)
class LessonRef:
    """A `lesson` entry: where this lesson leads inside the site."""

    track: str
    number: int
    note: str | None
    pos: Pos


Reference: TypeAlias = SourceCurriculum | FurtherStudy | LessonRef


@dataclass(frozen=True)
class Lesson:
    track: str
    number: int
    #: The file name without `.md`, e.g. `02-neurons-as-numbers`; also the page's folder.
    slug: str
    #: The lesson file as the user names it (relative to the current directory when possible).
    path: str
    title: str
    summary: str
    minutes: int
    minutes_given: bool
    objectives: tuple[str, ...]
    draft: bool
    references: tuple[Reference, ...]
    body: str
    #: Line of the file where the body starts.
    body_line: int
    #: `keypoints`: what to remember, shown at the end of the lesson.
    keypoints: tuple[str, ...] = ()
    #: `prerequisites`: lessons to read first (checked like `lesson` entries).
    prerequisites: tuple[LessonRef, ...] = ()
    #: Where the value of `lesson:` (the number) is written, for messages about it.
    number_pos: Pos = Pos(1, 1)

    @cached_property
    def source(self) -> str:
        """The lesson file relative to content/, e.g. `neural-networks/02-x.md`."""
        return f"{self.track}/{self.slug}.md"

    @property
    def sources(self) -> tuple[SourceCurriculum, ...]:
        return tuple(r for r in self.references if isinstance(r, SourceCurriculum))

    @property
    def further_study(self) -> tuple[FurtherStudy, ...]:
        return tuple(r for r in self.references if isinstance(r, FurtherStudy))

    @property
    def leads_to(self) -> tuple[LessonRef, ...]:
        return tuple(r for r in self.references if isinstance(r, LessonRef))


@dataclass(frozen=True)
class Track:
    slug: str
    title: str
    summary: str
    position: int | None
    lessons: tuple[Lesson, ...]
    path: str

    @property
    def total_minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass(frozen=True)
class LinksConfig:
    """`links:` in site.yml: settings for `clawdemy check-links`."""

    exclude: tuple[str, ...] = ()
    accept: tuple[int, ...] = ()
    timeout: float | None = None
    max_age: float | None = None
    #: Failing runs in a row before a link that used to work stops being excused as flaky...
    flaky_runs: int | None = None
    #: ... provided they span at least this many seconds.
    flaky_seconds: float | None = None
    hosts: tuple[tuple[str, int | None, tuple[tuple[str, str], ...]], ...] = ()
    #: `unverifiable: fail`: a link behind a bot wall fails the run (default: a warning).
    unverifiable_fails: bool = False
    #: Base URL of the DOI handle API (`https://doi.org/api/handles/` when None).
    doi_api: str | None = None
    #: Base URL of the Wayback availability API (`https://archive.org/wayback/available`).
    archive_api: str | None = None


@dataclass(frozen=True)
class SiteConfig:
    title: str
    base_url: str
    language: str
    description: str | None = None
    license: str | None = None
    attribution: str | None = None
    links: LinksConfig = LinksConfig()
    #: Hosts whose pages a body may embed in an `iframe` (`www.youtube.com`); none by default.
    embed_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Asset:
    """A non-lesson file under content/, published at the same relative place."""

    source: Path
    #: Posix path relative to the content folder, e.g. `neural-networks/images/seven.png`.
    rel: str


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    tracks: tuple[Track, ...]
    assets: tuple[Asset, ...]
    content_dir: Path

    def track(self, slug: str) -> Track | None:
        return next((t for t in self.tracks if t.slug == slug), None)


def lesson_file_parts(rel: str) -> tuple[str, str]:
    """A lesson file's track and stem, from its path under content/ (`t/02-x.md` ->
    (`t`, `02-x`))."""
    track, _, name = rel.partition("/")
    return track, name.removesuffix(".md")
