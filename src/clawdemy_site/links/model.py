"""The link checker's values, one type per stage: extracted -> checked -> reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Status = Literal[
    "ok",
    "redirected",
    "broken",
    "timeout",
    "rate_limited",
    "unreachable",
    "blocked",
    "excluded",
    "error",
]

#: Statuses that fail a run unless the link history excuses them as flaky.
EXCUSABLE: frozenset[Status] = frozenset({"timeout", "unreachable", "rate_limited"})
#: Statuses that always fail a run.
FATAL: frozenset[Status] = frozenset({"broken", "error"})


#: The note a result's detail carries when the page answered but its body could not be
#: searched for the link's fragment (over the read cap, a gzip bomb, not HTML, a coding the
#: scanner cannot undo): the link is then not plainly `ok`.
UNCHECKED_FRAGMENT = "fragment #{fragment} not checked: {why}"
_UNCHECKED = re.compile(r"(?:^|; )fragment #.*? not checked: ")


@dataclass(frozen=True, order=True)
class SourceRef:
    """Where an author wrote a link: a path relative to the current directory, 1-based line."""

    path: str
    line: int


@dataclass(frozen=True)
class ExternalLink:
    """An absolute http(s) URL as written (fragment included) and every place that cites it."""

    url: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class LinkResult:
    """The outcome of checking one URL."""

    url: str
    status: Status
    code: int | None = None
    final_url: str | None = None
    detail: str = ""
    sources: tuple[SourceRef, ...] = ()
    #: True when the history excuses this failure (reported as a warning, does not fail the run).
    flaky: bool = False
    #: True when the result came from the cache rather than a request made in this run.
    cached: bool = False

    @property
    def fragment_unverified(self) -> bool:
        """True when the page answered but the fragment could not be looked for (the detail
        says why): reported as a warning, never as a plain `ok`. Read from the detail, so it
        survives the link history and `check-links merge` unchanged."""
        return self.status in ("ok", "redirected") and bool(_UNCHECKED.search(self.detail))

    @property
    def fails_run(self) -> bool:
        if self.status in FATAL:
            return True
        return self.status in EXCUSABLE and not self.flaky


@dataclass(frozen=True)
class HostPolicy:
    """Per-host settings from site.yml `links.hosts`."""

    concurrency: int | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CheckOptions:
    """Everything the external checker needs to know, from flags and site.yml `links:`."""

    max_concurrency: int = 64
    host_concurrency: int = 8
    timeout: float = 20.0
    retries: int = 2
    allow_private: bool = False
    user_agent: str = "clawdemy-link-checker/0.1 (+https://clawdemy.example/)"
    #: Regular expressions; a URL matching any is `excluded` and never fetched.
    exclude: tuple[str, ...] = ()
    #: Status codes counted as `ok` besides 2xx.
    accept: frozenset[int] = field(default_factory=frozenset)
    hosts: tuple[tuple[str, HostPolicy], ...] = ()
    #: Longest wait honoured from a Retry-After header, in seconds.
    retry_after_cap: float = 30.0
    #: Base of the exponential backoff between attempts, in seconds.
    backoff_base: float = 0.5
    #: Most bytes of a body read (to look for a fragment's id).
    max_body_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 10
