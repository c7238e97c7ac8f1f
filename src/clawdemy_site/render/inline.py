"""Python-Markdown's inline pass, which skips the patterns that cannot match a text.

For every run of text, Python-Markdown tries each of its seventeen inline patterns in turn
(code, math, links, images, HTML, entities, emphasis and the rest): a Python call, a
registry lookup and a regular expression search each, most of them over plain words that
hold none of the characters these patterns start with. That loop took a fifth of a body's
rendering. `SkippingInlineProcessor` first asks whether the text holds a character the
pattern cannot match without (a `[` for a link, a `$` for math) and goes straight to the
next pattern when it does not, which is what trying it would have come to.

Only patterns whose regular expression is one listed here are ever skipped: a pattern
this module does not know (an extension's, or one a new Python-Markdown changes) is tried
as ever. The pass is used only on a Python-Markdown whose inline processor has the two
methods it builds on (`supported`); else Python-Markdown's own runs.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import treeprocessors, util

#: Python-Markdown's inline patterns (and clawdemy's math), by their regular expression,
#: with the strings one of which a text must hold for the expression to match anywhere.
_NEEDED: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),
    r"(?<!\\)\$\$(?P<tex>.+?)(?<!\\)\$\$": ("$$",),
    r"(?<![\\$])\$(?![\s$])(?P<tex>[^$\n]+?)(?<![\s\\])\$(?!\d)": ("$",),
    r"\\(.)": ("\\",),
    r"\[\^([^\]]*)\]": ("[^",),
    r"(?<!\!)\[": ("[",),
    r"\!\[": ("![",),
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("://",),
    r"<([^<> !]+@[^@<> ]+)>": ("@",),
    r"  \n": ("  \n",),
    (
        r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'"""
        r"""|[^\s"'=<>]++))?+)*+\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]"""
        r"""|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""
    ): ("<",),
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),
    r"\*|_": ("*", "_"),
}

#: Flags that would let an expression match other characters than those it names.
_LOOSE = re.IGNORECASE | re.VERBOSE


def _needed(pattern: object) -> tuple[str, ...] | None:
    """What a text must hold for `pattern` to match it, or None: try it always."""
    compiled = getattr(pattern, "compiled_re", None)
    if not isinstance(compiled, re.Pattern) or compiled.flags & _LOOSE:
        return None
    if getattr(pattern, "getCompiledRegExp", None) is None:
        return None
    found = _NEEDED.get(compiled.pattern)
    if found is None or pattern.getCompiledRegExp() is not compiled:  # type: ignore[attr-defined]
        return None
    return found


def supported() -> bool:
    """Whether this Python-Markdown's inline processor has the methods this pass uses."""
    base = treeprocessors.InlineProcessor
    return callable(getattr(base, "_InlineProcessor__handleInline", None)) and callable(
        getattr(base, "_InlineProcessor__applyPattern", None)
    )


class SkippingInlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown's `InlineProcessor`, which passes over a pattern a text cannot match."""

    _patterns: list[tuple[Any, tuple[str, ...] | None]]

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        self._patterns = [(pattern, _needed(pattern)) for pattern in self.inlinePatterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        """Python-Markdown's own loop, but for the patterns skipped (see the module)."""
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        patterns = self._patterns
        index, start, count = patternIndex, 0, len(patterns)
        while index < count:
            pattern, needed = patterns[index]
            if needed is not None:
                for text in needed:
                    if text in data:
                        break
                else:  # none is there (a loop, not `any`: no generator for each pattern)
                    index, start = index + 1, 0  # as a pattern that did not match leaves them
                    continue
            data, matched, start = apply(pattern, data, index, start)
            if not matched:
                index += 1
        return data
