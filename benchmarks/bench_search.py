"""Benchmark: the site's search index (clawdemy_site.search, written by `clawdemy build` into
`search/`) against Pagefind, the tool a static site would otherwise use, in one run.

    .venv/bin/python benchmarks/bench_search.py [--runs 3] [--tracks 20 --lessons 50]

Pagefind comes with the optional extra `bench` (`pip install -e '.[bench]'`); without it,
its rows are left out. Measured on the synthetic course (benchmarks/corpus.py), as whole
commands (a new process each, after `os.sync()`), taken turn about in each of --runs rounds
so that a busy machine weighs on all alike; medians, and the per-run ratios:
- a cold `clawdemy build` with the index and with `--no-search` (no cache, no output):
  the index's share of a cold build is the difference, run by run;
- a one-lesson edit (a sentence with a new word appended to one lesson, as bench_build's
  `Editor` does; warm cache) with and without the index: the index's share of an edit;
- Pagefind's own command over the same lesson pages (`pagefind --site DIR --output-path
  OUT --force-language en --silent`, from an empty folder, over a scratch site of hard
  links to the built `track-*/NN-*/index.html`), which is what the build ran before on
  every cold build and on every edit: it cannot change an index in place. It is timed
  in the cold builds' rounds and again in the edits' rounds, and each ratio compares the
  figures of one round;
- the size of `search/` against that of Pagefind's output (files, bytes; ours also
  gzipped, as a host would send it: Pagefind's index files are gzipped already).
Then in-process, with a real text's vocabulary (the synthetic lessons reuse about 70 words
each; real prose has some 450 distinct words in 900): 1,000 pages of ~900 words drawn from
a Zipf-like law over 20,000 made-up words (seeded), their `SearchText`s made as the build
makes them (`body_search_text`); best of --runs of `search.update_index` making the index
anew, and changing it in place after one page's text gained a sentence (with the state,
texts and cached shards of the first).
The machines are shared and noisy: compare the ratios, which come from the same run.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from bench_build import CLAWDEMY, TEMPLATES, Editor, timed
from bench_search_edit import Version
from corpus import write_corpus

from clawdemy_site.render.searchtext import SearchText, body_search_text
from clawdemy_site.search import SEARCH_FOLDER, IndexedPage, IndexUpdate, update_index

#: A lesson page of the built site: `track-XXX/NN-lesson-N/index.html`.
LESSON_PAGE = re.compile(r"[^/]+/\d+-[^/]+/index\.html")


def pagefind_executable() -> Path | None:
    """Pagefind's binary, from the `bench` extra's pagefind_bin, if it is installed."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError:
        return None
    try:
        return Path(get_executable())
    except FileNotFoundError:
        return None


def link_lessons(out: Path, site: Path) -> int:
    """`site`: hard links to the lesson pages of the built `out`, at the same paths."""
    count = 0
    for page in sorted(out.glob("*/*/index.html")):
        rel = page.relative_to(out).as_posix()
        if LESSON_PAGE.fullmatch(rel):
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(page, site / rel)
            count += 1
    return count


class Pagefind:
    """Pagefind's command over a scratch site, run from an empty folder (so that no
    configuration file of ours is read), into an output it empties first."""

    def __init__(self, executable: Path, scratch: Path) -> None:
        self.site, self.out, self.cwd = scratch / "site", scratch / "out", scratch / "cwd"
        self.cwd.mkdir(parents=True)
        self.args = [str(executable), "--site", str(self.site), "--output-path", str(self.out)]
        self.args += ["--force-language", "en", "--silent"]
        self.version = subprocess.run(
            [str(executable), "--version"], check=True, capture_output=True, text=True
        ).stdout.strip()

    def run(self) -> float:
        shutil.rmtree(self.out, ignore_errors=True)
        return timed(self.args, self.cwd)


def files_size(folder: Path, kept: Callable[[Path], bool] | None = None) -> tuple[int, int, int]:
    """The files under `folder` that are `kept`: how many, their bytes, and their bytes
    gzipped one by one (level 6)."""
    files = [
        path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and (kept is None or kept(path))
    ]
    data = [path.read_bytes() for path in files]
    zipped = sum(len(gzip.compress(d, compresslevel=6, mtime=0)) for d in data)
    return len(files), sum(map(len, data)), zipped


