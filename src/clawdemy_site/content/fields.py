"""Read a YAML mapping against a small field schema, collecting every problem as a Diagnostic.

Each field has a kind (text, url, whole number, ...). A reader returns the
checked Python values by name; problems go to the shared `Problems` list with
the position of the key or value at fault, so the caller never stops early.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit

from clawdemy_site.content.yamlnodes import Pos, YMap, YScalar, YSeq, YValue
from clawdemy_site.errors import Diagnostic, Severity


class Kind(Enum):
    TEXT = "text"
    URL = "url"
    WHOLE = "whole number"
    POSITIVE = "whole number, at least 1"
    BOOL = "true or false"
    TEXT_LIST = "list of text"
    ANY = "any value"


@dataclass(frozen=True)
class Field:
    """One key of a YAML mapping: the kind of value it takes, and what it means.

    The same tables check the content and make `clawdemy schema`, so the description is
    what an author's editor shows beside the key.
    """

    kind: Kind
    description: str
    #: The largest value a whole number may take, and what it stands for in a message
    #: (`600 minutes, ten hours`): beyond it the value is surely a slip.
    maximum: tuple[int, str] | None = None


@dataclass
class Problems:
    """Diagnostics gathered for one file."""

    path: str
    items: list[Diagnostic] = field(default_factory=list)

    def add(self, pos: Pos, message: str, severity: Severity = "error") -> None:
        self.items.append(Diagnostic(self.path, pos.line, pos.column, severity, message))

    def add_at(self, line: int, column: int, message: str, severity: Severity = "error") -> None:
        self.add(Pos(line, column), message, severity)


#: Words authors write for a key of another name that no spelling is close to: the
#: first of the keys named that the mapping takes (a further-study entry has `by`, a
#: source its `creator`).
SYNONYMS = {"author": ("by", "creator"), "authors": ("by", "creator")}


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` most likely stands for: its synonym, or one spelt closely."""
    options = list(choices)
    for synonym in SYNONYMS.get(word, ()):
        if synonym in options:
            return synonym
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: Iterable[str]) -> str:
    """`; did you mean `x`?` when a choice is close to `word`, else ``."""
    meant = closest(word, choices)
    return f"; did you mean `{meant}`?" if meant else ""


def describe(value: YValue) -> str:
    """How a wrong value reads in a message: `a list`, `a mapping`, `the number 3`."""
    if isinstance(value, YSeq):
        return "a list"
    if isinstance(value, YMap):
        return "a mapping"
    raw = value.value
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return f"`{str(raw).lower()}`"
    if isinstance(raw, int | float):
        return f"the number {raw}"
    if isinstance(raw, str):
        return "text"
    return f"a {type(raw).__name__}"


def check_url(url: str) -> str | None:
    """Why `url` is not an absolute http(s) URL, or None when it is."""
    if any(ch.isspace() for ch in url):
        return "contains white space"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https"):
        return (
            f"uses the `{parts.scheme}:` scheme" if parts.scheme else "is not absolute (no scheme)"
        )
    if not parts.hostname:
        return "has no host"
    return None


#: A whole number written with leading zeros (`08`, `010`), as lesson file names are.
_ZERO_PADDED = re.compile(r"^0[0-9]+$")
#: Text that is plainly meant as a number (`"8"`, `1e20`, `12.5`).
_NUMBER_LIKE = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


def whole_number(value: YScalar) -> object:
    """A scalar's value, with a plain zero-padded number read in base ten as the author
    means it: YAML reads `010` as octal 8 and `08` as text."""
    if value.source is not None and _ZERO_PADDED.match(value.source):
        return int(value.source, 10)
    return value.value


