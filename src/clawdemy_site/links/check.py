"""The external link checker: every distinct URL fetched once, under global and per-host limits.

Links that differ only in their fragment share one request (a GET whose body is scanned for all
of their ids). A link that cannot be checked becomes a `LinkResult` saying why; no exception
escapes for a broken, slow, hostile or malformed link.

This module imports aiohttp at the top: import it lazily (the CLI does) to keep start-up lean.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from types import MappingProxyType

import aiohttp
from yarl import URL

from clawdemy_site.links.chain import PageOutcome, follow
from clawdemy_site.links.fetch import Outcome, Request, attempt
from clawdemy_site.links.fragments import wanted_fragment
from clawdemy_site.links.model import (
    UNCHECKED_FRAGMENT,
    CheckOptions,
    ExternalLink,
    HostPolicy,
    LinkResult,
    Status,
)
from clawdemy_site.links.resolver import GuardedResolver, system_resolver

ResultCallback = Callable[[LinkResult], None]

#: Ask for what a browser gets; only codings the fragment scanner can undo.
_BASE_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate",
}


def run_checks(
    links: Sequence[ExternalLink],
    options: CheckOptions,
    on_result: ResultCallback | None = None,
) -> list[LinkResult]:
    """Synchronous `check_links`, for callers without an event loop."""
    return asyncio.run(check_links(links, options, on_result=on_result))


async def check_links(
    links: Sequence[ExternalLink],
    options: CheckOptions,
    *,
    on_result: ResultCallback | None = None,
) -> list[LinkResult]:
    """Check every link; results come back in the order of `links`.

    `on_result` is called once per link, as soon as its result is known (in completion order).
    """
    results: list[LinkResult | None] = [None] * len(links)

    def emit(index: int, result: LinkResult) -> None:
        results[index] = result
        if on_result is not None:
            on_result(result)

    excludes = [re.compile(pattern) for pattern in options.exclude]
    pages: dict[URL, list[int]] = {}
    for index, link in enumerate(links):
        target = _target(link, excludes)
        if isinstance(target, LinkResult):
            emit(index, target)
        else:
            pages.setdefault(target, []).append(index)

    if pages:
        async with _open_session(options) as session:
            fetcher = _Fetcher(session, options)

            async def check_page(url: URL, indexes: list[int]) -> None:
                wanted = {wanted_fragment(links[i].url) for i in indexes}
                fragments = frozenset(f for f in wanted if f is not None)
                try:
                    page = await follow(url, fragments, fetcher.send, options)
                except Exception as exc:  # a bug must not sink the other links
                    page = PageOutcome("error", detail=f"internal error: {exc!r}")
                for i in indexes:
                    emit(i, link_result(links[i], page))

            await asyncio.gather(*(check_page(url, ix) for url, ix in pages.items()))
    return [r for r in results if r is not None]


def link_result(link: ExternalLink, page: PageOutcome) -> LinkResult:
    """One link's result from its page's outcome, judging the link's own fragment."""
    status, detail = page.status, page.detail
    fragment = wanted_fragment(link.url)
    if fragment is not None and status in ("ok", "redirected"):
        if page.unchecked is not None:
            note = UNCHECKED_FRAGMENT.format(fragment=fragment, why=page.unchecked)
            detail = f"{detail}; {note}" if detail else note
        elif fragment not in page.found:
            status, detail = "broken", f"fragment #{fragment} not found"
    return LinkResult(
        url=link.url,
        status=status,
        code=page.code,
        final_url=page.final_url,
        detail=detail,
        sources=link.sources,
    )


def _target(link: ExternalLink, excludes: Sequence[re.Pattern[str]]) -> URL | LinkResult:
    """The URL to fetch for `link` (fragment dropped), or the result it gets unfetched."""

    def unfetched(status: Status, detail: str) -> LinkResult:
        return LinkResult(link.url, status, detail=detail, sources=link.sources)

    for pattern in excludes:
        if pattern.search(link.url):
            return unfetched("excluded", f"matches exclude pattern {pattern.pattern!r}")
    try:
        url = URL(link.url)
    except (ValueError, TypeError) as exc:
        return unfetched("error", f"invalid URL: {exc}")
    if url.scheme not in ("http", "https"):
        return unfetched("error", f"unsupported scheme {url.scheme or '(none)'}:")
    if not url.host:
        return unfetched("error", "invalid URL: no host")
    return url.with_fragment(None)


class _Fetcher:
    """Sends single attempts under the global and per-host concurrency limits."""

    def __init__(self, session: aiohttp.ClientSession, options: CheckOptions) -> None:
        self._session = session
        self._options = options
        self._global = asyncio.Semaphore(max(1, options.max_concurrency))
        self._policies = {host.lower(): policy for host, policy in options.hosts}
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self._headers: dict[str, MappingProxyType[str, str]] = {}

    def _limits(self, host: str) -> tuple[asyncio.Semaphore, MappingProxyType[str, str]]:
        semaphore = self._per_host.get(host)
        if semaphore is None:
            policy = self._policies.get(host, HostPolicy())
            limit = policy.concurrency or self._options.host_concurrency
            semaphore = self._per_host[host] = asyncio.Semaphore(max(1, limit))
            self._headers[host] = MappingProxyType(dict(policy.headers))
        return semaphore, self._headers[host]

    async def send(self, method: str, url: URL, fragments: frozenset[str]) -> Outcome:
        host_limit, headers = self._limits((url.host or "").lower())
        options = self._options
        request = Request(
            method=method,
            url=url,
            headers=headers,
            timeout=options.timeout,
            allow_private=options.allow_private,
            fragments=fragments,
            max_body_bytes=options.max_body_bytes,
        )
        # Host slot first, so a URL waiting for its host holds no global slot meanwhile.
        async with host_limit, self._global:
            return await attempt(self._session, request)


@asynccontextmanager
async def _open_session(options: CheckOptions) -> AsyncIterator[aiohttp.ClientSession]:
    """A ClientSession whose connector resolves through the address guard."""
    resolver = GuardedResolver(system_resolver(), allow_private=options.allow_private)
    connector = aiohttp.TCPConnector(
        limit=0,  # concurrency is ours to limit, with semaphores
        limit_per_host=0,
        ttl_dns_cache=300,
        resolver=resolver,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        headers={**_BASE_HEADERS, "User-Agent": options.user_agent},
        timeout=aiohttp.ClientTimeout(total=None),  # each attempt has its own deadline
        auto_decompress=False,  # fragments.BodyDecoder decodes, within the byte cap
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,  # no proxy from the environment: it would bypass the guard
        max_line_size=16 * 1024,
        max_field_size=32 * 1024,
    )
    try:
        yield session
    finally:
        await session.close()
        await resolver.close()
