"""Code blocks highlighted by Pygments, remembered as math is (`memo.BodyMemo`): an edited
lesson whose code blocks did not change renders without Pygments building its lexers (the
first use of a language's lexer compiles its rules: 60 ms for Python's).

Python-Markdown makes a `CodeHilite` for each code block and offers no hook before it picks
a lexer, so its two extensions that make them are given `RememberedHilite` instead: the same
class, asked only for blocks it has not highlighted before.

It also asks Pygments for a new lexer at each block, and finding one by name took half a
millisecond a block (a twentieth of a body): lexers are kept by name and options instead.
A lexer keeps no state between texts it splits into tokens, as Sphinx's reuse of them shows.
"""

from __future__ import annotations

import hashlib
from typing import Any

from markdown.extensions import codehilite, fenced_code
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name

from clawdemy_site.render.memo import BodyMemo

#: Highlighted HTML, by a digest of the block and of every setting it was highlighted with.
MEMO: BodyMemo[str] = BodyMemo(4096, lambda key: isinstance(key, str))


class RememberedHilite(codehilite.CodeHilite):
    """Python-Markdown's `CodeHilite`, which highlights a block it has seen before (with the
    same language, options and formatter) from memory."""

    def hilite(self, shebang: bool = True) -> str:
        settings = sorted((name, repr(value)) for name, value in vars(self).items())
        key = hashlib.sha1(repr((shebang, settings)).encode(), usedforsecurity=False).hexdigest()
        found = MEMO.get(key)
        if found is None:
            found = super().hilite(shebang)
            MEMO.keep(key, found)
        return found


#: Lexers made so far, by the repr of their name and options.
_LEXERS: dict[str, Lexer] = {}
_LEXERS_KEPT = 256


def kept_lexer(name: str, **options: Any) -> Lexer:
    """`pygments.lexers.get_lexer_by_name`, made once for each name and options."""
    key = repr((name, sorted(options.items())))
    found = _LEXERS.get(key)
    if found is None:
        found = get_lexer_by_name(name, **options)  # ClassNotFound (a ValueError) as before
        if len(_LEXERS) >= _LEXERS_KEPT:
            _LEXERS.clear()
        _LEXERS[key] = found
    return found


codehilite.get_lexer_by_name = kept_lexer  # type: ignore[attr-defined]
fenced_code.CodeHilite = RememberedHilite  # type: ignore[attr-defined]
codehilite.CodeHilite = RememberedHilite  # type: ignore[misc]
