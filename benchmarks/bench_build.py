"""Benchmark: `clawdemy build` and `serve` on a 1,000-lesson course, beside the floor script
and Hugo, all in one run, as whole commands (a new process each).

    .venv/bin/python benchmarks/bench_build.py [--runs 3] [--tracks 20 --lessons 50] [--scale]

Measured (median of --runs; the floor and the cold build, and Hugo and the one-lesson
edit, are run in turn, so that each pair's ratio is also printed):
- floor: benchmarks/floor.py, one process that only splits YAML, renders Markdown with
  clawdemy's extensions and fills one template (pure-Python YAML, and libyaml);
- hugo: Debian's `hugo` building the same bodies (skipped when not installed);
- cold: `clawdemy build` with no cache and no output;
- one edit: one lesson's body changed, then `clawdemy build` (warm cache);
- the same two with `--no-search` (not paired: the index's share is the difference);
- no-op: `clawdemy build` again with nothing changed;
- serve: edit to served page, `clawdemy serve` polled until the page shows the edit;
- peak memory: the largest resident set of any process of a cold build;
- with --scale: a cold build of 10x the lessons (10 times the tracks).
Each command starts after `os.sync()`, so that none pays for the writing of the one before.
The machines are shared and noisy: compare the ratios, which come from the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from corpus import write_corpus

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLAWDEMY = BIN / "clawdemy"
TEMPLATES = PROJECT / "templates"


def timed(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    # What the command before wrote goes to the disk first, not while this one runs (Hugo
    # writes a thousand files, and an edit timed right after it paid for their writing).
    os.sync()
    started = time.perf_counter()
    subprocess.run(
        args, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def median(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def build_args(out: Path, *extra: str) -> list[str]:
    return [str(CLAWDEMY), "build", "--templates", str(TEMPLATES), "--out", str(out), *extra]


def cold(root: Path, *extra: str) -> float:
    shutil.rmtree(root / ".clawdemy", ignore_errors=True)
    shutil.rmtree(root / "out", ignore_errors=True)
    return timed(build_args(root / "out", *extra), root)


#: Runs a command and prints the largest resident set of it and every process it waited for.
_PEAK = (
    "import resource, subprocess, sys;"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL,"
    " stderr=subprocess.DEVNULL);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def cold_peak_mib(root: Path) -> float:
    """Peak resident memory of the largest process of a cold build (its pool included)."""
    shutil.rmtree(root / ".clawdemy", ignore_errors=True)
    shutil.rmtree(root / "out", ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *build_args(root / "out")],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.strip()) / 1024


class Editor:
    """Changes one lesson's body, a new marker each time."""

    def __init__(self, root: Path) -> None:
        self.lesson = sorted((root / "content").glob("track-001/*.md"))[4]
        self.count = 0

    def edit(self) -> str:
        self.count += 1
        marker = f"Edited paragraph number {self.count} {time.time_ns()}"
        text = self.lesson.read_text()
        head, _, _ = text.partition("\nEDIT:")
        self.lesson.write_text(f"{head}\nEDIT: {marker}\n")
        return marker

    def page(self) -> str:
        return f"{self.lesson.parent.name}/{self.lesson.stem}/index.html"


def one_edit(root: Path, editor: Editor, *extra: str) -> float:
    marker = editor.edit()
    took = timed(build_args(root / "out", *extra), root)
    assert marker in (root / "out" / editor.page()).read_text(), "the edit is not in the output"
    return took


