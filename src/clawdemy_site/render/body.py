"""A lesson body as rendered: its HTML and what it links to, as frozen values.

Kept apart from `render.markdown` so that reading them back from the build cache does
not import Python-Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass

from clawdemy_site.errors import Diagnostic
from clawdemy_site.render.searchtext import SearchText


@dataclass(frozen=True)
class BodyLink:
    """An absolute http(s) URL written in a body, and the file line it is written on."""

    url: str
    line: int


@dataclass(frozen=True)
class InternalBodyLink:
    """A link to another place in the site, as written and as rewritten on the built page,
    and the file line and column where its address is written."""

    written: str
    href: str
    line: int
    column: int = 1


@dataclass(frozen=True)
class BrokenBodyLink:
    """A link in a body that names nothing publishable, as written, with the error about it."""

    written: str
    diagnostic: Diagnostic


@dataclass(frozen=True)
class BodyExercise:
    """An exercise block of a body: its number and title, the id its page gives it, and the
    file line where it opens."""

    number: int
    id: str
    title: str
    line: int

    @property
    def label(self) -> str:
        return exercise_label(self.number, self.title)


def exercise_label(number: int, title: str) -> str:
    """How an exercise is named on its page and in lists: `Exercise 2: Title`."""
    return f"Exercise {number}: {title}" if title else f"Exercise {number}"


@dataclass(frozen=True)
class BodyHeading:
    """A heading of a body (level 2 to 4), for an on-page contents list."""

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class RenderedBody:
    #: None in a record read from the build cache: the HTML is kept apart there and read
    #: only when a page that shows it is rendered again.
    html: str | None
    external_links: tuple[BodyLink, ...]
    diagnostics: tuple[Diagnostic, ...]
    internal_links: tuple[InternalBodyLink, ...] = ()
    broken_links: tuple[BrokenBodyLink, ...] = ()
    #: Every content path a link in the body named, with what `LinkTargets.lookup` answered:
    #: the body renders the same while each answer stays the same.
    lookups: tuple[tuple[str, tuple[str, str]], ...] = ()
    #: The ids of the body's elements (headings, footnotes), for `#fragment` checks.
    ids: frozenset[str] = frozenset()
    exercises: tuple[BodyExercise, ...] = ()
    headings: tuple[BodyHeading, ...] = ()
    #: The math converted ((TeX, display or not), MathML): a build cache keeps it apart, to
    #: render the body again without the converter while its math stays the same.
    math: tuple[tuple[tuple[str, bool], str], ...] = ()
    #: The code blocks highlighted (a digest of each block and its settings, the HTML), kept
    #: apart as the math is, to render the body again without Pygments' lexers.
    code: tuple[tuple[str, str], ...] = ()
    #: The body's text for the site's search index; kept apart in a build cache, as the
    #: HTML is (None in a record read from it).
    search: SearchText | None = None