def fmt_runs(values: Sequence[float], unit: str = "s", digits: int = 2) -> str:
    return ", ".join(f"{value:.{digits}f}{unit}" for value in values)


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.1f}x" if denominator > 0 else "n/a"


# --- In process: a realistic vocabulary ---------------------------------------------------

VOCABULARY = 20_000
PAGES = 1_000
PAGE_WORDS = 900
#: The exponent of the Zipf-like law: 900 words drawn from 20,000 give ~450 distinct ones.
ZIPF = 1.05
#: Made-up words begin as English ones do: with a consonant, a cluster or a vowel, so that
#: they fall into a few hundred shards (their first two letters), as real words do.
_CLUSTERS = [
    *(first + second for first in "bcfgp" for second in "lr"),
    *(first + "h" for first in "cstw"),
    *("s" + second for second in "cklmnptw"),
    *("dr", "tr", "tw", "qu", "str"),
]
_ONSETS = [*"bcdfghjklmnprstvwz", *_CLUSTERS, "", "", ""]
_VOWELS = [*"aeiouy", "ai", "ea", "ee", "oa", "ou", "io"]
_CODAS = ["", "", "", "", *"nrlstmdkx", "nd", "nt", "st", "ng", "ck"]


def made_up_words(rng: random.Random, count: int) -> list[str]:
    """`count` different words of 1 to 3 syllables, three letters or more."""
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.choice((1, 2, 2, 2, 3, 3))
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        if len(word) >= 3:
            words[word] = None
    return list(words)