def serve_latency(root: Path, editor: Editor, runs: int) -> list[float]:
    env = {**os.environ, "CLAWDEMY_CACHE_DIR": str(root / ".serve-cache")}
    process = subprocess.Popen(
        [str(CLAWDEMY), "serve", "--templates", str(TEMPLATES), "--port", "0"],
        cwd=root,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    address = ""
    deadline = time.monotonic() + 300
    while not address and time.monotonic() < deadline:
        line = process.stderr.readline()
        if line.startswith("serving at "):
            address = line.split()[2]
    url = address + editor.page().removesuffix("index.html")
    times = []
    try:
        for _ in range(runs):
            time.sleep(1.0)
            marker = editor.edit()
            started = time.perf_counter()
            while time.perf_counter() - started < 30:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if marker in response.read().decode():
                        break
                time.sleep(0.002)
            times.append(time.perf_counter() - started)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # report it, and keep the figures
            process.kill()
            process.wait()
            print("warning: serve did not stop within 20 s of Ctrl+C; it was killed")
    return times


def main() -> None:
    # Started in the background by a non-interactive shell, this process and every command
    # it starts would ignore Ctrl+C, which stops `serve`; a handler here is reset to the
    # default in each command.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    parser.add_argument("--scale", action="store_true", help="also build 10x the lessons")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clawdemy-bench-") as scratch:
        root = write_corpus(Path(scratch) / "site", tracks=args.tracks, lessons=args.lessons)
        env = {k: v for k, v in os.environ.items() if k != "CLAWDEMY_CACHE_DIR"}
        os.environ.clear()
        os.environ.update(env)
        count = args.tracks * args.lessons
        print(f"{count} lessons in {args.tracks} tracks; {os.cpu_count()} cores; median of"
              f" {args.runs}", flush=True)  # fmt: skip
        python = sys.executable
        floor_py = str(PROJECT / "benchmarks" / "floor.py")
        figures: dict[str, float] = {}
        # The measures a target compares are taken in pairs, one right after the other,
        # so that each ratio compares two commands run on the machine in the same mood.
        floor_cold = [
            (timed([python, floor_py, "content", "floor-out"], root), cold(root))
            for _ in range(args.runs)
        ]
        figures["floor (pure-Python YAML)"] = statistics.median(f for f, _ in floor_cold)
        figures["floor (libyaml)"] = median(
            args.runs,
            lambda: timed([python, floor_py, "content", "floor-out", "--c-loader"], root),
        )
        figures["clawdemy cold build"] = statistics.median(c for _, c in floor_cold)
        peak = cold_peak_mib(root)
        editor = Editor(root)
        hugo = shutil.which("hugo")
        hugo_edit = [
            (
                timed([hugo, "--quiet", "-d", str(root / "hugo-out")], root / "hugo")
                if hugo
                else 0.0,
                one_edit(root, editor),
            )
            for _ in range(args.runs)
        ]
        if hugo:
            figures["hugo, full build"] = statistics.median(h for h, _ in hugo_edit)
        figures["clawdemy one-lesson edit"] = statistics.median(e for _, e in hugo_edit)
        figures["clawdemy no-op rebuild"] = median(
            args.runs, lambda: timed(build_args(root / "out"), root)
        )
        serve_times = serve_latency(root, editor, args.runs)
        figures["clawdemy serve, edit to served page"] = statistics.median(serve_times)
        figures["clawdemy cold build, --no-search"] = median(
            args.runs, lambda: cold(root, "--no-search")
        )
        figures["clawdemy one-lesson edit, --no-search"] = median(
            args.runs, lambda: one_edit(root, editor, "--no-search")
        )
        if args.scale:
            big = write_corpus(Path(scratch) / "big", tracks=args.tracks * 10, lessons=args.lessons)
            figures[f"clawdemy cold build, {count * 10} lessons"] = cold(big)
        width = max(len(name) for name in figures)
        for name, seconds in figures.items():
            print(f"{name:<{width}}  {seconds * 1000:9.0f} ms")
        print(f"{'peak resident memory, cold build':<{width}}  {peak:9.0f} MiB (target <= 300)")
        cold_time = figures["clawdemy cold build"]
        floor_time = figures["floor (pure-Python YAML)"]
        print("ratios (`clawdemy build` as it comes, with the search index):")
        paired = statistics.median(c / f for f, c in floor_cold)
        print(f"  cold / floor (pure YAML)       {cold_time / floor_time:.2f}  (target <= 0.7)")
        print(f"    the same, pair by pair       {paired:.2f}  (runs: "
              f"{', '.join(f'{c / f:.2f}' for f, c in floor_cold)})")  # fmt: skip
        print(f"  cold / floor (libyaml)         {cold_time / figures['floor (libyaml)']:.2f}")
        edit = figures["clawdemy one-lesson edit"]
        print(f"  one edit / cold                {edit / cold_time:.3f} (target <= 0.15)")
        if hugo:
            hugo_time = figures["hugo, full build"]
            print(f"  one edit / hugo full build     {edit / hugo_time:.2f}  (target <= 0.5)")
            print(f"    the same, pair by pair       "
                  f"{statistics.median(e / h for h, e in hugo_edit):.2f}  (runs: "
                  f"{', '.join(f'{e / h:.2f}' for h, e in hugo_edit)})")  # fmt: skip
        noop = figures["clawdemy no-op rebuild"]
        print(f"  no-op / cold                   {noop / cold_time:.3f} (target <= 0.1)")
        print(f"  serve runs: {', '.join(f'{t * 1000:.0f} ms' for t in serve_times)}"
              " (target: median <= 150 ms)")  # fmt: skip
        plain, plain_edit = (
            figures["clawdemy cold build, --no-search"],
            figures["clawdemy one-lesson edit, --no-search"],
        )
        print("without the search index (--no-search; medians, not paired):")
        print(f"  cold / floor (pure YAML)       {plain / floor_time:.2f}")
        if hugo:
            print(f"  one edit / hugo full build     {plain_edit / hugo_time:.2f}")
        if args.scale:
            scaled = figures[f"clawdemy cold build, {count * 10} lessons"]
            print(f"  10x lessons / 1x               {scaled / cold_time:.1f}  (target <= 11)")


if __name__ == "__main__":
    main()
