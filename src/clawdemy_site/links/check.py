"""The external link checker: every distinct URL fetched once, under global and per-host limits.

Links that differ only in their fragment share one request (a GET whose body is scanned for all
of their ids). A link that cannot be checked becomes a `LinkResult` saying why; no exception
escapes for a broken, slow, hostile or malformed link.

This module imports aiohttp at the top: import it lazily (the CLI does) to keep start-up lean.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools
import os
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from types import MappingProxyType
from typing import Any, TypeVar

import aiohttp
from yarl import URL

from clawdemy_site.links.chain import PageOutcome, follow, with_retries
from clawdemy_site.links.doi import check_doi, doi_of
from clawdemy_site.links.fetch import Outcome, Request, attempt
from clawdemy_site.links.fragments import blob_line_range, wanted_fragment
from clawdemy_site.links.gcpolicy import lean_gc
from clawdemy_site.links.model import (
    UNCHECKED_FRAGMENT,
    CheckOptions,
    ExternalLink,
    HostPolicy,
    LinkResult,
)
from clawdemy_site.links.resolver import GuardedResolver, system_resolver
from clawdemy_site.links.select import host_key
from clawdemy_site.links.status import Broken, Error, Excluded, LinkStatus, with_detail

ResultCallback = Callable[[LinkResult], None]
T = TypeVar("T")

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
    """Synchronous `check_links`, for callers without an event loop.

    Many links over several hosts are split by host between this process and forked workers
    (one process per CPU), each with its share of `max_concurrency`: the CPU that each request
    costs is then spent on every core, and each host's limit still holds, in one process.
    The workers are forked with their share in memory (`prefork.start_checker`), so nothing
    is sent to them; their results reach `on_result` when each worker is done.
    """
    with lean_gc():
        return _run_checks(links, options, on_result)


def _run_checks(
    links: Sequence[ExternalLink],
    options: CheckOptions,
    on_result: ResultCallback | None,
) -> list[LinkResult]:
    workers = _workers(links)
    groups = _split_by_host(links, workers) if workers > 1 else []
    if len(groups) < 2:
        return run_async(check_links(links, options, on_result=on_result))
    shares = [
        replace(options, max_concurrency=max(1, options.max_concurrency * len(g) // len(links)))
        for g in groups
    ]
    from clawdemy_site.links.prefork import start_checker

    subsets = [[links[i] for i in group] for group in groups]
    # Forked with their share in memory; each sends its results back when it is done.
    forked = [
        start_checker((subset, share))
        for subset, share in zip(subsets[1:], shares[1:], strict=True)
    ]
    try:
        own = run_async(check_links(subsets[0], shares[0], on_result=on_result))
        done = [(groups[0], own)]
        for group, subset, share, worker in zip(
            groups[1:], subsets[1:], shares[1:], forked, strict=True
        ):
            if worker is None:  # the fork failed: check this share here
                found = run_async(check_links(subset, share, on_result=on_result))
            else:  # a lost worker's share is checked here (see Checker.collect)
                found = worker.collect(on_result)
            done.append((group, found))
    finally:  # interrupted: no worker outlives the run
        for worker in forked:
            if worker is not None:
                worker.close()
    results: list[LinkResult | None] = [None] * len(links)
    for group, found in done:
        for index, result in zip(group, found, strict=True):
            results[index] = result
    return [r for r in results if r is not None]


def _split_by_host(links: Sequence[ExternalLink], count: int) -> list[list[int]]:
    """Indexes of `links` in `count` groups of about as many links, each host in one group
    (largest hosts first, each to the group with the fewest links so far)."""
    by_host: dict[str, list[int]] = {}
    for index, link in enumerate(links):
        by_host.setdefault(host_key(link.url), []).append(index)
    groups: list[list[int]] = [[] for _ in range(count)]
    for _host, indexes in sorted(by_host.items(), key=lambda item: (-len(item[1]), item[0])):
        min(groups, key=len).extend(indexes)
    return [sorted(group) for group in groups if group]


#: Fewer links than this are checked in one process: a worker's start-up would not pay.
PARALLEL_FROM = 500


def _workers(links: Sequence[ExternalLink]) -> int:
    """How many processes check `links`: one per CPU (at most 4), when there are enough links
    and forking is safe: on Linux (elsewhere system libraries may not survive a fork without
    exec), with no other thread running."""
    from clawdemy_site.links.prefork import can_fork

    if len(links) < PARALLEL_FROM or not can_fork():
        return 1
    return min(len(os.sched_getaffinity(0)), 4)


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` on a fresh event loop: uvloop's where it is installed (less CPU for
    each request: its loop and transports are written in C), else asyncio's."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency where it builds
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


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
                doi = doi_of(url)
                try:
                    if doi is not None:
                        send = functools.partial(fetcher.send, keep_body=True)
                        page = await check_doi(doi, options.doi_api, send, options)
                    else:
                        page = await follow(url, fragments, fetcher.send, options)
                except Exception as exc:  # a bug must not sink the other links
                    page = PageOutcome(Error(detail=f"internal error: {exc!r}"))
                for i in indexes:
                    emit(i, link_result(links[i], page))

            async def work(queue: Iterator[tuple[URL, list[int]]]) -> None:
                for url, indexes in queue:
                    await check_page(url, indexes)

            # Each host's pages are worked by as many tasks as it may have requests at once
            # (a few more, so that a page waiting out a retry's backoff or a redirect to
            # another host does not idle its host): a handful of tasks rather than one per
            # page waiting on the host's semaphore, whose every acquire scans its waiters.
            by_host: dict[str, list[tuple[URL, list[int]]]] = {}
            for url, indexes in pages.items():
                by_host.setdefault((url.host or "").lower(), []).append((url, indexes))
            workers = []
            for host, queue in by_host.items():
                shared = fetcher.queue(host, queue)
                count = min(len(queue), 2 * fetcher.host_limit(host))
                workers += [work(shared) for _ in range(count)]
            await asyncio.gather(*workers)
    return [r for r in results if r is not None]


def fetch_bodies(urls: Sequence[URL], options: CheckOptions) -> list[Outcome]:
    """GET each URL (retried as links are) and keep its body: for the JSON APIs."""

    async def fetch_all() -> list[Outcome]:
        async with _open_session(options) as session:
            send = functools.partial(_Fetcher(session, options).send, keep_body=True)
            done = await asyncio.gather(
                *(with_retries(send, "GET", url, frozenset(), options) for url in urls)
            )
        return [outcome for outcome, _attempts in done]

    return run_async(fetch_all()) if urls else []


def link_result(link: ExternalLink, page: PageOutcome) -> LinkResult:
    """One link's result from its page's outcome, judging the link's own fragment."""
    return LinkResult(url=link.url, state=_judge_fragment(link.url, page), sources=link.sources)


