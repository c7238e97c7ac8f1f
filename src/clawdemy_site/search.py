"""The site's search index: files the build writes from the lessons' text, which the site's
`static/search.js` fetches a few at a time.

Under `search/` in the built site:

- `index.json`: `{"version": 1, "pages": N, "shards": [...]}`, the shards that exist;
- `t/<shard>.json`: the words whose first two characters name the shard (the hex of their
  UTF-8 bytes: "network" is in `6e65`), each with its postings flattened,
  `[page, weight, page, weight, ...]`, pages in order. A weight (1 to 999) grows with how
  often the page uses the word (its title counting `TITLE_WEIGHT` times, its summary
  `SUMMARY_WEIGHT`, its track's title `TRACK_WEIGHT`) and shrinks with the page's length,
  as BM25 weighs a term; the browser multiplies it by the word's rarity across the pages.
  The length is taken in steps of a fifth or so (`length_step`), so that an edit that adds
  a sentence seldom moves it: were it exact, every weight of a page would change with any
  edit;
- `p/<page>.json`: a page's address (from the site's root), title, track and text in
  sections, shown for a result.

A page's number is its place among the lesson pages in address order. A build that keeps
the same pages in the same order changes only the files a changed page touches: its own
`p/` file, and the shards of the words whose weight for it changed (a one-line edit: a few).
It reads the words of the pages before and after (the cache keeps each body's `SearchText`)
and the shards it changes (the cache keeps them too). Any other build, or one that finds
something missing, makes the index anew from every page's text: the files are the same
either way, as they are a function of the pages and their texts alone.

Words are those of `render.searchtext.search_words`, which `search.js` matches: every word
of a query must be a word of the page or start one.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from clawdemy_site.render.searchtext import SearchText, search_words

if TYPE_CHECKING:
    from clawdemy_site.content.models import Site
    from clawdemy_site.plan import SitePlan

SEARCH_FOLDER = "search"
INDEX_FILE = f"{SEARCH_FOLDER}/index.json"
FORMAT = 1
#: How many times a word of a page's title counts, of its summary, and of its track's title
#: (so that a track's name finds its lessons).
TITLE_WEIGHT = 5
SUMMARY_WEIGHT = 2
TRACK_WEIGHT = 1
#: BM25's saturation and length normalisation, against a page of `_LENGTH` words.
_K1, _B, _LENGTH = 1.2, 0.75, 600

#: A shard: each word's postings, flattened as in its file (which the cache keeps).
Shard = dict[str, list[int]]


@dataclass(frozen=True)
class IndexedPage:
    """A lesson page as the index shows it, and the body its text comes from."""

    url: str
    title: str
    summary: str
    track: str
    #: The lesson file, and the key of its rendered body: its text is the same while it is.
    source: str
    body_key: str


@dataclass(frozen=True)
class SearchState:
    """The index as a build left it: its pages, by number, and each of its files (from the
    site's root) with what it was made from."""

    pages: tuple[IndexedPage, ...]
    files: Mapping[str, str]


@dataclass
class IndexUpdate:
    """What a build does to the index: the files to write (their bytes), every file of the
    index with what it is made from (those not written were found intact), the shards the
    cache is to keep or drop, the state."""

    written: dict[str, bytes] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    shards_put: dict[str, bytes] = field(default_factory=dict)
    shards_dropped: list[str] = field(default_factory=list)
    state: SearchState = SearchState((), {})


class _Missing(Exception):
    """Something an incremental update needs is not in the cache: make the index anew."""


TextReader = Callable[[Sequence[IndexedPage]], Mapping[str, SearchText]]
ShardReader = Callable[[Sequence[str]], Mapping[str, bytes]]


def indexed_pages(site: Site, plan: SitePlan, body_keys: Mapping[str, str]) -> list[IndexedPage]:
    """The lesson pages of a site, in address order, as the index shows them; `body_keys`
    gives each lesson file's rendered body's key."""
    shown = {lesson.source: (lesson, track) for track in site.tracks for lesson in track.lessons}
    pages = []
    for page in sorted(plan.pages, key=lambda page: page.url):
        if page.kind == "lesson" and page.subject in shown:
            lesson, track = shown[page.subject]
            key = body_keys[lesson.source]
            pages.append(
                IndexedPage(page.url, lesson.title, lesson.summary, track.title, lesson.source, key)
            )
    return pages


class IndexInMemory:
    """An index kept up to date in memory from run to run, as `serve` keeps it: what a
    build keeps in its cache (each lesson's text under its body's key, the shards) is kept
    here, with the files."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self._state: SearchState | None = None
        self._texts: dict[str, tuple[str, SearchText]] = {}
        self._shards: dict[str, bytes] = {}

    def update(
        self, pages: Sequence[IndexedPage], texts: Mapping[str, tuple[str, SearchText]]
    ) -> dict[str, bytes]:
        """The index's files for `pages`, whose texts (by lesson file: the body's key, the
        text) are all in `texts`."""

        def read(wanted: Sequence[IndexedPage]) -> dict[str, SearchText]:
            found = {}
            for page in wanted:  # this run's text, else the last run's (a page's old text)
                for kept in (texts.get(page.source), self._texts.get(page.source)):
                    if kept and kept[0] == page.body_key and page.source not in found:
                        found[page.source] = kept[1]
            return found

        def shards(names: Sequence[str]) -> dict[str, bytes]:
            return {name: self._shards[name] for name in names if name in self._shards}

        done = update_index(pages, self._state, read, shards, lambda rel, origin: True)
        self._shards.update(done.shards_put)
        for name in done.shards_dropped:
            self._shards.pop(name, None)
        self.files = {rel: done.written.get(rel) or self.files[rel] for rel in done.origins}
        self._texts, self._state = dict(texts), done.state
        return self.files


def in_index(rel: str) -> bool:
    """Whether a file of the built site at `rel` would be one of the index's (a track may
    be called `search`: its pages are `search/NN-slug/`, apart from the index's files)."""
    return rel == INDEX_FILE or rel.startswith((f"{SEARCH_FOLDER}/t/", f"{SEARCH_FOLDER}/p/"))


