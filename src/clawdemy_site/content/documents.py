"""Parse site.yml, track.yml and lesson files from text. Pure: no file is opened here."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import cast

from clawdemy_site.content.fields import (
    Field,
    Kind,
    Problems,
    describe,
    read_mapping,
    read_scalar,
)
from clawdemy_site.content.frontmatter import FrontMatterError, split_front_matter
from clawdemy_site.content.linkconfig import read_links_config
from clawdemy_site.content.models import (
    FurtherStudy,
    Lesson,
    LinksConfig,
    Reference,
    SiteConfig,
    SourceCurriculum,
)
from clawdemy_site.content.references import read_prerequisites, read_references
from clawdemy_site.content.yamlnodes import (
    Pos,
    YamlError,
    YMap,
    YScalar,
    YSeq,
    YValue,
    parse_yaml,
)

SITE_SCHEMA = {
    "title": Field(Kind.TEXT, "The site's name, at the top of every page."),
    "base_url": Field(
        Kind.URL,
        "Where the site is published, for canonical URLs and the sitemap;"
        " it may carry a path (https://someone.github.io/course/).",
    ),
    "language": Field(Kind.TEXT, "The language of the site, a BCP 47 tag such as en or pt-BR."),
    "description": Field(Kind.TEXT, "One sentence about the site, shown on the home page."),
    "license": Field(Kind.TEXT, "The licence of the site's own prose, such as CC-BY-4.0."),
    "attribution": Field(
        Kind.TEXT, "The statement printed under every source curriculum, unless it has its own."
    ),
    "links": Field(Kind.ANY, "Settings of `clawdemy check-links`."),
    "embed_hosts": Field(
        Kind.TEXT_LIST,
        "Hosts whose pages a lesson body may embed in an iframe, such as www.youtube.com;"
        " every other iframe, object and embed is removed.",
    ),
}
SITE_REQUIRED = ("title", "base_url", "language")
TRACK_SCHEMA = {
    "title": Field(Kind.TEXT, "The track's name."),
    "summary": Field(Kind.TEXT, "One sentence on what the track covers, shown on the home page."),
    "position": Field(Kind.WHOLE, "Where the track comes on the home page, lowest first."),
}
TRACK_REQUIRED = ("title", "summary")
LESSON_SCHEMA = {
    "title": Field(Kind.TEXT, "The lesson's title, the heading of its page."),
    "lesson": Field(
        Kind.WHOLE, "The lesson's number: unique in its track, the NN of its file name."
    ),
    "summary": Field(Kind.TEXT, "One sentence on what the lesson gives the reader."),
    "minutes": Field(
        Kind.POSITIVE,
        "Reading time in minutes; estimated from the body if absent.",
        maximum=(600, "ten hours"),
    ),
    "objectives": Field(Kind.TEXT_LIST, "What the reader can do afterwards, one item each."),
    "draft": Field(Kind.BOOL, "true keeps the lesson out of a build without --drafts."),
    "references": Field(
        Kind.ANY,
        "What the lesson cites: the curriculum it mirrors (`source`), further study,"
        " and where it leads (`lesson`).",
    ),
    "keypoints": Field(Kind.TEXT_LIST, "What to remember, shown at the end under Key points."),
    "prerequisites": Field(
        Kind.ANY,
        "Lessons to read first: a number in this track, or <track-slug>/<number>, each.",
    ),
}
LESSON_REQUIRED = ("title", "lesson", "summary")

LESSON_FILE = re.compile(r"^(?P<number>[0-9]{2,})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
#: Words read a minute, for reading time when `minutes` is absent.
WORDS_PER_MINUTE = 200
#: A body longer than this without `minutes` is warned about.
LONG_BODY_WORDS = 1000


def _document(text: str, problems: Problems, *, first_line: int, what: str) -> YMap | None:
    try:
        value, duplicates = parse_yaml(text, first_line=first_line)
    except YamlError as exc:
        problems.add(exc.pos, exc.message)
        return None
    for dup in duplicates:
        problems.add(
            dup.pos, f"`{dup.name}` is written twice (first on line {dup.first.line}); keep one"
        )
    if value is None:
        problems.add(Pos(first_line, 1), f"{what} is empty")
        return None
    if not isinstance(value, YMap):
        problems.add(
            value.pos, f"{what} must be a mapping of `key: value` lines, not {describe(value)}"
        )
        return None
    return value


def parse_site_config(text: str, problems: Problems) -> SiteConfig | None:
    doc = _document(text, problems, first_line=1, what="site.yml")
    if doc is None:
        return None
    values = read_mapping(
        doc, SITE_SCHEMA, SITE_REQUIRED, what="site.yml", problems=problems
    )
    links_value = doc.get("links")
    links = read_links_config(links_value, problems) if links_value is not None else LinksConfig()
    # Values are checked even when another key is wrong, so that one run reports them all.
    language = doc.get("language")
    language_ok = True
    if isinstance(language, YScalar) and (tag := _written_text(language)) and not BCP47.match(tag):
        problems.add(
            language.pos, f"`language` must be a BCP 47 tag such as `en` or `pt-BR`, not `{tag}`"
        )
        language_ok = False
    embed_hosts = _embed_hosts(doc, values, problems)
    if values is None or not language_ok or links is None or embed_hosts is None:
        return None
    base_url = cast(str, values["base_url"])
    return SiteConfig(
        title=cast(str, values["title"]),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        language=cast(str, values["language"]),
        description=cast("str | None", values.get("description")),
        license=cast("str | None", values.get("license")),
        attribution=cast("str | None", values.get("attribution")),
        links=links,
        embed_hosts=embed_hosts,
    )


#: A host name as `embed_hosts` takes it: `www.youtube.com`, no scheme, port or path.
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")


def _embed_hosts(
    doc: YMap, values: dict[str, object] | None, problems: Problems
) -> tuple[str, ...] | None:
    """`embed_hosts`, each a lowercase host name; None after reporting a bad one."""
    given = doc.get("embed_hosts")
    if not isinstance(given, YSeq):
        return ()
    ok = True
    for item in given.items:
        host = _written_text(item)
        if host is not None and not _HOST.match(host.lower()):
            problems.add(
                item.pos,
                f"each item of `embed_hosts` must be a host name such as `www.youtube.com`,"
                f" not `{host}`",
            )
            ok = False
    hosts = cast("tuple[str, ...]", values.get("embed_hosts", ())) if values else ()
    return tuple(host.lower() for host in hosts) if ok else None


def _written_text(value: YValue | None) -> str | None:
    """A value's text as `read_mapping` reads a text field, or None where it reads none
    (it says why itself, so what `read_scalar` says here is dropped)."""
    if value is None:
        return None
    text = read_scalar(value, Kind.TEXT, "", Problems(""))
    return text if isinstance(text, str) else None


@dataclass(frozen=True)
class TrackFields:
    title: str
    summary: str
    position: int | None
    #: Where `position` is written, for a message about two tracks in one place.
    position_pos: Pos | None = None


def parse_track_fields(text: str, problems: Problems) -> TrackFields | None:
    doc = _document(text, problems, first_line=1, what="track.yml")
    if doc is None:
        return None
    values = read_mapping(
        doc, TRACK_SCHEMA, TRACK_REQUIRED, what="track.yml", problems=problems
    )
    if values is None:
        return None
    return TrackFields(
        title=cast(str, values["title"]),
        summary=cast(str, values["summary"]),
        position=cast("int | None", values.get("position")),
        position_pos=position.pos if (position := doc.get("position")) is not None else None,
    )


def count_words(markdown: str) -> int:
    return len(re.findall(r"[\w'’-]+", markdown))


def parse_lesson(
    text: str, *, path: str, track: str, stem: str, problems: Problems
) -> Lesson | None:
    """A lesson from its file's text; `stem` is the file name without `.md`."""
    name_match = LESSON_FILE.match(stem)
    if name_match is None:
        problems.add(
            Pos(1, 1),
            f"lesson file `{stem}.md` is not named `NN-slug.md`: a number of at least two"
            " digits, a dash, then lowercase words joined by dashes (`02-neurons-as-numbers.md`)",
        )
    try:
        parts = split_front_matter(text)
    except FrontMatterError as exc:
        problems.add(Pos(exc.line, 1), exc.message)
        return None
    doc = _document(
        parts.front_matter, problems, first_line=parts.front_matter_line, what="the front matter"
    )
    if doc is None:
        return None
    values = read_mapping(
        doc,
        LESSON_SCHEMA,
        LESSON_REQUIRED,
        what="the front matter",
        problems=problems,
    )
    for name in ("objectives", "keypoints"):
        _warn_items_run_together(doc.get(name), name, problems)
    references_value = doc.get("references")
    empty = isinstance(references_value, YScalar) and references_value.value is None
    references = (
        read_references(references_value, track, problems)
        if references_value is not None and not empty
        else ()
    )
    prerequisites_value = doc.get("prerequisites")
    prerequisites = (
        read_prerequisites(prerequisites_value, track, problems)
        if prerequisites_value is not None
        and not (isinstance(prerequisites_value, YScalar) and prerequisites_value.value is None)
        else ()
    )
    if values is None or name_match is None:
        return None
    number = cast(int, values["lesson"])
    file_number = int(name_match["number"])
    lesson_value = doc.get("lesson")
    assert lesson_value is not None
    if number != file_number:
        problems.add(
            lesson_value.pos,
            f"`lesson` is {number} but the file name says {name_match['number']}:"
            f" write `lesson: {file_number}`, or rename the file to"
            f" `{number:0{len(name_match['number'])}d}-{name_match['slug']}.md`",
        )
        return None
    if not parts.body.strip():
        problems.add(
            Pos(parts.body_line - 1, 1),
            "the lesson has no body: write the lesson below this closing `---`",
            "warning",
        )
    words = count_words(parts.body)
    minutes = cast("int | None", values.get("minutes"))
    if minutes is None and words > LONG_BODY_WORDS:
        problems.add(
            doc.pos,
            f"the body is {words} words long but `minutes` is not set; the reading time is"
            " estimated: set `minutes` to say how long it really takes",
            "warning",
        )
    for entry in references:
        for further in _further_entries(entry):
            if not further.note and not further.role:  # `role` is a short `note`
                problems.add(
                    Pos(further.url_line, 1),
                    f"the `{further.kind}` entry `{further.title}` has no `role` or `note`:"
                    " say in a sentence why a learner should follow it",
                    "warning",
                )
    return Lesson(
        track=track,
        number=number,
        slug=stem,
        path=path,
        title=cast(str, values["title"]),
        summary=cast(str, values["summary"]),
        minutes=minutes if minutes is not None else max(1, math.ceil(words / WORDS_PER_MINUTE)),
        minutes_given=minutes is not None,
        objectives=cast("tuple[str, ...]", values.get("objectives", ())),
        draft=cast(bool, values.get("draft", False)),
        references=references,
        body=parts.body,
        body_line=parts.body_line,
        keypoints=cast("tuple[str, ...]", values.get("keypoints", ())),
        prerequisites=prerequisites,
        number_pos=lesson_value.pos,
    )


