"""Archived copies: an entry's own `archived:` URL as a fallback, and Wayback suggestions.

- A failing link whose reference entry gives `archived: URL` is still reported, but it does
  not fail the run while that copy answers (unless `--strict`).
- `--suggest-archive` asks the Wayback Machine's availability API (`links.archive_api`) for
  the closest snapshot of each `broken` or `unreachable` link.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from yarl import URL

from clawdemy_site.links.fetch import Outcome, Reply
from clawdemy_site.links.model import ExternalLink, LinkResult
from clawdemy_site.links.status import LinkStatus, with_detail

DEFAULT_API = "https://archive.org/wayback/available"
#: Statuses for which a snapshot is worth suggesting: the page is gone or not answering.
DEAD = frozenset({"broken", "unreachable"})

Check = Callable[[Sequence[ExternalLink]], list[LinkResult]]
FetchBodies = Callable[[Sequence[URL]], list[Outcome]]


def apply_fallbacks(
    results: Sequence[LinkResult],
    archived: Mapping[str, str],
    check: Check,
    *,
    strict: bool,
) -> list[LinkResult]:
    """Check the `archived:` copy of each failing link that has one; excuse the failure
    while the copy answers (not under `strict`), else say that the copy fails too."""
    wanted = {r.url: archived[r.url] for r in results if r.fails_run and r.url in archived}
    if not wanted:
        return list(results)
    copies = sorted(set(wanted.values()))
    checked = {r.url: r for r in check([ExternalLink(url, ()) for url in copies])}
    judged = []
    for result in results:
        copy = wanted.get(result.url)
        outcome = checked.get(copy) if copy is not None else None
        if copy is None or outcome is None:
            judged.append(result)
        elif outcome.status in ("ok", "redirected"):
            note = f"the archived copy {copy} answers"
            if strict:
                judged.append(replace(result, archive=copy))
            else:
                judged.append(replace(result, archive=copy, excused=note))
        else:
            note = f"the archived copy {copy} fails too ({outcome.status})"
            judged.append(replace(result, excused="", archive=None, state=_noted(result, note)))
    return judged


def suggest(results: Sequence[LinkResult], api: str, fetch: FetchBodies) -> list[LinkResult]:
    """Each dead link (without an archive yet) with the closest Wayback snapshot, if any."""
    dead = sorted({r.url for r in results if r.status in DEAD and r.archive is None})
    if not dead:
        return list(results)
    outcomes = fetch([availability_url(api, url) for url in dead])
    snapshots = {
        url: snapshot
        for url, outcome in zip(dead, outcomes, strict=True)
        if (snapshot := closest_snapshot(outcome)) is not None
    }
    return [
        replace(r, archive=snapshots[r.url]) if r.url in snapshots and r.archive is None else r
        for r in results
    ]


def availability_url(api: str, url: str) -> URL:
    """The availability API's question about `url`."""
    return URL(api).update_query(url=url)


def closest_snapshot(outcome: Outcome) -> str | None:
    """The snapshot URL the availability API's answer names, if it names an available one."""
    if not isinstance(outcome, Reply) or outcome.code != 200 or not outcome.body:
        return None
    try:
        payload = json.loads(outcome.body)
    except (ValueError, UnicodeDecodeError):
        return None
    snapshots = payload.get("archived_snapshots") if isinstance(payload, dict) else None
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is False:
        return None
    url = closest.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    return url


def _noted(result: LinkResult, note: str) -> LinkStatus:
    detail = f"{result.detail}; {note}" if result.detail else note
    return with_detail(result.state, detail)
