"""The site's search index: Pagefind bundles made from the built lesson pages.

Pagefind reads the HTML of each page (only what a page marks `data-pagefind-body`: the
lessons' text and titles, never navigation) and writes a static bundle: its index and
fragments, its WebAssembly and the search UI's script and style. It cannot change a bundle
in place, and indexing is the whole cost (about 3 ms a lesson), so the lessons may be split
into bundles of whole tracks, at most `BUNDLES` of them, each track's bundle chosen by a
hash of its slug (adding or removing a track moves no other track): a lesson edit then
indexes its own bundle again and the build keeps the others.

`BUNDLES` is 1, one bundle of every lesson, because Pagefind searches each bundle on its
own: a word that one bundle lacks is looked up there by the longest word of that bundle
that starts it ("anemone" by "an"), so a query that a single index answers with one page
gets hundreds of unrelated ones from the other bundles (Pagefind issues #599 and #793; no
option turns it off in 1.5). Raise it once Pagefind can. Learners' cost, if raised: a first
query fetches an index chunk from each bundle.

`pagefind/bundles.json` lists the bundles, the first one whole as Pagefind writes it (its
scripts, style and WebAssembly load the search UI); the others keep only their index. The
site's `search.js` reads the list, loads the UI from the first bundle and merges the others
into it (PagefindUI's `mergeIndex`), so one box searches every track. Without scripts, or
without the list, pages read as before.

Pagefind runs as its own command (the binary the `pagefind_bin` wheel ships) on the lesson
pages only, a process a bundle, two at a time, in scratch folders of their own: its Python
API answers each request after a tenth of a second's poll, which costs more than indexing
a track, and custom text records through it cost 30 times the HTML.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: Where the bundles go in the built site; `search.js` looks for them there.
SEARCH_FOLDER = "pagefind"
#: The list of bundles `search.js` reads, the first one whole.
MANIFEST = f"{SEARCH_FOLDER}/bundles.json"
#: At most this many bundles: a lesson edit indexes about 1/BUNDLES of the lessons again,
#: and a learner's first query fetches about BUNDLES index chunks. 1 until Pagefind can
#: merge bundles without matching other bundles' words by their prefixes (see above).
BUNDLES = 1
#: What a bundle that is not the first keeps: its index, which the first bundle's scripts read.
_INDEX_FILES = ("pagefind-entry.json",)
_INDEX_SUFFIXES = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")


class SearchUnavailable(Exception):
    """Pagefind (the `pagefind[bin]` package) is not installed, or it failed."""


@dataclass(frozen=True)
class Bundle:
    """One search bundle: its folder under `pagefind/`, the lesson pages it indexes (their
    files in the built site), and whether it is the first, which keeps Pagefind's UI."""

    name: str
    pages: tuple[str, ...]
    first: bool

    @property
    def folder(self) -> str:
        return f"{SEARCH_FOLDER}/{self.name}/"


def bundle_name(track: str) -> str:
    """The bundle a track's lessons go to: a hash of its slug, so that it never moves."""
    digest = hashlib.sha1(track.encode(), usedforsecurity=False).digest()
    return str(int.from_bytes(digest[:4], "big") % BUNDLES)


def plan_bundles(lesson_pages: Mapping[str, str]) -> tuple[Bundle, ...]:
    """The bundles for `lesson_pages` (each lesson page's file in the built site, e.g.
    `track/01-x/index.html`, to its track's slug), by name; bundles without a lesson are left
    out (they would index nothing), so a site without lessons has none."""
    grouped: dict[str, list[str]] = {}
    for page, track in lesson_pages.items():
        grouped.setdefault(bundle_name(track), []).append(page)
    names = sorted(grouped, key=int)
    return tuple(
        Bundle(name, tuple(sorted(grouped[name])), first=index == 0)
        for index, name in enumerate(names)
    )


def manifest(bundles: Sequence[Bundle]) -> bytes:
    """`pagefind/bundles.json`: each bundle's folder relative to `pagefind/`, first one first."""
    listed = [f"{bundle.name}/" for bundle in bundles]
    return json.dumps({"bundles": listed}, separators=(",", ":")).encode() + b"\n"


def write_bundles(site: Path, bundles: Sequence[Bundle], *, language: str) -> None:
    """Index each bundle's pages, read from `site` (the build's staging folder, where every
    page already is), into `site/pagefind/<name>/`. `language` is the site's (`en`, ...)."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        pagefind = str(get_executable())
    except (ImportError, FileNotFoundError) as exc:
        raise SearchUnavailable(
            "search needs Pagefind: install it with `pip install 'pagefind[bin]'`,"
            " or build with --no-search"
        ) from exc
    code = language.split("-")[0].lower() or "en"
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda bundle: _write(pagefind, site, bundle, code), bundles))


def _write(pagefind: str, site: Path, bundle: Bundle, language: str) -> None:
    # The bundle's pages go to a scratch site of their own (hard links where the file
    # system allows), so that Pagefind reads them and nothing else; Pagefind writes into
    # scratch too, and runs there, away from any `pagefind.yml` of the author's. A killed
    # build leaves no Pagefind writing into the output's folder.
    with tempfile.TemporaryDirectory(prefix="clawdemy-search-") as scratch:
        pages, written = Path(scratch) / "site", Path(scratch) / "bundle"
        for page in bundle.pages:
            name = PurePosixPath(page)
            if name.is_absolute() or ".." in name.parts:
                raise ValueError(f"page file {page!r} leaves the site")
            target = pages.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / page, target)
            except OSError:
                shutil.copyfile(site / page, target)
        command = [pagefind, "--site", str(pages), "--output-path", str(written)]
        done = subprocess.run(
            [*command, "--force-language", language, "--silent"],
            cwd=scratch,
            env={k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            raise SearchUnavailable(
                f"Pagefind failed on {bundle.folder} ({said[-1] if said else done.returncode})"
            )
        target = site / SEARCH_FOLDER / bundle.name
        for path in sorted(written.rglob("*")):
            if path.is_file() and (bundle.first or _is_index(path)):
                placed = target / path.relative_to(written)
                placed.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, placed)


def _is_index(path: Path) -> bool:
    return path.name in _INDEX_FILES or path.suffix in _INDEX_SUFFIXES
