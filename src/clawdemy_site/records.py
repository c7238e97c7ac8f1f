"""What one build keeps for the next: a parsed lesson file, a rendered body, a rendered page.

Frozen values, stored in the build cache (`buildcache.py`) and read back by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from clawdemy_site.content.models import Lesson
from clawdemy_site.errors import Diagnostic
from clawdemy_site.render.body import RenderedBody
from clawdemy_site.render.views import fingerprint


@dataclass(frozen=True)
class LessonRecord:
    """A lesson file parsed: the digest of what was parsed, the lesson, what was found, and
    the file's identity (inode, size, times) with when it was read."""

    digest: str
    lesson: Lesson | None
    diagnostics: tuple[Diagnostic, ...]
    path: str = ""
    stat: tuple[int, int, int, int] = (0, 0, 0, 0)
    read_at_ns: int = 0


@dataclass(frozen=True)
class BodyRecord:
    """A body rendered, keyed by its source; valid while every link lookup answers the same."""

    key: str
    body: RenderedBody

    @cached_property  # kept with the record (pickled too): every run asks for every body's
    def fingerprint(self) -> str:
        return fingerprint((self.key, self.body.lookups))


@dataclass(frozen=True)
class PageRecord:
    """A page as last rendered: the inputs it read (their fingerprints are the last run's),
    the digest of its templates and of its bytes, and the ids it offers and addresses it
    links to."""

    file: str
    inputs: tuple[str, ...]
    templates: str
    digest: str
    ids: frozenset[str]
    links: tuple[str, ...]
