"""Benchmark: what the site's search index costs a learner, in a real browser, in one run.

    .venv/bin/python benchmarks/bench_search_requests.py [--runs 3] [--tracks 20 --lessons 50]

Builds the synthetic course (benchmarks/corpus.py) once with `clawdemy build`, which writes
the index into `search/` (search.py: `index.json`, shards `t/<shard>.json` of the words by
their first two letters, and one `p/<n>.json` per lesson, fetched for a shown result).
Serves it from a loopback http.server (127.0.0.1, no compression) and opens a lesson page
in Debian's Chromium (`/usr/bin/chromium`, headless, driven by Playwright; host names do
not resolve, so nothing leaves loopback), a new browser context (empty cache) each run.
Then it types, key by key, a word in every lesson (`gradient`), and then the code sample's
function name of one lesson (`weighted_sum_<n>`: the index splits it into `weighted`, `sum`
and `<n>`, a number no other lesson has), and for the page's opening and each query
records the requests under `search/` (from the page's resource timing), their bytes as
sent and gzipped (what a host that compresses would send), the time from the last
keystroke to the first results in the page (which includes search.js's pause for the
typing to stop), and how many lessons the status line says match. Requests and bytes are
the first run's (every run makes the same); times, the median of --runs.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import statistics
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bench_build import CLAWDEMY, TEMPLATES
from corpus import write_corpus

from clawdemy_site.render.searchtext import search_words
from clawdemy_site.search import SEARCH_FOLDER, shard_file, shard_name

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium without its own traffic: no background services, and every host name left
#: unresolved but the loopback address the site is served from.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
#: Installed before the page's scripts: the time of the last `input` event, and the time
#: the first results of the awaited query are in the page (its status line names the
#: query, and its list has a result: search.js empties the list before it sets the line).
WATCH = """
window.__bench = {lastInput: 0, want: null, shown: null, status: "", count: 0};
document.addEventListener("input", () => { window.__bench.lastInput = performance.now(); },
  true);
