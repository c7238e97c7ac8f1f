"""The link checker's values, one type per stage: extracted -> checked -> reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clawdemy_site.links.status import Kind, LinkStatus

Status = Kind

#: Statuses that fail a run unless the link history excuses them as flaky.
EXCUSABLE: frozenset[Status] = frozenset({"timeout", "unreachable", "rate_limited"})
#: Statuses that always fail a run.
FATAL: frozenset[Status] = frozenset({"broken", "error"})
#: Statuses that mean the URL failed (what `--fail-on`, `new` and `failing_since` are about).
FAILING: frozenset[Status] = FATAL | EXCUSABLE | {"unverifiable"}


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
    #: The `archived:` copy a reference entry gives for this URL, if any.
    archived: str | None = None


@dataclass(frozen=True)
class LinkResult:
    """The outcome of checking one URL: its tagged status, where it is cited, and the
    judgements later stages add (flaky, cached, new, excused)."""

    url: str
    state: LinkStatus
    sources: tuple[SourceRef, ...] = ()
    #: True when the history excuses this failure (reported as a warning, does not fail the run).
    flaky: bool = False
    #: True when the result came from the cache rather than a request made in this run.
    cached: bool = False
    #: For a failure: whether it is new since the previous run (None: no history, or no failure).
    new: bool | None = None
    #: For a failure the history already knew: when the URL first failed, as Unix time.
    failing_since: float | None = None
    #: A Wayback Machine snapshot suggested for a dead link (`--suggest-archive`).
    archive: str | None = None
    #: Why a failure does not fail the run (an archived copy answers; a known failure under
    #: `--fail-on new`); empty when nothing excuses it.
    excused: str = ""
    #: True when `unverifiable` fails the run (`--strict` or `links.unverifiable: fail`).
    strict: bool = False

    @property
    def status(self) -> Status:
        return self.state.kind

    @property
    def code(self) -> int | None:
        return self.state.code

    @property
    def final_url(self) -> str | None:
        return self.state.final_url

    @property
    def detail(self) -> str:
        return self.state.detail

    @property
    def fragment_unverified(self) -> bool:
        """True when the page answered but the fragment could not be looked for (the detail
        says why): reported as a warning, never as a plain `ok`. Read from the detail, so it
        survives the link history and `check-links merge` unchanged."""
        return self.status in ("ok", "redirected") and bool(_UNCHECKED.search(self.detail))

    @property
    def fails_run(self) -> bool:
        if self.excused:
            return False
        if self.status in FATAL:
            return True
        if self.status == "unverifiable":
            return self.strict
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
    #: Base URL of the DOI handle API (`links.doi_api`): doi.org links are checked there.
    doi_api: str = "https://doi.org/api/handles/"
