"""Typed reference entries: `source`, the further-study types, and `lesson`."""

from __future__ import annotations

import re
from typing import cast

from clawdemy_site.content.fields import (
    Field,
    Kind,
    Problems,
    describe,
    read_mapping,
    suggest,
    whole_number,
)
from clawdemy_site.content.models import (
    FURTHER_STUDY_TYPES,
    Contributor,
    FurtherStudy,
    LessonRef,
    Reference,
    SourceCurriculum,
)
from clawdemy_site.content.yamlnodes import YMap, YScalar, YSeq, YValue

ALL_TYPES: tuple[str, ...] = ("source", *FURTHER_STUDY_TYPES, "lesson")

FURTHER_STUDY_SCHEMA = {
    "type": Field(Kind.TEXT, "What kind of further study this is."),
    "title": Field(Kind.TEXT, "Its title."),
    "url": Field(Kind.URL, "Its address, an absolute http or https URL."),
    "by": Field(Kind.TEXT, "Who wrote or made it."),
    "publisher": Field(Kind.TEXT, "Who publishes it."),
    "minutes": Field(
        Kind.POSITIVE,
        'How long it takes, in minutes ("About twenty minutes.").',
        maximum=(60_000, "a thousand hours"),
    ),
    "role": Field(Kind.TEXT, "One line: why this one."),
    "note": Field(Kind.TEXT, "A sentence or two on why a learner should follow it."),
    "archived": Field(
        Kind.URL, "A copy to fall back on (an archive's URL); the references page links it."
    ),
}
FURTHER_STUDY_REQUIRED = ("type", "title", "url")
SOURCE_SCHEMA = {
    "type": Field(Kind.TEXT, "`source`: the curriculum this lesson mirrors."),
    "title": Field(Kind.TEXT, "The title of the source's lesson or chapter."),
    "creator": Field(Kind.TEXT, "Who made the source."),
    "url": Field(Kind.URL, "The source's page for this lesson."),
    "license": Field(Kind.TEXT, "The source's licence or copyright notice."),
    "publisher": Field(Kind.TEXT, "Who publishes the source."),
    "series_url": Field(Kind.URL, "The index of the source's whole series."),
    "contributors": Field(Kind.ANY, "Others credited by the source, each with a name and a role."),
    "mirrors": Field(Kind.TEXT, "How this lesson relates to the source."),
    "statement": Field(Kind.TEXT, "An attribution statement that replaces the site's own."),
    "companion": Field(Kind.ANY, "One further-study entry shown under the source."),
    "archived": Field(
        Kind.URL, "A copy to fall back on (an archive's URL); the references page links it."
    ),
}
SOURCE_REQUIRED = ("type", "title", "creator", "url", "license")
LESSON_SCHEMA = {
    "type": Field(Kind.TEXT, "`lesson`: where this lesson leads inside the site."),
    "lesson": Field(
        Kind.ANY, "A lesson number in this track (3), or <track-slug>/<number> for another."
    ),
    "note": Field(Kind.TEXT, "What that lesson answers, in a sentence."),
}
LESSON_REQUIRED = ("type", "lesson")
CONTRIBUTOR_SCHEMA = {
    "name": Field(Kind.TEXT, "The person's name."),
    "role": Field(Kind.TEXT, "What they did, such as text adaptation."),
}
CONTRIBUTOR_REQUIRED = ("name", "role")

_LESSON_TARGET = re.compile(r"^(?:(?P<track>[a-z0-9][a-z0-9-]*)/)?(?P<number>[0-9]+)$")


def read_references(value: YValue, track: str, problems: Problems) -> tuple[Reference, ...]:
    """The `references:` list, every entry checked; bad entries are reported and left out."""
    if not isinstance(value, YSeq):
        problems.add(value.pos, f"`references` must be a list of entries, not {describe(value)}")
        return ()
    entries = (read_entry(item, track, problems) for item in value.items)
    return tuple(entry for entry in entries if entry is not None)


def _entry_type(item: YMap, problems: Problems, allowed: tuple[str, ...]) -> str | None:
    type_value = item.get("type")
    if type_value is None:
        problems.add(item.pos, f"a reference entry needs `type` (one of: {', '.join(allowed)})")
        return None
    if not isinstance(type_value, YScalar) or not isinstance(type_value.value, str):
        problems.add(type_value.pos, f"`type` must be text, not {describe(type_value)}")
        return None
    name = type_value.value
    if name not in allowed:
        problems.add(
            type_value.pos,
            f"unknown reference type `{name}`{suggest(name, allowed)}"
            f" (one of: {', '.join(allowed)})",
        )
        return None
    return name


def read_entry(item: YValue, track: str, problems: Problems) -> Reference | None:
    if not isinstance(item, YMap):
        problems.add(
            item.pos, f"a reference entry must be a mapping with `type`, not {describe(item)}"
        )
        return None
    kind = _entry_type(item, problems, ALL_TYPES)
    if kind is None:
        return None
    if kind == "source":
        return _read_source(item, track, problems)
    if kind == "lesson":
        return _read_lesson_ref(item, track, problems)
    return read_further_study(item, kind, problems)


