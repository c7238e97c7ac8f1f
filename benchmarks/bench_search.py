"""Benchmark: the search index (clawdemy_site.search) against what the build did before, in
one run.

    .venv/bin/python benchmarks/bench_search.py [--runs 3] [--tracks 20 --lessons 50]

Builds the synthetic course once (`clawdemy build --no-search`), then times (median of
--runs, the measures taken turn about so that a busy machine weighs on all alike):
- before: Pagefind's Python API reading the whole built folder, as the build did before;
- one bundle of every lesson (`search.BUNDLES` = 1, the default): what a cold build and a
  lesson edit add now;
- split into up to 8 bundles (`search.BUNDLES` = 8): all of them (a cold build), the
  bundle of `track-001` (a lesson edit there), and the largest one;
- text records, once: Pagefind's Python API fed track-001's bundle as custom records (each
  lesson's text and title, read from the page), against that bundle from the HTML.
The machines are shared and noisy: compare the ratios, which come from the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus import write_corpus

from clawdemy_site import search
from clawdemy_site.search import Bundle, plan_bundles, write_bundles

PROJECT = Path(__file__).resolve().parents[1]
CLAWDEMY = Path(sys.executable).parent / "clawdemy"


def records(out: Path, bundle: Bundle) -> None:
    """The bundle's lessons as Pagefind custom records: the text of each lesson's main
    element and its title, sent through Pagefind's Python API."""
    from pagefind.index import IndexConfig
    from pagefind.service import PagefindService

    async def send() -> None:
        config: IndexConfig = {"force_language": "en"}
        async with PagefindService() as service:
            index = await service.create_index(config)
            for page in bundle.pages:
                text = (out / page).read_text()
                body = text[text.index("data-pagefind-body") : text.index("</main>")]
                title = re.search(r"<h1[^>]*>(.*?)</h1>", body)
                await index.add_custom_record(
                    url="/" + page.removesuffix("index.html"),
                    content=html.unescape(re.sub(r"<[^>]+>", " ", body)),
                    language="en",
                    meta={"title": html.unescape(title.group(1)) if title else page},
                )
            with tempfile.TemporaryDirectory() as written:
                await index.write_files(output_path=written)

    asyncio.run(send())


def whole_site(out: Path, written: Path) -> None:
    """What the build did before: Pagefind's Python API reading every page of the built
    folder (it keeps those marked `data-pagefind-body`), one bundle."""
    from pagefind.index import IndexConfig
    from pagefind.service import PagefindService

    async def index() -> None:
        config: IndexConfig = {"force_language": "en"}
        async with PagefindService() as service:
            made = await service.create_index(config)
            await made.add_directory(path=str(out))
            await made.write_files(output_path=str(written))

    shutil.rmtree(written, ignore_errors=True)
    shutil.rmtree(out / "pagefind", ignore_errors=True)  # the build's staging had none
    asyncio.run(index())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as scratch:
        root = Path(scratch)
        content = (
            write_corpus(root / "corpus", tracks=args.tracks, lessons=args.lessons) / "content"
        )
        out = root / "out"
        subprocess.run(
            [
                *(str(CLAWDEMY), "build", "-q", "--no-search", "--content", str(content)),
                *("--out", str(out), "--templates", str(PROJECT / "templates")),
            ],
            check=True,
            cwd=root,
        )
        lessons = {
            path.relative_to(out).as_posix(): path.parent.parent.name
            for path in sorted(out.glob("track-*/*/index.html"))
            if path.parent.name not in ("exercises", "print")
        }
        single = plan_bundles(lessons)
        search.BUNDLES = 8
        bundles = plan_bundles(lessons)
        own = next(b for b in bundles if any(p.startswith("track-001/") for p in b.pages))
        largest = max(bundles, key=lambda b: len(b.pages))

        def write(chosen: list[Bundle]) -> Callable[[], None]:
            def run() -> None:
                shutil.rmtree(out / "pagefind", ignore_errors=True)
                write_bundles(out, chosen, language="en")

            return run

        measures: dict[str, Callable[[], object]] = {
            "before: Pagefind's Python API, the whole site": lambda: whole_site(out, root / "pf"),
            f"one bundle of every lesson ({len(lessons)})": write(list(single)),
            f"split: all {len(bundles)} bundles": write(list(bundles)),
            f"split: track-001's bundle ({len(own.pages)} lessons)": write([own]),
            f"split: the largest bundle ({len(largest.pages)} lessons)": write([largest]),
        }
        taken: dict[str, list[float]] = {name: [] for name in measures}
        for _ in range(args.runs):
            for name, measure in measures.items():
                start = time.perf_counter()
                measure()
                taken[name].append(time.perf_counter() - start)
        figures = {name: statistics.median(times) for name, times in taken.items()}
        start = time.perf_counter()
        records(out, own)
        figures[f"text records, track-001's bundle ({len(own.pages)} lessons)"] = (
            time.perf_counter() - start
        )
    width = max(len(name) for name in figures)
    print(f"{len(lessons)} lessons in {args.tracks} tracks; median of {args.runs}")
    for name, seconds in figures.items():
        print(f"  {name:<{width}}  {seconds:7.2f} s")
    before, one, split, own_bundle, _, text = figures.values()
    print(f"  one bundle / before:                      {one / before:.2f}")
    print(f"  split, all bundles / one bundle:          {split / one:.2f}")
    print(f"  split, track-001's bundle / one bundle:   {own_bundle / one:.2f}")
    print(f"  text records / HTML, track-001's bundle:  {text / own_bundle:.1f}")


if __name__ == "__main__":
    main()
