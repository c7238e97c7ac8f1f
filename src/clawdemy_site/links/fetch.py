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

import aiohttp
from yarl import URL

from clawdemy_site.links.fragments import AnchorScanner, BodyDecoder, UnsupportedEncodingError
from clawdemy_site.links.model import Status
from clawdemy_site.links.netguard import BlockedAddressError, host_block_reason

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK = 64 * 1024


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


@dataclass(frozen=True)
class Failure:
    """No usable HTTP reply."""

    status: Status
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
        found: frozenset[str] = frozenset()
        unchecked: str | None = None
        if request.fragments and request.method == "GET" and 200 <= response.status < 300:
            found, unchecked = await _scan(response, request.fragments, request.max_body_bytes)
        # The body is never read to the end otherwise: drop the connection, not drain it.
        if not response.content.at_eof():
            response.close()
        return Reply(
            code=response.status,
            location=response.headers.get("Location"),
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            found=found,
            unchecked=unchecked,
        )


async def _scan(
    response: aiohttp.ClientResponse, wanted: frozenset[str], limit: int
) -> tuple[frozenset[str], str | None]:
    if "Content-Type" in response.headers and response.content_type not in HTML_TYPES:
        return frozenset(), f"not an HTML page ({response.content_type})"
    coding = response.headers.get("Content-Encoding", "")
    try:
        decoder = BodyDecoder(coding, limit)
    except UnsupportedEncodingError:
        return frozenset(), f"body is {coding}-encoded"
    scanner = AnchorScanner(wanted, response.charset)
    raw_read = 0
    try:
        async for chunk in response.content.iter_chunked(_CHUNK):
            raw_read += len(chunk)
            scanner.feed(decoder.feed(chunk))
            if scanner.done:
                return frozenset(scanner.found), None
            if decoder.exhausted or raw_read >= limit:
                return frozenset(scanner.found), f"only the first {limit} bytes were read"
    except zlib.error:
        return frozenset(scanner.found), f"body is not valid {coding}"
    scanner.close()
    return frozenset(scanner.found), None


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