def read_further_study(item: YMap, kind: str, problems: Problems) -> FurtherStudy | None:
    values = read_mapping(
        item,
        FURTHER_STUDY_SCHEMA,
        FURTHER_STUDY_REQUIRED,
        what=f"a `{kind}` entry",
        problems=problems,
    )
    if values is None:
        return None
    url_key = item.key("url")
    assert url_key is not None
    return FurtherStudy(
        kind=kind,
        title=cast(str, values["title"]),
        url=cast(str, values["url"]),
        url_line=url_key.pos.line,
        by=cast("str | None", values.get("by")),
        publisher=cast("str | None", values.get("publisher")),
        minutes=cast("int | None", values.get("minutes")),
        role=cast("str | None", values.get("role")),
        note=cast("str | None", values.get("note")),
        archived=cast("str | None", values.get("archived")),
    )


def _read_source(item: YMap, track: str, problems: Problems) -> SourceCurriculum | None:
    values = read_mapping(
        item,
        SOURCE_SCHEMA,
        SOURCE_REQUIRED,
        what="a `source` entry",
        problems=problems,
    )
    contributors = _read_contributors(item.get("contributors"), problems)
    companion_ok, companion = _read_companion(item.get("companion"), problems)
    if values is None or contributors is None or not companion_ok:
        return None
    url_key = item.key("url")
    series_key = item.key("series_url")
    assert url_key is not None
    return SourceCurriculum(
        title=cast(str, values["title"]),
        creator=cast(str, values["creator"]),
        url=cast(str, values["url"]),
        url_line=url_key.pos.line,
        license=cast(str, values["license"]),
        publisher=cast("str | None", values.get("publisher")),
        series_url=cast("str | None", values.get("series_url")),
        series_url_line=series_key.pos.line if series_key is not None else None,
        contributors=contributors,
        mirrors=cast("str | None", values.get("mirrors")),
        statement=cast("str | None", values.get("statement")),
        companion=companion,
        archived=cast("str | None", values.get("archived")),
    )


def _read_contributors(value: YValue | None, problems: Problems) -> tuple[Contributor, ...] | None:
    if value is None or (isinstance(value, YScalar) and value.value is None):
        return ()
    if not isinstance(value, YSeq):
        problems.add(
            value.pos, f"`contributors` must be a list of {{name, role}}, not {describe(value)}"
        )
        return None
    people: list[Contributor] = []
    ok = True
    for person in value.items:
        if not isinstance(person, YMap):
            problems.add(
                person.pos,
                f"each contributor must be a mapping {{name, role}}, not {describe(person)}",
            )
            ok = False
            continue
        fields = read_mapping(
            person, CONTRIBUTOR_SCHEMA, CONTRIBUTOR_REQUIRED, what="a contributor", problems=problems
        )
        if fields is None:
            ok = False
            continue
        people.append(Contributor(cast(str, fields["name"]), cast(str, fields["role"])))
    return tuple(people) if ok else None


def _read_companion(value: YValue | None, problems: Problems) -> tuple[bool, FurtherStudy | None]:
    """(ok, the companion entry or None when absent); not ok means already reported."""
    if value is None or (isinstance(value, YScalar) and value.value is None):
        return True, None
    if not isinstance(value, YMap):
        problems.add(
            value.pos, f"`companion` must be one further-study entry, not {describe(value)}"
        )
        return False, None
    type_value = value.get("type")
    if isinstance(type_value, YScalar) and type_value.value in ("source", "lesson"):
        problems.add(
            type_value.pos,
            f"a companion is one further-study entry ({', '.join(FURTHER_STUDY_TYPES)}),"
            f" not a `{type_value.value}`",
        )
        return False, None
    kind = _entry_type(value, problems, FURTHER_STUDY_TYPES)
    if kind is None:
        return False, None
    entry = read_further_study(value, kind, problems)
    return entry is not None, entry


def _read_lesson_ref(item: YMap, track: str, problems: Problems) -> LessonRef | None:
    values = read_mapping(
        item, LESSON_SCHEMA, LESSON_REQUIRED, what="a `lesson` entry", problems=problems
    )
    target = item.get("lesson")
    if values is None or target is None:
        return None
    return read_lesson_target(
        target, track, problems, label="`lesson`", note=cast("str | None", values.get("note"))
    )


def read_lesson_target(
    target: YValue, track: str, problems: Problems, *, label: str, note: str | None = None
) -> LessonRef | None:
    """A lesson named as a number in `track` (`3`) or as `<track-slug>/<number>`."""
    raw = whole_number(target) if isinstance(target, YScalar) else None
    match = (
        _LESSON_TARGET.match(str(raw))
        if isinstance(raw, int | str) and not isinstance(raw, bool)
        else None
    )
    if match is None:
        problems.add(
            target.pos,
            f"{label} must be a lesson number in this track (`3`) or `<track-slug>/<number>`"
            f" (`{track}/3`), not {describe(target)}"
            + (f" `{raw}`" if isinstance(raw, str) else ""),
        )
        return None
    return LessonRef(
        track=match["track"] or track, number=int(match["number"]), note=note, pos=target.pos
    )


def read_prerequisites(value: YValue, track: str, problems: Problems) -> tuple[LessonRef, ...]:
    """`prerequisites:`, a list of lessons named like a `lesson` entry's `lesson`."""
    if not isinstance(value, YSeq):
        problems.add(
            value.pos,
            f"`prerequisites` must be a list of lessons (`- 3` or `- {track}/3`),"
            f" not {describe(value)}",
        )
        return ()
    refs = (
        read_lesson_target(item, track, problems, label="each item of `prerequisites`")
        for item in value.items
    )
    return tuple(ref for ref in refs if ref is not None)