def _judge_fragment(url: str, page: PageOutcome) -> LinkStatus:
    state = page.state
    fragment = wanted_fragment(url)
    if fragment is None or state.kind not in ("ok", "redirected"):
        return state

    def noted(note: str) -> LinkStatus:
        return with_detail(state, f"{state.detail}; {note}" if state.detail else note)

    lines = blob_line_range(url, fragment)
    if lines is not None and fragment not in page.found:
        last = lines[1]
        if page.lines is None:
            return noted(f"line #{fragment} not checked: the page does not tell the line count")
        if last > page.lines:
            detail = f"line {last} is past the end of the file ({page.lines} lines)"
            return Broken(state.code, state.final_url, detail)
        return state
    if page.unchecked is not None:
        return noted(UNCHECKED_FRAGMENT.format(fragment=fragment, why=page.unchecked))
    if fragment not in page.found:
        return Broken(state.code, state.final_url, f"fragment #{fragment} not found")
    return state


def _target(link: ExternalLink, excludes: Sequence[re.Pattern[str]]) -> URL | LinkResult:
    """The URL to fetch for `link` (fragment dropped), or the result it gets unfetched."""

    def unfetched(state: LinkStatus) -> LinkResult:
        return LinkResult(link.url, state, sources=link.sources)

    for pattern in excludes:
        if pattern.search(link.url):
            return unfetched(Excluded(f"matches exclude pattern {pattern.pattern!r}"))
    try:
        url = URL(link.url)
    except (ValueError, TypeError) as exc:
        return unfetched(Error(detail=f"invalid URL: {exc}"))
    if url.scheme not in ("http", "https"):
        return unfetched(Error(detail=f"unsupported scheme {url.scheme or '(none)'}:"))
    if not url.host:
        return unfetched(Error(detail="invalid URL: no host"))
    return url.with_fragment(None)


