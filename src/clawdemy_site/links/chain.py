"""Checking one page: retries with backoff, HEAD-then-GET, and a redirect chain walked by hand.

The network is behind `Send` (one attempt), so this module only decides what to ask next and
what the answers add up to.

Choices made here:
- HEAD first; GET when fragments must be looked for, or when HEAD is refused: 405, 501, or any
  other 4xx except 404, 410 and 429 (servers and CDNs answer HEAD with 400 or 403 often enough
  that these deserve a GET before a link is called broken). Once a hop fell back to GET, the
  rest of the chain uses GET. A HEAD that times out is a timeout: no GET after it.
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
from clawdemy_site.links.model import CheckOptions, Status

#: One attempt at (method, URL, fragments to look for).
Send = Callable[[str, URL, frozenset[str]], Awaitable[Outcome]]

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_CODES = frozenset({301, 308})


@dataclass(frozen=True)
class PageOutcome:
    """What checking one fragment-less URL came to, shared by every link pointing at it."""

    status: Status
    code: int | None = None
    final_url: str | None = None
    detail: str = ""
    found: frozenset[str] = frozenset()
    unchecked: str | None = None


def is_accepted(code: int, options: CheckOptions) -> bool:
    return 200 <= code < 300 or code in options.accept


def head_refused(code: int) -> bool:
    """A reply to HEAD that says nothing about whether a GET would succeed."""
    return code in (405, 501) or (400 <= code < 500 and code not in (404, 410, 429))


def is_retryable_code(code: int) -> bool:
    return code == 429 or (code >= 500 and code != 501)


async def follow(
    url: URL, fragments: frozenset[str], send: Send, options: CheckOptions
) -> PageOutcome:
    """Check `url` (no fragment), walking redirects; `fragments` are ids to look for."""
    method = "GET" if fragments else "HEAD"
    seen = {url}
    hops = 0
    temporary = False
    current = url
    while True:
        outcome, attempts = await _with_retries(send, method, current, fragments, options)
        if (
            method == "HEAD"
            and isinstance(outcome, Reply)
            and not is_accepted(outcome.code, options)
            and head_refused(outcome.code)
        ):
            method = "GET"
            outcome, attempts = await _with_retries(send, method, current, fragments, options)
        final_url = str(current) if hops else None
        if isinstance(outcome, Failure):
            return PageOutcome(outcome.status, None, final_url, _tries(outcome.detail, attempts))
        code = outcome.code
        if code in REDIRECT_CODES and outcome.location and not is_accepted(code, options):
            target = _location(current, outcome.location)
            if target is None:
                return PageOutcome("error", code, final_url, "invalid Location header")
            if target.scheme not in ("http", "https"):
                return PageOutcome(
                    "error", code, str(target), f"redirect to unsupported scheme {target.scheme}:"
                )
            hops += 1
            if target in seen:
                return PageOutcome("error", code, str(target), f"redirect loop at {target}")
            if hops > options.max_redirects:
                return PageOutcome(
                    "error", code, str(target), f"more than {options.max_redirects} redirects"
                )
            seen.add(target)
            temporary = temporary or code not in PERMANENT_REDIRECT_CODES
            current = target
            continue
        return _conclude(outcome, final_url, temporary, attempts, options)


async def _with_retries(
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
    if is_accepted(code, options):
        if final_url is None:
            return PageOutcome("ok", code, None, "", reply.found, reply.unchecked)
        kind = "temporary" if temporary else "permanent"
        return PageOutcome(
            "redirected", code, final_url, f"{kind} redirect", reply.found, reply.unchecked
        )
    phrase = _phrase(code)
    cap = options.retry_after_cap
    if is_retryable_code(code) and reply.retry_after is not None and reply.retry_after > cap:
        detail = f"{phrase}, Retry-After {reply.retry_after:g} s exceeds the {cap:g} s cap"
        return PageOutcome("rate_limited", code, final_url, detail)
    status: Status = "broken"
    if code == 429:
        status = "rate_limited"
    elif code >= 500:
        # The server could not serve the page just now: like a refused connection, this is
        # `unreachable`, which the link history may excuse as flaky; 4xx is `broken`.
        status = "unreachable"
    return PageOutcome(status, code, final_url, _tries(phrase, attempts))


def _tries(detail: str, attempts: int) -> str:
    return f"{detail} ({attempts} attempts)" if attempts > 1 else detail


def _phrase(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def _location(base: URL, location: str) -> URL | None:
    try:
        return base.join(URL(location.strip())).with_fragment(None)
    except (ValueError, TypeError):
        return None
