"""`clawdemy schema`: valid draft 2020-12, described, and in step with the validator.

Every case below is judged twice, by the JSON Schema (through the `jsonschema`
package) and by clawdemy's own reader, and the two must agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.content.documents import parse_lesson, parse_site_config, parse_track_fields
from clawdemy_site.content.fields import Problems
from clawdemy_site.content.references import ALL_TYPES
from clawdemy_site.schema import KINDS, SchemaKind, json_schema

ROOT = Path(__file__).resolve().parent.parent
SITES = [ROOT / "content", ROOT / "tests/fixtures/sites/small/content"]


def validator(kind: SchemaKind) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema(kind))


def schema_errors(kind: SchemaKind, text: str) -> list[str]:
    return [error.message for error in validator(kind).iter_errors(yaml.safe_load(text))]


def clawdemy_errors(kind: SchemaKind, text: str) -> list[str]:
    problems = Problems("file")
    if kind == "lesson":
        parse_lesson(
            f"---\n{text}---\nBody.\n", path="x", track="t", stem="01-x", problems=problems
        )
    elif kind == "track":
        parse_track_fields(text, problems)
    else:
        parse_site_config(text, problems)
    return [d.message for d in problems.items if d.severity == "error"]


def front_matter(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n") + "\n"


def test_the_command_prints_the_lesson_schema_by_default() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema("lesson")
    result = CliRunner().invoke(main, ["schema", "--kind", "site"])
    assert json.loads(result.stdout) == json_schema("site")


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_draft_2020_12(kind: SchemaKind) -> None:
    schema = json_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema anywhere in `node`, with a dotted path to it."""
    if isinstance(node, dict):
        for name, value in node.get("properties", {}).items():
            yield f"{where}.{name}", value
        for key, value in node.items():
            if key == "if":  # a condition on `type`, not a field
                continue
            yield from properties(value, f"{where}/{key}" if key != "properties" else where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from properties(value, f"{where}[{index}]")


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        # 9 lesson keys; an entry's `type`; `source` 12, its contributor 2, its companion 9;
        # further study 9; `lesson` 3 (`archived` on the source, companion and further study).
        pytest.param("lesson", 45, id="lesson"),
        pytest.param("track", 3, id="track"),
        pytest.param("site", 20, id="site"),  # 8 keys, `links` 10, a host 2
    ],
)
def test_every_field_has_a_description(kind: SchemaKind, count: int) -> None:
    found = list(properties(json_schema(kind)))
    assert len(found) == count
    missing = [where for where, schema in found if not schema.get("description")]
    assert missing == []


def test_the_reference_type_is_an_enum() -> None:
    entry = json_schema("lesson")["properties"]["references"]["items"]
    assert entry["properties"]["type"]["enum"] == list(ALL_TYPES)


def content_files() -> Iterator[Any]:
    for content in SITES:
        name = content.parent.name
        yield pytest.param("site", (content / "site.yml").read_text(), id=f"{name}/site.yml")
        for track in sorted(content.glob("*/track.yml")):
            rel = track.relative_to(content)
            yield pytest.param("track", track.read_text(), id=f"{name}/{rel}")
        for lesson in sorted(content.glob("*/[0-9]*.md")):
            rel = lesson.relative_to(content)
            yield pytest.param("lesson", front_matter(lesson), id=f"{name}/{rel}")


@pytest.mark.parametrize(("kind", "text"), list(content_files()))
def test_the_shipped_content_is_valid(kind: SchemaKind, text: str) -> None:
    assert schema_errors(kind, text) == []


LESSON = "title: T\nlesson: 1\nsummary: S.\n"
SOURCE = (
    "references:\n  - type: source\n    title: A\n    creator: C\n"
    "    url: https://example.org/a\n    license: L\n"
)
BOOK = "references:\n  - type: book\n    title: B\n    url: https://example.org/b\n"
SITE = "title: S\nbase_url: https://example.org/\nlanguage: en\n"

