"""Benchmark: the whole `clawdemy check-links` command against the whole `lychee` command.

What a user waits for is the command, start-up and reading the site included. A generated
site (bench_cache's: 20 lessons citing 2,000 distinct URLs over 20 loopback hosts, replies
delayed 100 ms, then 20 ms) is checked by `clawdemy check-links --no-cache` and by `lychee`
on the same lesson files, both as fresh processes with the same limits (host concurrency 10,
max concurrency 128, no retries); the best of a few rounds is compared.

Run it in a loopback-only network namespace so nothing can leave the machine:

    unshare -rn sh -c 'ip link set lo up && .venv/bin/python benchmarks/bench_whole.py'
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_cache import TEMPLATES, build, write_site
from bench_links import (
    HOST_CONCURRENCY,
    MAX_CONCURRENCY,
    _free_port,
    _hosts,
    lychee_binary,
    start_server,
)

CLAWDEMY = str(Path(sys.executable).with_name("clawdemy"))
#: Issue 10: the whole command takes at most this multiple of lychee's, at 100 ms.
TARGET = 1.1


def children_cpu() -> float:
    """User and system CPU of the child processes that have ended (and of theirs)."""
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ended.ru_utime + ended.ru_stime


def run_clawdemy(root: Path) -> float:
    command = [
        CLAWDEMY, "check-links",
        "--content", str(root / "content"),
        "--templates", str(TEMPLATES),
        "--out", str(root / "build"),
        "--format", "json",
        "--allow-private",
        "--no-cache",
        "--retries", "0",
        "--timeout", "20",
        "--host-concurrency", str(HOST_CONCURRENCY),
        "--max-concurrency", str(MAX_CONCURRENCY),
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    elapsed = time.perf_counter() - started
    if not done.stdout:
        raise RuntimeError(f"clawdemy exited {done.returncode}: {done.stderr[-2000:]}")
    external = [r for r in json.loads(done.stdout)["results"] if r["url"].startswith("http")]
    if done.returncode != 0 or any(r["status"] != "ok" for r in external):
        raise RuntimeError(f"clawdemy exited {done.returncode}: {done.stderr[-2000:]}")
    return elapsed


def run_lychee(root: Path, links: int) -> float:
    report = root / "lychee.json"
    command = [
        lychee_binary(),
        "--no-progress",
        "--host-concurrency", str(HOST_CONCURRENCY),
        "--host-request-interval", "0ms",
        "--max-concurrency", str(MAX_CONCURRENCY),
        "--max-retries", "0",
        "--timeout", "20",
        "--format", "json",
        "--output", str(report),
        "--", *sorted(str(p) for p in (root / "content").rglob("*.md")),
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    elapsed = time.perf_counter() - started
    summary = json.loads(report.read_text())
    if done.returncode != 0 or summary.get("successful") != links:
        raise RuntimeError(f"lychee: {summary.get('successful')} ok: {done.stderr[-2000:]}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delays", default="100,20", help="reply delays in ms, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if [name for _, name in socket.if_nameindex()] != ["lo"]:
        print("note: not in a loopback-only namespace (all traffic is to 127.x anyway)")
    hosts = _hosts(args.hosts)
    port = _free_port()
    print(
        f"whole commands: {args.links} URLs over {args.hosts} hosts in 20 lessons;"
        f" host concurrency {HOST_CONCURRENCY}, max concurrency {MAX_CONCURRENCY};"
        f" best of {args.rounds}; {os.cpu_count()} CPUs",
        flush=True,
    )
    server = start_server(port, args.hosts)
    try:
        for delay in (int(d) for d in args.delays.split(",")):
            ours, theirs = [], []
            cpu = {"c": 0.0, "l": 0.0}
            for n in range(args.rounds):
                for who, times in (("c", ours), ("l", theirs)):
                    # Fresh URLs each run, so that neither tool can reuse anything.
                    urls = [
                        f"http://{hosts[i % len(hosts)]}:{port}/d{delay}/{who}{n}/{i}"
                        for i in range(args.links)
                    ]
                    with tempfile.TemporaryDirectory(prefix="clawdemy-whole-") as scratch:
                        root = Path(scratch)
                        write_site(root, urls)
                        build(root)
                        before = children_cpu()
                        if who == "c":
                            times.append(run_clawdemy(root))
                        else:
                            times.append(run_lychee(root, args.links))
                        cpu[who] += children_cpu() - before
            best_ours, best_theirs = min(ours), min(theirs)
            ratio = best_ours / best_theirs
            target = f"  (target <= {TARGET} at 100 ms)" if delay == 100 else ""
            print(
                f"delay {delay:>3} ms: clawdemy check-links {best_ours:6.3f} s"
                f" (median {statistics.median(ours):.3f})"
                f"  lychee {best_theirs:6.3f} s (median {statistics.median(theirs):.3f})"
                f"  ratio {ratio:.2f}{target}"
                f"  CPU per run: clawdemy {cpu['c'] / args.rounds:.2f} s,"
                f" lychee {cpu['l'] / args.rounds:.2f} s",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
