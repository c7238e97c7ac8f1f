"""parse_yaml: values that remember where they were written, and YAML that is refused."""

from __future__ import annotations

import time

import pytest

from clawdemy_site.content.yamlnodes import (
    DuplicateKey,
    Pos,
    YamlError,
    YMap,
    YScalar,
    YSeq,
    parse_yaml,
)

DOCUMENT = """\
title: A lesson
lesson: 2
objectives:
  - one
  - two
references:
  - type: video
    url: https://example.com/
"""


def test_positions_are_one_based_and_offset_by_first_line() -> None:
    value, duplicates = parse_yaml(DOCUMENT, first_line=2)
    assert duplicates == ()
    assert isinstance(value, YMap)
    assert value.pos == Pos(2, 1)
    title_key = value.key("title")
    assert title_key is not None and title_key.pos == Pos(2, 1)
    assert value.get("title") == YScalar("A lesson", Pos(2, 8))
    assert value.get("lesson") == YScalar(2, Pos(3, 9))
    objectives = value.get("objectives")
    assert isinstance(objectives, YSeq)
    assert [(item.value, item.pos) for item in objectives.items if isinstance(item, YScalar)] == [
        ("one", Pos(5, 5)),
        ("two", Pos(6, 5)),
    ]
    references = value.get("references")
    assert isinstance(references, YSeq)
    entry = references.items[0]
    assert isinstance(entry, YMap)
    assert entry.pos == Pos(8, 5)
    url_key = entry.key("url")
    assert url_key is not None and url_key.pos == Pos(9, 5)
    assert entry.get("url") == YScalar("https://example.com/", Pos(9, 10))


def test_first_line_defaults_to_one() -> None:
    value, _ = parse_yaml("a: 1\nb: x\n")
    assert isinstance(value, YMap)
    assert value.get("b") == YScalar("x", Pos(2, 4))


@pytest.mark.parametrize(
    "text",
    [pytest.param("", id="empty"), pytest.param("# only a comment\n", id="comment-only")],
)
def test_empty_document_is_none(text: str) -> None:
    assert parse_yaml(text, first_line=5) == (None, ())


def test_duplicate_keys_are_reported_and_the_first_kept() -> None:
    value, duplicates = parse_yaml("title: A\nlesson: 1\ntitle: B\n", first_line=2)
    assert duplicates == (DuplicateKey("title", Pos(4, 1), Pos(2, 1)),)
    assert isinstance(value, YMap)
    assert value.get("title") == YScalar("A", Pos(2, 8))


def test_duplicate_keys_in_nested_mappings() -> None:
    text = (
        "references:\n  - type: video\n    url: https://a.example/\n    url: https://b.example/\n"
    )
    _, duplicates = parse_yaml(text, first_line=2)
    assert duplicates == (DuplicateKey("url", Pos(5, 5), Pos(4, 5)),)


@pytest.mark.parametrize(
    ("text", "message", "pos"),
    [
        pytest.param(
            "title: [unclosed\n",
            "YAML syntax: expected ',' or ']', but got '<stream end>'",
            Pos(2, 8),  # where the list opened, not where the parser gave up
            id="unclosed-flow-list",
        ),
        pytest.param(
            "title: a: b\n",
            "YAML syntax: a `: ` inside a value: put the whole value in quotes ('...')"
            " (mapping values are not allowed here)",
            Pos(2, 9),
            id="colon-in-plain-value",
        ),
        pytest.param(
            "title: A\n\tlesson: 1\n",
            "YAML syntax: a tab character: indent YAML with spaces, never tabs"
            " (found character '\\t' that cannot start any token)",
            Pos(3, 1),
            id="tab-indent",
        ),
        pytest.param(
            "title: *nowhere\n",
            "YAML syntax: `*name` refers to no `&name` anchor: quote the value if the `*` is"
            " text (found undefined alias 'nowhere')",
            Pos(2, 8),
            id="undefined-alias",
        ),
        pytest.param(
            'title: "open\nlesson: 1\n',
            "YAML syntax: a quote or bracket is opened here but never closed"
            " (found unexpected end of stream)",
            Pos(2, 8),
            id="unclosed-quote",
        ),
        pytest.param(
            "title: A\x00\n",
            "YAML syntax: the control character U+0000 is not allowed; remove it",
            Pos(2, 9),
            id="nul-character",
        ),
        pytest.param(
            "? [a, b]\n: 1\n",
            "a key must be a plain word, not a list or mapping",
            Pos(2, 3),
            id="list-as-key",
        ),
    ],
)
def test_malformed_yaml_names_position_and_problem(text: str, message: str, pos: Pos) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, first_line=2)
    assert (caught.value.message, caught.value.pos) == (message, pos)


TOO_BIG = "the YAML is too large or nests too deeply (are aliases `*name` repeating?)"


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for name, previous in zip("bcdefgh", "abcdefg", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    started = time.monotonic()
    with pytest.raises(YamlError) as caught:
        parse_yaml("\n".join(lines) + "\n", first_line=2)
    assert caught.value.message == TOO_BIG
    assert time.monotonic() - started < 5


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("a: &loop [*loop]\n", first_line=2)
    assert (caught.value.message, caught.value.pos) == (TOO_BIG, Pos(2, 4))


@pytest.mark.parametrize(
    ("depth", "message", "pos"),
    [
        # Past MAX_DEPTH: refused by the converter, at the list that is one too deep.
        pytest.param(60, TOO_BIG, Pos(2, 54), id="past-max-depth"),
        # So deep that PyYAML's recursive composer gives up: refused, not a RecursionError.
        pytest.param(3000, "the YAML nests too deeply", Pos(2, 1), id="past-python-recursion"),
    ],
)
def test_deep_nesting_without_aliases_is_refused(depth: int, message: str, pos: Pos) -> None:
    text = "a: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, first_line=2)
    assert (caught.value.message, caught.value.pos) == (message, pos)


@pytest.mark.parametrize(
    ("text", "tag", "pos"),
    [
        pytest.param(
            "a: !!python/object/apply:os.system [echo hi]\n",
            "tag:yaml.org,2002:python/object/apply:os.system",
            Pos(2, 4),
            id="python-object-apply",
        ),
        pytest.param(
            "a: !!python/name:os.system\n",
            "tag:yaml.org,2002:python/name:os.system",
            Pos(2, 4),
            id="python-name",
        ),
        pytest.param(
            "!!python/object:collections.OrderedDict {}\n",
            "tag:yaml.org,2002:python/object:collections.OrderedDict",
            Pos(2, 1),
            id="python-object-document",
        ),
        pytest.param("a: !custom x\n", "!custom", Pos(2, 4), id="custom-tag"),
    ],
)
def test_unsafe_tags_are_refused(text: str, tag: str, pos: Pos) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, first_line=2)
    assert (
        caught.value.message
        == f"YAML syntax: could not determine a constructor for the tag '{tag}'"
    )
    assert caught.value.pos == pos


def test_merge_keys_are_understood() -> None:
    value, _ = parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", first_line=1)
    assert isinstance(value, YMap)
    other = value.get("other")
    assert isinstance(other, YMap)
    assert [key.name for key, _ in other.entries] == ["x", "y"]
