"""What each page shows, as a small frozen view, and the inputs each view was made from.

Views are built through `SiteInputs`, which hands out every piece of content under an
input id (`meta:<lesson file>`, `track:<slug>`, `site`, ...) and records the ids a view
asked for. Those records are the build's dependency graph: when an input's fingerprint
changes, exactly the pages that read it are rendered again. Pure: no IO.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeAlias

from clawdemy_site.content.models import (
    FurtherStudy,
    Lesson,
    LessonRef,
    Reference,
    Site,
    SiteConfig,
    SourceCurriculum,
    Track,
)
from clawdemy_site.plan import LessonPlace, PlannedPage, SitePlan
from clawdemy_site.render.body import BodyExercise, BodyHeading, RenderedBody


@dataclass(frozen=True)
class LessonEntry:
    """A lesson as lists show it: on its track's page, in a sidebar, as previous or next."""

    number: int
    title: str
    summary: str
    minutes: int
    draft: bool
    url: str


@dataclass(frozen=True)
class TrackFacts:
    slug: str
    title: str
    summary: str
    url: str
    exercises_url: str
    print_url: str


@dataclass(frozen=True)
class TrackNav:
    """A track with its lessons in order, as a track page or a lesson's sidebar shows it."""

    slug: str
    title: str
    summary: str
    url: str
    exercises_url: str
    print_url: str
    lessons: tuple[LessonEntry, ...]

    @property
    def total_minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass(frozen=True)
class LessonFacts:
    """What a lesson's own pages show of its front matter."""

    number: int
    title: str
    summary: str
    minutes: int
    draft: bool
    objectives: tuple[str, ...]
    keypoints: tuple[str, ...]
    url: str
    references_url: str


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
class HomeView:
    title: str
    tracks: tuple[TrackNav, ...]


@dataclass(frozen=True)
class CreditsView:
    title: str
    credits: tuple[CreditView, ...]


@dataclass(frozen=True)
class NotFoundView:
    title: str
    #: Every track, for a way back in.
    tracks: tuple[TrackFacts, ...] = ()


@dataclass(frozen=True)
class TrackView:
    title: str
    track: TrackNav
    #: Each lesson's own facts (objectives too), for a syllabus.
    syllabus: tuple[LessonFacts, ...] = ()


@dataclass(frozen=True)
class LessonView:
    title: str
    track: TrackNav
    lesson: LessonFacts
    #: Sanitized HTML from render.markdown.
    body: str
    previous: LessonEntry | None
    next: LessonEntry | None
    #: The lessons to read first.
    prerequisites: tuple[LessonLinkView, ...] = ()
    #: The body's headings, for an on-page contents list.
    contents: tuple[BodyHeading, ...] = ()
    #: The curricula the lesson follows and its further study (for JSON-LD).
    sources: tuple[SourceView, ...] = ()
    further: tuple[FurtherStudy, ...] = ()


@dataclass(frozen=True)
class ExerciseLink:
    label: str
    #: The lesson page's address with the exercise's `#id`.
    url: str


@dataclass(frozen=True)
class LessonExercises:
    lesson: LessonEntry
    exercises: tuple[ExerciseLink, ...]


@dataclass(frozen=True)
class ExercisesView:
    """A track's exercises, lesson by lesson, each linking back to where it is set."""

    title: str
    track: TrackFacts
    lessons: tuple[LessonExercises, ...]


@dataclass(frozen=True)
class PrintedLesson:
    lesson: LessonFacts
    #: The body's HTML with every id (and `#id` link) prefixed, so lessons cannot collide.
    body: str
    sources: tuple[SourceView, ...]
    further: tuple[FurtherStudy, ...]


@dataclass(frozen=True)
class PrintView:
    """Every lesson of a track in order on one page, to print or save as PDF."""

    title: str
    track: TrackFacts
    lessons: tuple[PrintedLesson, ...]


@dataclass(frozen=True)
class ReferencesView:
    title: str
    track: TrackFacts
    lesson: LessonFacts
    sources: tuple[SourceView, ...]
    further: tuple[FurtherStudy, ...]
    leads: tuple[LessonLinkView, ...]


#: Each lesson's input fingerprints (meta, lesson, refs), by the lesson value's id.
LessonPrints: TypeAlias = dict[int, tuple[Lesson, LessonPlace, tuple[str, str, str]]]

PageView: TypeAlias = (
    HomeView
    | CreditsView
    | NotFoundView
    | TrackView
    | LessonView
    | ReferencesView
    | ExercisesView
    | PrintView
)