CASES = [
    # (kind, text, valid)
    pytest.param("lesson", LESSON, True, id="lesson-minimal"),
    pytest.param("lesson", LESSON + "minutes:\nreferences:\n", True, id="empty-optional-keys"),
    pytest.param("lesson", LESSON + SOURCE + "    companion:\n", True, id="empty-companion"),
    pytest.param("lesson", LESSON + BOOK + "    minutes: 5\n", True, id="further-study"),
    pytest.param(
        "lesson", LESSON + "references:\n  - {type: lesson, lesson: other/3}\n", True, id="target"
    ),
    pytest.param("lesson", "title: T\nlesson: 1\n", False, id="missing-summary"),
    pytest.param("lesson", LESSON + "minute: 5\n", False, id="unknown-key"),
    pytest.param("lesson", LESSON + "minutes: ten\n", False, id="minutes-not-a-number"),
    pytest.param("lesson", LESSON + "minutes: 0\n", False, id="minutes-zero"),
    pytest.param("lesson", LESSON + "draft: maybe\n", False, id="draft-not-a-bool"),
    pytest.param("lesson", LESSON + "objectives: One.\n", False, id="objectives-not-a-list"),
    pytest.param("lesson", LESSON + "objective: [One.]\n", False, id="misspelt-key"),
    pytest.param("lesson", LESSON + "references: a book\n", False, id="references-not-a-list"),
    pytest.param(
        "lesson", LESSON + BOOK.replace("book", "podcast"), False, id="unknown-reference-type"
    ),
    pytest.param("lesson", LESSON + BOOK.replace("https", "ftp"), False, id="ftp-url"),
    pytest.param("lesson", LESSON + BOOK.replace("url", "ulr"), False, id="misspelt-url"),
    pytest.param("lesson", LESSON + BOOK + "    creator: X\n", False, id="source-key-on-a-book"),
    pytest.param(
        "lesson", LESSON + SOURCE.replace("    license: L\n", ""), False, id="source-no-licence"
    ),
    pytest.param(
        "lesson",
        LESSON + SOURCE + "    companion: {type: source, title: X, url: https://e.org/}\n",
        False,
        id="companion-not-further-study",
    ),
    pytest.param(
        "lesson", LESSON + SOURCE + "    contributors:\n      - {name: N}\n", False, id="no-role"
    ),
    pytest.param(
        "lesson", LESSON + "references:\n  - {type: lesson, lesson: Three}\n", False, id="target"
    ),
    pytest.param("track", "title: T\nsummary: S.\nposition: 2\n", True, id="track"),
    pytest.param("track", "title: T\nsummary: S.\nposition: first\n", False, id="track-position"),
    pytest.param("track", "title: T\n", False, id="track-no-summary"),
    pytest.param("site", SITE, True, id="site-minimal"),
    pytest.param(
        "site",
        SITE + "links:\n  accept: [403]\n  timeout: 2.5\n  hosts:\n    e.org: {concurrency: 2}\n",
        True,
        id="site-links",
    ),
    pytest.param("site", SITE.replace("en", "English!"), False, id="site-language"),
    pytest.param("site", SITE.replace("https", "mailto"), False, id="site-base-url"),
    pytest.param("site", SITE + "links:\n  accept: [999]\n", False, id="links-accept"),
    pytest.param("site", SITE + "links:\n  timeout: -1\n", False, id="links-timeout"),
    pytest.param("site", SITE + "links:\n  retry: 3\n", False, id="links-unknown-key"),
    pytest.param(
        "site", SITE + "links:\n  hosts:\n    e.org: {speed: 2}\n", False, id="links-host-key"
    ),
]


@pytest.mark.parametrize(("kind", "text", "valid"), CASES)
def test_the_schema_and_the_validator_agree(kind: SchemaKind, text: str, valid: bool) -> None:
    by_schema = schema_errors(kind, text)
    by_clawdemy = clawdemy_errors(kind, text)
    assert (by_schema == [], by_clawdemy == []) == (valid, valid), (by_schema, by_clawdemy)
