"""Benchmark: the whole `clawdemy check-links` path, cold cache against warm, plus start-up.

A generated site (20 lessons, 2,000 distinct URLs over 20 loopback hosts 127.0.0.1 ..
127.0.0.20, each reply delayed 100 ms; a tenth cited as reference entries, the rest as body
links) is checked twice with the same cache file, through the CLI in process (click's
CliRunner: load, render, internal links, cache, checks, JSON report). The first run fetches
everything; the second should fetch nothing: the server's request count must not move.

Then: how long the CLI takes to start (`python -c "import clawdemy_site.cli"` and
`clawdemy --help`, best of a few), and whether `check-links --offline` imports aiohttp.

Run it in a loopback-only network namespace so nothing can leave the machine:

    unshare -rn sh -c 'ip link set lo up && .venv/bin/python benchmarks/bench_cache.py'
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_links import HOST_CONCURRENCY, MAX_CONCURRENCY, _free_port, _hosts, served, start_server
from click.testing import CliRunner

from clawdemy_site.cli import main as cli

PROJECT = Path(__file__).resolve().parents[1]
TEMPLATES = PROJECT / "templates"
LESSONS = 20
#: Of each lesson's URLs, this many are reference entries; the rest are body links.
REFERENCES_PER_LESSON = 10


def write_site(root: Path, urls: Sequence[str]) -> Path:
    """A site under `root/content` citing `urls`, spread evenly over LESSONS lessons."""
    content = root / "content"
    track = content / "bench"
    track.mkdir(parents=True)
    (content / "site.yml").write_text(
        "title: Bench\nbase_url: https://bench.example/\nlanguage: en\n"
    )
    (track / "track.yml").write_text("title: Bench\nsummary: Many links.\n")
    per_lesson = -(-len(urls) // LESSONS)
    for n in range(LESSONS):
        mine = urls[n * per_lesson : (n + 1) * per_lesson]
        refs, body = mine[:REFERENCES_PER_LESSON], mine[REFERENCES_PER_LESSON:]
        front = [f"---\ntitle: Lesson {n + 1}\nlesson: {n + 1}\nsummary: Links.\n"]
        if refs:
            front.append("references:\n")
            front += [
                f"  - type: article\n    title: R{i}\n    url: {u}\n" for i, u in enumerate(refs)
            ]
        lines = [f"- [link {i}]({u})" for i, u in enumerate(body)]
        text = "".join(front) + "---\n\nSome links.\n\n" + "\n".join(lines) + "\n"
        (track / f"{n + 1:02d}-lesson.md").write_text(text)
    return content


def check_links(root: Path, *extra: str) -> tuple[float, dict[str, Any]]:
    """(seconds, JSON report) of one in-process `clawdemy check-links` run in `root`."""
    args = [
        "check-links",
        "--content", str(root / "content"),
        "--templates", str(TEMPLATES),
        "--out", str(root / "build"),
        "--format", "json",
        "--allow-private",
        "--retries", "0",
        "--timeout", "20",
        "--host-concurrency", str(HOST_CONCURRENCY),
        "--max-concurrency", str(MAX_CONCURRENCY),
        *extra,
    ]  # fmt: skip
    started = time.perf_counter()
    result = CliRunner().invoke(cli, args)
    elapsed = time.perf_counter() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if result.exit_code != 0:
        raise RuntimeError(f"check-links exited {result.exit_code}: {result.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(result.stdout)
    return elapsed, report


def build(root: Path) -> None:
    args = ["build", "--content", str(root / "content"), "--templates", str(TEMPLATES)]
    result = CliRunner().invoke(cli, [*args, "--out", str(root / "build")])
    if result.exit_code != 0:
        raise RuntimeError(f"build failed: {result.output[-2000:]}")


def best_wall_time(command: Sequence[str], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=60)
        times.append(time.perf_counter() - started)
    return min(times)


def offline_imports_aiohttp(root: Path) -> bool:
    """Whether `check-links --offline` on the site in `root` imports aiohttp (fresh process)."""
    args = [
        "check-links", "--offline", "--format", "json",
        "--content", str(root / "content"),
        "--templates", str(TEMPLATES),
        "--out", str(root / "build"),
    ]  # fmt: skip
    probe = (
        "import sys\n"
        "from clawdemy_site.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit as exit:\n    code = exit.code\n"
        "print(code, 'aiohttp' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    code, imported = done.stderr.split()[-2:]
    if code != "0":
        raise RuntimeError(f"--offline run exited {code}: {done.stderr[-2000:]}")
    return imported == "True"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=int, default=100, help="reply delay in ms")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the start-up timings")
    args = parser.parse_args(argv)

    if [name for _, name in socket.if_nameindex()] != ["lo"]:
        print("note: not in a loopback-only namespace (all traffic is to 127.x anyway)")
    hosts = _hosts(args.hosts)
    port = _free_port()
    urls = [
        f"http://{hosts[i % len(hosts)]}:{port}/d{args.delay}/warm/{i}" for i in range(args.links)
    ]
    print(
        f"{args.links} URLs over {args.hosts} hosts, {args.delay} ms replies, {LESSONS} lessons;"
        f" host concurrency {HOST_CONCURRENCY}, max concurrency {MAX_CONCURRENCY};"
        f" {os.cpu_count()} CPUs",
        flush=True,
    )
    server = start_server(port, args.hosts)
    with tempfile.TemporaryDirectory(prefix="clawdemy-bench-") as scratch:
        root = Path(scratch)
        write_site(root, urls)
        build(root)  # as in CI: `clawdemy build`, then `clawdemy check-links`
        cache = str(root / "links.sqlite")
        try:
            offline, _ = check_links(root, "--offline")
            before = served(port)
            cold, cold_report = check_links(root, "--cache", cache)
            middle = served(port)
            warm, warm_report = check_links(root, "--cache", cache)
            after = served(port)
        finally:
            server.terminate()
            server.wait(5)
        imported = offline_imports_aiohttp(root)

    for name, report in (("cold", cold_report), ("warm", warm_report)):
        external = [r for r in report["results"] if r["url"].startswith("http")]
        bad = [r for r in external if r["status"] != "ok"]
        if len(external) != args.links or bad:
            raise RuntimeError(f"{name} run: {len(external)} URLs, {len(bad)} not ok")
    print(f"offline (load, render, internal links only): {offline:6.3f} s")
    print(f"cold cache: {cold:6.3f} s  ({middle - before} requests)")
    print(
        f"warm cache: {warm:6.3f} s  ({after - middle} requests;"
        f" {warm_report['summary']['cached']} results from cache)"
    )
    print(f"warm / cold: {warm / cold:.3f}  (cold is {cold / warm:.1f}x the warm run)")
    print(f"requests in the warm run: {after - middle} -> {'OK' if after == middle else 'NOT 0'}")

    python = best_wall_time([sys.executable, "-c", "pass"], args.rounds)
    imports = best_wall_time([sys.executable, "-c", "import clawdemy_site.cli"], args.rounds)
    helps = best_wall_time([str(Path(sys.executable).with_name("clawdemy")), "--help"], args.rounds)
    print(
        f"start-up (best of {args.rounds}): python -c pass {python * 1000:.0f} ms;"
        f" import clawdemy_site.cli {imports * 1000:.0f} ms; clawdemy --help {helps * 1000:.0f} ms"
    )
    print(f"check-links --offline imports aiohttp: {imported}")
    return 0 if after == middle and not imported else 1


if __name__ == "__main__":
    raise SystemExit(main())