#: The rank of a request to a host without a queue: before any queued host's.
_CONTINUING = 1 << 62


class RankedSlots:
    """A semaphore whose freed slot goes to the waiter with the lowest rank (the earliest
    come among equals), rather than to the longest waiting."""

    def __init__(self, limit: int) -> None:
        self._free = limit
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    async def acquire(self, rank: int) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (rank, next(self._arrivals), waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed a slot, then cancelled
                self.release()
            raise

    def release(self) -> None:
        while self._waiters:
            waiter = heapq.heappop(self._waiters)[2]
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


class _Fetcher:
    """Sends single attempts under the global and per-host concurrency limits.

    A global slot, when requests wait for one, goes first to a host with more pages still
    to start: hosts then finish together, and the run's last moments are not spent on a
    few hosts' remaining pages at their own limit each while the global slots idle. A host
    without a queue here (a redirect's target, an API) comes first: its request continues
    a page already started."""

    def __init__(self, session: aiohttp.ClientSession, options: CheckOptions) -> None:
        self._session = session
        self._options = options
        self._global = RankedSlots(max(1, options.max_concurrency))
        self._policies = {host.lower(): policy for host, policy in options.hosts}
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self._headers: dict[str, MappingProxyType[str, str]] = {}
        #: Pages not yet started, by host (lower case), for hosts with a queue.
        self._unstarted: dict[str, int] = {}

    def queue(self, host: str, pages: list[T]) -> Iterator[T]:
        """`pages` of `host` one by one, each counted as started when it is taken."""
        self._unstarted[host] = len(pages)

        def taken() -> Iterator[T]:
            for page in pages:
                self._unstarted[host] -= 1
                yield page

        return taken()

    def host_limit(self, host: str) -> int:
        """How many requests `host` (lower case) may have at once."""
        policy = self._policies.get(host, HostPolicy())
        return max(1, policy.concurrency or self._options.host_concurrency)

    def _limits(self, host: str) -> tuple[asyncio.Semaphore, MappingProxyType[str, str]]:
        semaphore = self._per_host.get(host)
        if semaphore is None:
            policy = self._policies.get(host, HostPolicy())
            semaphore = self._per_host[host] = asyncio.Semaphore(self.host_limit(host))
            self._headers[host] = MappingProxyType(dict(policy.headers))
        return semaphore, self._headers[host]

    async def send(
        self, method: str, url: URL, fragments: frozenset[str], *, keep_body: bool = False
    ) -> Outcome:
        host = (url.host or "").lower()
        host_limit, headers = self._limits(host)
        options = self._options
        request = Request(
            method=method,
            url=url,
            headers=headers,
            timeout=options.timeout,
            allow_private=options.allow_private,
            fragments=fragments,
            max_body_bytes=options.max_body_bytes,
            keep_body=keep_body,
        )
        # Host slot first, so a URL waiting for its host holds no global slot meanwhile.
        async with host_limit:
            await self._global.acquire(-self._unstarted.get(host, _CONTINUING))
            try:
                return await attempt(self._session, request)
            finally:
                self._global.release()


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