def _warn_items_run_together(items: YValue | None, name: str, problems: Problems) -> None:
    """Warn at each plain item that a mis-indented `-` line was folded into.

    YAML joins the lines of a plain scalar, so ` - a` then `  -x` (indented deeper than the
    first `- `) reads as the one item `a -x`, and silently."""
    if not isinstance(items, YSeq):
        return
    for item in items.items:
        if not (isinstance(item, YScalar) and item.source is not None):
            continue  # a quoted item says what it means
        text = item.source
        if item.folded_dash:
            problems.add(
                item.pos,
                f"the `{name}` item `{text}` looks like several items run together: YAML joins"
                " a line indented deeper than the `- ` before it onto that item; check the"
                " indentation (every `- ` of the list in one column), or quote the item if"
                " the `-` is meant",
                "warning",
            )
        elif text.startswith("-"):
            problems.add(
                item.pos,
                f"the `{name}` item `{text}` starts with `-`: a new item starts with `- `"
                " (a dash and a space) on a line of its own, in the column of the others;"
                " quote the item if the `-` is meant",
                "warning",
            )


def _further_entries(entry: Reference) -> tuple[FurtherStudy, ...]:
    if isinstance(entry, FurtherStudy):
        return (entry,)
    if isinstance(entry, SourceCurriculum) and entry.companion is not None:
        return (entry.companion,)
    return ()
