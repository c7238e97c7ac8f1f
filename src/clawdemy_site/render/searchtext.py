"""A rendered body's text as the site's search index holds it: its sections, and how often
each word occurs.

Runs where the body is rendered (a pool worker in a big build), on the decorated body's
known shape: headings `<h2 id="...">` to `<h4>`, each with its `#` link beside it. Math
reads as the text of its MathML (`πr2` for pi r squared), so that an excerpt has no hole
where it was; code is kept. Words are normalised as the site's `search.js` normalises a
query (`search_words`): decomposed, marks dropped, lower case (a final sigma as any other);
a word is a run of letters and digits, two or more long. Both sides read Unicode's tables:
a letter newer than the build's Python knows splits a word the browser keeps whole.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_HEADING = re.compile(r'<h([2-4])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
#: What the theme or the footnotes add beside the author's words: a heading's `#` link, text
#: for screen readers only, a footnote's number in the text and its way back.
_DROPPED = re.compile(
    r'<a class="heading-anchor"[^>]*>#</a>|<span class="visually-hidden">.*?</span>'
    r'|<sup id="fnref[^"]*">.*?</sup>|<a class="footnote-backref"[^>]*>.*?</a>',
    re.DOTALL,
)
#: Tags that end a run of text: replaced by a space, so that words either side stay apart.
_BLOCK_TAG = re.compile(
    r"</?(?:p|li|ul|ol|dl|dt|dd|table|thead|tbody|tr|td|th|pre|div|blockquote|figure"
    r"|figcaption|section|aside|details|summary|h[1-6]|br|hr|img|caption)\b[^>]*>"
)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")
_ASCII_SPACED = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))
#: How much a word in a heading counts, against once in a paragraph.
HEADING_WEIGHT = 2


@dataclass(frozen=True)
class SearchText:
    """A body's text in sections, each (heading id, heading, text); the first is what comes
    before the first heading, ("", "", text). `counts` gives each word's occurrences (a
    heading's words counted `HEADING_WEIGHT` times), by word; `words`, the body's length."""

    sections: tuple[tuple[str, str, str], ...]
    counts: tuple[tuple[str, int], ...]
    words: int


def search_words(text: str) -> list[str]:
    """The words of `text` as search matches them (see the module's note), not in order."""
    return [word for word in _all_words(text) if len(word) > 1]


def _all_words(text: str) -> list[str]:
    """`search_words`, with the words of one character too."""
    if text.isascii():
        return _ascii_words(text)
    split = text.split()
    found = _ascii_words(" ".join(part for part in split if part.isascii()))
    for part in split:
        if not part.isascii():
            decomposed = unicodedata.normalize("NFKD", part)
            kept = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
            found += _WORD.findall(kept.lower().replace("ς", "σ"))  # a final sigma is a sigma
    return found


def _ascii_words(text: str) -> list[str]:
    # Every byte that is not a letter or digit becomes a space: a tenth of a regex's time.
    return text.encode().translate(_ASCII_SPACED).lower().decode().split()


def _parts(fragment: str) -> list[str]:
    """The text of an HTML fragment, split at white space."""
    return html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", fragment))).split()


def body_search_text(body_html: str) -> SearchText:
    """The sections and word counts of a decorated, sanitized body."""
    cleaned = _DROPPED.sub("", body_html)
    sections: list[tuple[str, str, str]] = []
    counts: Counter[str] = Counter()
    heading_words = 0
    start, ident, heading = 0, "", ""
    ends = [(m.start(), m.end(), m.group(2), m.group(3)) for m in _HEADING.finditer(cleaned)]
    for end, after, next_ident, next_heading in [*ends, (len(cleaned), 0, "", "")]:
        text, heading = " ".join(_parts(cleaned[start:end])), " ".join(_parts(heading))
        counts.update(_all_words(text))
        for word in search_words(heading):
            counts[word] += HEADING_WEIGHT
            heading_words += 1
        sections.append((ident, heading, text))
        start, ident, heading = after, next_ident, next_heading
    for short in [word for word in counts if len(word) < 2]:  # fewer than the words
        del counts[short]
    words = sum(counts.values()) - HEADING_WEIGHT * heading_words
    kept = tuple(section for section in sections if section[1] or section[2])
    return SearchText(kept or (("", "", ""),), tuple(sorted(counts.items())), words)
