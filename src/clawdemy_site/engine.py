"""The incremental engine: content -> plan -> bodies -> pages, redoing only what changed.

One run reads `content/` (lesson files parsed before are taken from their records by the
digest of their text), plans the site, renders the bodies whose source or link targets
changed, and renders the pages whose recorded inputs changed (the dependency graph of
`render.views`) or whose templates changed. It returns everything in memory: `build`
writes it, `serve` serves it, `check` and `check-links` read it. Nothing here writes files.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeAlias

from clawdemy_site.buildcache import code_version
from clawdemy_site.content.load import (
    LessonParser,
    LoadResult,
    display_path,
    is_hidden,
    lesson_digest,
    load_site,
    parse_lesson_text,
    shown_under,
)
from clawdemy_site.content.models import Lesson, Site, lesson_file_parts
from clawdemy_site.errors import Diagnostic
from clawdemy_site.identity import FileIdentity, file_identity, racy_window
from clawdemy_site.plan import (
    LessonPlace,
    LinkTargets,
    PlannedPage,
    SitePlan,
    link_targets,
    plan_site,
)
from clawdemy_site.records import BodyRecord, LessonRecord, PageRecord
from clawdemy_site.render.body import RenderedBody
from clawdemy_site.render.views import LessonPrints, SiteIndex, fingerprint
from clawdemy_site.search import SEARCH_FOLDER, in_index
from clawdemy_site.workers import (
    BodyJob,
    LessonJob,
    PageState,
    in_pool,
    parse_lessons,
    render_bodies,
    render_pages,
    set_page_state,
    set_targets,
    will_fork,
)

#: A lesson's place and its input fingerprints (meta, lesson, refs), as a cache keeps them.
StoredLessonPrints: TypeAlias = tuple[LessonPlace, tuple[str, str, str]]


@dataclass(frozen=True)
class EngineOptions:
    content_dir: Path
    templates_dir: Path
    drafts: bool = False
    #: Render across cores when the work is big enough. The workers are forked: `serve`
    #: forks them for its first build only, while no thread but its file watcher runs
    #: (blocked in watchfiles, holding nothing the workers use), not once it serves.
    parallel: bool = True


@dataclass
class EngineResult:
    """One run's outcome. `site` and `plan` are None when the content has errors."""

    loaded: LoadResult
    site: Site | None
    plan: SitePlan | None
    diagnostics: tuple[Diagnostic, ...]
    bodies: Mapping[str, BodyRecord]
    #: Every page's record, by page id.
    pages: Mapping[str, PageRecord] = field(default_factory=dict)
    #: Bytes of the page files rendered in this run, by output file.
    rendered: Mapping[str, bytes] = field(default_factory=dict)
    #: The page files rendered in this run and written into the staging folder it was
    #: given (`run(stage_dir=...)`), not held in `rendered`.
    staged: frozenset[str] = frozenset()
    #: Files made by the build itself (sitemap, highlighting styles), by output file.
    generated: Mapping[str, bytes] = field(default_factory=dict)
    #: Files published as they are (assets, theme static files), by output file.
    copies: Mapping[str, Path] = field(default_factory=dict)
    #: Lesson files parsed afresh in this run (relative to content/).
    parsed: Mapping[str, LessonRecord] = field(default_factory=dict)
    #: Bodies rendered afresh in this run, by lesson file.
    new_bodies: frozenset[str] = frozenset()
    #: Every input's fingerprint in this run, to check the page records against next time.
    prints: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.site is not None and not any(d.severity == "error" for d in self.diagnostics)


