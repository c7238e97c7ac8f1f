"""What a link check amounts to: counts, the verdict, and how each result is described.

Kept apart from the formatters in :mod:`clawdemy_site.links.report`, which all use it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import get_args

from clawdemy_site.errors import Severity
from clawdemy_site.links.flaky import iso_time
from clawdemy_site.links.model import LinkResult, Status

#: Every status, in the order reports list them (the order `Status` declares them).
STATUS_ORDER: tuple[Status, ...] = get_args(Status)


@dataclass(frozen=True)
class Summary:
    """Counts over one run's results."""

    total: int
    #: (status, count) for every status in :data:`STATUS_ORDER`, zeros included.
    counts: tuple[tuple[Status, int], ...]
    #: Results that fail the run (``LinkResult.fails_run``).
    failed: int
    #: Failures excused as flaky by the link history.
    flaky: int
    #: Results reused from the link history without a request.
    cached: int

    def count(self, status: Status) -> int:
        return dict(self.counts)[status]

    @property
    def exit_code(self) -> int:
        """1 when any result fails the run, else 0."""
        return 1 if self.failed else 0

    def as_dict(self) -> dict[str, int]:
        """``total``, one key per status, then ``failed``, ``flaky``, ``cached``."""
        return {
            "total": self.total,
            **dict(self.counts),
            "failed": self.failed,
            "flaky": self.flaky,
            "cached": self.cached,
        }


def summarize(results: Iterable[LinkResult]) -> Summary:
    results = list(results)
    by_status = Counter(r.status for r in results)
    return Summary(
        total=len(results),
        counts=tuple((status, by_status[status]) for status in STATUS_ORDER),
        failed=sum(1 for r in results if r.fails_run),
        flaky=sum(1 for r in results if r.flaky),
        cached=sum(1 for r in results if r.cached),
    )


_WORTH_A_LOOK: frozenset[Status] = frozenset({"redirected", "blocked", "unverifiable"})


def severity(result: LinkResult) -> Severity | None:
    """``error`` when the result fails the run; ``warning`` when it is worth a look
    (flaky, excused, redirected, blocked, unverifiable); ``None`` when it is only counted
    (ok, excluded, skipped)."""
    if result.fails_run:
        return "error"
    if (
        result.flaky
        or result.excused
        or result.fragment_unverified
        or result.status in _WORTH_A_LOOK
    ):
        return "warning"
    return None


def tally(results: Iterable[LinkResult], *, with_cached: bool = True) -> str:
    """``48 links: 45 ok, 1 redirected, 1 timeout (flaky, excused); 2 from cache``."""
    results = list(results)
    summary = summarize(results)
    parts = []
    for status, count in summary.counts:
        if not count:
            continue
        part = f"{count} {status.replace('_', ' ')}"
        flaky = sum(1 for r in results if r.status == status and r.flaky)
        if flaky:
            part += " (flaky, excused)" if flaky == count else f" ({flaky} flaky, excused)"
        parts.append(part)
    text = plural(summary.total, "link")
    if parts:
        text += ": " + ", ".join(parts)
    if with_cached and summary.cached:
        text += f"; {summary.cached} from cache"
    return text


def verdict(summary: Summary) -> str:
    """``passed: no link fails the run`` or ``failed: 2 links fail the run``."""
    if not summary.failed:
        return "passed: no link fails the run"
    verb = "fails" if summary.failed == 1 else "fail"
    return f"failed: {plural(summary.failed, 'link')} {verb} the run"


def status_label(result: LinkResult) -> str:
    """``broken (404 Not Found)``, ``timeout (flaky)``, ``redirected (301 Moved Permanently)``."""
    label = result.status.replace("_", " ")
    notes = [code_text(result.code)] if result.code is not None else []
    if result.flaky:
        notes.append("flaky")
    if result.fragment_unverified:
        notes.append("fragment not checked")
    return f"{label} ({', '.join(notes)})" if notes else label


def explanation(result: LinkResult) -> str:
    """Where a redirect leads, the checker's detail and the run's notes:
    ``-> https://b/; moved; new failure``."""
    parts = []
    if result.final_url and result.final_url != result.url:
        parts.append(f"-> {result.final_url}")
    if result.detail:
        parts.append(result.detail)
    return "; ".join([*parts, *notes(result)])


def notes(result: LinkResult) -> list[str]:
    """What the run adds to a result: new or known failure, an archive, why it is excused."""
    found = []
    if result.new is True:
        found.append("new failure")
    elif result.new is False and result.failing_since is not None:
        found.append(f"failing since {iso_time(result.failing_since)}")
    if result.archive is not None:
        found.append(f"archived copy: {result.archive}")
    if result.excused:
        found.append(f"excused: {result.excused}")
    return found


def code_text(code: int) -> str:
    """``404 Not Found``; a code HTTP does not name is shown bare."""
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
