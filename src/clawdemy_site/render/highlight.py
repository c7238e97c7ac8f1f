"""Code blocks highlighted by Pygments, remembered as math is (`memo.BodyMemo`): an edited
lesson whose code blocks did not change renders without Pygments building its lexers (the
first use of a language's lexer compiles its rules: 60 ms for Python's).

Python-Markdown makes a `CodeHilite` for each code block and offers no hook before it picks
a lexer, so its two extensions that make them are given `RememberedHilite` instead: the same
class, asked only for blocks it has not highlighted before.
"""

from __future__ import annotations

import hashlib

from markdown.extensions import codehilite, fenced_code

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


fenced_code.CodeHilite = RememberedHilite  # type: ignore[attr-defined]
codehilite.CodeHilite = RememberedHilite  # type: ignore[misc]