def fingerprint(value: object) -> str:
    """A stable digest of a frozen value (its repr: dataclasses, tuples, text, numbers)."""
    return hashlib.sha1(repr(value).encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class SiteIndex:
    """The site's lessons by file and tracks by slug, made once a run for every view."""

    lessons: Mapping[str, Lesson]
    tracks: Mapping[str, Track]
    #: Parts of views made from this site and a plan, by what they are (see `SiteInputs`):
    #: each lesson page of a track lists the same entries, which were made again for each.
    made: dict[tuple[str, str], tuple[SitePlan, object, tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @staticmethod
    def of(site: Site) -> SiteIndex:
        lessons = {lesson.source: lesson for track in site.tracks for lesson in track.lessons}
        return SiteIndex(lessons, {track.slug: track for track in site.tracks})


@dataclass
class SiteInputs:
    """Every piece of content a view may read, each under its input id; records what is read.

    `body(source)` gives a lesson's rendered body, fetched only when a view needs it.
    """

    site: Site
    plan: SitePlan
    body: Callable[[str], RenderedBody]
    index: SiteIndex
    read: set[str] = field(default_factory=set)

    @property
    def _lessons(self) -> Mapping[str, Lesson]:
        return self.index.lessons

    # Each accessor below is one input, recorded when read.

    def config(self) -> SiteConfig:
        self.read.add("site")
        return self.site.config

    def track_slugs(self) -> tuple[str, ...]:
        self.read.add("tracks")
        return tuple(track.slug for track in self.site.tracks)

    def track(self, slug: str) -> TrackFacts:
        self.read.add(f"track:{slug}")
        return self._track_facts(slug)

    def track_lessons(self, slug: str) -> tuple[str, ...]:
        self.read.add(f"track-lessons:{slug}")
        return self._track_lessons(slug)

    def entry(self, source: str) -> LessonEntry:
        self.read.add(f"meta:{source}")
        return self._entry(source)

    def track_nav(self, slug: str) -> TrackNav:
        """The track with its lessons' entries (reading the track, its lesson list and each
        entry), made once for the run's plan."""
        made = self.index.made.get(("nav", slug))
        if made is None or made[0] is not self.plan:
            facts = self.track(slug)
            sources = self.track_lessons(slug)
            entries = tuple(self._entry(source) for source in sources)
            nav = TrackNav(
                facts.slug,
                facts.title,
                facts.summary,
                facts.url,
                facts.exercises_url,
                facts.print_url,
                entries,
            )
            reads = (f"track:{slug}", f"track-lessons:{slug}", *(f"meta:{s}" for s in sources))
            made = self.index.made[("nav", slug)] = (self.plan, nav, reads)
        self.read.update(made[2])
        assert isinstance(made[1], TrackNav)
        return made[1]

    def facts(self, source: str) -> LessonFacts:
        self.read.add(f"lesson:{source}")
        return self._facts(source)

    def references(self, source: str) -> tuple[Reference, ...]:
        self.read.add(f"refs:{source}")
        return self._lessons[source].references

    def body_html(self, source: str) -> str:
        self.read.add(f"body:{source}")
        html = self.body(source).html
        assert html is not None, "a body's HTML is read before its view is built"
        return html

    def body_exercises(self, source: str) -> tuple[BodyExercise, ...]:
        self.read.add(f"body:{source}")
        return self.body(source).exercises

    def prerequisites(self, source: str) -> tuple[LessonRef, ...]:
        """Part of the lesson's own front matter (`lesson:<file>`)."""
        self.read.add(f"lesson:{source}")
        return self._lessons[source].prerequisites

    def lesson_at(self, track: str, number: int) -> str | None:
        """The lesson file numbered `number` in `track`: part of that track's lesson list."""
        self.track_lessons(track)
        place = self.plan.lesson_at(track, number)
        return place.source if place else None

    def _track_facts(self, slug: str) -> TrackFacts:
        track = self.index.tracks[slug]
        exercises, printable = self.plan.track_pages[slug]
        return TrackFacts(
            slug, track.title, track.summary, self.plan.tracks[slug], exercises, printable
        )

    def _track_lessons(self, slug: str) -> tuple[str, ...]:
        return tuple(lesson.source for lesson in self.index.tracks[slug].lessons)

    def _entry(self, source: str) -> LessonEntry:
        made = self.index.made.get(("entry", source))
        if made is not None and made[0] is self.plan:
            assert isinstance(made[1], LessonEntry)
            return made[1]
        lesson = self._lessons[source]
        url = self.plan.lessons[source].url
        entry = LessonEntry(
            lesson.number, lesson.title, lesson.summary, lesson.minutes, lesson.draft, url
        )
        self.index.made[("entry", source)] = (self.plan, entry, ())
        return entry

    def _facts(self, source: str) -> LessonFacts:
        lesson = self._lessons[source]
        place = self.plan.lessons[source]
        return LessonFacts(
            lesson.number,
            lesson.title,
            lesson.summary,
            lesson.minutes,
            lesson.draft,
            lesson.objectives,
            lesson.keypoints,
            place.url,
            place.references_url,
        )

    def fingerprints(
        self, body_fingerprints: Mapping[str, str], memo: LessonPrints | None = None
    ) -> dict[str, str]:
        """The fingerprint of every input of the site (bodies' come from the caller).

        `memo` keeps each lesson's fingerprints from one run to the next, for as long as the
        same lesson value is published at the same address."""
        memo = {} if memo is None else memo
        config = self.site.config
        found = {
            "site": fingerprint(config),
            "tracks": fingerprint(tuple(track.slug for track in self.site.tracks)),
        }
        for track in self.site.tracks:
            found[f"track:{track.slug}"] = fingerprint(self._track_facts(track.slug))
            found[f"track-lessons:{track.slug}"] = fingerprint(self._track_lessons(track.slug))
        for source, lesson in self._lessons.items():
            place = self.plan.lessons[source]
            known = memo.get(id(lesson))
            if known is None or known[0] is not lesson or known[1] != place:
                prints = (
                    fingerprint(self._entry(source)),
                    fingerprint(self._facts(source)),
                    fingerprint(lesson.references),
                )
                known = memo[id(lesson)] = (lesson, place, prints)
            meta, facts, references = known[2]
            found[f"meta:{source}"] = meta
            found[f"lesson:{source}"] = facts
            found[f"refs:{source}"] = references
            found[f"body:{source}"] = body_fingerprints[source]
        return found


# ---- building each view -------------------------------------------------------------


def _track_nav(inputs: SiteInputs, slug: str) -> TrackNav:
    return inputs.track_nav(slug)


def _lesson_link(
    inputs: SiteInputs, source: str, *, from_track: str, note: str | None = None
) -> LessonLinkView:
    entry = inputs.entry(source)
    track = inputs.plan.lessons[source].track
    other = inputs.track(track).title if track != from_track else None
    return LessonLinkView(entry.title, entry.number, entry.url, note, other)


def _home(inputs: SiteInputs) -> HomeView:
    tracks = tuple(_track_nav(inputs, slug) for slug in inputs.track_slugs())
    return HomeView(inputs.config().title, tracks)


def _credits(inputs: SiteInputs) -> CreditsView:
    order: list[tuple[str, str]] = []
    by_key: dict[tuple[str, str], tuple[SourceCurriculum, list[LessonLinkView]]] = {}
    for slug in inputs.track_slugs():
        for source in inputs.track_lessons(slug):
            for entry in inputs.references(source):
                if not isinstance(entry, SourceCurriculum):
                    continue
                key = (entry.title, entry.url)
                if key not in by_key:
                    order.append(key)
                    by_key[key] = (entry, [])
                by_key[key][1].append(_lesson_link(inputs, source, from_track=""))
    views = tuple(CreditView(by_key[key][0], tuple(by_key[key][1])) for key in order)
    return CreditsView("Credits", views)


def _neighbours(inputs: SiteInputs, source: str) -> tuple[LessonEntry | None, LessonEntry | None]:
    place = inputs.plan.lessons[source]
    order = inputs.track_lessons(place.track)
    previous = inputs.entry(order[place.index - 1]) if place.index > 0 else None
    following = inputs.entry(order[place.index + 1]) if place.index + 1 < len(order) else None
    return previous, following


def _linked_lessons(
    inputs: SiteInputs, refs: Iterable[LessonRef], from_track: str
) -> tuple[LessonLinkView, ...]:
    links = []
    for ref in refs:
        target = inputs.lesson_at(ref.track, ref.number)
        if target is not None:  # validation already reported any that is missing
            links.append(_lesson_link(inputs, target, from_track=from_track, note=ref.note))
    return tuple(links)


def _lesson(inputs: SiteInputs, source: str) -> LessonView:
    facts = inputs.facts(source)
    slug = inputs.plan.lessons[source].track
    track = _track_nav(inputs, slug)
    previous, following = _neighbours(inputs, source)
    body = inputs.body_html(source)
    before = _linked_lessons(inputs, inputs.prerequisites(source), slug)
    contents = inputs.body(source).headings  # part of `body:<file>`, already read
    entries = inputs.references(source)
    further = _further(entries)
    return LessonView(
        facts.title,
        track,
        facts,
        body,
        previous,
        following,
        before,
        contents,
        _sources(inputs, entries),
        further,
    )


def _exercises(inputs: SiteInputs, slug: str) -> ExercisesView:
    track = inputs.track(slug)
    groups = []
    for source in inputs.track_lessons(slug):
        found = inputs.body_exercises(source)
        if found:
            entry = inputs.entry(source)
            links = tuple(ExerciseLink(e.label, f"{entry.url}#{e.id}") for e in found)
            groups.append(LessonExercises(entry, links))
    return ExercisesView(f"Exercises: {track.title}", track, tuple(groups))


_PRINT_ID = re.compile(r'(\sid="|\shref="#)([^"]*)"')
_SCROLLER_NAME = re.compile(r'(role="region" aria-label=")((?:Table|Code|Equation|Formula) \d+")')
_HEADING_TAG = re.compile(r"<(/?)h([2-5])\b")


@lru_cache(maxsize=2048)  # a track's printable page shows every body: `serve` keeps them
def _printable(html: str, prefix: str, number: int) -> str:
    """`html` with its ids and same-page links prefixed, to sit beside other lessons, its
    scrollers named with the lesson's number, and its headings one level down, under the
    lesson's own heading."""
    html = _PRINT_ID.sub(lambda m: f'{m.group(1)}{prefix}{m.group(2)}"', html)
    html = _SCROLLER_NAME.sub(lambda m: f"{m.group(1)}Lesson {number}, {m.group(2)}", html)
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)


def _sources(inputs: SiteInputs, entries: Iterable[Reference]) -> tuple[SourceView, ...]:
    views = []
    for entry in entries:
        if isinstance(entry, SourceCurriculum):
            statement = entry.statement or inputs.config().attribution
            views.append(SourceView(entry, statement))
    return tuple(views)


def _further(entries: Iterable[Reference]) -> tuple[FurtherStudy, ...]:
    return tuple(entry for entry in entries if isinstance(entry, FurtherStudy))


def _print(inputs: SiteInputs, slug: str) -> PrintView:
    track = inputs.track(slug)
    lessons = []
    for source in inputs.track_lessons(slug):
        facts = inputs.facts(source)
        entries = inputs.references(source)
        body = _printable(inputs.body_html(source), f"lesson-{facts.number}-", facts.number)
        further = _further(entries)
        lessons.append(PrintedLesson(facts, body, _sources(inputs, entries), further))
    return PrintView(f"{track.title}: every lesson", track, tuple(lessons))


def _references(inputs: SiteInputs, source: str) -> ReferencesView:
    facts = inputs.facts(source)
    slug = inputs.plan.lessons[source].track
    entries = inputs.references(source)
    sources = _sources(inputs, entries)
    leads = _linked_lessons(
        inputs, (entry for entry in entries if isinstance(entry, LessonRef)), slug
    )
    further = _further(entries)
    return ReferencesView(
        f"References: {facts.title}",
        inputs.track(slug),
        facts,
        sources,
        further,
        leads,
    )


def page_view(inputs: SiteInputs, page: PlannedPage) -> PageView:
    """The view of one planned page; what it read is added to `inputs.read`."""
    if page.kind == "home":
        return _home(inputs)
    if page.kind == "credits":
        return _credits(inputs)
    if page.kind == "not_found":
        tracks = tuple(inputs.track(slug) for slug in inputs.track_slugs())
        return NotFoundView("Page not found", tracks)
    assert page.subject is not None
    if page.kind == "track":
        syllabus = tuple(inputs.facts(source) for source in inputs.track_lessons(page.subject))
        return TrackView(
            inputs.track(page.subject).title, _track_nav(inputs, page.subject), syllabus
        )
    if page.kind == "lesson":
        return _lesson(inputs, page.subject)
    if page.kind == "exercises":
        return _exercises(inputs, page.subject)
    if page.kind == "print":
        return _print(inputs, page.subject)
    return _references(inputs, page.subject)