def shard_name(word: str) -> str:
    return word[:2].encode().hex()


def shard_file(name: str) -> str:
    return f"{SEARCH_FOLDER}/t/{name}.json"


def _shard_named(rel: str) -> str | None:
    """The shard whose file `rel` is, if it is one."""
    prefix = f"{SEARCH_FOLDER}/t/"
    return rel[len(prefix) : -len(".json")] if rel.startswith(prefix) else None


def page_file(number: int) -> str:
    return f"{SEARCH_FOLDER}/p/{number}.json"


def page_weights(page: IndexedPage, text: SearchText) -> dict[str, int]:
    """Each word of the page with its weight (see the module's note)."""
    counts = dict(text.counts)
    weighed = (
        (page.title, TITLE_WEIGHT),
        (page.summary, SUMMARY_WEIGHT),
        (page.track, TRACK_WEIGHT),
    )
    for words, weight in weighed:
        for word in search_words(words):
            counts[word] = counts.get(word, 0) + weight
    curve = _weights(length_step(text.words))
    top = len(curve)
    return {word: curve[n] if n < top else curve[-1] for word, n in counts.items()}


@cache
def _weights(length: float) -> tuple[int, ...]:
    """The weight of a word used n times in a page of `length` words, for n from 0 up to
    where it stops growing (999)."""
    norm = _K1 * (1 - _B + _B * length / _LENGTH)
    curve = [0]
    while curve[-1] < 999:
        n = len(curve)
        curve.append(min(999, max(1, round(1000 * n / (n + norm)))))
    return tuple(curve)


def length_step(words: int) -> float:
    """`words` rounded to the nearest of the steps 2 ** (k / 4) (each a fifth above the last)."""
    return float(2 ** (round(math.log2(max(words, 1)) * 4) / 4))


def update_index(
    pages: Sequence[IndexedPage],
    before: SearchState | None,
    texts: TextReader,
    shards: ShardReader,
    intact: Callable[[str, str], bool],
) -> IndexUpdate:
    """The index of `pages` (in address order), changed from `before` where it can be.
    `texts` reads the texts of pages (by lesson file; those it finds), `shards` the shards
    the cache keeps (by name; those it finds), `intact(file, origin)` says whether a file
    the last build wrote is still as it left it."""
    pages = tuple(pages)
    if before is not None and [p.url for p in pages] == [p.url for p in before.pages]:
        try:
            return _changed(pages, before, texts, shards, intact)
        except _Missing:
            pass
    return _anew(pages, texts, before)


def _anew(
    pages: tuple[IndexedPage, ...], texts: TextReader, before: SearchState | None
) -> IndexUpdate:
    found = texts(pages)
    missing = [page.source for page in pages if page.source not in found]
    if missing:
        raise ValueError(f"no search text for {', '.join(missing)}")
    by_word: dict[str, list[int]] = {}
    update = IndexUpdate()
    for number, page in enumerate(pages):
        text = found[page.source]
        for word, weight in page_weights(page, text).items():
            flat = by_word.get(word)
            if flat is None:
                by_word[word] = [number, weight]
            else:
                flat += (number, weight)
        update.written[page_file(number)] = fragment(page, text)
    postings: dict[str, Shard] = {}
    for word in sorted(by_word):
        postings.setdefault(shard_name(word), {})[word] = by_word[word]
    for name, shard in postings.items():
        update.shards_put[name] = update.written[shard_file(name)] = shard_bytes(shard)
    update.written[INDEX_FILE] = index_bytes(len(pages), postings)
    if before is not None:  # the cache's shards of the last index that this one has not
        update.shards_dropped = sorted(
            name
            for name in (_shard_named(rel) for rel in before.files)
            if name is not None and name not in postings
        )
    update.origins = {rel: _origin(data) for rel, data in update.written.items()}
    update.state = SearchState(pages, dict(update.origins))
    return update


