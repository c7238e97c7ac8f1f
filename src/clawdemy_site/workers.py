"""Rendering bodies and pages, in this process or across cores in a pool of workers.

The jobs and results are frozen values that cross process boundaries; what every page
reads (the site, its plan, the bodies) is inherited by the forked workers instead. A pool
is forked only when there is enough work to pay for it, and its workers die with their
build.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import html
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from clawdemy_site.errors import Diagnostic
from clawdemy_site.plan import LinkTargets, PlannedPage
from clawdemy_site.render.body import RenderedBody

if TYPE_CHECKING:
    import jinja2

    from clawdemy_site.content.models import Lesson, Site
    from clawdemy_site.plan import SitePlan
    from clawdemy_site.render.views import SiteIndex

#: Work below this many items is done in this process: a pool costs more than it saves.
POOL_MIN_ITEMS = 120

_worker_targets: LinkTargets | None = None
_worker_env: tuple[Path, jinja2.Environment] | None = None


@dataclass(frozen=True)
class LessonJob:
    """A lesson file to read and parse: its place on disk, and as shown, its track and stem."""

    file: str
    path: str
    track: str
    stem: str


@dataclass(frozen=True)
class ParsedLesson:
    """A lesson file read and parsed: the digest of its text (`lesson_digest`), when it was
    read, and what it parsed to."""

    digest: str
    read_at_ns: int
    lesson: Lesson | None
    problems: tuple[Diagnostic, ...]


def parse_lessons(jobs: list[LessonJob]) -> list[ParsedLesson | None]:
    """Each lesson file read and parsed, or None where it could not be read as a lesson is
    (too large, not UTF-8, gone): the walk reads that one again and says what is wrong.
    Read here, in the workers, the files are read across cores too and never sent to them."""
    from clawdemy_site.content.load import MAX_TEXT_BYTES, lesson_digest, parse_lesson_text

    parsed: list[ParsedLesson | None] = []
    for job in jobs:
        read_at = time.time_ns()
        try:
            with open(job.file, "rb") as stream:
                data = stream.read(MAX_TEXT_BYTES + 1)
            text = data.decode("utf-8") if len(data) <= MAX_TEXT_BYTES else None
        except (OSError, UnicodeDecodeError):
            text = None
        if text is None:
            parsed.append(None)
            continue
        lesson, problems = parse_lesson_text(text, job.path, job.track, job.stem)
        digest = lesson_digest(text, job.path, job.track, job.stem)
        parsed.append(ParsedLesson(digest, read_at, lesson, problems))
    return parsed


@dataclass(frozen=True)
class BodyJob:
    source: str
    body: str
    page_url: str
    path: str
    body_line: int
    #: Hosts whose pages an iframe may show (site.yml `embed_hosts`).
    embed_hosts: frozenset[str] = frozenset()


def render_bodies(jobs: list[BodyJob]) -> list[RenderedBody]:
    from clawdemy_site.render.markdown import render_body

    assert _worker_targets is not None
    return [
        render_body(
            job.body,
            source=job.source,
            page_url=job.page_url,
            targets=_worker_targets,
            path=job.path,
            body_line=job.body_line,
            embed_hosts=job.embed_hosts,
        )
        for job in jobs
    ]


@dataclass(frozen=True)
class PageState:
    """What every page's view is built from. Set before a pool forks, so that workers
    inherit it: only the pages to render are sent to them, never views holding bodies."""

    site: Site
    plan: SitePlan
    index: SiteIndex
    body_of: Callable[[str], RenderedBody]
    #: A folder from `write.start_staging`: each page is written into it where it is
    #: rendered (so that a pool spreads the writing too), not sent back.
    stage_dir: str | None = None


_worker_pages: PageState | None = None


def set_page_state(state: PageState) -> None:
    global _worker_pages
    _worker_pages = state


@dataclass(frozen=True)
class _RenderedPage:
    """A page's bytes (None: written into the staging folder), their digest, and the ids
    and links found in them (done where the page was rendered, so that a pool spreads
    this work too)."""

    data: bytes | None
    digest: str
    ids: frozenset[str]
    links: tuple[str, ...]


#: A page rendered (or the template's problem), and the ids of the inputs its view read.
_OutcomeOfPage = tuple[_RenderedPage | None, Diagnostic | None, frozenset[str]]


def _environment(templates_dir: Path) -> jinja2.Environment:
    global _worker_env
    where = templates_dir.resolve()
    if _worker_env is None or _worker_env[0] != where:
        from clawdemy_site.render.templates import make_environment

        _worker_env = (where, make_environment(where))
    return _worker_env[1]


def warm_templates(templates_dir: Path, names: Iterable[str]) -> None:
    """Compile these templates, and those they extend, include or import, in this process
    now (a first build renders its pages in workers), so that a process that waits for
    edits answers the first one quickly."""
    import jinja2

    from clawdemy_site.render.templates import template_closure

    env = _environment(templates_dir)
    for used in {found for name in names for found in template_closure(env, name)}:
        with contextlib.suppress(jinja2.TemplateError, UnicodeDecodeError):  # said when used
            env.get_template(used)


def render_pages(templates_dir: Path, pages: list[PlannedPage]) -> list[_OutcomeOfPage]:
    """Each page's view (built here, from the state set before), rendered."""
    from clawdemy_site.render.templates import TemplateProblem, render_page
    from clawdemy_site.render.views import SiteInputs, page_view

    state = _worker_pages
    assert state is not None
    env = _environment(templates_dir)
    out: list[_OutcomeOfPage] = []
    for page in pages:
        inputs = SiteInputs(state.site, state.plan, state.body_of, state.index)
        view = page_view(inputs, page)
        # Every template is given the site's settings (its title, language, address), so
        # every page reads them, whatever its view does.
        config = inputs.config()
        read = frozenset(inputs.read)
        try:
            text = render_page(env, page, view, config, templates_dir=templates_dir)
        except TemplateProblem as problem:
            out.append((None, problem.diagnostic, read))
            continue
        ids, links = scan_html(text)
        data = text.encode("utf-8")
        digest = _digest(data)
        if state.stage_dir is not None and _staged(state.stage_dir, page.file, data):
            out.append((_RenderedPage(None, digest, ids, links), None, read))
        else:
            out.append((_RenderedPage(data, digest, ids, links), None, read))
    return out