def page_html(rng: random.Random, draw: Callable[[int], list[str]]) -> str:
    """~900 words in four sections, the last three under headings, as a rendered body."""
    parts: list[str] = []
    for section in range(4):
        if section:
            heading = " ".join(draw(3)).capitalize()
            parts.append(f'<h2 id="section-{section}">{heading}</h2>')
        for _ in range(3):
            words = draw(PAGE_WORDS // 12 - (2 if section else 0))
            sentences = [words[i : i + 15] for i in range(0, len(words), 15)]
            parts.append(
                "<p>" + " ".join(" ".join(s).capitalize() + "." for s in sentences) + "</p>"
            )
    return "\n".join(parts)


class Vocabulary:
    """The 1,000 pages, their texts by (lesson file, body key), and one page's edit."""

    def __init__(self, seed: int = 11) -> None:
        rng = random.Random(seed)
        words = made_up_words(rng, VOCABULARY)
        weights = list(itertools.accumulate(1 / (rank + 1) ** ZIPF for rank in range(VOCABULARY)))

        def draw(count: int) -> list[str]:
            return rng.choices(words, cum_weights=weights, k=count)

        self.texts: dict[tuple[str, str], SearchText] = {}
        self.pages: list[IndexedPage] = []
        html: dict[str, str] = {}
        for number in range(PAGES):
            track = f"Track {number // 50 + 1}"
            source = f"track-{number // 50 + 1:03d}/{number % 50 + 1:02d}-page.md"
            title = " ".join(draw(4)).capitalize()
            page = IndexedPage(
                url=source.removesuffix(".md") + "/",
                title=title,
                summary=" ".join(draw(10)).capitalize() + ".",
                track=track,
                source=source,
                body_key=f"{number}-0",
            )
            html[source] = page_html(rng, draw)
            self.texts[(source, page.body_key)] = body_search_text(html[source])
            self.pages.append(page)
        self.pages.sort(key=lambda page: page.url)  # the build's order: by address
        edited = self.pages[PAGES // 2]
        self.edited = list(self.pages)
        self.edited[PAGES // 2] = replace(edited, body_key=edited.body_key + "-edited")
        added = f"<p>Edited paragraph with a new word, {' '.join(draw(6))} zorblequant.</p>"
        self.texts[(edited.source, edited.body_key + "-edited")] = body_search_text(
            html[edited.source] + "\n" + added
        )
        distinct = [len(text.counts) for text in self.texts.values()]
        self.distinct = statistics.mean(distinct[:PAGES])
        self.length = statistics.mean(text.words for text in self.texts.values())

    def read(self, pages: Sequence[IndexedPage]) -> Mapping[str, SearchText]:
        return {page.source: self.texts[(page.source, page.body_key)] for page in pages}


def best(runs: int, measure: Callable[[], IndexUpdate]) -> tuple[float, IndexUpdate]:
    times, update = [], IndexUpdate()
    for _ in range(runs):
        started = time.perf_counter()
        update = measure()
        times.append(time.perf_counter() - started)
    return min(times), update


def in_process(runs: int) -> None:
    started = time.perf_counter()
    vocabulary = Vocabulary()
    made = time.perf_counter() - started
    print(
        f"\nIn process: {PAGES} pages of ~{vocabulary.length:.0f} words, on average"
        f" {vocabulary.distinct:.0f} distinct ones, from a Zipf-like law (s = {ZIPF}) over"
        f" {VOCABULARY:,} made-up words (texts made in {made:.1f} s); best of {runs}:"
    )

    def anew(pages: Sequence[IndexedPage]) -> IndexUpdate:
        return update_index(pages, None, vocabulary.read, lambda names: {}, lambda *_: True)

    anew_time, first = best(runs, lambda: anew(vocabulary.pages))

    def cached_shards(names: Sequence[str]) -> Mapping[str, bytes]:
        return {name: first.shards_put[name] for name in names if name in first.shards_put}

    changed_time, changed = best(
        runs,
        lambda: update_index(
            vocabulary.edited, first.state, vocabulary.read, cached_shards, lambda *_: True
        ),
    )
    # The index changed in place is the one made anew from the edited pages.
    again = anew(vocabulary.edited)
    assert changed.state.files == again.state.files, "changed in place differs from anew"
    assert all(again.written[rel] == data for rel, data in changed.written.items())
    assert len(changed.written) < len(again.written), "the update was not made in place"
    shards = sum(1 for rel in first.written if rel.startswith(f"{SEARCH_FOLDER}/t/"))
    total = sum(map(len, first.written.values()))
    rewritten = sum(map(len, changed.written.values()))
    print(
        f"  made anew (before=None)         {anew_time * 1000:8.1f} ms  {len(first.written)}"
        f" files ({shards} shards), {total / 1024:,.0f} KiB"
    )
    print(
        f"  one page changed, in place      {changed_time * 1000:8.1f} ms  rewrites"
        f" {len(changed.written)} files, {rewritten / 1024:,.0f} KiB"
    )
    print(f"  in place / anew                 {changed_time / anew_time:8.3f}")


# --- Whole commands -----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    args = parser.parse_args()
    os.environ.pop("CLAWDEMY_CACHE_DIR", None)  # each version sets its own
    executable = pagefind_executable()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as scratch:
        root = write_corpus(Path(scratch) / "corpus", tracks=args.tracks, lessons=args.lessons)
        # Each with an output and a cache of its own, so that the two can take turns.
        indexed = Version("index", [str(CLAWDEMY)], TEMPLATES, root)
        plain = Version("plain", [str(CLAWDEMY)], TEMPLATES, root)
        pagefind = Pagefind(executable, Path(scratch) / "pagefind") if executable else None
        print(
            f"{args.tracks * args.lessons} lessons in {args.tracks} tracks; {os.cpu_count()}"
            f" cores; median of {args.runs}" + (f"; {pagefind.version}" if pagefind else ""),
            flush=True,
        )
        if pagefind is None:
            print(
                "Pagefind is not installed: its rows are skipped"
                " (pip install -e '.[bench]' installs it)"
            )
        times: dict[str, list[float]] = {}

        def take(name: str, measure: Callable[[], float]) -> Callable[[], None]:
            return lambda: times.setdefault(name, []).append(measure())

        def in_turn(measures: list[Callable[[], None]]) -> None:
            for run in range(args.runs):  # each round starts one further along
                turn = run % len(measures)
                for measure in measures[turn:] + measures[:turn]:
                    measure()

        pagefind_cold = (
            [take("Pagefind, full index (cold rounds)", pagefind.run)] if pagefind else []
        )
        pagefind_edit = (
            [take("Pagefind, full index (edit rounds)", pagefind.run)] if pagefind else []
        )
        if pagefind:
            indexed.cold()
            pages = link_lessons(root / "out-index", pagefind.site)
            assert pages == args.tracks * args.lessons, f"{pages} lesson pages found"
        in_turn(
            [
                take("cold build, with the index", indexed.cold),
                take("cold build, --no-search", lambda: plain.cold("--no-search")),
                *pagefind_cold,
            ]
        )
        indexed.build()  # the cache warm after the last cold build, as an edit finds it
        plain.build("--no-search")
        editor = Editor(root)

        def edit(version: Version, *extra: str) -> float:
            marker = editor.edit()
            took = version.build(*extra)
            assert marker in version.page(editor).read_text(), "the edit is not in the output"
            return took

        in_turn(
            [
                take("one-lesson edit, with the index", lambda: edit(indexed)),
                take("one-lesson edit, --no-search", lambda: edit(plain, "--no-search")),
                *pagefind_edit,
            ]
        )
        ours = files_size(root / "out-index" / SEARCH_FOLDER)
        theirs = files_size(pagefind.out) if pagefind else None
        theirs_index = files_size(pagefind.out, pagefind_index) if pagefind else None

    share_cold = [
        w - p
        for w, p in zip(
            times["cold build, with the index"], times["cold build, --no-search"], strict=True
        )
    ]
    share_edit = [
        w - p
        for w, p in zip(
            times["one-lesson edit, with the index"],
            times["one-lesson edit, --no-search"],
            strict=True,
        )
    ]
    width = max(len(name) for name in times) + 2
    print(f"\n{'':<{width}}  {'median':>8}  runs")
    for name, values in times.items():
        print(f"{name:<{width}}  {statistics.median(values):7.2f}s  {fmt_runs(values)}")
    print()
    rows = [
        ("index's share of a cold build", share_cold),
        ("index's share of a one-lesson edit", share_edit),
    ]
    if pagefind:
        every = [*pagefind_times(times, "cold"), *pagefind_times(times, "edit")]
        rows.append(("Pagefind, full index", every))
    width = max(len(name) for name, _ in rows) + 2
    for name, values in rows:
        print(
            f"{name:<{width}}  {statistics.median(values) * 1000:7.0f} ms"
            f"  (runs: {fmt_runs([v * 1000 for v in values], ' ms', 0)})"
        )
    if pagefind:
        for label, shares in (("cold", share_cold), ("edit", share_edit)):
            pf = pagefind_times(times, label)
            per_run = [ratio(p, s) for p, s in zip(pf, shares, strict=True)]
            print(
                f"{'Pagefind / ours, ' + label:<{width}}"
                f"  {ratio(statistics.median(pf), statistics.median(shares)):>9}"
                f"  (runs: {', '.join(per_run)})"
            )
    print(
        f"\nsize of search/ (ours)        {ours[0]:6d} files {ours[1] / 1024:9.0f} KiB"
        f"  ({ours[2] / 1024:.0f} KiB gzipped file by file)"
    )
    if theirs and theirs_index:
        print(
            f"size of Pagefind's output     {theirs[0]:6d} files {theirs[1] / 1024:9.0f} KiB"
            f"  (its index: {theirs_index[0]} files, {theirs_index[1] / 1024:.0f} KiB, gzipped"
            " already; the rest is its UI and WebAssembly)"
        )
    if any(share <= 0 for share in share_cold + share_edit):
        print("(a share <= 0 is within the noise: n/a)")
    in_process(args.runs)


def pagefind_times(times: Mapping[str, list[float]], rounds: str) -> list[float]:
    return times[f"Pagefind, full index ({rounds} rounds)"]


def pagefind_index(path: Path) -> bool:
    """Whether a file of Pagefind's output is its index: its entry, metadata, word index,
    filters and fragments (not its UI or WebAssembly)."""
    return path.suffix in _PAGEFIND_INDEX or path.name == "pagefind-entry.json"


_PAGEFIND_INDEX = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")


if __name__ == "__main__":
    main()
