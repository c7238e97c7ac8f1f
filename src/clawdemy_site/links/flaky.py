"""The flaky-link policy: a pure decision over a URL's past checks and this run's result.

A link that worked before and now times out is probably having a bad day, not gone.
Such a failure is excused (``flaky=True``: reported as a warning, the run passes) until
it has failed in enough consecutive runs over a long enough span; then it counts.
A definite failure (404, 410, any other ``broken`` or ``error``) is never excused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from clawdemy_site.links.model import EXCUSABLE, FAILING, LinkResult, Status
from clawdemy_site.links.status import with_detail

#: Statuses that show the URL worked.
SUCCESS: frozenset[Status] = frozenset({"ok", "redirected"})
#: Statuses that say nothing about the URL itself (it was not fetched).
NEUTRAL: frozenset[Status] = frozenset({"blocked", "excluded", "skipped", "unverifiable"})


@dataclass(frozen=True)
class FlakyPolicy:
    """When a transient failure of a URL that used to work stops being excused."""

    #: Consecutive failing runs, counting the current one, after which a failure counts.
    min_failed_runs: int = 2
    #: ... provided the first of them is at least this many seconds before now.
    min_span_seconds: float = 86_400.0
    #: Also excuse ``broken`` results with a 5xx code. Off by default: the content
    #: contract says a ``broken`` result always fails a run (see ``LinkResult.fails_run``).
    excuse_server_errors: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    """One past check of one URL, as the link history stores it."""

    url: str
    checked_at: float
    status: Status
    code: int | None
    final_url: str | None
    detail: str
    run_id: str


def is_transient(status: Status, code: int | None, policy: FlakyPolicy) -> bool:
    """Whether a failure with this status and code may be excused as flaky."""
    if status in EXCUSABLE:
        return True
    return policy.excuse_server_errors and status == "broken" and code is not None and code >= 500


def judge(
    result: LinkResult,
    history: Iterable[HistoryEntry],
    *,
    now: float,
    policy: FlakyPolicy,
) -> LinkResult:
    """Return ``result``, marked flaky or annotated as a lasting failure where the policy says.

    ``history`` holds earlier checks of ``result.url`` in any order (the current run must
    not be among them). Only the checks since the latest success matter.
    """
    if not is_transient(result.status, result.code, policy):
        return result
    past = sorted(
        (h for h in history if h.url == result.url and h.checked_at <= now),
        key=lambda h: h.checked_at,
        reverse=True,
    )
    last_success: HistoryEntry | None = None
    streak: list[HistoryEntry] = []
    for entry in past:
        if entry.status in SUCCESS:
            last_success = entry
            break
        if entry.status not in NEUTRAL:
            streak.append(entry)
    if last_success is None:
        return result  # never worked, as far as we know: nothing to excuse
    runs = 1 + len({entry.run_id for entry in streak})
    first_failure = min((entry.checked_at for entry in streak), default=now)
    definite = any(not is_transient(e.status, e.code, policy) for e in streak)
    lasting = runs >= policy.min_failed_runs and now - first_failure >= policy.min_span_seconds
    if definite or lasting:
        note = f"failing since {iso_time(first_failure)} across {runs} runs"
        return replace(
            result, flaky=False, state=with_detail(result.state, _join(note, result.detail))
        )
    note = (
        f"flaky: failed in {runs} {'run' if runs == 1 else 'runs'}"
        f" since the last success at {iso_time(last_success.checked_at)}"
    )
    return replace(result, flaky=True, state=with_detail(result.state, _join(note, result.detail)))


def iso_time(timestamp: float) -> str:
    """A Unix time as an ISO 8601 UTC string to the second, e.g. ``2024-03-01T12:00:00Z``."""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _join(note: str, detail: str) -> str:
    return f"{note}; {detail}" if detail else note


def failing_since(history: Iterable[HistoryEntry]) -> float | None:
    """When the URL's current run of failures began, or None when its latest check that says
    anything (neither blocked, excluded nor skipped) was not a failure, or it has none."""
    since: float | None = None
    for entry in sorted(history, key=lambda e: e.checked_at, reverse=True):
        if entry.status in ("blocked", "excluded", "skipped"):
            continue
        if entry.status not in FAILING:
            break
        since = entry.checked_at
    return since