class DependencyGraph:
    """Which pages read which inputs, kept from one run of an engine to the next, so that a
    run only looks at the pages that read an input whose fingerprint changed."""

    def __init__(
        self,
        prints: Mapping[str, str] | None = None,
        records: Mapping[str, PageRecord] | None = None,
    ) -> None:
        """`prints`: every input's fingerprint at the end of the run that left `records`."""
        self._prints: dict[str, str] | None = dict(prints) if prints is not None else None
        self._records: Mapping[str, PageRecord] = records or {}
        #: One string object for each input id (those of `prints`, which `records` share
        #: when read from one pickle): records made from them share them, and the next
        #: pickle stores each once (the page records are half the size).
        self._ids: dict[str, str] = {key: key for key in prints or ()}

    def same_id(self, input_id: str) -> str:
        """The one string object kept for this input id."""
        return self._ids.setdefault(input_id, input_id)

    @property
    def prints(self) -> Mapping[str, str]:
        return self._prints or {}

    def suspects(self, current: Mapping[str, str]) -> set[str] | None:
        """The pages that read a changed input; None when there is no earlier run to go by
        (every page is then rendered)."""
        if self._prints is None:
            return None
        before = self._prints
        changed = {key for key, value in current.items() if before.get(key) != value}
        changed |= before.keys() - current.keys()
        if not changed:
            return set()
        # One pass over each page's inputs (a C loop): cheaper than keeping an index of
        # readers for 100,000 input ids, which every run would build or update.
        return {
            page_id
            for page_id, record in self._records.items()
            if not changed.isdisjoint(record.inputs)
        }

    def update(self, current: Mapping[str, str], records: Mapping[str, PageRecord]) -> None:
        self._records = records
        self._prints = {self.same_id(key): value for key, value in current.items()}


