"""Benchmark: what a split search index costs a learner, in a real browser, in one run.

    .venv/bin/python benchmarks/bench_search_requests.py [--tracks 20 --lessons 50]

Builds the synthetic course with `clawdemy build --no-search`, then two copies with their
search index: split into up to 8 bundles of whole tracks (`search.BUNDLES` = 8), and one
bundle of every lesson (`search.BUNDLES` = 1, the default). Serves each from a loopback
http.server, opens a lesson page in Debian's Chromium (driven by Playwright) and counts
the requests and bytes under `pagefind/` for the first query (the UI's start, its
WebAssembly, every bundle's entry and metadata, index chunks and the shown results'
fragments), then a second query, with the time from typing to the results shown and how
many results the UI reports. Queries: a word in every lesson (`gradient`), then a word
that only one lesson has (its code's function name), which split bundles answer with the
pages of every bundle that has a word starting it (search.py says why). Loopback only.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from corpus import write_corpus

from clawdemy_site import search
from clawdemy_site.search import manifest, plan_bundles, write_bundles

PROJECT = Path(__file__).resolve().parents[1]
CLAWDEMY = Path(sys.executable).parent / "clawdemy"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def indexed(out: Path, copy: Path, bundles: int) -> None:
    """`copy`: the built site with its search index in up to `bundles` bundles."""
    shutil.copytree(out, copy)
    lessons = {
        path.relative_to(copy).as_posix(): path.parent.parent.name
        for path in copy.glob("track-*/*/index.html")
        if path.parent.name not in ("exercises", "print")
    }
    search.BUNDLES = bundles
    planned = plan_bundles(lessons)
    write_bundles(copy, planned, language="en")
    (copy / "pagefind" / "bundles.json").write_bytes(manifest(planned))


def measure(browser: Any, url: str, queries: list[str]) -> list[tuple[int, int, float, str]]:
    """For each query in turn: requests and bytes under pagefind/, seconds to results, and
    how many results the UI says it found."""
    page = browser.new_page()
    seen: list[int] = []

    def finished(request: Any) -> None:
        if "/pagefind/" in request.url:
            seen.append(request.sizes()["responseBodySize"])

    page.on("requestfinished", finished)
    page.goto(url)
    box = page.locator(".pagefind-ui__search-input")
    box.wait_for(timeout=30_000)
    figures = []
    for query in queries:
        before = len(seen), sum(seen)
        started = time.perf_counter()
        box.fill(query)
        message = page.locator(".pagefind-ui__message", has_text=re.compile(f"for {query}"))
        message.wait_for(timeout=30_000)
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=30_000)
        took = time.perf_counter() - started
        page.wait_for_load_state("networkidle")
        said = message.inner_text().split(" for ")[0]
        figures.append((len(seen) - before[0], sum(seen) - before[1], took, said))
    page.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-search-requests-") as scratch:
        root = write_corpus(Path(scratch) / "corpus", tracks=args.tracks, lessons=args.lessons)
        out = Path(scratch) / "out"
        subprocess.run(
            [
                *(str(CLAWDEMY), "build", "-q", "--no-search", "--content", str(root / "content")),
                *("--out", str(out), "--templates", str(PROJECT / "templates")),
            ],
            check=True,
            cwd=scratch,
        )
        sites = {"8 bundles": Path(scratch) / "split", "one bundle": Path(scratch) / "one"}
        indexed(out, sites["8 bundles"], 8)
        indexed(out, sites["one bundle"], 1)
        lesson = sorted((root / "content" / "track-003").glob("*.md"))[7]
        found = re.search(r"def (weighted_sum_\d+)", lesson.read_text())
        assert found is not None
        queries = ["gradient", found.group(1)]
        page = "track-001/" + sorted((root / "content" / "track-001").glob("*.md"))[4].stem + "/"
        results = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu"],
            )
            for name, folder in sites.items():
                server, base = serve(folder)
                try:
                    results[name] = measure(browser, base + page, queries)
                finally:
                    server.shutdown()
                    server.server_close()
            browser.close()
    print(f"{args.tracks * args.lessons} lessons in {args.tracks} tracks; a lesson page; queries:")
    print(f"  1: {queries[0]!r} (in every lesson), 2: {queries[1]!r} (in one lesson)")
    for name, figures in results.items():
        for number, (requests, size, took, said) in enumerate(figures, 1):
            print(
                f"  {name:<11} query {number}: {requests:3d} requests, {size / 1024:7.0f} KiB,"
                f" results in {took * 1000:5.0f} ms ({said})"
            )


if __name__ == "__main__":
    main()
