"""`clawdemy build` and `clawdemy check`: the engine's run, with the cache read before it and
the output written after it. Nothing is written when there is an error, and files that did
not change are carried over from the last build by hard link, keeping their times.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from clawdemy_site.buildcache import DB_NAME, BuildCache, build_lock, cache_dir
from clawdemy_site.engine import (
    BodyRecord,
    Engine,
    EngineOptions,
    EngineResult,
    LessonRecord,
    PageRecord,
    code_version,
)
from clawdemy_site.errors import ClawdemyError, ContentError, Diagnostic
from clawdemy_site.outguard import BUILD_MARKER
from clawdemy_site.write import write_site

Note = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path
    templates_dir: Path
    out_dir: Path
    drafts: bool = False
    strict: bool = False


@dataclass(frozen=True)
class BuildResult:
    result: EngineResult
    out_dir: Path
    pages: int
    files: int
    #: Files written anew (the rest were carried over from the last build).
    written: int
    warnings: tuple[Diagnostic, ...]


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


def _open_cache(content_dir: Path, note: Note) -> BuildCache:
    return BuildCache(cache_dir(content_dir) / DB_NAME, code_version(), note)


def _records(cache: BuildCache, kind: str, of: type) -> dict[str, object]:
    return {key: value for key, value in cache.get_all(kind).items() if isinstance(value, of)}


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
    cache = _open_cache(content_dir, _ignore)
    try:
        engine = Engine(
            EngineOptions(content_dir, templates_dir or Path("templates"), drafts),
            lessons=_records(cache, "lesson", LessonRecord),  # type: ignore[arg-type]
            bodies=_records(cache, "body", BodyRecord),  # type: ignore[arg-type]
            pages=_records(cache, "page", PageRecord),  # type: ignore[arg-type]
        )
    finally:
        cache.close()
    return engine.run(pages=templates_dir is not None, tolerate_links=links_only)


def _file_digest(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def _source_signature(path: Path) -> str:
    stat = path.stat()
    return f"copy:{stat.st_size}:{stat.st_mtime_ns}"


def _unchanged(out: Path, rel: str, known: OutputFile | None, made_from: str) -> bool:
    """True when `out/rel` is the file the last build wrote from the same thing."""
    if known is None or known.made_from != made_from:
        return False
    try:
        stat = os.stat(out / rel)
    except OSError:
        return False
    return stat.st_size == known.size and stat.st_mtime_ns == known.mtime_ns


def _last_build(cache: BuildCache, out: Path) -> LastBuild | None:
    """The last build, if it is still what is in `out` (same place, same build id)."""
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
            return _build(options, cache)
        finally:
            cache.close()


def _build(options: BuildOptions, cache: BuildCache) -> BuildResult:
    out = options.out_dir.resolve()
    last = _last_build(cache, out)
    cached_pages = _records(cache, "page", PageRecord)
    cached_lessons = _records(cache, "lesson", LessonRecord)
    cached_bodies = _records(cache, "body", BodyRecord)
    pages: dict[str, PageRecord] = {}
    if last is not None:
        for key, record in cached_pages.items():
            assert isinstance(record, PageRecord)
            if _unchanged(out, record.file, last.files.get(record.file), record.digest):
                pages[key] = record
    engine = Engine(
        EngineOptions(options.content_dir, options.templates_dir, options.drafts),
        lessons=cached_lessons,  # type: ignore[arg-type]
        bodies=cached_bodies,  # type: ignore[arg-type]
        pages=pages,
    )
    result = engine.run()
    saved: list[tuple[str, str, object]] = [
        ("lesson", key, record) for key, record in result.parsed.items()
    ]
    saved += [("body", key, result.bodies[key]) for key in result.new_bodies]
    gone = [("lesson", key) for key in cached_lessons if key not in result.loaded.lesson_files]
    gone += [("body", key) for key in cached_bodies if key not in result.bodies]
    if not result.ok or fails(result.diagnostics, strict=options.strict):
        cache.save(put=saved, drop=gone)  # what was parsed and rendered still holds
        raise ContentError(result.diagnostics, strict=options.strict)
    assert result.plan is not None
    files: dict[str, bytes] = {}
    copies: dict[str, Path] = {}
    reuse: dict[str, Path] = {}
    made_from: dict[str, str] = {}
    known = last.files if last is not None else {}
    for record in result.pages.values():
        made_from[record.file] = record.digest
        data = result.rendered.get(record.file)
        if data is None or _unchanged(out, record.file, known.get(record.file), record.digest):
            reuse[record.file] = out / record.file
        else:
            files[record.file] = data
    for rel, data in result.generated.items():
        made_from[rel] = _file_digest(data)
        if _unchanged(out, rel, known.get(rel), made_from[rel]):
            reuse[rel] = out / rel
        else:
            files[rel] = data
    for rel, source in result.copies.items():
        made_from[rel] = _source_signature(source)
        if _unchanged(out, rel, known.get(rel), made_from[rel]):
            reuse[rel] = out / rel
        else:
            copies[rel] = source
    no_change = last is not None and not files and not copies and set(reuse) == set(known)
    if not no_change:
        try:
            write_site(out, files, copies, reuse=reuse)
        except OSError as exc:  # disk full, permissions, an asset that vanished: no traceback
            where = f" ({exc.filename})" if exc.filename else ""
            raise ClawdemyError(
                f"error: cannot write the site into {options.out_dir}{where}:"
                f" {exc.strerror or exc}; the previous build, if any, is left as it was"
            ) from None
    outputs: dict[str, OutputFile] = {}
    for rel, origin in made_from.items():
        if no_change and rel in known:
            outputs[rel] = known[rel]
            continue
        stat = os.stat(out / rel)
        outputs[rel] = OutputFile(origin, stat.st_size, stat.st_mtime_ns)
    gone += [("page", key) for key in cached_pages if key not in result.pages]
    saved += [
        ("page", key, record)
        for key, record in result.pages.items()
        if record.file in result.rendered or key not in pages
    ]
    cache.save(
        put=saved,
        drop=gone,
        meta={"output": LastBuild(str(out), _marker_identity(out) or (0, 0), outputs)},
    )
    page_count = sum(1 for name in made_from if name.endswith(".html"))
    return BuildResult(
        result=result,
        out_dir=options.out_dir,
        pages=page_count,
        files=len(made_from),
        written=0 if no_change else len(files) + len(copies),
        warnings=result.diagnostics,
    )
