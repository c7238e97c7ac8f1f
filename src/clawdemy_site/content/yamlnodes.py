"""YAML parsed into values that remember where they were written.

PyYAML's composer gives nodes with marks; we turn them into small frozen values
(`YMap`, `YSeq`, `YScalar`) that carry a `Pos`, so every later problem can name
the exact line and column of the key or value at fault. Only the safe tags are
understood (the same as `yaml.safe_load`); anything else is a `YamlError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeAlias

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


@dataclass(frozen=True, order=True)
class Pos:
    """1-based line and column in the file (not in the front matter)."""

    line: int
    column: int


@dataclass(frozen=True)
class YScalar:
    value: object
    pos: Pos
    #: The scalar as written, for a plain (unquoted) one: YAML reads `010` as octal 8 and
    #: `08` as text, where an author copying a file name means 8 and 10.
    source: str | None = field(default=None, compare=False)
    #: A plain scalar written over several lines, one of which (after the first) starts
    #: with `-`: YAML joins the lines with spaces, so a list item's `-` line indented deeper
    #: than its `- ` becomes part of it.
    folded_dash: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class YSeq:
    items: tuple[YValue, ...]
    pos: Pos


@dataclass(frozen=True)
class YKey:
    name: str
    pos: Pos


@dataclass(frozen=True)
class YMap:
    entries: tuple[tuple[YKey, YValue], ...]
    pos: Pos

    def get(self, name: str) -> YValue | None:
        for key, value in self.entries:
            if key.name == name:
                return value
        return None

    def key(self, name: str) -> YKey | None:
        for key, _ in self.entries:
            if key.name == name:
                return key
        return None


YValue: TypeAlias = YScalar | YSeq | YMap


class YamlError(ValueError):
    def __init__(self, message: str, pos: Pos) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


@dataclass(frozen=True)
class DuplicateKey:
    name: str
    pos: Pos
    first: Pos


@lru_cache(maxsize=64)  # `serve` reads site.yml and every track.yml again at each edit
def parse_yaml(text: str, *, first_line: int = 1) -> tuple[YValue | None, tuple[DuplicateKey, ...]]:
    """Parse one YAML document. `first_line` is the file line where `text` starts.

    Returns the value (None for an empty document) and the keys written twice.
    Raises YamlError for malformed YAML, naming where the parser stopped.

    libyaml (`CSafeLoader`) composes the nodes, marks included, many times faster than
    PyYAML's pure-Python composer; any problem it meets is parsed again in pure Python,
    whose errors carry the words and marks our messages are made from.
    """
    if _FAST_LOADER is not None:
        try:
            fast = _FAST_LOADER(text)
        except yaml.YAMLError:
            fast = None
        if fast is not None:
            try:
                node = fast.get_single_node()
                if node is None:
                    return None, ()
                converter = _Converter(fast, first_line, text)
                return converter.convert(node), tuple(converter.duplicates)
            except (yaml.YAMLError, YamlError, RecursionError):
                pass  # worded below, by the pure-Python parser
            finally:
                fast.dispose()
    return _parse_slowly(text, first_line)


#: libyaml's loader when PyYAML was built with it; None otherwise.
_FAST_LOADER: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def _parse_slowly(text: str, first_line: int) -> tuple[YValue | None, tuple[DuplicateKey, ...]]:
    try:
        loader = yaml.SafeLoader(text)  # rejects control characters such as NUL already
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        pos = Pos(first_line + before.count("\n"), exc.position - (before.rfind("\n") + 1) + 1)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlError(
            f"YAML syntax: the control character U+{code:04X} is not allowed; remove it", pos
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, ()
        converter = _Converter(loader, first_line, text)
        return converter.convert(node), tuple(converter.duplicates)
    except RecursionError:  # PyYAML composes nested lists and mappings recursively
        raise YamlError("the YAML nests too deeply", Pos(first_line, 1)) from None
    except yaml.MarkedYAMLError as exc:
        message, mark = explain_yaml_error(exc)
        pos = Pos(mark.line + first_line, mark.column + 1) if mark else Pos(first_line, 1)
        raise YamlError(f"YAML syntax: {message}", pos) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML syntax: {exc}", Pos(first_line, 1)) from None
    finally:
        loader.dispose()


#: PyYAML's words for common mistakes, and what to do about each.
_HINTS = (
    ("found character '\\t'", "a tab character: indent YAML with spaces, never tabs"),
    (
        "mapping values are not allowed here",
        "a `: ` inside a value: put the whole value in quotes ('...')",
    ),
    (
        "expected <block end>",
        "the indentation does not line up: give keys of one mapping the same indentation",
    ),
    ("could not find expected ':'", "a line that is not `key: value`: add the `: ` or quote it"),
    (
        "found undefined alias",
        "`*name` refers to no `&name` anchor: quote the value if the `*` is text",
    ),
    ("found unexpected end of stream", "a quote or bracket is opened here but never closed"),
    ("found unexpected ':'", "a `:` right after another: quote the value"),
)
#: Problems best reported where the unclosed thing opened, not where the parser gave up.
_AT_CONTEXT = ("end of stream", "expected ',' or", "expected ',' or ']'", "expected ',' or '}'")


def explain_yaml_error(exc: yaml.MarkedYAMLError) -> tuple[str, yaml.Mark | None]:
    """A message that says what to change, and the mark it is best reported at."""
    problem = exc.problem or exc.context or "malformed YAML"
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and any(key in problem for key in _AT_CONTEXT):
        mark = exc.context_mark
    for words, hint in _HINTS:
        if words in problem:
            return f"{hint} ({problem})", mark
    return problem, mark


#: Most YAML nodes one document may expand to, aliases included (stops "billion laughs").
MAX_NODES = 20_000
#: Deepest nesting of lists and mappings accepted (stops recursive aliases).
MAX_DEPTH = 50


#: The only tags a list or mapping may carry (the implicit ones).
_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})


class _Converter:
    def __init__(
        self, loader: yaml.SafeLoader | yaml.CSafeLoader, first_line: int, text: str
    ) -> None:
        self._loader = loader
        self._first_line = first_line
        self._text = text
        self._nodes = 0
        self._depth = 0
        self.duplicates: list[DuplicateKey] = []

    def _dash_line_within(self, node: Node) -> bool:
        """Whether a line of `node` after its first starts with `-` (past its indentation)."""
        first, last = node.start_mark.line, node.end_mark.line
        if last <= first:
            return False
        lines = self._text.splitlines()[first + 1 : last + 1]
        return any(line.lstrip().startswith("-") for line in lines)

    def pos(self, node: Node) -> Pos:
        return Pos(node.start_mark.line + self._first_line, node.start_mark.column + 1)

    def convert(self, node: Node) -> YValue:
        self._nodes += 1
        if self._nodes > MAX_NODES or self._depth > MAX_DEPTH:
            raise YamlError(
                "the YAML is too large or nests too deeply (are aliases `*name` repeating?)",
                self.pos(node),
            )
        self._depth += 1
        try:
            return self._convert(node)
        finally:
            self._depth -= 1

    def _convert(self, node: Node) -> YValue:
        if isinstance(node, SequenceNode | MappingNode) and node.tag not in _PLAIN_TAGS:
            # A tag on a list or mapping (`!!python/object/apply:os.system [...]`): like
            # yaml.safe_load, refuse it rather than read the bare list or mapping.
            raise YamlError(
                f"YAML syntax: could not determine a constructor for the tag '{node.tag}'",
                self.pos(node),
            )
        if isinstance(node, ScalarNode):
            plain = not node.style  # None from PyYAML, "" from libyaml
            source = node.value if plain and isinstance(node.value, str) else None
            folded_dash = plain and self._dash_line_within(node)
            return YScalar(
                self._loader.construct_object(node, deep=True), self.pos(node), source, folded_dash
            )
        if isinstance(node, SequenceNode):
            return YSeq(tuple(self.convert(item) for item in node.value), self.pos(node))
        if isinstance(node, MappingNode):
            return self._mapping(node)
        raise YamlError("unsupported YAML node", self.pos(node))

    def _mapping(self, node: MappingNode) -> YMap:
        self._loader.flatten_mapping(node)
        entries: list[tuple[YKey, YValue]] = []
        seen: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            key_pos = self.pos(key_node)
            if not isinstance(key_node, ScalarNode):
                raise YamlError("a key must be a plain word, not a list or mapping", key_pos)
            name = str(self._loader.construct_object(key_node, deep=True))
            if name in seen:
                self.duplicates.append(DuplicateKey(name, key_pos, seen[name]))
                continue
            seen[name] = key_pos
            entries.append((YKey(name, key_pos), self.convert(value_node)))
        return YMap(tuple(entries), self.pos(node))
