"""Read content/ from disk into a `Site`. The only module of `content` that touches files."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from clawdemy_site.content.documents import (
    LESSON_FILE,
    TrackFields,
    parse_lesson,
    parse_site_config,
    parse_track_fields,
)
from clawdemy_site.content.fields import Problems
from clawdemy_site.content.models import (
    Asset,
    Lesson,
    Site,
    SiteConfig,
    Track,
    lesson_file_parts,
)
from clawdemy_site.content.validate import check_lesson_refs, check_numbering, check_tracks
from clawdemy_site.errors import Diagnostic

TRACK_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Largest lesson, track.yml or site.yml read (assets are copied, never read, and have no cap).
MAX_TEXT_BYTES = 5 * 2**20
#: Files that are never published as assets.
IGNORED_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class LoadResult:
    """The site (None when any error was found) and every diagnostic, warnings included."""

    site: Site | None
    diagnostics: tuple[Diagnostic, ...]
    #: Every lesson that parsed and is published in this build, even when the site has errors,
    #: so that their bodies can be checked too and every problem reported in one run.
    lessons: tuple[Lesson, ...] = ()
    #: Every lesson file, relative to content/ (`neural-networks/02-x.md`), drafts included.
    lesson_files: frozenset[str] = frozenset()
    #: The lesson files left out of this build because they are drafts.
    draft_files: frozenset[str] = frozenset()
    assets: tuple[Asset, ...] = ()

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


#: Parses one lesson file's text: (text, path as shown, track, file stem) -> the lesson, or
#: None, and the problems found. The build passes one that remembers earlier answers.
LessonParser = Callable[[str, str, str, str], tuple[Lesson | None, tuple[Diagnostic, ...]]]


#: What was parsed from a lesson file before, when the file provably has not changed since:
#: (file relative to content/, path as shown, whether the file is a link) -> the lesson and
#: its problems, or None to read it again.
LessonRecall = Callable[[str, str, bool], tuple[Lesson | None, tuple[Diagnostic, ...]] | None]


def parse_lesson_text(
    text: str, path: str, track: str, stem: str
) -> tuple[Lesson | None, tuple[Diagnostic, ...]]:
    problems = Problems(path)
    lesson = parse_lesson(text, path=path, track=track, stem=stem, problems=problems)
    return lesson, tuple(problems.items)


def display_path(path: Path) -> str:
    """A path as the user names it: relative to the current directory."""
    return os.path.relpath(path)


def shown_under(content_shown: str, rel: str) -> str:
    """A file under content/ (`rel`, e.g. `track/01-x.md`) as the user names it, given how
    they name content/ itself (its `display_path`)."""
    return rel if content_shown == "." else f"{content_shown}/{rel}"


def lesson_digest(text: str, path: str, track: str, stem: str) -> str:
    """What a parsed lesson is known by: everything its parsing reads."""
    return hashlib.sha1(f"{path}\0{track}\0{stem}\0{text}".encode(), usedforsecurity=False).hexdigest()


def _meant(path: Path) -> str:
    """`; did you mean `track.yml`?` for `track.yaml` or `Track.yml`, else ``."""
    meant = {"site": "site.yml", "track": "track.yml"}.get(path.stem.lower())
    return f"; did you mean `{meant}`?" if meant and path.suffix != ".md" else ""


def is_hidden(name: str) -> bool:
    return name.startswith((".", "_")) or name.endswith("~") or name in IGNORED_FILES


@dataclass
class _Reader:
    """Walks content/, collecting lessons, tracks, assets and problems."""

    content_dir: Path
    parse: LessonParser = parse_lesson_text
    recall: LessonRecall | None = None
    _shown_root: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    tracks: list[tuple[str, str, TrackFields]] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    #: Lesson files by content-relative path, whether or not they parsed.
    lesson_files: set[str] = field(default_factory=set)

    def read_text(self, path: Path, problems: Problems) -> str | None:
        try:
            size = path.stat().st_size
            if size > MAX_TEXT_BYTES:
                problems.add_at(
                    1,
                    1,
                    f"the file is {size / 2**20:.1f} MiB, over the {MAX_TEXT_BYTES // 2**20} MiB"
                    " a content file may hold: split it, or move data into an asset file",
                )
                return None
            with path.open("rb") as stream:  # a file that grew since stat is cut, not read
                data = stream.read(MAX_TEXT_BYTES + 1)
            if len(data) > MAX_TEXT_BYTES:
                problems.add_at(
                    1, 1, f"the file is over the {MAX_TEXT_BYTES // 2**20} MiB a content file may hold"
                )
                return None
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = before.count(b"\n") + 1
            column = exc.start - (before.rfind(b"\n") + 1) + 1
            problems.add_at(
                line,
                column,
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02X}): save it as UTF-8",
            )
        except OSError as exc:
            problems.add_at(1, 1, f"cannot read the file: {exc.strerror}")
        return None

    def site_config(self) -> SiteConfig | None:
        path = self.content_dir / "site.yml"
        problems = Problems(display_path(path))
        config = None
        if not path.is_file():
            problems.add_at(1, 1, "site.yml is missing: a site needs title, base_url and language")
        elif (text := self.read_text(path, problems)) is not None:
            config = parse_site_config(text, problems)
        self.diagnostics += problems.items
        return config

    def walk(self) -> None:
        for entry in sorted(self.content_dir.iterdir()):
            if is_hidden(entry.name) or entry.name == "site.yml":
                continue
            if entry.is_dir() and not entry.is_symlink():
                if self.is_asset_folder(entry):
                    self.asset_folder(entry)
                else:
                    self.track_folder(entry)
            else:
                self.asset(entry)

    @staticmethod
    def is_asset_folder(folder: Path) -> bool:
        """A folder with no track.yml and no lessons holds files shared by the site
        (`content/images/`): it is published as it is, not read as a track."""
        if (folder / "track.yml").exists() or (folder / "track.yaml").exists():
            return False
        return not any(
            entry.suffix == ".md" and not is_hidden(entry.name) for entry in folder.iterdir()
        )

    def asset_folder(self, folder: Path) -> None:
        """Every file under `folder`, hidden ones aside, published at the same place."""
        for nested in sorted(folder.rglob("*")):
            rel_parts = nested.relative_to(folder).parts
            if nested.is_file() and not any(is_hidden(part) for part in rel_parts):
                self.asset(nested)

    def track_folder(self, folder: Path) -> None:
        slug = folder.name
        track_path = folder / "track.yml"
        problems = Problems(display_path(track_path))
        if not TRACK_SLUG.match(slug):
            problems.add_at(
                1,
                1,
                f"track folder `{slug}` must be lowercase words joined by dashes"
                " (`neural-networks`)",
            )
        fields = None
        if track_path.exists() and self.outside(track_path):
            pass
        elif not track_path.is_file():
            problems.add_at(
                1, 1, f"track.yml is missing: track `{slug}` needs a title and a summary"
            )
        elif (text := self.read_text(track_path, problems)) is not None:
            fields = parse_track_fields(text, problems)
        self.diagnostics += problems.items
        if fields is not None and not problems.items:
            self.tracks.append((slug, display_path(track_path), fields))
        # os.scandir knows each entry's kind from the listing: no stat per lesson file.
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            if is_hidden(entry.name) or entry.name == "track.yml":
                continue
            if entry.name.endswith(".md") and entry.is_file():
                self.lesson(folder, entry.name, linked=entry.is_symlink())
            elif entry.is_dir() and not entry.is_symlink():
                self.asset_folder(folder / entry.name)
            else:
                self.asset(folder / entry.name)

    def shown(self, rel: str) -> str:
        """`display_path` of a file found by the walk (`rel` to content/, `track/NN-x.md`),
        without asking the OS for each one."""
        if self._shown_root is None:
            self._shown_root = display_path(self.content_dir)
        return shown_under(self._shown_root, rel)

    def outside(self, path: Path) -> bool:
        """True (and reported) when `path` is a link to something outside content/.

        The walk never enters a linked folder, so only a link itself can lead outside."""
        if not path.is_symlink() or path.resolve().is_relative_to(self.content_dir):
            return False
        self.diagnostics.append(
            Diagnostic(
                display_path(path),
                1,
                1,
                "error",
                "this is a link to a file outside content/: copy the file in instead",
            )
        )
        return True

    def lesson(self, folder: Path, name: str, *, linked: bool) -> None:
        """The lesson file `name` in the track folder `folder` (whose name is the track's)."""
        if linked and self.outside(folder / name):
            return
        track = folder.name
        rel = f"{track}/{name}"
        self.lesson_files.add(rel)
        problems = Problems(self.shown(rel))
        recalled = self.recall(rel, problems.path, linked) if self.recall is not None else None
        if recalled is not None:
            lesson, found = recalled
        else:
            text = self.read_text(folder / name, problems)
            self.diagnostics += problems.items
            if text is None:
                return
            lesson, found = self.parse(text, problems.path, track, name.removesuffix(".md"))
        if lesson is not None:
            self.lessons.append(lesson)
        self.diagnostics += found

    def asset(self, path: Path) -> None:
        if not path.is_symlink() and path.exists() and not path.is_file():
            self.diagnostics.append(
                Diagnostic(
                    display_path(path),
                    1,
                    1,
                    "warning",
                    f"`{path.name}` is not a regular file (a pipe, socket or device): it is"
                    " not read or published",
                )
            )
            return
        if path.suffix in (".md", ".yml", ".yaml"):
            self.diagnostics.append(
                Diagnostic(
                    display_path(path),
                    1,
                    1,
                    "warning",
                    f"`{path.name}` is not published: lessons are `.md` files directly in a"
                    " track folder, and `.md` and `.yml` files are never copied as assets"
                    + _meant(path),
                )
            )
            return
        real = path.resolve()
        if self.outside(path):
            return
        if not real.is_file():
            self.diagnostics.append(
                Diagnostic(
                    display_path(path),
                    1,
                    1,
                    "error",
                    "this link leads to no file (or to a loop of links): remove it or copy the file in",
                )
            )
            return
        self.assets.append(Asset(real, path.relative_to(self.content_dir).as_posix()))


def load_site(
    content_dir: Path,
    *,
    drafts: bool = False,
    parse: LessonParser = parse_lesson_text,
    recall: LessonRecall | None = None,
) -> LoadResult:
    """Read and check the whole site; gather every problem rather than stop at the first."""
    content_dir = content_dir.resolve()
    if not content_dir.is_dir():
        problem = Diagnostic(
            display_path(content_dir),
            1,
            1,
            "error",
            "the content folder does not exist (see --content)",
        )
        return LoadResult(None, (problem,))
    reader = _Reader(content_dir, parse, recall)
    config = reader.site_config()
    reader.walk()
    diagnostics = reader.diagnostics
    numbered_files = {
        (track, int(match["number"]))
        for track, stem in map(lesson_file_parts, reader.lesson_files)
        if (match := LESSON_FILE.match(stem))
    }
    diagnostics += check_numbering(reader.lessons)
    diagnostics += check_lesson_refs(reader.lessons, drafts=drafts, files=numbered_files)
    published = [lesson for lesson in reader.lessons if drafts or not lesson.draft]
    tracks = [
        Track(
            slug=slug,
            title=fields.title,
            summary=fields.summary,
            position=fields.position,
            lessons=tuple(
                sorted((x for x in published if x.track == slug), key=lambda x: x.number)
            ),
            path=path,
        )
        for slug, path, fields in reader.tracks
    ]
    diagnostics += _tied_positions(reader.tracks)
    with_files = {track for track, _ in numbered_files}
    diagnostics += check_tracks([track for track in tracks if track.slug not in with_files])
    ordered = tuple(sorted(set(diagnostics)))
    assets = tuple(sorted(reader.assets, key=lambda a: a.rel))
    draft_files = frozenset(
        lesson.source for lesson in reader.lessons if lesson.draft
    )
    site = None
    if config is not None and not any(d.severity == "error" for d in ordered):
        tracks.sort(key=lambda t: (t.position is None, t.position or 0, t.slug))
        site = Site(config, tuple(tracks), assets, content_dir)
    return LoadResult(
        site,
        ordered,
        lessons=tuple(published),
        lesson_files=frozenset(reader.lesson_files),
        draft_files=frozenset() if drafts else draft_files,
        assets=assets,
    )


def _tied_positions(tracks: list[tuple[str, str, TrackFields]]) -> list[Diagnostic]:
    """A warning for each track whose `position` an earlier track (by folder) has taken."""
    problems: list[Diagnostic] = []
    first: dict[int, tuple[str, str]] = {}
    for slug, path, fields in sorted(tracks):
        if fields.position is None or fields.position_pos is None:
            continue
        if fields.position not in first:
            first[fields.position] = (slug, path)
            continue
        other, other_path = first[fields.position]
        problems.append(
            Diagnostic(
                path,
                fields.position_pos.line,
                fields.position_pos.column,
                "warning",
                f"`position: {fields.position}` is also the position of track `{other}`"
                f" ({other_path}): give each track its own position; tied tracks are shown"
                " in folder-name order",
            )
        )
    return problems
