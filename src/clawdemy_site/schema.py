"""`clawdemy schema`: JSON Schema (draft 2020-12) of site.yml, track.yml and lesson front matter.

Made from the field tables the validator reads with (`content/documents.py`,
`content/references.py`, `content/linkconfig.py`): each key's kind and description
come from there. The keys whose kind is `Kind.ANY` are read by code of their own;
their shapes are written out below, next to the names of the tables they nest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from clawdemy_site.content import documents, linkconfig, references
from clawdemy_site.content.fields import Field, Kind
from clawdemy_site.content.models import FURTHER_STUDY_TYPES

SchemaKind = Literal["lesson", "track", "site"]
KINDS: tuple[SchemaKind, ...] = ("lesson", "track", "site")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
JSON = dict[str, Any]

#: Text: a string with something besides white space (a number is read as text too).
TEXT: JSON = {"type": ["string", "number"], "pattern": r"\S"}
#: An absolute http(s) URL with a host and no white space (see fields.check_url).
URL: JSON = {"type": "string", "pattern": r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+[^\s]*\s*$"}
_BY_KIND: dict[Kind, JSON] = {
    Kind.TEXT: TEXT,
    Kind.URL: URL,
    Kind.WHOLE: {"type": "integer", "minimum": 0},
    Kind.POSITIVE: {"type": "integer", "minimum": 1},
    Kind.BOOL: {"type": "boolean"},
    Kind.TEXT_LIST: {"type": "array", "items": TEXT},
    Kind.ANY: {},
}
_POSITIVE_NUMBER: JSON = {"type": "number", "exclusiveMinimum": 0}
_STATUS: JSON = {"type": "integer", "minimum": 100, "maximum": 599}
_LESSON_TARGET: JSON = {
    "anyOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": "^(?:[a-z0-9][a-z0-9-]*/)?[0-9]+$"},
    ]
}


def _object(
    table: Mapping[str, Field],
    required: tuple[str, ...],
    shapes: Mapping[str, JSON] | None = None,
    *,
    description: str | None = None,
) -> JSON:
    """An object of exactly the keys of `table`; `shapes` gives the value of `Kind.ANY` keys."""
    shapes = shapes or {}
    properties: JSON = {}
    for name, field in table.items():
        if field.kind is Kind.ANY and name not in shapes:
            raise ValueError(f"no JSON Schema shape for `{name}`, read by code of its own")
        shape = {**_BY_KIND[field.kind], **shapes.get(name, {})}
        if name not in required and field.kind is not Kind.ANY:
            shape["type"] = [*_types(shape), "null"]  # `key:` with no value counts as absent
        properties[name] = {"description": field.description, **shape}
    found: JSON = {"type": "object"}
    if description:
        found["description"] = description
    found.update(
        properties=properties,
        required=list(required),
        additionalProperties=False,
    )
    return found


def _types(shape: JSON) -> list[str]:
    found = shape["type"]
    return [found] if isinstance(found, str) else list(found)


def _enum(types: tuple[str, ...]) -> JSON:
    return {"enum": list(types)}


def further_study(types: tuple[str, ...] = FURTHER_STUDY_TYPES) -> JSON:
    return _object(
        references.FURTHER_STUDY_SCHEMA,
        references.FURTHER_STUDY_REQUIRED,
        {"type": _enum(types)},
    )


def reference_entry() -> JSON:
    """One entry of `references`: its `type` (an enum) picks the table it is read against."""
    source = _object(
        references.SOURCE_SCHEMA,
        references.SOURCE_REQUIRED,
        {
            "type": {"const": "source"},
            "contributors": {
                "type": ["array", "null"],
                "items": _object(references.CONTRIBUTOR_SCHEMA, references.CONTRIBUTOR_REQUIRED),
            },
            "companion": {**further_study(), "type": ["object", "null"]},
        },
    )
    lesson = _object(
        references.LESSON_SCHEMA,
        references.LESSON_REQUIRED,
        {"type": {"const": "lesson"}, "lesson": _LESSON_TARGET},
    )

    def when(types: tuple[str, ...], then: JSON) -> JSON:
        return {"if": {"properties": {"type": _enum(types)}}, "then": then}

    return {
        "type": "object",
        "description": "A typed reference entry.",
        "properties": {
            "type": {
                "description": "The kind of entry: `source` (the curriculum this lesson mirrors),"
                " further study (" + ", ".join(FURTHER_STUDY_TYPES) + "), or `lesson`"
                " (where this leads inside the site).",
                **_enum(references.ALL_TYPES),
            }
        },
        "required": ["type"],
        "allOf": [
            when(("source",), source),
            when(FURTHER_STUDY_TYPES, further_study()),
            when(("lesson",), lesson),
        ],
    }


def lesson_schema() -> JSON:
    return _object(
        documents.LESSON_SCHEMA,
        documents.LESSON_REQUIRED,
        {
            "references": {"type": ["array", "null"], "items": reference_entry()},
            "prerequisites": {"type": ["array", "null"], "items": _LESSON_TARGET},
        },
        description="The YAML front matter of a clawdemy lesson (content/<track>/NN-slug.md).",
    )


def track_schema() -> JSON:
    return _object(
        documents.TRACK_SCHEMA,
        documents.TRACK_REQUIRED,
        description="A clawdemy track (content/<track>/track.yml).",
    )


def site_schema() -> JSON:
    host = _object(
        linkconfig.HOST_SCHEMA,
        (),
        {"headers": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}}},
    )
    links = _object(
        linkconfig.LINKS_SCHEMA,
        (),
        {
            "accept": {"anyOf": [_STATUS, {"type": "array", "items": _STATUS}]},
            "timeout": _POSITIVE_NUMBER,
            "max_age": _POSITIVE_NUMBER,
            "flaky_hours": _POSITIVE_NUMBER,
            "hosts": {"type": "object", "additionalProperties": host},
        },
    )
    return _object(
        documents.SITE_SCHEMA,
        documents.SITE_REQUIRED,
        {"language": {"pattern": documents.BCP47.pattern}, "links": links},
        description="A clawdemy site's settings (content/site.yml).",
    )


def json_schema(kind: SchemaKind) -> JSON:
    """The whole schema document for one kind of file."""
    body = {"lesson": lesson_schema, "track": track_schema, "site": site_schema}[kind]()
    return {
        "$schema": DRAFT,
        "title": f"clawdemy {kind}",
        **body,
    }
