"""One HTTP attempt: send a request, read its status and headers, and when fragments are
wanted, read as much of the body as it takes to find them (never past a byte cap).

Every way an attempt can go wrong comes back as a `Failure` value, never an exception.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import socket
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import aiohttp
from yarl import URL

from clawdemy_site.links.fragments import AnchorScanner, BodyDecoder, UnsupportedEncodingError
from clawdemy_site.links.netguard import BlockedAddressError, host_block_reason
from clawdemy_site.links.walls import Wall, WallSniffer, wall_from_headers

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK = 64 * 1024
#: A body this short is read to its end, so the connection can serve the next request.
_DRAIN_LIMIT = 64 * 1024
#: Codes whose HTML body may be a bot wall's page rather than the page asked for.
_WALL_CODES = frozenset({200, 202, 401, 403, 429, 503})
FailureStatus = Literal["timeout", "unreachable", "blocked", "error"]


@dataclass(frozen=True)
class Request:
    """What one attempt sends, and the limits it runs under."""

    method: str
    url: URL
    headers: Mapping[str, str]
    timeout: float
    allow_private: bool
    #: Element ids to look for in the body (GET only); empty means the body is not read.
    fragments: frozenset[str] = frozenset()
    max_body_bytes: int = 2 * 1024 * 1024
    #: Keep the body (up to `max_body_bytes`) in the reply: for APIs that answer in JSON.
    keep_body: bool = False


@dataclass(frozen=True)
class Reply:
    """The server answered with an HTTP status."""

    code: int
    location: str | None = None
    #: Seconds the server asked us to wait (Retry-After), uncapped.
    retry_after: float | None = None
    #: The wanted fragments the body was seen to contain.
    found: frozenset[str] = frozenset()
    #: Why the wanted fragments could not be looked for, if they could not.
    unchecked: str | None = None
    #: The bot wall that answered instead of the page, if the reply shows one.
    wall: Wall | None = None
    #: Lines of a source file shown by a code host's blob page, when the reply tells.
    lines: int | None = None
    #: The body, when the request asked to keep it.
    body: bytes | None = None


@dataclass(frozen=True)
class Failure:
    """No usable HTTP reply."""

    status: FailureStatus
    detail: str
    retryable: bool


Outcome = Reply | Failure


async def attempt(session: aiohttp.ClientSession, request: Request) -> Outcome:
    """Run one request under a deadline covering connect, headers and every body byte read."""
    host = request.url.host or ""
    reason = host_block_reason(host, allow_private=request.allow_private)
    if reason is not None:
        return Failure("blocked", reason, retryable=False)
    try:
        async with asyncio.timeout(request.timeout):
            return await _exchange(session, request)
    except TimeoutError:
        return Failure("timeout", f"no complete reply within {request.timeout:g} s", True)
    except aiohttp.ClientSSLError as exc:
        return Failure("error", f"TLS error: {exc}", retryable=False)
    except aiohttp.ClientConnectorError as exc:
        return _connect_failure(exc, host)
    except aiohttp.ServerDisconnectedError:
        return Failure("unreachable", "server closed the connection without replying", True)
    except aiohttp.ClientPayloadError:
        return Failure("unreachable", "connection lost while reading the body", True)
    except aiohttp.ClientResponseError as exc:
        first_line = exc.message.splitlines()[0].rstrip(" :") if exc.message else ""
        return Failure("error", f"invalid HTTP reply ({first_line or 'unparsable'})", False)
    except aiohttp.ClientOSError as exc:
        if isinstance(exc.__cause__, ConnectionResetError) or exc.errno == errno.ECONNRESET:
            return Failure("unreachable", "connection reset by peer", True)
        return Failure("unreachable", f"connection failed: {exc.strerror or exc}", True)
    except aiohttp.InvalidURL as exc:
        return Failure("error", f"invalid URL: {exc}", retryable=False)
    except aiohttp.ClientError as exc:
        return Failure("error", f"{type(exc).__name__}: {exc}", retryable=False)
    except ValueError as exc:  # yarl and http.client reject some URLs and headers this way
        return Failure("error", f"invalid request: {exc}", retryable=False)


async def _exchange(session: aiohttp.ClientSession, request: Request) -> Reply:
    async with session.request(
        request.method, request.url, headers=request.headers or None, allow_redirects=False
    ) as response:
        code = response.status
        headers = response.headers
        wall = wall_from_headers(code, headers)
        found: frozenset[str] = frozenset()
        unchecked: str | None = None
        html = "Content-Type" not in headers or response.content_type in HTML_TYPES
        wanted = request.fragments if 200 <= code < 300 else frozenset()
        lines: int | None = None
        body: bytes | None = None
        if request.keep_body:
            body = await _read_body(response, request.max_body_bytes)
        elif request.method == "GET" and wall is None and html and (wanted or code in _WALL_CODES):
            scan = await _scan(response, wanted, request.max_body_bytes, code)
            found, unchecked, wall, lines = scan.found, scan.unchecked, scan.wall, scan.lines
        elif wanted and request.method == "GET":
            unchecked = f"not an HTML page ({response.content_type})"
        if not response.content.at_eof():
            length = response.content_length
            if length is not None and length <= _DRAIN_LIMIT:
                await response.content.read()  # keep the connection for the next request
            else:
                response.close()  # drop the connection rather than drain a large body
        return Reply(
            code=code,
            location=headers.get("Location"),
            retry_after=parse_retry_after(headers.get("Retry-After")),
            found=found,
            unchecked=unchecked,
            wall=wall,
            lines=lines,
            body=body,
        )


async def _read_body(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The decoded body, at most `limit` bytes of it; None when it cannot be decoded."""
    try:
        decoder = BodyDecoder(response.headers.get("Content-Encoding", ""), limit)
        raw = await response.content.read(limit)
        return decoder.feed(raw)
    except (UnsupportedEncodingError, zlib.error):
        return None


