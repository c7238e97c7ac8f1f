"""`clawdemy new lesson` and `clawdemy new track`: the next file, filled in, never overwritten.

What to write is worked out from names on disk (pure functions over lists of names);
the two `new_*` functions read the folder, then create one file with `open(..., "x")`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from clawdemy_site.content.documents import LESSON_FILE, parse_track_fields
from clawdemy_site.content.fields import Problems
from clawdemy_site.content.load import TRACK_SLUG
from clawdemy_site.errors import ClawdemyError, no_content_folder


def slugify(title: str) -> str:
    """Lowercase ASCII words joined by dashes: `Descent, again!` -> `descent-again`."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


#: What a slug is, as messages say it.
SLUG_RULE = "lowercase words of a-z and 0-9 joined by dashes"


def check_slug(slug: str, what: str) -> str:
    """`slug` when it is one (`what` names it in the message: `a track slug`), else an error."""
    if not TRACK_SLUG.match(slug):
        example = slugify(slug) or "first-steps"
        raise ClawdemyError(f"error: `{slug}` is not {what}: use {SLUG_RULE}, such as `{example}`")
    return slug


def title_slug(title: str, slug_option: str) -> str:
    """The file name slug made from `title`; an error naming `slug_option` when it makes none.

    Slugs stay ASCII, as lesson file names must be: a file name is the page's address."""
    slug = slugify(title)
    if not slug:
        letters = "Latin letters" if any(char.isalnum() for char in title) else "letters"
        raise ClawdemyError(
            f"error: the title {title!r} has no {letters} or digits to make a file name from:"
            f" name the file with {slug_option} SLUG ({SLUG_RULE}, such as `first-steps`)"
        )
    return slug


def yaml_text(value: str) -> str:
    """`value` as a YAML scalar: plain when it reads back unchanged, else double-quoted."""
    plain = value.strip()
    try:
        if plain == value and yaml.safe_load(f"key: {value}") == {"key": value}:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class NextLesson:
    number: int
    #: The file name, `07-gradient-descent.md`.
    name: str


def next_lesson(existing: list[str], slug: str) -> NextLesson:
    """The number after the highest in `existing` (file names), zero-padded as they are."""
    numbers = [
        match["number"]
        for name in existing
        if (match := LESSON_FILE.match(name.removesuffix(".md")))
    ]
    number = max((int(n) for n in numbers), default=0) + 1
    width = max((len(n) for n in numbers), default=2)
    return NextLesson(number, f"{number:0{width}d}-{slug}.md")


LESSON_BODY = """\
Start from a question the reader already has, then answer it in a few short
paragraphs. Say one thing at a time, and give an example before the general rule.

Markdown works as usual: *emphasis*, lists, tables and fenced code. Math goes
between dollar signs, as in $a^2 + b^2 = c^2$.
"""

LESSON_OPTIONAL = """\
# minutes: 10              # reading time; estimated from the body when absent
# objectives:              # what the reader can do afterwards
#   - Say what this lesson answers.
# draft: true              # published only by a build with --drafts
# references:              # what this lesson cites, in this order
#   - type: source         # the curriculum this lesson mirrors
#     title: The chapter this lesson follows
#     creator: Its author
#     url: https://example.org/chapter
#     license: Its licence
#   - type: article        # further study: video, book, article, paper, interactive, course, tool
#     title: One specific next step
#     url: https://example.org/next
#     note: Why a reader should follow it, in a sentence.
#   - type: lesson         # where this leads: a number in this track, or <track>/<number>
#     lesson: 2
#     note: What that lesson answers.
"""


def lesson_text(
    title: str,
    number: int,
    *,
    summary: str = "One sentence that says what this lesson gives the reader.",
    front: str = LESSON_OPTIONAL,
    body: str = LESSON_BODY,
) -> str:
    """A new lesson: the required fields filled, then `front` (the optional ones, as comments)."""
    return (
        f"---\ntitle: {yaml_text(title)}\nlesson: {number}\nsummary: {yaml_text(summary)}\n"
        f"{front}---\n\n{body}"
    )


def track_names(content_dir: Path) -> list[str]:
    return sorted(
        entry.name
        for entry in content_dir.iterdir()
        if entry.is_dir() and (entry / "track.yml").is_file()
    )


def _require_content(content_dir: Path) -> None:
    if not content_dir.is_dir():
        raise ClawdemyError(f"error: {no_content_folder(content_dir)}")


def new_lesson(content_dir: Path, track: str, title: str, *, slug: str | None = None) -> Path:
    """Create the track's next lesson file and return its path.

    The file is named `NN-SLUG.md`, `slug` made from the title when not given."""
    _require_content(content_dir)
    slug = check_slug(slug, "a file name slug") if slug else title_slug(title, "--slug")
    tracks = track_names(content_dir)
    if track not in tracks:
        known = ", ".join(tracks) if tracks else "none yet"
        raise ClawdemyError(
            f"error: there is no track `{track}` in {content_dir} (tracks: {known});"
            f' make one with `clawdemy new track {slugify(track) or "SLUG"} "Title"`'
        )
    folder = content_dir / track
    planned = next_lesson([entry.name for entry in folder.iterdir()], slug)
    return create_file(folder / planned.name, lesson_text(title, planned.number))


def next_position(positions: list[int | None]) -> int:
    return max((p for p in positions if p is not None), default=0) + 1


def track_text(
    title: str,
    position: int,
    *,
    summary: str = "One sentence that says what this track covers.",
    schema: str | None = None,
) -> str:
    """track.yml; `schema` is the path of the track schema for yaml-language-server."""
    modeline = f"# yaml-language-server: $schema={schema}\n" if schema else ""
    return (
        f"{modeline}title: {yaml_text(title)}\nsummary: {yaml_text(summary)}\n"
        f"position: {position}\n"
    )


def new_track(
    content_dir: Path,
    slug: str,
    title: str,
    *,
    first_lesson: str = "Introduction",
    first_lesson_slug: str | None = None,
) -> tuple[Path, Path]:
    """Create `SLUG/track.yml` at the next free position and the track's first lesson.

    A track with no lesson is warned about, so the new track comes with one: the site
    still builds with --strict. Returns both paths.
    """
    _require_content(content_dir)
    check_slug(slug, "a track slug")
    lesson_slug = (
        check_slug(first_lesson_slug, "a file name slug")
        if first_lesson_slug
        else title_slug(first_lesson, "--first-lesson-slug")
    )
    folder = content_dir / slug
    if folder.exists():
        raise ClawdemyError(f"error: {folder} already exists; nothing was written")
    positions = []
    for name in track_names(content_dir):
        path = content_dir / name / "track.yml"
        fields = parse_track_fields(path.read_text(encoding="utf-8"), Problems(str(path)))
        positions.append(fields.position if fields is not None else None)
    schema = content_dir.parent / "schema" / "track.json"
    lesson = next_lesson([], lesson_slug)
    folder.mkdir()
    track_file = create_file(
        folder / "track.yml",
        track_text(
            title,
            next_position(positions),
            schema="../../schema/track.json" if schema.is_file() else None,
        ),
    )
    return track_file, create_file(folder / lesson.name, lesson_text(first_lesson, lesson.number))


def create_file(path: Path, text: str) -> Path:
    """Write a new file; an existing one is never touched."""
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise ClawdemyError(f"error: {path} already exists; nothing was written") from None
    return path
