"""Loopback HTTP servers with scripted misbehaviour, and a fake DNS, for the checker's tests.

Servers run on one background event loop thread and speak just enough HTTP/1.1 (keep-alive,
Content-Length) to script what a test needs: statuses, redirects, stalls, trickles, resets,
garbage. Each records the requests it saw and the most it handled at once.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

# --- servers ---------------------------------------------------------------------------


@dataclass
class Exchange:
    """One request as a handler sees it, with the means to answer."""

    method: str
    path: str
    headers: Mapping[str, str]
    writer: asyncio.StreamWriter

    async def respond(
        self,
        code: int,
        *,
        headers: Sequence[tuple[str, str]] = (),
        body: bytes = b"",
        reason: str = "Whatever",
    ) -> bool:
        lines = [f"HTTP/1.1 {code} {reason}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.writer.write(head if self.method == "HEAD" else head + body)
        await self.writer.drain()
        return True


#: Answers one request; returns whether to keep the connection open for the next.
Handler = Callable[[Exchange], Awaitable[bool]]


@dataclass
class Seen:
    method: str
    path: str
    headers: Mapping[str, str]


@dataclass
class LoopbackServer:
    host: str
    loop: asyncio.AbstractEventLoop
    port: int = 0
    routes: dict[str, Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    connections: int = 0
    active: int = 0
    max_active: int = 0
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        """Serve `handler` at `path`; returns the URL."""
        self.routes[path] = handler
        return self.url(path)

    def requests(self, path: str | None = None) -> list[str]:
        """Methods of the requests seen (for `path`, or all), in arrival order."""
        return [s.method for s in list(self.seen) if path is None or s.path == path]

    async def start(self, port: int) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        request_line, *header_lines = head.split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers = {}
        for line in header_lines:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        self.seen.append(Seen(method, target, headers))
        # A route without a query string answers every query of its path.
        handler = self.routes.get(target) or self.routes.get(target.partition("?")[0], status(404))
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            return await handler(Exchange(method, target, headers, writer))
        finally:
            self.active -= 1


@dataclass
class LoopThread:
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread

    def run(self, coro: Coroutine[Any, Any, None], timeout: float = 5.0) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    @classmethod
    def start(cls) -> LoopThread:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="loopback-servers", daemon=True)
        thread.start()
        return cls(loop, thread)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


# --- handlers ----------------------------------------------------------------------------


def status(code: int, *, headers: Sequence[tuple[str, str]] = (), body: bytes = b"") -> Handler:
    async def handle(exchange: Exchange) -> bool:
        return await exchange.respond(code, headers=headers, body=body)

    return handle


def html(text: str, *, headers: Sequence[tuple[str, str]] = ()) -> Handler:
    content = (("Content-Type", "text/html; charset=utf-8"), *headers)
    return status(200, headers=content, body=text.encode())


def redirect(code: int, location: str) -> Handler:
    return status(code, headers=[("Location", location)])


def sequence(*handlers: Handler) -> Handler:
    """The n-th request gets the n-th handler; the last one repeats."""
    count = 0

    async def handle(exchange: Exchange) -> bool:
        nonlocal count
        count += 1
        return await handlers[min(count, len(handlers)) - 1](exchange)

    return handle


def by_method(**handlers: Handler) -> Handler:
    async def handle(exchange: Exchange) -> bool:
        return await handlers[exchange.method.lower()](exchange)

    return handle


def delayed(seconds: float, handler: Handler) -> Handler:
    async def handle(exchange: Exchange) -> bool:
        await asyncio.sleep(seconds)
        return await handler(exchange)

    return handle


async def stall(exchange: Exchange) -> bool:
    """Accept the request, then never answer (until the server stops)."""
    await asyncio.sleep(3600)
    return False


def trickle(interval: float) -> Handler:
    """Answer one byte every `interval` seconds, forever."""

    async def handle(exchange: Exchange) -> bool:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000:
            exchange.writer.write(bytes([byte]))
            await exchange.writer.drain()
            await asyncio.sleep(interval)
        return False

    return handle


async def reset(exchange: Exchange) -> bool:
    """Close with an RST instead of a reply."""
    sock = exchange.writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    exchange.writer.transport.abort()
    return False


async def hang_up(exchange: Exchange) -> bool:
    """Close the connection without a word."""
    return False


async def garbage(exchange: Exchange) -> bool:
    exchange.writer.write(b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n")
    await exchange.writer.drain()
    return False


# --- DNS ---------------------------------------------------------------------------------


class FakeResolver(AbstractResolver):
    """Answers from a table; a name missing from it fails like NXDOMAIN."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.table[host]
        ]

    async def close(self) -> None:
        pass
