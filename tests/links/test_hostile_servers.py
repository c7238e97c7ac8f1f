"""Issue 9, scope 5: the link checker against hostile servers, in one real run.

A site cites one URL per misbehaviour, all on loopback servers: a redirect loop, a body
that never ends (with and without a fragment to look for), headers sent a byte at a time,
a reply that is not HTTP, a connection reset, a gzip bomb and huge headers. A real
`clawdemy check-links` process checks them all: the run ends within its bound, each URL
gets a classified status, and the process's peak memory stays under 300 MiB.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site
from loopback import Exchange, LoopbackServer, garbage, redirect, reset, status, trickle

pytestmark = pytest.mark.timeout(90)

CLAWDEMY = Path(sys.executable).with_name("clawdemy")
TIMEOUT = 2
MEMORY_LIMIT = 300 * 2**20


async def endless(exchange: Exchange) -> bool:
    """An HTML page whose chunked body never ends (64 KiB chunks, as fast as it is read)."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    exchange.writer.write(head)
    if exchange.method == "HEAD":
        await exchange.writer.drain()
        return True
    chunk = b"<p>" + b"x" * 65530 + b"</p>"
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while True:
        exchange.writer.write(framed)
        await exchange.writer.drain()
        await asyncio.sleep(0)


async def huge_headers(exchange: Exchange) -> bool:
    """A status line, then one header line of 8 MiB."""
    exchange.writer.write(b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * (8 * 2**20) + b"\r\n\r\n")
    await exchange.writer.drain()
    return False


def gzip_bomb(size: int) -> bytes:
    """`size` bytes of spaces, then the id, gzip-compressed without holding them all."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    spaces = b" " * 2**20
    parts = [packer.compress(b"<p>")]
    parts += [packer.compress(spaces) for _ in range(size // len(spaces))]
    parts += [packer.compress(b'<a id="deep">x</a>'), packer.flush()]
    return b"".join(parts)


#: Runs a command and prints the peak memory of that command alone (KiB) on standard error.
PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def test_one_run_against_every_hostile_server_is_bounded_and_classified(
    server: LoopbackServer, tmp_path: Path
) -> None:
    bomb = gzip_bomb(200 * 2**20)
    urls = {
        "redirect-loop": server.route("/loop-a", redirect(302, "/loop-b")),
        "endless-body": server.route("/endless", endless),
        "trickled-headers": server.route("/trickle", trickle(1.0)),
        "not-http": server.route("/garbage", garbage),
        "reset": server.route("/reset", reset),
        "gzip-bomb": server.route(
            "/bomb",
            status(
                200,
                headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                body=bomb,
            ),
        ),
        "huge-headers": server.route("/huge", huge_headers),
    }
    server.route("/loop-b", redirect(302, "/loop-a"))
    cited = {
        **urls,
        "endless-body-fragment": urls["endless-body"] + "#deep",
        "gzip-bomb-fragment": urls["gzip-bomb"] + "#deep",
    }
    body = "\n\n".join(f"[{name}]({url})" for name, url in cited.items())
    write_site(tmp_path, {"t/01-intro.md": lesson_text(1, body=body)})
    args = [sys.executable, "-c", PEAK, str(CLAWDEMY), "check-links", "--format", "json"]
    args += ["--allow-private", "--no-cache"]
    args += ["--timeout", str(TIMEOUT), "--retries", "0"]
    started = time.monotonic()
    run = subprocess.run(
        args,
        cwd=tmp_path,
        env={**os.environ, "CLAWDEMY_CACHE_DIR": str(tmp_path / ".clawdemy")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    peak = int(run.stderr.splitlines()[-1]) * 1024  # ru_maxrss is in KiB on Linux
    assert "Traceback" not in run.stderr
    assert run.returncode == 1, run.stderr
    assert elapsed < 30, elapsed
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.0f} MiB"
    results = {result["url"]: result for result in json.loads(run.stdout)["results"]}
    got = {name: (results[url]["status"], results[url]["detail"]) for name, url in cited.items()}
    base = server.url("")
    cap = 2 * 1024 * 1024
    assert got == {
        "redirect-loop": ("error", f"redirect loop at {base}/loop-a"),
        "endless-body": ("ok", ""),
        "endless-body-fragment": (
            "ok",
            f"fragment #deep not checked: only the first {cap} bytes were read",
        ),
        "trickled-headers": ("timeout", f"no complete reply within {TIMEOUT} s"),
        "not-http": ("error", "invalid HTTP reply (Bad status line)"),
        "reset": ("unreachable", "connection reset by peer"),
        "gzip-bomb": ("ok", ""),
        "gzip-bomb-fragment": (
            "ok",
            f"fragment #deep not checked: only the first {cap} bytes were read",
        ),
        # aiohttp's words, through the checker's own `invalid HTTP reply (...)`.
        "huge-headers": (
            "error",
            "invalid HTTP reply (Got more than 32768 bytes when reading: b'" + "a" * 100 + "...'.)",
        ),
    }
    assert results[cited["gzip-bomb-fragment"]]["fragment_unverified"] is True