def read_scalar(
    value: YValue,
    kind: Kind,
    name: str,
    problems: Problems,
    *,
    label: str | None = None,
    optional: bool = True,
    maximum: tuple[int, str] | None = None,
) -> object | None:
    """The value of a field of `kind`, or None after reporting why it is wrong.

    `label` is how messages name the value (default: `name` in backticks).
    """
    label = label or f"`{name}`"
    if kind is Kind.ANY:
        return value
    if kind is Kind.TEXT_LIST:
        if not isinstance(value, YSeq):
            problems.add(value.pos, f"{label} must be a list of text, not {describe(value)}")
            return None
        texts = [
            read_scalar(item, Kind.TEXT, name, problems, label=f"each item of `{name}`")
            for item in value.items
        ]
        if any(text is None for text in texts):
            return None
        return tuple(t for t in texts if isinstance(t, str))
    if not isinstance(value, YScalar):
        problems.add(value.pos, f"{label} must be {_article(kind)}, not {describe(value)}")
        return None
    raw = value.value
    if kind is Kind.BOOL:
        if isinstance(raw, bool):
            return raw
    elif kind in (Kind.WHOLE, Kind.POSITIVE):
        raw = whole_number(value)
        if isinstance(raw, int) and not isinstance(raw, bool):
            if kind is Kind.POSITIVE and raw < 1:
                problems.add(value.pos, f"{label} must be at least 1")
                return None
            if raw < 0:
                problems.add(value.pos, f"{label} must not be negative")
                return None
            if maximum is not None and raw > maximum[0]:
                problems.add(
                    value.pos,
                    f"{label} is {raw}, more than {maximum[1]}: write a whole number"
                    f" from 1 to {maximum[0]}",
                )
                return None
            return raw
        if isinstance(raw, str) and _NUMBER_LIKE.match(raw.strip()):
            problems.add(
                value.pos,
                f"{label} must be a whole number written in digits, not `{raw.strip()}`"
                + (
                    f": write `{name}: {int(float(raw))}`"
                    if float(raw).is_integer() and 0 <= float(raw) < 10**9
                    else ""
                ),
            )
            return None
    elif isinstance(raw, str):
        text = raw.strip()
        if not text:
            advice = "write some text or remove the key" if optional else "write some text"
            problems.add(value.pos, f"{label} is empty: {advice}")
            return None
        if kind is Kind.URL:
            why = check_url(text)
            if why:
                problems.add(
                    value.pos, f"{label} must be an absolute http or https URL; `{text}` {why}"
                )
                return None
        return text
    elif kind is Kind.TEXT and isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    problems.add(value.pos, f"{label} must be {_article(kind)}, not {describe(value)}")
    return None


def _article(kind: Kind) -> str:
    return {
        Kind.TEXT: "text",
        Kind.URL: "a URL",
        Kind.WHOLE: "a whole number",
        Kind.POSITIVE: "a whole number",
        Kind.BOOL: "true or false",
        Kind.TEXT_LIST: "a list of text",
        Kind.ANY: "a value",
    }[kind]


def read_mapping(
    mapping: YMap,
    schema: Mapping[str, Field],
    required: Iterable[str],
    *,
    what: str,
    problems: Problems,
) -> dict[str, object] | None:
    """Check `mapping` against `schema`: unknown keys, missing required keys, kinds.

    `what` names the thing in messages ("a `video` entry", "site.yml").
    Returns the checked values (keys absent stay absent), or None if anything failed.
    """
    values: dict[str, object] = {}
    ok = True
    for key, value in mapping.entries:
        field_ = schema.get(key.name)
        if field_ is None:
            problems.add(key.pos, f"unknown key `{key.name}` in {what}{suggest(key.name, schema)}")
            ok = False
            continue
        if isinstance(value, YScalar) and value.value is None and key.name not in required:
            continue  # `key:` with nothing after it: treat an optional key as absent
        checked = read_scalar(
            value,
            field_.kind,
            key.name,
            problems,
            optional=key.name not in required,
            maximum=field_.maximum,
        )
        if checked is None:
            ok = False
            continue
        values[key.name] = checked
    # A misspelt key (`ulr`) is reported once, as unknown with its suggestion, not again as missing.
    suggested = {closest(key.name, schema) for key, _ in mapping.entries if key.name not in schema}
    missing = [name for name in required if mapping.key(name) is None and name not in suggested]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        noun = "key" if len(missing) == 1 else "keys"
        problems.add(mapping.pos, f"{what} is missing the required {noun} {names}")
        ok = False
    return values if ok else None