class Engine:
    """Runs builds of one site, keeping what each run made for the next one."""

    def __init__(
        self,
        options: EngineOptions,
        *,
        lessons: Mapping[str, LessonRecord] | None = None,
        bodies: Mapping[str, BodyRecord] | None = None,
        pages: Mapping[str, PageRecord] | None = None,
        prints: Mapping[str, str] | None = None,
        html: Callable[[Mapping[str, str]], Mapping[str, str]] | None = None,
        lesson_prints: Mapping[str, StoredLessonPrints] | None = None,
        recall_memos: Callable[[list[str]], None] | None = None,
    ) -> None:
        """Records of earlier runs: `pages` are trusted only with `prints`, the fingerprints
        of every input when they were last checked. Body records may lack their HTML (a
        build cache keeps it apart): `html` reads it, given lesson files and body keys.
        `lesson_prints`: each lesson's input fingerprints, by its lesson record's digest.
        `recall_memos` takes back the math these lessons' bodies converted and the code they
        highlighted before."""
        self.options = options
        self._read_html = html
        self._recall_memos = recall_memos
        self._lesson_of: dict[str, Lesson] = {}
        self._targets: tuple[LinkTargets, frozenset[str]] | None = None
        self.lesson_records: dict[str, LessonRecord] = dict(lessons or {})
        self.body_records: dict[str, BodyRecord] = dict(bodies or {})
        self.page_records: dict[str, PageRecord] = dict(pages or {})
        self.renderer = code_version()
        #: Fingerprints kept between runs, by the id of the lesson value they were made from.
        self._lesson_prints: LessonPrints = {}
        self._stored_prints: Mapping[str, StoredLessonPrints] = lesson_prints or {}
        self._body_keys: dict[int, tuple[Lesson, str, str]] = {}
        #: content/ as an absolute path, set by each run (its lesson files are found under it).
        self._content_root = ""
        #: The lesson files (relative to content/) a watcher saw change since the last run,
        #: when the run was told; None: each file's identity is asked for.
        self._changed: frozenset[str] | None = None
        self._last_plan: tuple[object, SitePlan] | None = None
        self._last_generated: tuple[SitePlan, str, dict[str, bytes]] | None = None
        if prints is None:
            self.page_records = {}
        self._graph = DependencyGraph(prints, self.page_records)

    # -- reading ---------------------------------------------------------------------

    def _parser(self, parsed: dict[str, LessonRecord]) -> LessonParser:
        """Parses a lesson file's text, or takes the record of the same text parsed before."""

        def parse(
            text: str, path: str, track: str, stem: str
        ) -> tuple[Lesson | None, tuple[Diagnostic, ...]]:
            read_at = time.time_ns()
            digest = lesson_digest(text, path, track, stem)
            key = f"{track}/{stem}.md"
            identity = file_identity(f"{self._content_root}/{key}") or (0, 0, 0, 0)
            known = self.lesson_records.get(key)
            if known is not None and known.digest == digest:
                lesson, found = known.lesson, known.diagnostics
            else:
                lesson, found = parse_lesson_text(text, path, track, stem)
            record = LessonRecord(digest, lesson, found, path, identity, read_at)
            parsed[key] = self.lesson_records[key] = record
            return lesson, found

        return parse

    def _prefetch(self, parsed: dict[str, LessonRecord]) -> None:
        """Parse the lesson files that no record answers for across cores (when there are
        enough of them), ahead of the walk, which then finds each one parsed. Only a head
        start: a file this skips, or that changes meanwhile, the walk reads as ever."""
        content = self._content_root
        found: list[tuple[str, str, FileIdentity]] = []
        try:
            tracks = sorted(e.path for e in os.scandir(content) if _visible_folder(e))
            for track in tracks:
                for entry in os.scandir(track):
                    if not entry.name.endswith(".md") or is_hidden(entry.name):
                        continue
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    key = f"{os.path.basename(track)}/{entry.name}"
                    identity = file_identity(entry.path)
                    known = self.lesson_records.get(key)
                    if identity is not None and (known is None or known.stat != identity):
                        found.append((key, entry.path, identity))
        except OSError:
            return
        shown_root = display_path(Path(content))
        jobs = [
            LessonJob(path, shown_under(shown_root, key), *lesson_file_parts(key))
            for key, path, _ in found
        ]
        outcomes = in_pool(parse_lessons, jobs, initial=lambda: None)
        for job, (key, _, identity), outcome in zip(jobs, found, outcomes, strict=True):
            if outcome is not None:
                record = LessonRecord(
                    outcome.digest,
                    outcome.lesson,
                    outcome.problems,
                    job.path,
                    identity,
                    outcome.read_at_ns,
                )
                parsed[key] = self.lesson_records[key] = record

    def _recall(
        self, rel: str, shown: str, linked: bool
    ) -> tuple[Lesson | None, tuple[Diagnostic, ...]] | None:
        """The record of a lesson file (`track/NN-x.md`) that has not changed since it was
        read, else None. Without a word from a watcher, the file's identity says so."""
        known = self.lesson_records.get(rel)
        if known is None or known.path != shown:
            return None
        changed = self._changed
        if (
            changed is not None
            and not linked  # a link's target changes elsewhere
            and rel not in changed
            and rel.partition("/")[0] not in changed  # nor did its folder
        ):
            return known.lesson, known.diagnostics
        identity = file_identity(f"{self._content_root}/{rel}")
        if identity is None or identity != known.stat:
            return None
        if identity[2] > known.read_at_ns - racy_window((identity[2], identity[3])):
            return None
        return known.lesson, known.diagnostics

    # -- bodies ----------------------------------------------------------------------

    def _body_key(self, lesson: Lesson, page_url: str, embed_hosts: frozenset[str]) -> str:
        known = self._body_keys.get(id(lesson))
        context = f"{page_url}\0{sorted(embed_hosts)}"
        if known is not None and known[0] is lesson and known[1] == context:
            return known[2]
        # The body's own bytes are hashed as they are: a `repr` of a thousand bodies (each
        # copied to escape its quotes) took 50 ms of a one-lesson build.
        where = (self.renderer, lesson.source, lesson.path, lesson.body_line, context)
        digest = hashlib.sha1(repr(where).encode(), usedforsecurity=False)
        digest.update(lesson.body.encode("utf-8", "surrogatepass"))
        key = digest.hexdigest()
        self._body_keys[id(lesson)] = (lesson, context, key)
        return key

    def _bodies(
        self, lessons: Iterable[Lesson], targets: LinkTargets, embed_hosts: frozenset[str]
    ) -> tuple[dict[str, BodyRecord], frozenset[str]]:
        records: dict[str, BodyRecord] = {}
        jobs: list[BodyJob] = []
        keys: dict[str, str] = {}
        for lesson in lessons:
            page_url = targets.pages.get(lesson.source, "")
            key = keys[lesson.source] = self._body_key(lesson, page_url, embed_hosts)
            known = self.body_records.get(lesson.source)
            if (
                known is not None
                and known.key == key
                and all(targets.lookup(target) == answer for target, answer in known.body.lookups)
            ):
                records[lesson.source] = known
                continue
            jobs.append(_body_job(lesson, targets, embed_hosts))
        if jobs and self._recall_memos is not None:
            self._recall_memos([job.source for job in jobs])
        rendered = in_pool(
            render_bodies,
            jobs,
            initial=lambda: set_targets(targets),
            parallel=self.options.parallel,
        )
        for job, body in zip(jobs, rendered, strict=True):
            records[job.source] = BodyRecord(keys[job.source], body)
        self.body_records = records
        return records, frozenset(job.source for job in jobs)

    def _fill_html(self, bodies: dict[str, BodyRecord], sources: Iterable[str]) -> None:
        """Give these bodies' records their HTML where they lack it: read from the cache, or
        rendered again (the same key makes the same HTML) when the cache no longer has it."""
        wanted = {s: bodies[s].key for s in sources if bodies[s].body.html is None}
        if not wanted:
            return
        found = dict(self._read_html(wanted)) if self._read_html is not None else {}
        missing = [self._lesson_of[s] for s in wanted if s not in found]
        if missing:
            assert self._targets is not None
            targets, embed_hosts = self._targets
            set_targets(targets)
            jobs = [_body_job(lesson, targets, embed_hosts) for lesson in missing]
            if self._recall_memos is not None:
                self._recall_memos([job.source for job in jobs])
            for job, body in zip(jobs, render_bodies(jobs), strict=True):
                found[job.source] = body.html or ""
        for source, html in found.items():
            bodies[source] = BodyRecord(bodies[source].key, replace(bodies[source].body, html=html))

    # -- pages -----------------------------------------------------------------------

    def _pages(
        self,
        site: Site,
        plan: SitePlan,
        bodies: dict[str, BodyRecord],
        stage_dir: Path | None = None,
    ) -> tuple[dict[str, PageRecord], dict[str, bytes | None], list[Diagnostic]]:
        """Each page's record, and the pages rendered: their bytes, or None for those
        written into `stage_dir`."""
        from clawdemy_site.render.templates import make_environment, template_fingerprint
        from clawdemy_site.render.views import SiteInputs

        templates_dir = self.options.templates_dir
        env = make_environment(templates_dir)
        template_prints = {
            name: fingerprint((self.renderer, template_fingerprint(env, name)))
            for name in {page.template for page in plan.pages}
        }
        index = SiteIndex.of(site)
        self._recall_prints(index, plan)

        def body_of(source: str) -> RenderedBody:
            if bodies[source].body.html is None:
                self._fill_html(bodies, [source])
            return bodies[source].body

        current = SiteInputs(site, plan, body_of, index).fingerprints(
            {source: record.fingerprint for source, record in bodies.items()},
            self._lesson_prints,
        )
        suspects = self._graph.suspects(current)
        records: dict[str, PageRecord] = {}
        jobs: list[PlannedPage] = []
        for page in plan.pages:
            known = self.page_records.get(page.id)
            if (
                known is not None
                and known.file == page.file
                and known.templates == template_prints[page.template]
                and suspects is not None
                and page.id not in suspects
            ):
                records[page.id] = known
                continue
            jobs.append(page)
        state = PageState(site, plan, index, body_of, None if stage_dir is None else str(stage_dir))

        def before_rendering() -> None:
            if will_fork(len(jobs), parallel=self.options.parallel):
                self._fill_html(bodies, list(bodies))  # workers must not read the cache
            set_page_state(state)

        outcomes = in_pool(
            render_pages,
            jobs,
            initial=before_rendering,
            args=(templates_dir,),
            parallel=self.options.parallel,
        )
        rendered: dict[str, bytes | None] = {}
        problems: dict[str, Diagnostic] = {}
        for page, (made, problem, read) in zip(jobs, outcomes, strict=True):
            if made is None:
                if problem is not None:
                    problems.setdefault(page.template, problem)  # one report a template
                continue
            read_ids = tuple(sorted(map(self._graph.same_id, read)))
            records[page.id] = PageRecord(
                page.file,
                read_ids,
                template_prints[page.template],
                made.digest,
                made.ids,
                tuple(map(sys.intern, made.links)),
            )
            rendered[page.file] = made.data
        self._graph.update(current, records)
        self.page_records = records
        return records, rendered, list(problems.values())

    def _recall_prints(self, index: SiteIndex, plan: SitePlan) -> None:
        """Take each lesson's input fingerprints from an earlier process, where its file's
        digest (which fixes the lesson parsed from it) and its place are the same: working
        them out again means a `repr` of every lesson's references."""
        memo = self._lesson_prints
        for source, lesson in index.lessons.items():
            record = self.lesson_records.get(source)
            if id(lesson) in memo or record is None or record.lesson is not lesson:
                continue
            stored = self._stored_prints.get(record.digest)
            if stored is not None and stored[0] == plan.lessons.get(source):
                memo[id(lesson)] = (lesson, stored[0], stored[1])

    def stored_lesson_prints(self) -> dict[str, StoredLessonPrints]:
        """Each current lesson's input fingerprints by its record's digest, to keep."""
        stored: dict[str, StoredLessonPrints] = {}
        for lesson, place, prints in self._lesson_prints.values():
            record = self.lesson_records.get(lesson.source)
            if record is not None and record.lesson is lesson:
                stored[record.digest] = (place, prints)
        return stored

    # -- what stays while the site's outline does -------------------------------------

    def _plan(self, site: Site, drafts: frozenset[str]) -> SitePlan:
        """The plan of the last run when the site's outline (its tracks, their lessons'
        files, numbers and slugs, its assets, its drafts) is the same, else a new one."""
        outline = (
            tuple(
                (track.slug, tuple((x.source, x.number, x.slug) for x in track.lessons))
                for track in site.tracks
            ),
            tuple(asset.rel for asset in site.assets),
            drafts,
        )
        if self._last_plan is None or self._last_plan[0] != outline:
            self._last_plan = (outline, plan_site(site, drafts=drafts))
        return self._last_plan[1]

    def _generated(self, site: Site, plan: SitePlan) -> dict[str, bytes]:
        """The made files (sitemap, styles): the last run's while the plan is the same."""
        last = self._last_generated
        if last is None or last[0] is not plan or last[1] != site.config.base_url:
            last = self._last_generated = (plan, site.config.base_url, generated_files(site, plan))
        return last[2]

    # -- one run ---------------------------------------------------------------------

    def run(
        self,
        *,
        pages: bool = True,
        tolerate_links: bool = False,
        changed: Iterable[str] | None = None,
        stage_dir: Path | None = None,
    ) -> EngineResult:
        """One build in memory; with `pages` false, only content and bodies are checked.
        With `tolerate_links`, body links that name nothing are no reason to stop (the link
        checker reports them as broken links).

        `changed`: every path a watcher saw change since the last run (absolute). A lesson
        file this run's records cover and that is not among them is taken as it was,
        without asking the OS (the caller vouches that the watcher ran all along).

        `stage_dir`: a folder from `write.start_staging`, into which pages are written
        where they are rendered (`EngineResult.staged`), not held in memory."""
        options = self.options
        parsed: dict[str, LessonRecord] = {}
        self._content_root = str(options.content_dir.resolve())  # options may change
        self._changed = None
        if changed is not None:
            seen = set(changed)
            if self._content_root not in seen:  # else the whole folder was moved or made
                root = f"{self._content_root}/"
                self._changed = frozenset(p.removeprefix(root) for p in seen if p.startswith(root))
        if options.parallel and not self.lesson_records:  # a cold build
            self._prefetch(parsed)
        loaded = load_site(
            options.content_dir,
            drafts=options.drafts,
            parse=self._parser(parsed),
            recall=self._recall,
        )
        present = loaded.lesson_files
        self.lesson_records = {k: v for k, v in self.lesson_records.items() if k in present}
        parsed = {k: v for k, v in parsed.items() if k in present}
        assets = frozenset(asset.rel for asset in loaded.assets)
        targets = link_targets(loaded.lesson_files, assets, loaded.draft_files)
        embed_hosts = frozenset(loaded.site.config.embed_hosts) if loaded.site else frozenset()
        self._lesson_of = {lesson.source: lesson for lesson in loaded.lessons}
        self._targets = (targets, embed_hosts)
        bodies, new_bodies = self._bodies(loaded.lessons, targets, embed_hosts)
        diagnostics = list(loaded.diagnostics)
        diagnostics += [d for record in bodies.values() for d in record.body.diagnostics]
        site = loaded.site
        tolerated = (
            {b.diagnostic for r in bodies.values() for b in r.body.broken_links}
            if tolerate_links
            else set()
        )
        failed = site is None or any(
            d.severity == "error" and d not in tolerated for d in diagnostics
        )
        # Errors in bodies alone leave the site whole: it is planned and rendered still, so
        # that the `#fragment`s of body links are checked too and reported in the same run.
        if site is None or not pages:
            return EngineResult(
                loaded, None if failed else site, None, tuple(sorted(set(diagnostics))), bodies,
                parsed=parsed, new_bodies=new_bodies,
            )  # fmt: skip
        if not options.templates_dir.is_dir():
            missing = Diagnostic(
                os.path.relpath(options.templates_dir),
                1,
                1,
                "error",
                "the templates folder does not exist (see --templates)",
            )
            return EngineResult(
                loaded,
                None,
                None,
                tuple(sorted({*diagnostics, missing})),
                bodies,
                parsed=parsed,
                new_bodies=new_bodies,
            )
        plan = self._plan(site, loaded.draft_files)
        last_records, last_prints = self.page_records, self._graph.prints
        records, made, template_problems = self._pages(site, plan, bodies, stage_dir)
        rendered = {file: data for file, data in made.items() if data is not None}
        diagnostics += template_problems
        if not tolerate_links:  # the link checker reports these itself
            diagnostics += body_fragment_problems(site, plan, bodies, records)
        from clawdemy_site.packaged import theme_dir

        copies = {asset.rel: asset.source for asset in site.assets}
        for static_dir in (theme_dir() / "static", options.templates_dir / "static"):
            if static_dir.is_dir():  # the site's own static files win over the theme's
                for path in sorted(static_dir.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        copies[f"static/{path.relative_to(static_dir).as_posix()}"] = path
        diagnostics += publishing_conflicts(
            site, plan, copies, generated := self._generated(site, plan)
        )
        ok = not any(d.severity == "error" and d not in tolerated for d in diagnostics)
        if not ok:  # nothing rendered in this run is published: the next run renders it again
            self.page_records = dict(last_records)
            self._graph.update(last_prints, self.page_records)
        return EngineResult(
            loaded,
            site if ok else None,
            plan if ok else None,
            tuple(sorted(set(diagnostics))),
            bodies,
            pages=records,
            prints=self._graph.prints,
            rendered=rendered,
            staged=frozenset(file for file, data in made.items() if data is None),
            generated=generated,
            copies=copies,
            parsed=parsed,
            new_bodies=new_bodies,
        )


def _body_job(lesson: Lesson, targets: LinkTargets, embed_hosts: frozenset[str]) -> BodyJob:
    """What rendering `lesson`'s body takes; its page's address comes from `targets`."""
    page_url = targets.pages.get(lesson.source, "")
    return BodyJob(lesson.source, lesson.body, page_url, lesson.path, lesson.body_line, embed_hosts)


def _visible_folder(entry: os.DirEntry[str]) -> bool:
    return not is_hidden(entry.name) and entry.is_dir(follow_symlinks=False)


def publishing_conflicts(
    site: Site, plan: SitePlan, copies: Mapping[str, Path], generated: Mapping[str, bytes]
) -> list[Diagnostic]:
    """A file under content/ published where a page, a theme file or a made file goes."""
    taken = {page.file: f"the page `{page.url or '/'}`" for page in plan.pages}
    taken.update({name: f"the file the build makes there (`{name}`)" for name in generated})
    problems = []
    for asset in site.assets:
        owner = taken.get(asset.rel)
        if owner is None and in_index(asset.rel):
            owner = f"the search index (`{SEARCH_FOLDER}/`)"
        if owner is None and copies.get(asset.rel) not in (None, asset.source):
            owner = f"the theme's `{asset.rel}`"
        if owner is not None:
            problems.append(
                Diagnostic(
                    os.path.relpath(site.content_dir / asset.rel),
                    1,
                    1,
                    "error",
                    f"this file would be published where {owner} goes: rename or move it",
                )
            )
    return problems


def generated_files(site: Site, plan: SitePlan) -> dict[str, bytes]:
    """The files the build makes beside the pages."""
    from clawdemy_site.render.sitemap import sitemap_xml

    return {
        "sitemap.xml": sitemap_xml(plan, site.config.base_url).encode("utf-8"),
        "static/pygments.css": pygments_css(),
        ".nojekyll": b"",
        "robots.txt": f"User-agent: *\nSitemap: {site.config.base_url}sitemap.xml\n".encode(),
    }


_pygments_css: bytes | None = None


def pygments_css() -> bytes:
    global _pygments_css
    if _pygments_css is None:
        from pygments.formatters import HtmlFormatter

        # Light and dark, each a style of its own: the dark one when the reader's system asks
        # for it (unless the theme toggle chose light) or when the toggle chose dark.
        def style(name: str, scope: str) -> str:
            css = str(HtmlFormatter(style=name).get_style_defs(scope))  # type: ignore[no-untyped-call]
            return "\n".join(line for line in css.splitlines() if line.startswith(scope))

        dark = ':root:not([data-theme="light"]) .codehilite'
        css = (
            style("default", ".codehilite")
            + f"\n@media (prefers-color-scheme: dark) {{\n{style('github-dark', dark)}\n}}\n"
            + style("github-dark", ':root[data-theme="dark"] .codehilite')
            + "\n"
        )
        _pygments_css = css.encode()
    return _pygments_css


def body_fragment_problems(
    site: Site,
    plan: SitePlan,
    bodies: Mapping[str, BodyRecord],
    pages: Mapping[str, PageRecord],
) -> list[Diagnostic]:
    """A `#fragment` in a body link that names no id on the page it leads to: an error at the
    line where the link is written. Checked against the ids each page was rendered with."""
    from urllib.parse import unquote, urlsplit

    from clawdemy_site.render.urls import resolve_href

    ids_of = {record.file: record.ids for record in pages.values()}
    files = frozenset(ids_of)
    base_path = urlsplit(site.config.base_url).path or "/"
    problems: list[Diagnostic] = []
    for source, place in plan.lessons.items():
        record = bodies.get(source)
        if record is None:
            continue
        page_file = plan.by_id[f"lesson:{source}"].file
        for link in record.body.internal_links:
            if "#" not in link.href:
                continue
            target, fragment = resolve_href(page_file, link.href, files, base_path)
            if target is None or not fragment or not target.endswith(".html"):
                continue
            if unquote(fragment) not in ids_of.get(target, frozenset()):
                lesson_path = next(
                    (lesson.path for t in site.tracks for lesson in t.lessons
                     if lesson.source == source),
                    place.source,
                )  # fmt: skip
                shown = "this page" if target == page_file else f"`{plan.by_file[target].url}`"
                problems.append(
                    Diagnostic(
                        lesson_path,
                        link.line,
                        link.column,
                        "error",
                        f"link `{link.written}` names `#{fragment}`, which is not an id on"
                        f" {shown}: link to one of its headings (their ids are their words in"
                        " lowercase, joined by dashes)",
                    )
                )
    return problems
