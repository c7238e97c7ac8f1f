"""`clawdemy build` and `clawdemy check`: the engine's run, with the cache read before it and
the output written after it. Nothing is written when there is an error, and files that did
not change are carried over from the last build by hard link, keeping their times.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from clawdemy_site.buildcache import DB_NAME, BuildCache, build_lock, cache_dir, code_version
from clawdemy_site.errors import ClawdemyError, ContentError, Diagnostic
from clawdemy_site.identity import (
    FileIdentity,
    file_identity,
    identity_of,
    racy_window,
    scan_folders,
)
from clawdemy_site.outguard import BUILD_MARKER

if TYPE_CHECKING:  # the engine is imported only when a build has work to do
    from clawdemy_site.engine import Engine, EngineOptions, EngineResult
    from clawdemy_site.records import PageRecord
    from clawdemy_site.render.searchtext import SearchText
    from clawdemy_site.search import IndexedPage, IndexUpdate

Note = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path
    templates_dir: Path
    out_dir: Path
    drafts: bool = False
    strict: bool = False
    #: Write the search index (search.py) into `search/`.
    search: bool = True


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    pages: int
    files: int
    #: Files written anew (the rest were carried over from the last build).
    written: int
    warnings: tuple[Diagnostic, ...]
    lessons: int
    tracks: int


@dataclass(frozen=True)
class InputManifest:
    """Every input file and folder of a build (its identity), the build's settings, and the
    build it made: when all are the same again, there is nothing to do."""

    settings: tuple[str, ...]
    files: Mapping[str, FileIdentity]
    taken_at_ns: int
    #: Each file of the output folder as the build left it.
    output: Mapping[str, FileIdentity]
    result: BuildResult


@dataclass(frozen=True)
class OutputFile:
    """A file of the last build: what made it (a digest, or a copied file's size and time),
    and its size and modification time once written, to notice a hand edit."""

    made_from: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class LastBuild:
    """The last build written: where, which one (its marker file's inode and time), and
    every file in it."""

    out_dir: str
    marker: tuple[int, int]
    files: Mapping[str, OutputFile]


def _marker_identity(out: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(out / BUILD_MARKER)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def fails(diagnostics: tuple[Diagnostic, ...], *, strict: bool) -> bool:
    return any(d.severity == "error" or strict for d in diagnostics)


def _ignore(_: str) -> None:
    return None


@dataclass(frozen=True)
class PageRecords:
    """Every page's record and the fingerprints of the inputs they were checked against."""

    pages: Mapping[str, PageRecord]
    prints: Mapping[str, str]
    #: The templates each template's source names, by the source's digest (parsing them is
    #: the slow part of knowing which pages a template change touches).
    template_refs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _PagePrints:
    """What the cache keeps of `PageRecords` beside the records themselves."""

    prints: Mapping[str, str]
    template_refs: Mapping[str, tuple[str, ...]]


# Lesson, body and page records are kept in rows of one top folder each (a track's lessons
# in one row, its bodies in another, its pages in a third; the pages by the folder of their
# output file): a build writes again only the rows of folders where a record changed,
# and reads a few large values where it read thousands of small ones. At 1,000 lessons,
# reading the bodies as 1,000 rows took three times as long as reading one value, and
# pickling every page record again took 27 ms of each one-lesson build.
_LESSONS, _BODIES, _PAGES = "lessons", "bodies", "pages"
#: The search index's state (meta), each body's search text and each shard (entries).
_SEARCH, _SEARCH_SHARDS = "search", "search-shard"

_Rows = tuple[list[tuple[str, str, object]], list[tuple[str, str]]]
#: A value kept apart from the bodies (their HTML, their search text).
_Kept = TypeVar("_Kept")


def _top_folder(path: str) -> str:
    return path.split("/", 1)[0] if "/" in path else ""


def _page_folder(key: str, record: object) -> str:
    file = getattr(record, "file", "")  # a PageRecord's
    return _top_folder(file) if isinstance(file, str) else ""


def _key_folder(key: str, record: object) -> str:
    return _top_folder(key)


def _folder_rows(
    kind: str,
    now: Mapping[str, object],
    before: Mapping[str, object],
    folder_of: Callable[[str, object], str],
) -> _Rows:
    """The rows of `kind` to write (each folder where a record is new, changed or gone, by
    identity) and to remove (each folder that has no record now)."""
    grouped_now: dict[str, dict[str, object]] = {}
    for key, record in now.items():
        grouped_now.setdefault(folder_of(key, record), {})[key] = record
    grouped_before: dict[str, dict[str, object]] = {}
    for key, record in before.items():
        grouped_before.setdefault(folder_of(key, record), {})[key] = record
    put: list[tuple[str, str, object]] = [
        (kind, folder, records)
        for folder, records in grouped_now.items()
        if records.keys() != grouped_before.get(folder, {}).keys()
        or any(record is not grouped_before[folder][key] for key, record in records.items())
    ]
    return put, [(kind, folder) for folder in grouped_before if folder not in grouped_now]


def _records(cache: BuildCache, kind: str, of: type) -> dict[str, object]:
    """Every record of `kind`, from its folders' rows."""
    found: dict[str, object] = {}
    for folder in cache.get_all(kind).values():
        if isinstance(folder, dict):
            found.update((k, v) for k, v in folder.items() if isinstance(v, of))
    return found


def _page_records(cache: BuildCache) -> PageRecords | None:
    from clawdemy_site.records import PageRecord

    found = cache.get_meta(_PAGES)
    if not isinstance(found, _PagePrints):
        return None
    pages = _records(cache, _PAGES, PageRecord)
    return PageRecords(pages, found.prints, found.template_refs)  # type: ignore[arg-type]


def check_content(
    content_dir: Path,
    templates_dir: Path | None = None,
    *,
    drafts: bool = False,
    links_only: bool = False,
) -> EngineResult:
    """Every problem a build would report; the site is rendered in memory, nothing written.
    Without `templates_dir`, only the content and the bodies are checked. With `links_only`,
    pages are rendered despite body links that name nothing (for check-links to report).

    Records from the cache are read, never written, so a check may run beside a build.
    """
    from clawdemy_site.engine import EngineOptions

    cache = BuildCache(cache_dir(content_dir) / DB_NAME, code_version(), _ignore, readonly=True)
    try:
        known = _page_records(cache)
        engine = _cached_engine(
            cache,
            EngineOptions(content_dir, templates_dir or Path("templates"), drafts),
            known,
            known.pages if known else None,
        )
        return engine.run(pages=templates_dir is not None, tolerate_links=links_only)
    finally:
        cache.close()


def _cached_engine(
    cache: BuildCache,
    options: EngineOptions,
    known: PageRecords | None,
    pages: Mapping[str, PageRecord] | None,
) -> Engine:
    """An engine that starts from what the build cache keeps: lessons parsed, bodies
    rendered (their HTML, math and highlighted code read when needed), `pages` (records
    checked against `known`'s input fingerprints), the templates' references and each
    lesson's input fingerprints."""
    from clawdemy_site.engine import Engine
    from clawdemy_site.records import BodyRecord, LessonRecord
    from clawdemy_site.render.templates import remember_references

    if known is not None:
        remember_references(known.template_refs)
    lesson_prints = cache.get_meta("lesson-prints")
    return Engine(
        options,
        lessons=_records(cache, _LESSONS, LessonRecord),  # type: ignore[arg-type]
        bodies=_records(cache, _BODIES, BodyRecord),  # type: ignore[arg-type]
        pages=pages,
        prints=known.prints if known is not None else None,
        html=_html_reader(cache),
        lesson_prints=lesson_prints if isinstance(lesson_prints, dict) else None,
        recall_memos=_memo_recaller(cache),
    )


def _stored_records(
    engine: Engine,
    cached_lessons: Mapping[str, object],
    cached_bodies: Mapping[str, object],
    result: EngineResult,
) -> _Rows:
    """The rows that keep this run's lessons and bodies: each new body's record as the
    cache keeps it (its HTML and search text apart, with the key it was made under, so that
    a build reads only the HTML of the pages it renders again and the text of the pages the
    search index changes; its math and highlighted code apart, read only when the body is
    rendered again), and the folders whose records changed."""
    from clawdemy_site.records import BodyRecord

    put: list[tuple[str, str, object]] = []
    bodies: dict[str, object] = {}
    for source, record in result.bodies.items():
        if source not in result.new_bodies and source in cached_bodies:
            bodies[source] = cached_bodies[source]  # as it was read: without its HTML
            continue
        kept = replace(record.body, html=None, math=(), code=(), search=None)
        bodies[source] = BodyRecord(record.key, kept)
        put.append(("html", source, (record.key, record.body.html)))
        put.append((_SEARCH, source, (record.key, record.body.search)))
        put.append(("math", source, record.body.math))
        put.append(("code", source, record.body.code))
    drop = [
        (kind, source)
        for source in cached_bodies
        if source not in result.bodies
        for kind in ("html", "math", "code", _SEARCH)
    ]
    for rows in (
        _folder_rows(_LESSONS, engine.lesson_records, cached_lessons, _key_folder),
        _folder_rows(_BODIES, bodies, cached_bodies, _key_folder),
    ):
        put += rows[0]
        drop += rows[1]
    return put, drop


def _memo_recaller(cache: BuildCache) -> Callable[[list[str]], None]:
    """Takes back the math these lessons' bodies converted, and the code they highlighted,
    when last rendered."""

    def recall(sources: list[str]) -> None:
        from clawdemy_site.render import highlight, mathml

        for kind, memo in (("math", mathml.MEMO), ("code", highlight.MEMO)):
            for kept in cache.get_some(kind, sources).values():
                memo.remember(kept)

    return recall


def _html_reader(cache: BuildCache) -> Callable[[Mapping[str, str]], dict[str, str]]:
    """Reads bodies' HTML from the cache: (lesson file -> body key) -> lesson file -> HTML,
    for the entries made under the same key."""
    return partial(_keyed_rows, cache, "html", str)


def _keyed_rows(
    cache: BuildCache, kind: str, of: type[_Kept], wanted: Mapping[str, str]
) -> dict[str, _Kept]:
    """The rows of `kind` kept apart from the bodies, each (body key, value), that were made
    under the keys `wanted` gives (lesson file -> body key), by lesson file."""
    found: dict[str, _Kept] = {}
    for source, value in cache.get_some(kind, wanted).items():
        if (
            isinstance(value, tuple)
            and len(value) == 2
            and value[0] == wanted[source]
            and isinstance(value[1], of)
        ):
            found[source] = value[1]
    return found


def _file_digest(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def _source_signature(path: Path) -> str:
    """What a copied file was copied from: its identity, change time included (a file
    rewritten at the same size with its modification time put back, as `cp -p`, `rsync -a`
    and `tar` do, still gets a new change time)."""
    stat = path.stat()
    return f"copy:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}"


class _OutputBefore:
    """The output folder as this build finds it, against what the last build wrote there,
    with the inode of each file found unchanged, so that the writer need not look again."""

    def __init__(self, out: Path, last: LastBuild | None) -> None:
        self.root = str(out)
        self.known: Mapping[str, OutputFile] = last.files if last is not None else {}
        self._inodes: dict[str, int] = {}

    def unchanged(self, rel: str, made_from: str) -> bool:
        """True when `rel` is the file the last build wrote from the same thing."""
        known = self.known.get(rel)
        if known is None or known.made_from != made_from:
            return False
        try:
            stat = os.stat(f"{self.root}/{rel}")
        except OSError:
            return False
        if stat.st_size != known.size or stat.st_mtime_ns != known.mtime_ns:
            return False
        self._inodes[rel] = stat.st_ino
        return True

    @property
    def inodes(self) -> Mapping[str, int]:
        """The inode of each file found unchanged (the writer need not look again)."""
        return self._inodes


def _last_build(cache: BuildCache, out: Path) -> LastBuild | None:
    """The last build, if it is still what is in `out` (same place, same marker file)."""
    last = cache.get_meta("output")
    if not isinstance(last, LastBuild) or last.out_dir != str(out):
        return None
    return last if _marker_identity(out) == last.marker else None


def build_site(options: BuildOptions, note: Note = _ignore) -> BuildResult:
    """Build the site or raise ContentError with every problem; nothing is written on error."""
    folder = cache_dir(options.content_dir)
    with build_lock(folder):
        cache = BuildCache(folder / DB_NAME, code_version(), note)
        try:
            settings = _settings(options)
            taken_at = time.time_ns()
            scanned = scan_inputs(options)
            known = cache.get_meta("manifest")
            if isinstance(known, InputManifest) and _still(known, settings, scanned, options):
                return known.result
            built, output = _build(options, cache, folder)
            manifest = InputManifest(settings, scanned, taken_at, output, built)
            cache.save(put=(), meta={"manifest": manifest})
            return built
        finally:
            cache.close()


def _search_update(result: EngineResult, cache: BuildCache, before: _OutputBefore) -> IndexUpdate:
    """The search index (search.py) of this build's lesson pages, changed from the last
    build's where it can be."""
    from clawdemy_site.search import SearchState, indexed_pages, update_index

    assert result.site is not None and result.plan is not None
    keys = {source: record.key for source, record in result.bodies.items()}
    pages = indexed_pages(result.site, result.plan, keys)
    state = cache.get_meta(_SEARCH)
    return update_index(
        pages,
        state if isinstance(state, SearchState) else None,
        _search_texts(result, cache),
        partial(_search_shards, cache),
        before.unchanged,
    )


def _search_texts(
    result: EngineResult, cache: BuildCache
) -> Callable[[Sequence[IndexedPage]], dict[str, SearchText]]:
    """Reads pages' text for the search index: from bodies rendered in this run, from the
    cache (kept apart, as the HTML is), or at worst from the body's HTML."""
    from clawdemy_site.render.searchtext import SearchText, body_search_text

    def read(pages: Sequence[IndexedPage]) -> dict[str, SearchText]:
        found: dict[str, SearchText] = {}
        wanted: dict[str, str] = {}
        for page in pages:
            record = result.bodies.get(page.source)
            if record is not None and record.key == page.body_key and record.body.search:
                found[page.source] = record.body.search
            else:
                wanted[page.source] = page.body_key
        found.update(_keyed_rows(cache, _SEARCH, SearchText, wanted))
        missing = {source: key for source, key in wanted.items() if source not in found}
        for source, html in _html_reader(cache)(missing).items():
            found[source] = body_search_text(html)
        return found

    return read


def _search_shards(cache: BuildCache, names: Sequence[str]) -> dict[str, bytes]:
    return {
        name: shard
        for name, shard in cache.get_some(_SEARCH_SHARDS, names).items()
        if isinstance(shard, bytes)
    }


def _settings(options: BuildOptions) -> tuple[str, ...]:
    return (
        str(options.content_dir.resolve()),
        str(options.templates_dir.resolve()),
        str(options.out_dir.resolve()),
        f"drafts={options.drafts}",
        f"strict={options.strict}",
        f"search={options.search}",
        os.getcwd(),  # diagnostics name files relative to it
    )


def scan_inputs(options: BuildOptions) -> dict[str, FileIdentity]:
    """The identity (inode, size, modification and change times) of every file and folder a
    build reads: content, templates and the packaged theme."""
    from clawdemy_site.packaged import theme_dir

    return scan_folders(
        [options.content_dir.resolve(), options.templates_dir.resolve(), theme_dir()]
    )


def _still(
    known: InputManifest,
    settings: tuple[str, ...],
    scanned: Mapping[str, FileIdentity],
    options: BuildOptions,
) -> bool:
    """True when nothing a build reads or writes changed since `known` was taken."""
    if known.settings != settings or known.files != scanned:
        return False
    window = racy_window(identity[2] for identity in scanned.values())
    if any(identity[2] > known.taken_at_ns - window for identity in scanned.values()):
        return False  # changed too close to the last scan to trust the clock
    out = options.out_dir.resolve()
    return all(file_identity(f"{out}/{rel}") == identity for rel, identity in known.output.items())


def _build(
    options: BuildOptions, cache: BuildCache, cache_folder: Path
) -> tuple[BuildResult, dict[str, FileIdentity]]:
    """The build, and every file it leaves in the output folder (with its identity once
    written). The cache folder keeps the build before the last one (its spare) and the
    trash being deleted."""
    out = options.out_dir.resolve()
    spare = cache_folder / "spare"
    # With no spare build to bring up to date, the site is staged in a new folder: made
    # now, so that the pages are written into it where they are rendered. (A folder the
    # output is to go in is made only by a build that writes: then the staging is not.)
    stage_ahead = not spare.is_dir() and out.parent.is_dir()
    staging = _start_staging(options, out) if stage_ahead else None
    try:
        return _build_into(options, cache, cache_folder, out, spare, staging)
    finally:
        if staging is not None:  # swapped in by now, unless the build failed
            shutil.rmtree(staging, ignore_errors=True)


def _start_staging(options: BuildOptions, out: Path) -> Path:
    from clawdemy_site.write import start_staging

    try:
        return start_staging(out)
    except OSError as exc:
        raise _cannot_write(options, exc) from None


def _cannot_write(options: BuildOptions, exc: OSError) -> ClawdemyError:
    """Disk full, permissions, an asset that vanished: said without a traceback."""
    where = f" ({exc.filename})" if exc.filename else ""
    return ClawdemyError(
        f"error: cannot write the site into {options.out_dir}{where}:"
        f" {exc.strerror or exc}; the previous build, if any, is left as it was"
    )


def _build_into(
    options: BuildOptions,
    cache: BuildCache,
    cache_folder: Path,
    out: Path,
    spare: Path,
    staging: Path | None,
) -> tuple[BuildResult, dict[str, FileIdentity]]:
    from clawdemy_site.engine import EngineOptions
    from clawdemy_site.render.templates import known_references
    from clawdemy_site.write import write_site

    last = _last_build(cache, out)
    before = _OutputBefore(out, last)
    cached = _page_records(cache)
    pages: dict[str, PageRecord] = {}  # those whose file is still as the last build left it
    if last is not None and cached is not None:
        for key, record in cached.pages.items():
            if before.unchanged(record.file, record.digest):
                pages[key] = record
    engine = _cached_engine(
        cache,
        EngineOptions(options.content_dir, options.templates_dir, options.drafts),
        cached,
        pages,
    )
    cached_lessons, cached_bodies = dict(engine.lesson_records), dict(engine.body_records)
    result = engine.run(stage_dir=staging)
    saved, gone = _stored_records(engine, cached_lessons, cached_bodies, result)
    if not result.ok or fails(result.diagnostics, strict=options.strict):
        cache.save(put=saved, drop=gone)  # what was parsed and rendered still holds
        raise ContentError(result.diagnostics, strict=options.strict)
    assert result.plan is not None
    files: dict[str, bytes] = {}
    copies: dict[str, Path] = {}
    reuse: dict[str, Path] = {}
    staged: set[str] = set()
    made_from: dict[str, str] = {}
    known = before.known
    for record in result.pages.values():
        made_from[record.file] = record.digest
        data = result.rendered.get(record.file)
        if before.unchanged(record.file, record.digest):
            reuse[record.file] = out / record.file  # kept, with its modification time
        elif record.file in result.staged:
            staged.add(record.file)
        elif data is None:
            reuse[record.file] = out / record.file
        else:
            files[record.file] = data
    others: list[tuple[str, str, bytes | Path]] = [
        (rel, _file_digest(data), data) for rel, data in result.generated.items()
    ]
    others += [(rel, _source_signature(src), src) for rel, src in result.copies.items()]
    if not options.search:  # an index of no pages: the theme's search box stays hidden
        from clawdemy_site.search import INDEX_FILE, index_bytes

        empty = index_bytes(0, ())
        others.append((INDEX_FILE, _file_digest(empty), empty))
    for rel, origin, payload in others:  # made files, then files copied as they are
        made_from[rel] = origin
        if before.unchanged(rel, origin):
            reuse[rel] = out / rel
        elif isinstance(payload, bytes):
            files[rel] = payload
        else:
            copies[rel] = payload
    search: IndexUpdate | None = None
    if options.search:
        search = _search_update(result, cache, before)
        for rel, origin in search.origins.items():
            made_from[rel] = origin
            data = search.written.get(rel)  # None: kept, and found as the last build left it
            if data is None or before.unchanged(rel, origin):
                reuse[rel] = out / rel
            else:
                files[rel] = data
    no_change = (
        last is not None and not files and not copies and not staged and set(reuse) == set(known)
    )
    if not no_change:
        # The lessons and bodies go into the cache first: they hold whatever becomes of the
        # write, as they do when a build fails, so a failed write loses no rendering.
        cache.save(put=saved, drop=gone)
        saved, gone = [], []
        try:
            write_site(
                out,
                files,
                copies,
                reuse=reuse,
                trash=cache_folder / "trash",
                spare=spare,
                inodes=before.inodes,
                started=staging,
                staged=staged,
            )
        except OSError as exc:
            raise _cannot_write(options, exc) from None
    outputs: dict[str, OutputFile] = {}
    identities: dict[str, FileIdentity] = {}
    for rel, origin in made_from.items():
        stat = os.stat(f"{out}/{rel}")
        outputs[rel] = OutputFile(origin, stat.st_size, stat.st_mtime_ns)
        identities[rel] = identity_of(stat)
    identities[BUILD_MARKER] = file_identity(out / BUILD_MARKER) or (0, 0, 0, 0)
    page_rows, pages_gone = _folder_rows(
        _PAGES, result.pages, cached.pages if cached is not None else {}, _page_folder
    )
    meta: dict[str, object] = {
        "output": LastBuild(str(out), _marker_identity(out) or (0, 0), outputs),
        _PAGES: _PagePrints(result.prints, known_references()),
        "lesson-prints": engine.stored_lesson_prints(),
    }
    if search is not None:  # the shards are kept with the state they belong to
        saved += [(_SEARCH_SHARDS, name, shard) for name, shard in search.shards_put.items()]
        gone += [(_SEARCH_SHARDS, name) for name in search.shards_dropped]
        meta[_SEARCH] = search.state
    cache.save(put=[*saved, *page_rows], drop=[*gone, *pages_gone], meta=meta)
    page_count = sum(1 for name in made_from if name.endswith(".html"))
    site = result.site
    assert site is not None
    return BuildResult(
        out_dir=options.out_dir,
        pages=page_count,
        files=len(made_from),
        written=0 if no_change else len(files) + len(copies) + len(staged),
        warnings=result.diagnostics,
        lessons=sum(len(track.lessons) for track in site.tracks),
        tracks=len(site.tracks),
    ), identities
