"""What the theme adds to a sanitized lesson body, which the sanitizer would strip from an author.

- Every table, code block and display equation sits in a scroller: a focusable region with
  its own name ("Table 2", "Code 1", "Equation 3"), so a box wider than a phone can be reached
  and scrolled by keyboard and is announced for what it holds.
- A header cell holding only math also carries its text; an empty header cell becomes a
  plain cell.
- Every heading with an id gets a link to itself beside it (outside the heading, so the
  heading's name stays its own text).

Runs on the sanitizer's output, whose shape is known: attributes in double quotes, `"` in
text left as is. Pure: the same HTML gives the same bytes.
"""

from __future__ import annotations

import re

#: The `<` stands outside the groups: a pattern that starts with a literal is tried only
#: where that character is (a tenth of the time of trying every group at every character).
_WIDE = re.compile(
    r"<(?:(?P<table>table\b.*?</table>)"
    r"|(?P<code>div class=\"codehilite\">.*?</div>)"
    r"|(?P<math>math\b[^>]*\bdisplay=\"block\"[^>]*>.*?</math>)"
    r"|(?P<inline>math\b[^>]*\bdisplay=\"inline\"[^>]*>.*?</math>))",
    re.DOTALL,
)
_LABELS = {"table": "Table", "code": "Code", "math": "Equation", "inline": "Formula"}
#: Inline math longer than this (in characters of its text) may be wider than a phone's line,
#: and a browser does not break math across lines: it gets a scroller of its own.
LONG_INLINE = 20
_HEADING = re.compile(r'<h([2-4]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
#: Inline math and the punctuation right after it, which a line must not split.
_MATH_PUNCTUATION = re.compile(
    r"(<math\b[^>]*\bdisplay=\"inline\"[^>]*>(?:(?!</math>).)*</math>)([.,;:!?)]+)", re.DOTALL
)
_EMPTY_HEADER = re.compile(r"<th>\s*</th>")
_MATH_ONLY_HEADER = re.compile(r"<th>\s*(<math\b.*?</math>)\s*</th>", re.DOTALL)


def plain(html: str) -> str:
    """The text of an HTML fragment, fit for a double-quoted attribute."""
    return " ".join(_TAG.sub("", html).split()).replace('"', "&quot;")


def decorate_body(html: str) -> str:
    counts = dict.fromkeys(_LABELS, 0)

    def scroller(match: re.Match[str]) -> str:
        kind = match.lastgroup or "code"
        if kind == "inline" and len(plain(match.group(0))) <= LONG_INLINE:
            return match.group(0)
        counts[kind] += 1
        label = f"{_LABELS[kind]} {counts[kind]}"
        tag = "span" if kind == "inline" else "div"
        return (
            f'<{tag} class="scroller scroller-{kind}" tabindex="0" role="region"'
            f' aria-label="{label}">{match.group(0)}</{tag}>'
        )

    def anchored(match: re.Match[str]) -> str:
        level, ident, inner = match.groups()
        return (
            f'<div class="heading"><h{level} id="{ident}">{inner}</h{level}>'
            f'<a class="heading-anchor" href="#{ident}"'
            f' aria-label="Link to this section:'
            f' {plain(inner)}">#</a></div>'
        )

    def named_header(match: re.Match[str]) -> str:
        # A header cell holding only math: tools that read no MathML (axe among them) see an
        # empty header, so the cell also says its text, once, to every reader.
        math = match.group(1).replace("<math ", '<math aria-hidden="true" ', 1)
        return f'<th>{math}<span class="visually-hidden">{plain(match.group(1))}</span></th>'

    html = _MATH_ONLY_HEADER.sub(named_header, html)
    html = _EMPTY_HEADER.sub("<td></td>", html)  # a blank corner heads nothing
    html = _WIDE.sub(scroller, html)
    html = _MATH_PUNCTUATION.sub(r'<span class="math-run">\1\2</span>', html)
    return _HEADING.sub(anchored, html)
