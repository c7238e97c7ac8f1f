"""Benchmark: the search index (clawdemy_site.search) beside Pagefind's own CLI, in one run.

    .venv/bin/python benchmarks/bench_search.py [--runs 3] [--tracks 20 --lessons 50]

Builds the synthetic course once (`clawdemy build --out`), then measures (median of --runs):
- build: the cold `clawdemy build` itself, for scale;
- index: `search_index(pages)`, the pages read from the build (what the build will add);
- pagefind CLI: the `pagefind` binary from the same wheel on the built folder, a new process.
The machines are shared and noisy: compare the ratios, which come from the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus import write_corpus

from clawdemy_site.search import search_index

PROJECT = Path(__file__).resolve().parents[1]
CLAWDEMY = Path(sys.executable).parent / "clawdemy"


def median_seconds(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    args = parser.parse_args()
    from pagefind_bin import get_executable

    pagefind = str(get_executable())
    with tempfile.TemporaryDirectory(prefix="bench-search-") as scratch:
        root = Path(scratch)
        content = (
            write_corpus(root / "corpus", tracks=args.tracks, lessons=args.lessons) / "content"
        )
        out = root / "out"

        def build() -> None:
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run(
                [
                    str(CLAWDEMY),
                    "build",
                    "-q",
                    "--content",
                    str(content),
                    "--out",
                    str(out),
                    "--templates",
                    str(PROJECT / "templates"),
                ],
                check=True,
                cwd=root,
            )

        build_time = median_seconds(args.runs, build)
        pages = {
            path.relative_to(out).as_posix().removesuffix("index.html"): path.read_bytes()
            for path in sorted(out.rglob("*.html"))
        }
        files: dict[str, bytes] = {}

        def index() -> None:
            files.update(search_index(pages, language="en"))

        index_time = median_seconds(args.runs, index)

        def cli() -> None:
            subprocess.run(
                [pagefind, "--site", str(out), "--output-path", str(root / "pf")],
                check=True,
                capture_output=True,
            )

        cli_time = median_seconds(args.runs, cli)
    size = sum(len(data) for data in files.values())
    print(f"{len(pages)} pages ({args.tracks * args.lessons} lessons), median of {args.runs}")
    print(f"  clawdemy build (cold):  {build_time:7.2f} s")
    print(
        f"  search index (Python):  {index_time:7.2f} s  ({index_time / build_time:.2f}x the build)"
    )
    print(
        f"  pagefind CLI:           {cli_time:7.2f} s  (index / CLI = {index_time / cli_time:.2f}x)"
    )
    print(f"  index bundle:           {len(files)} files, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