def _changed(
    pages: tuple[IndexedPage, ...],
    before: SearchState,
    texts: TextReader,
    shards: ShardReader,
    intact: Callable[[str, str], bool],
) -> IndexUpdate:
    changed = [
        n for n, (page, old) in enumerate(zip(pages, before.pages, strict=True)) if page != old
    ]
    new_texts = texts([pages[n] for n in changed])
    old_texts = texts([before.pages[n] for n in changed])
    moved: dict[str, dict[int, int | None]] = {}  # word -> page -> new weight (None: gone)
    update = IndexUpdate()
    for number in changed:
        page, old = pages[number], before.pages[number]
        if page.source not in new_texts or old.source not in old_texts:
            raise _Missing
        new_weights = page_weights(page, new_texts[page.source])
        old_weights = page_weights(old, old_texts[old.source])
        for word in new_weights.keys() | old_weights.keys():
            weight = new_weights.get(word)
            if weight != old_weights.get(word):
                moved.setdefault(word, {})[number] = weight
        update.written[page_file(number)] = fragment(page, new_texts[page.source])
    names = {shard_name(word) for word in moved}
    kept = {name for name in names if shard_file(name) in before.files}
    loaded = dict(shards(sorted(kept)))
    if kept - loaded.keys():
        raise _Missing
    for name in names:
        shard: Shard = json.loads(loaded[name]) if name in loaded else {}
        for word in [word for word in moved if shard_name(word) == name]:
            _move(shard, word, moved[word])
        if shard:
            shard = dict(sorted(shard.items()))
            update.shards_put[name] = update.written[shard_file(name)] = shard_bytes(shard)
        else:
            update.shards_dropped.append(name)
    update.origins = {rel: _origin(data) for rel, data in update.written.items()}
    # The files no change touched: kept as they are, or written again if they are not.
    shard_names = set(update.shards_put)
    for rel, origin in before.files.items():
        if rel in update.origins or rel == INDEX_FILE:
            continue
        kept_shard = _shard_named(rel)
        if kept_shard is not None:
            if kept_shard in names:
                continue  # dropped
            shard_names.add(kept_shard)
        update.origins[rel] = origin
    _restore(update, before, pages, texts, shards, intact)
    index = index_bytes(len(pages), shard_names)
    update.written[INDEX_FILE] = index
    update.origins[INDEX_FILE] = _origin(index)
    update.state = SearchState(pages, dict(update.origins))
    return update


def _restore(
    update: IndexUpdate,
    before: SearchState,
    pages: tuple[IndexedPage, ...],
    texts: TextReader,
    shards: ShardReader,
    intact: Callable[[str, str], bool],
) -> None:
    """Writes again the kept files that are no longer as the last build left them."""
    lost = [
        rel
        for rel, origin in update.origins.items()
        if rel not in update.written and not intact(rel, origin)
    ]
    lost_shards = [name for name in map(_shard_named, lost) if name is not None]
    page_prefix = f"{SEARCH_FOLDER}/p/"
    lost_pages = [int(rel[len(page_prefix) : -5]) for rel in lost if rel.startswith(page_prefix)]
    found_shards = shards(lost_shards)
    found_texts = texts([pages[number] for number in lost_pages])
    for name in lost_shards:
        if name not in found_shards:
            raise _Missing
        update.written[shard_file(name)] = found_shards[name]
    for number in lost_pages:
        page = pages[number]
        if page.source not in found_texts:
            raise _Missing
        update.written[page_file(number)] = fragment(page, found_texts[page.source])
    for rel in lost:
        if _origin(update.written[rel]) != update.origins[rel]:
            raise _Missing  # the cache and the last build disagree


def _move(shard: Shard, word: str, weights: Mapping[int, int | None]) -> None:
    """Changes `word`'s postings of some pages in `shard` (None: the page lost the word)."""
    flat = shard.get(word, [])
    postings = dict(zip(flat[::2], flat[1::2], strict=True))
    for number, weight in weights.items():
        if weight is None:
            postings.pop(number, None)
        else:
            postings[number] = weight
    if postings:
        shard[word] = [value for item in sorted(postings.items()) for value in item]
    else:
        shard.pop(word, None)


def fragment(page: IndexedPage, text: SearchText) -> bytes:
    """`p/<page>.json`: what a result shows. The summary leads the text before the first
    heading."""
    sections = [list(section) for section in text.sections]
    if page.summary:
        if sections and not sections[0][0]:
            sections[0][2] = f"{page.summary} {sections[0][2]}".strip()
        else:
            sections.insert(0, ["", "", page.summary])
    shown = {"url": page.url, "title": page.title, "track": page.track, "sections": sections}
    return _json(shown)


def shard_bytes(shard: Shard) -> bytes:
    """A shard's file; its words are in order."""
    return _json(shard)


def index_bytes(pages: int, shards: Iterable[str]) -> bytes:
    return _json({"version": FORMAT, "pages": pages, "shards": sorted(shards)})


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _origin(data: bytes) -> str:
    return "search:" + hashlib.sha1(data, usedforsecurity=False).hexdigest()
