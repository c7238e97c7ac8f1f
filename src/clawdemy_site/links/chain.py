"""Checking one page: retries with backoff, HEAD-then-GET, and a redirect chain walked by hand.

The network is behind `Send` (one attempt), so this module only decides what to ask next and
what the answers add up to.

Choices made here:
- GET, reading the body only as far as needed: the start of an HTML page, to tell a bot wall
  from the page (a HEAD reply cannot show a wall that answers 200, as Anubis does), and further
  when fragments must be found. A large body is not drained: the connection is dropped.
- A reply that is a bot wall's page (see `walls`) is `unverifiable`, without retries; so is a
  429 that outlasts the retries without a Retry-After.
- Retried, up to `retries` more times: timeouts, connection failures, 429, and 5xx except 501.
  The wait is Retry-After when the server sent one, else `backoff_base * 2**attempt` plus up to
  `backoff_base` of jitter. A Retry-After beyond `retry_after_cap` ends the retries at once and
  the link is `rate_limited`.
- Redirects (301, 302, 303, 307, 308 with a Location) are followed up to `max_redirects`; the
  method is kept on every hop, and a Location's own fragment is ignored. A code listed in
  `accept` is `ok` as it is, even a 3xx.
- A 5xx that outlasts the retries is `unreachable` (with its code), not `broken`: `broken` is
  for 4xx and missing fragments, which fail a run at once, while a server's bad minute must be
  excusable as flaky by the link history.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus

from yarl import URL

from clawdemy_site.links.fetch import Failure, Outcome, Reply
from clawdemy_site.links.model import CheckOptions
from clawdemy_site.links.status import (
    Blocked,
    Broken,
    Error,
    LinkStatus,
    Ok,
    RateLimited,
    Redirected,
    Timeout,
    Unreachable,
    behind_wall,
)

#: One attempt at (method, URL, fragments to look for).
Send = Callable[[str, URL, frozenset[str]], Awaitable[Outcome]]

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_CODES = frozenset({301, 308})


@dataclass(frozen=True)
class PageOutcome:
    """What checking one fragment-less URL came to, shared by every link pointing at it."""

    state: LinkStatus
    found: frozenset[str] = frozenset()
    unchecked: str | None = None
    #: Lines of the source file a code host's blob page shows, when it tells.
    lines: int | None = None


def is_accepted(code: int, options: CheckOptions) -> bool:
    return 200 <= code < 300 or code in options.accept


def is_retryable_code(code: int) -> bool:
    return code == 429 or (code >= 500 and code != 501)


async def follow(
    url: URL, fragments: frozenset[str], send: Send, options: CheckOptions
) -> PageOutcome:
    """Check `url` (no fragment), walking redirects; `fragments` are ids to look for."""
    seen = {url}
    hops = 0
    temporary = False
    current = url
    while True:
        outcome, attempts = await with_retries(send, "GET", current, fragments, options)
        final_url = str(current) if hops else None
        if isinstance(outcome, Failure):
            return PageOutcome(failure_state(outcome, final_url, tries(outcome.detail, attempts)))
        code = outcome.code
        if code in REDIRECT_CODES and outcome.location and not is_accepted(code, options):
            target = _location(current, outcome.location)
            if target is None:
                return PageOutcome(Error(code, final_url, "invalid Location header"))
            if target.scheme not in ("http", "https"):
                detail = f"redirect to unsupported scheme {target.scheme}:"
                return PageOutcome(Error(code, str(target), detail))
            hops += 1
            if target in seen:
                return PageOutcome(Error(code, str(target), f"redirect loop at {target}"))
            if hops > options.max_redirects:
                detail = f"more than {options.max_redirects} redirects"
                return PageOutcome(Error(code, str(target), detail))
            seen.add(target)
            temporary = temporary or code not in PERMANENT_REDIRECT_CODES
            current = target
            continue
        return _conclude(outcome, final_url, temporary, attempts, options)


def failure_state(failure: Failure, final_url: str | None, detail: str) -> LinkStatus:
    if failure.status == "timeout":
        return Timeout(final_url, detail)
    if failure.status == "blocked":
        return Blocked(final_url, detail)
    if failure.status == "unreachable":
        return Unreachable(None, final_url, detail)
    return Error(None, final_url, detail)


async def with_retries(
    send: Send, method: str, url: URL, fragments: frozenset[str], options: CheckOptions
) -> tuple[Outcome, int]:
    attempt = 0
    while True:
        outcome = await send(method, url, fragments)
        delay = _retry_delay(outcome, attempt, options)
        if delay is None or attempt >= options.retries:
            return outcome, attempt + 1
        await asyncio.sleep(delay)
        attempt += 1


def _retry_delay(outcome: Outcome, attempt: int, options: CheckOptions) -> float | None:
    """How long to wait before trying again, or None when retrying is pointless."""
    if isinstance(outcome, Failure):
        retryable = outcome.retryable
    elif outcome.wall is not None:
        return None  # a wall will not give way to the same request a moment later
    else:
        retryable = is_retryable_code(outcome.code)
        if retryable and outcome.retry_after is not None:
            return outcome.retry_after if outcome.retry_after <= options.retry_after_cap else None
    if not retryable:
        return None
    base = options.backoff_base
    backoff: float = base * 2**attempt
    return backoff + random.uniform(0, base)


def _conclude(
    reply: Reply, final_url: str | None, temporary: bool, attempts: int, options: CheckOptions
) -> PageOutcome:
    code = reply.code
    if reply.wall is not None:
        return PageOutcome(behind_wall(code, reply.wall.name, reply.wall.evidence, final_url))
    if is_accepted(code, options):
        state: LinkStatus
        if final_url is None:
            state = Ok(code)
        else:
            kind = "temporary" if temporary else "permanent"
            state = Redirected(code, final_url, f"{kind} redirect")
        return PageOutcome(state, reply.found, reply.unchecked, reply.lines)
    phrase = phrase_of(code)
    cap = options.retry_after_cap
    if is_retryable_code(code) and reply.retry_after is not None and reply.retry_after > cap:
        detail = f"{phrase}, Retry-After {reply.retry_after:g} s exceeds the {cap:g} s cap"
        return PageOutcome(RateLimited(code, final_url, detail))
    if code == 429:
        if reply.retry_after is None and attempts > options.retries:
            evidence = f"429 after {attempts} attempts, no Retry-After"
            return PageOutcome(behind_wall(code, "rate limiter", evidence, final_url))
        return PageOutcome(RateLimited(code, final_url, tries(phrase, attempts)))
    if code >= 500:
        # The server could not serve the page just now: like a refused connection, this is
        # `unreachable`, which the link history may excuse as flaky; 4xx is `broken`.
        return PageOutcome(Unreachable(code, final_url, tries(phrase, attempts)))
    return PageOutcome(Broken(code, final_url, tries(phrase, attempts)))


def tries(detail: str, attempts: int) -> str:
    return f"{detail} ({attempts} attempts)" if attempts > 1 else detail


def phrase_of(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def _location(base: URL, location: str) -> URL | None:
    try:
        return base.join(URL(location.strip())).with_fragment(None)
    except (ValueError, TypeError):
        return None
