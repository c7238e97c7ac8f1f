"""Code blocks highlighted by Pygments, remembered as math is (`mathml`): each body's
highlights are kept beside it in the build cache and taken back before it is rendered again,
so an edited lesson whose code blocks did not change renders without Pygments building its
lexers (the first use of a language's lexer compiles its rules: 60 ms for Python's).

Python-Markdown makes a `CodeHilite` for each code block and offers no hook before it picks
a lexer, so its two extensions that make them are given `RememberedHilite` instead: the same
class, asked only for blocks it has not highlighted before.
"""

from __future__ import annotations

import hashlib

from markdown.extensions import codehilite, fenced_code

#: One highlight: a digest of the block and of every setting it was highlighted with, and
#: the HTML made of it.
Highlight = tuple[str, str]

#: HTML made so far, by digest.
_highlighted: dict[str, str] = {}
#: How many highlights the memo keeps.
MEMO_SIZE = 4096
#: The highlights asked for since `start_body`, in order.
_used: dict[str, str] = {}


def remember_highlights(known: tuple[Highlight, ...]) -> None:
    """Take highlights made by an earlier process (a body's, from the build cache)."""
    for item in known:
        if isinstance(item, tuple) and len(item) == 2:
            key, html = item
            if isinstance(key, str) and isinstance(html, str) and key not in _highlighted:
                _keep(key, html)


def start_body() -> None:
    """Start noting the highlights one body asks for."""
    _used.clear()


def body_highlights() -> tuple[Highlight, ...]:
    """The highlights asked for since `start_body`, for the build cache to keep."""
    return tuple(_used.items())


class RememberedHilite(codehilite.CodeHilite):
    """Python-Markdown's `CodeHilite`, which highlights a block it has seen before (with the
    same language, options and formatter) from memory."""

    def hilite(self, shebang: bool = True) -> str:
        settings = sorted((name, repr(value)) for name, value in vars(self).items())
        key = hashlib.sha1(repr((shebang, settings)).encode(), usedforsecurity=False).hexdigest()
        found = _highlighted.get(key)
        if found is None:
            found = super().hilite(shebang)
            _keep(key, found)
        _used[key] = found
        return found


def _keep(key: str, html: str) -> None:
    if len(_highlighted) >= MEMO_SIZE:
        del _highlighted[next(iter(_highlighted))]  # the oldest
    _highlighted[key] = html


fenced_code.CodeHilite = RememberedHilite  # type: ignore[attr-defined]
codehilite.CodeHilite = RememberedHilite  # type: ignore[misc]
