"""Benchmark: what the search index costs a build, on the 1,000-lesson course, as whole
commands (a new process each), in one run.

    .venv/bin/python benchmarks/bench_search_edit.py [--runs 3] [--tracks 20 --lessons 50]
        [--before CHECKOUT]

Measured (median of --runs): a cold `clawdemy build` with and without the search index,
and a one-lesson edit (warm cache) with and without it: a smaller cut of `bench_build.py`
(same corpus, same commands) for the index. With `--before`, the same four figures for an
older clawdemy too, taken turn about with this one's in the same run: CHECKOUT is a folder
holding that version's `src/` and `templates/`, e.g.

    git archive 7d759c1 src templates | tar -x -C /tmp/before

The machines are shared and noisy: compare the ratios, which come from the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench_build import CLAWDEMY, TEMPLATES, Editor, timed
from corpus import write_corpus

#: Runs the clawdemy whose `src/` is argv[1], with the rest of argv as its arguments.
_OLDER = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); from clawdemy_site.cli import main; main()"
)


class Version:
    """One clawdemy to time: its command and templates, with an output and cache of its own."""

    def __init__(self, name: str, command: list[str], templates: Path, root: Path) -> None:
        self.name, self.command, self.templates, self.root = name, command, templates, root

    def build(self, *extra: str) -> float:
        out, cache = self.root / f"out-{self.name}", self.root / f".cache-{self.name}"
        args = [*self.command, "build", "--templates", str(self.templates), "--out", str(out)]
        env = {**os.environ, "CLAWDEMY_CACHE_DIR": str(cache)}
        return timed([*args, *extra], self.root, env)

    def cold(self, *extra: str) -> float:
        shutil.rmtree(self.root / f"out-{self.name}", ignore_errors=True)
        shutil.rmtree(self.root / f".cache-{self.name}", ignore_errors=True)
        return self.build(*extra)

    def page(self, editor: Editor) -> Path:
        return self.root / f"out-{self.name}" / editor.page()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    parser.add_argument("--before", type=Path, help="an older checkout (src/, templates/)")
    args = parser.parse_args()
    os.environ.pop("CLAWDEMY_CACHE_DIR", None)
    with tempfile.TemporaryDirectory(prefix="clawdemy-bench-") as scratch:
        root = write_corpus(Path(scratch) / "site", tracks=args.tracks, lessons=args.lessons)
        versions = [Version("now", [str(CLAWDEMY)], TEMPLATES, root)]
        if args.before:
            before = args.before.resolve()
            command = [sys.executable, "-c", _OLDER, str(before / "src")]
            versions.insert(0, Version("before", command, before / "templates", root))
        print(f"{args.tracks * args.lessons} lessons in {args.tracks} tracks;"
              f" {os.cpu_count()} cores; median of {args.runs}", flush=True)  # fmt: skip
        editor = Editor(root)
        times: dict[tuple[str, str], list[float]] = {}

        def take(version: Version, name: str, seconds: float) -> None:
            times.setdefault((version.name, name), []).append(seconds)

        def edit(version: Version, *extra: str) -> float:
            marker = editor.edit()
            took = version.build(*extra)
            assert marker in version.page(editor).read_text(), "the edit is not in the output"
            return took

        for plain in (True, False):
            extra = ("--no-search",) if plain else ()
            label = "--no-search" if plain else "with search"
            for _ in range(args.runs):  # each version cold, then edits, turn about
                for version in versions:
                    take(version, f"cold build, {label}", version.cold(*extra))
            for version in versions:
                version.build(*extra)  # warm the cache after the last cold build
            for _ in range(args.runs):
                for version in versions:
                    take(version, f"one-lesson edit, {label}", edit(version, *extra))
        names = list(dict.fromkeys(name for _, name in times))
        width = max(len(name) for name in names)
        print(f"{'':<{width}}  " + "  ".join(f"{v.name:>8}" for v in versions))
        medians = {key: statistics.median(values) for key, values in times.items()}
        for name in names:
            cells = "  ".join(f"{medians[(v.name, name)]:7.2f}s" for v in versions)
            print(f"{name:<{width}}  {cells}")
        for version in versions:

            def of(name: str, version: Version = version) -> float:
                return medians[(version.name, name)]

            added = of("one-lesson edit, with search") - of("one-lesson edit, --no-search")
            print(
                f"{version.name}: the index adds {added:.2f} s to a one-lesson edit"
                f" ({of('one-lesson edit, with search') / of('one-lesson edit, --no-search'):.2f}x)"
                f" and {of('cold build, with search') - of('cold build, --no-search'):.2f} s"
                " to a cold build"
            )


if __name__ == "__main__":
    main()