new MutationObserver(() => {
  const bench = window.__bench, status = document.querySelector(".search-status");
  if (bench.want === null || bench.shown !== null || !status) return;
  if (!status.textContent.includes("\\u201c" + bench.want + "\\u201d")) return;
  const shown = document.querySelectorAll(".search-results .search-result").length;
  if (!shown) return;
  bench.shown = performance.now();
  bench.status = status.textContent;
  bench.count = shown;
}).observe(document, {childList: true, subtree: true, characterData: true});
"""
#: The site's files fetched so far: address and body bytes.
FETCHED = """() => performance.getEntriesByType("resource")
  .map(entry => [entry.name, entry.encodedBodySize])"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def one_lesson_query(content: Path, out: Path) -> str:
    """The function name of a lesson's code sample whose number no other lesson's word
    starts with (a lesson of the last track, from its middle on)."""
    tracks = sorted(content.glob("track-*"))
    lessons = sorted(tracks[-1].glob("*.md"))
    for lesson in lessons[len(lessons) // 2 :] + lessons[: len(lessons) // 2]:
        found = re.search(r"def (weighted_sum_(\d+))\(", lesson.read_text())
        assert found is not None, f"no code sample in {lesson}"
        number = found.group(2)
        assert search_words(number) == [number]  # a word as the index holds it
        shard = json.loads((out / shard_file(shard_name(number))).read_bytes())
        starting = {word: postings for word, postings in shard.items() if word.startswith(number)}
        if list(starting) == [number] and len(starting[number]) == 2:  # one page
            return found.group(1)
    raise SystemExit("no lesson has a number of its own")


@dataclass
class Step:
    """One step (the page's opening, or a query): the files fetched under `search/`, by
    address and bytes, and for a query the time to results and what the status line says."""

    fetched: list[tuple[str, int]]
    seconds: float = 0.0
    status: str = ""
    shown: int = 0

    def kinds(self) -> str:
        """What was fetched: files by name, shards and pages by count."""
        rels = [urlsplit(url).path.split(f"/{SEARCH_FOLDER}/", 1)[1] for url, _ in self.fetched]
        parts = [rel for rel in rels if not rel.startswith(("t/", "p/"))]
        for folder, kind in (("t/", "shard"), ("p/", "page")):
            count = sum(1 for rel in rels if rel.startswith(folder))
            if count:
                parts.append(f"{count} {kind}{'' if count == 1 else 's'}")
        return " + ".join(parts) or "-"


def visit(browser: Any, url: str, queries: list[str]) -> list[Step]:
    """Opens `url` in a new context, then types each query: the page's opening and each
    query as Steps."""
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []

    def check(request: Any) -> None:
        if urlsplit(request.url).hostname != "127.0.0.1" and not request.url.startswith("data:"):
            outside.append(request.url)

    page.on("request", check)
    page.add_init_script(WATCH)
    page.goto(url)
    box = page.locator("#search-input")
    box.wait_for(state="visible", timeout=30_000)  # search.js shows it once index.json is in
    seen = 0

    def fetched() -> list[tuple[str, int]]:
        nonlocal seen
        entries = page.evaluate(FETCHED)
        new, seen = entries[seen:], len(entries)
        return [(name, size) for name, size in new if f"/{SEARCH_FOLDER}/" in name]

    steps = [Step(fetched())]
    for query in queries:
        box.fill("")
        page.evaluate("q => { window.__bench.want = q; window.__bench.shown = null; }", query)
        box.press_sequentially(query, delay=50)  # a fast typist: search.js waits for a pause
        page.wait_for_function("() => window.__bench.shown !== null", timeout=30_000)
        bench = page.evaluate("() => window.__bench")
        page.wait_for_timeout(300)  # nothing more should come; if it does, it is counted
        status = str(bench["status"]).split("\u201c")[0].strip()
        took = (bench["shown"] - bench["lastInput"]) / 1000
        steps.append(Step(fetched(), took, status, int(bench["count"])))
    context.close()
    if outside:
        raise SystemExit(f"the page asked for addresses off loopback: {outside}")
    return steps


def gzipped(out: Path, url: str) -> int:
    path = out / unquote(urlsplit(url).path).lstrip("/")
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"needs Debian's Chromium at {CHROMIUM} (scripts/setup test)")
    from playwright.sync_api import sync_playwright

    os.environ.pop("CLAWDEMY_CACHE_DIR", None)  # the build's cache stays in the scratch folder
    pause = re.search(r"setTimeout\(search, (\d+)\)", (TEMPLATES / "static/search.js").read_text())
    with tempfile.TemporaryDirectory(prefix="bench-search-requests-") as scratch:
        root = write_corpus(Path(scratch) / "corpus", tracks=args.tracks, lessons=args.lessons)
        out = Path(scratch) / "out"
        subprocess.run(
            [
                *(str(CLAWDEMY), "build", "-q", "--content", str(root / "content")),
                *("--out", str(out), "--templates", str(TEMPLATES)),
            ],
            check=True,
            cwd=scratch,
        )
        queries = ["gradient", one_lesson_query(root / "content", out)]
        lesson = sorted((root / "content" / "track-001").glob("*.md"))[4]
        address = f"track-001/{lesson.stem}/"
        runs: list[list[Step]] = []
        server, base = serve(out)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                for _ in range(args.runs):
                    runs.append(visit(browser, base + address, queries))
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
        first = runs[0]
        sizes = [sum(size for _, size in step.fetched) for step in first]
        zipped = [sum(gzipped(out, url) for url, _ in step.fetched) for step in first]
        index = json.loads((out / SEARCH_FOLDER / "index.json").read_bytes())

    print(
        f"{args.tracks * args.lessons} lessons in {args.tracks} tracks ({index['pages']} pages"
        f" and {len(index['shards'])} shards in the index); page {address}; median of"
        f" {args.runs} runs, each in a new browser context"
    )
    names = ["page opened", *(f"query {n}: {q!r}" for n, q in enumerate(queries, 1))]
    width = max(len(name) for name in names)
    print(
        f"{'':<{width}}  requests  {'bytes':>9}  {'gzipped':>9}  {'to results':>10}"
        f"  what was fetched; the status line"
    )
    for number, name in enumerate(names):
        step = first[number]
        took = ""
        if number:
            took = f"{statistics.median(r[number].seconds for r in runs) * 1000:.0f} ms"
        said = f"; {step.status} ({step.shown} shown)" if number else ""
        print(
            f"{name:<{width}}  {len(step.fetched):8d}  {sizes[number] / 1024:5.1f} KiB"
            f"  {zipped[number] / 1024:5.1f} KiB  {took:>10}  {step.kinds()}{said}"
        )
    for number in range(1, len(names)):
        times = ", ".join(f"{r[number].seconds * 1000:.0f} ms" for r in runs)
        print(f"  query {number}, runs: {times}")
    if pause:
        print(
            f"(to results: from the last keystroke, {pause.group(1)} ms of it search.js's wait"
            " for the typing to pause)"
        )
    differ = [
        name for n, name in enumerate(names) if any(r[n].kinds() != first[n].kinds() for r in runs)
    ]
    if differ:
        print(
            f"note: the runs fetched different files for {', '.join(differ)}; the first run's shown"
        )


if __name__ == "__main__":
    main()
