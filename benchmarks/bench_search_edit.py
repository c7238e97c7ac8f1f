"""Benchmark: what the search index costs a build, on the 1,000-lesson course, as whole
commands (a new process each), in one run.

    .venv/bin/python benchmarks/bench_search_edit.py [--runs 3] [--tracks 20 --lessons 50]

Measured (median of --runs): a cold `clawdemy build` with the search index, and a
one-lesson edit (warm cache) with and without it. A smaller cut of `bench_build.py` (same
corpus, same commands) for iterating on the index. The machines are shared and noisy:
compare the ratios, which come from the same run.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench_build import Editor, cold, median, one_edit
from corpus import write_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    args = parser.parse_args()
    os.environ.pop("CLAWDEMY_CACHE_DIR", None)
    with tempfile.TemporaryDirectory(prefix="clawdemy-bench-") as scratch:
        root = write_corpus(Path(scratch) / "site", tracks=args.tracks, lessons=args.lessons)
        print(f"{args.tracks * args.lessons} lessons in {args.tracks} tracks;"
              f" {os.cpu_count()} cores; median of {args.runs}", flush=True)  # fmt: skip
        editor = Editor(root)
        figures = {
            "cold build, --no-search": median(args.runs, lambda: cold(root, "--no-search")),
            "one-lesson edit, --no-search": median(
                args.runs, lambda: one_edit(root, editor, "--no-search")
            ),
            "cold build, with search": median(args.runs, lambda: cold(root)),
            "one-lesson edit, with search": median(args.runs, lambda: one_edit(root, editor)),
        }
        width = max(len(name) for name in figures)
        for name, seconds in figures.items():
            print(f"{name:<{width}}  {seconds * 1000:7.0f} ms")
        searched, plain = figures["cold build, with search"], figures["cold build, --no-search"]
        edit, plain_edit = (
            figures["one-lesson edit, with search"],
            figures["one-lesson edit, --no-search"],
        )
        print(f"search's share: cold {searched / plain:.2f}x, one edit {edit / plain_edit:.2f}x")
        print(f"one edit / cold, with search: {edit / searched:.3f}")


if __name__ == "__main__":
    main()