def _staged(stage_dir: str, rel: str, data: bytes) -> bool:
    """Whether the page could be written into the staging folder (else its bytes are sent
    back, and the build writes them, saying what went wrong if it cannot either)."""
    from clawdemy_site.write import UnsafePath, stage_file

    try:
        stage_file(stage_dir, rel, data)
    except (OSError, UnsafePath):
        return False
    return True


def _start_worker(parent: int) -> None:
    """In a pool worker: collect cycles (a one-shot command turns the collector off, see
    `launch`; a worker may render thousands of pages), and on Linux be stopped when the
    build that forked it (`parent`) dies, even when it died before the worker got here."""
    gc.enable()
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the build was killed between the fork and the line above
        os._exit(1)


def set_targets(targets: LinkTargets) -> None:
    """The link targets bodies are rendered with here, inherited by the workers forked next."""
    global _worker_targets
    _worker_targets = targets


_Item = TypeVar("_Item")
_Outcome = TypeVar("_Outcome")


def _chunks(items: list[_Item], workers: int) -> list[list[_Item]]:
    """`items` in chunks that shrink as they go: each a quarter of one worker's share of
    what is left (at least `_LEAST` items). The first are large (fewer to send and gather),
    and when a worker takes the last chunk, the others wait for a small one at most."""
    chunks: list[list[_Item]] = []
    start = 0
    while start < len(items):
        size = max(_LEAST, -(-(len(items) - start) // (workers * 4)))
        chunks.append(items[start : start + size])
        start += size
    return chunks


#: The smallest chunk `_chunks` makes: a few bodies or pages, tens of milliseconds.
_LEAST = 4


def will_fork(count: int, *, parallel: bool = True) -> bool:
    """Whether `in_pool` spreads `count` items across worker processes."""
    return parallel and count >= POOL_MIN_ITEMS and min(os.cpu_count() or 1, 8) >= 2


def in_pool(
    function: Callable[..., list[_Outcome]],
    items: list[_Item],
    *,
    initial: Callable[[], None],
    args: tuple[object, ...] = (),
    parallel: bool = True,
) -> list[_Outcome]:
    """`function(*args, chunk)` over chunks of `items`, across cores when it pays."""
    if not items:
        return []
    initial()
    if not will_fork(len(items), parallel=parallel):
        return function(*args, items)
    workers = min(os.cpu_count() or 1, 8)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    chunks = _chunks(items, workers)
    # What exists now is frozen out of the collector before the fork: a worker's collections
    # then never walk (and so never copy) the pages it shares with this process.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(),),
        ) as pool:
            futures = [pool.submit(function, *args, chunk) for chunk in chunks]
            return [item for future in futures for item in future.result()]
    finally:
        gc.unfreeze()


#: An id or a link target in rendered HTML (double or single quotes), for link checks.
_ATTRIBUTE = re.compile(r"""\s(id|href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: The same for a page with no space before any `=`: it starts at the `=`, a character the
#: engine can skip to, where `_ATTRIBUTE` is tried at every character (2.5 times as long).
#: The spaces looked for are HTML's; `\s` also takes others (a vertical tab, U+00A0), which
#: HTML never puts between an attribute's name and its `=`.
_VALUE = re.compile(r"""=(?:(?<=\s(id)=)|(?<=\s(href)=)|(?<=\s(src)=))\s*(?:"([^"]*)"|'([^']*)')""")
_SPACE_BEFORE_EQUALS = (" =", "\t=", "\n=", "\r=", "\f=")


def _attributes(text: str) -> list[tuple[str, str, str]]:
    """Each (name, double-quoted value, single-quoted value) of `_ATTRIBUTE` in `text`."""
    if any(space in text for space in _SPACE_BEFORE_EQUALS):
        return _ATTRIBUTE.findall(text)
    return [(i or h or s, double, single) for i, h, s, double, single in _VALUE.findall(text)]


def scan_html(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The ids a page offers and the addresses it links to, in order."""
    ids: set[str] = set()
    links: list[str] = []
    for name, double, single in _attributes(text):
        value = html.unescape(double or single)
        if name == "id":
            ids.add(value)
        else:
            links.append(value.strip())
    return frozenset(ids), tuple(links)


def _digest(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()