@dataclass(frozen=True)
class _Scan:
    found: frozenset[str] = frozenset()
    unchecked: str | None = None
    wall: Wall | None = None
    lines: int | None = None


async def _scan(
    response: aiohttp.ClientResponse, wanted: frozenset[str], limit: int, code: int
) -> _Scan:
    """Read the body as far as it takes to find `wanted` ids and to tell a bot wall's page
    (its first bytes), never past `limit` bytes."""
    coding = response.headers.get("Content-Encoding", "")
    try:
        decoder = BodyDecoder(coding, limit)
    except UnsupportedEncodingError:
        return _Scan(unchecked=f"body is {coding}-encoded" if wanted else None)
    scanner = AnchorScanner(wanted, response.charset)
    sniffer = WallSniffer(code, response.headers)
    raw_read = 0

    def scan(unchecked: str | None = None) -> _Scan:
        return _Scan(frozenset(scanner.found), unchecked, sniffer.wall, scanner.lines)

    try:
        async for chunk in response.content.iter_chunked(_CHUNK):
            raw_read += len(chunk)
            text = decoder.feed(chunk)
            sniffer.feed(text)
            if sniffer.wall is not None:
                return scan()
            if wanted:
                scanner.feed(text)
                if scanner.done:
                    return scan()
            elif sniffer.done:
                return scan()
            if decoder.exhausted or raw_read >= limit:
                return scan(f"only the first {limit} bytes were read" if wanted else None)
    except zlib.error:
        return scan(f"body is not valid {coding}" if wanted else None)
    if wanted:
        scanner.close()
    return scan()


def _connect_failure(exc: aiohttp.ClientConnectorError, host: str) -> Failure:
    cause: BaseException | None = exc.os_error
    while cause is not None:
        if isinstance(cause, BlockedAddressError):
            return Failure("blocked", cause.detail, retryable=False)
        if isinstance(cause, socket.gaierror):
            return Failure("unreachable", f"DNS lookup failed for {host}", True)
        cause = cause.__cause__
    if isinstance(exc.os_error, ConnectionRefusedError):
        return Failure("unreachable", "connection refused", True)
    return Failure("unreachable", f"cannot connect: {exc.os_error.strerror or exc}", True)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
