"""A link's status as a tagged value that carries its own data (lychee's `Status` is the model).

Each variant holds exactly what that outcome can have: a `Blocked` link was never fetched, so
it has no HTTP code; a `Redirected` one always has a final URL. The attributes every variant
answers (`kind`, `code`, `final_url`, `detail`) are class-level `None` where a variant has no
such datum, so reading them needs no `match`, and building an impossible combination is a
TypeError (and a mypy error), not a value.

`from_parts` is the one way back from flat data (the link history, a JSON report); it refuses
combinations the variants cannot hold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Literal, get_args

Kind = Literal[
    "ok",
    "redirected",
    "broken",
    "timeout",
    "rate_limited",
    "unreachable",
    "blocked",
    "unverifiable",
    "excluded",
    "skipped",
    "error",
]


@dataclass(frozen=True)
class Ok:
    """The page answered (an internal link that resolves has no code)."""

    kind: ClassVar[Literal["ok"]] = "ok"
    final_url: ClassVar[None] = None
    code: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Redirected:
    """The page answered after one or more redirects."""

    kind: ClassVar[Literal["redirected"]] = "redirected"
    code: int
    final_url: str
    detail: str = ""


@dataclass(frozen=True)
class Broken:
    """The page is gone (4xx), or the fragment is missing from it, or an internal link leads
    nowhere (no code)."""

    kind: ClassVar[Literal["broken"]] = "broken"
    code: int | None = None
    final_url: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Timeout:
    """No complete reply in time: there is no code to report."""

    kind: ClassVar[Literal["timeout"]] = "timeout"
    code: ClassVar[None] = None
    final_url: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class RateLimited:
    """The host asked us to slow down (429, or a Retry-After beyond the cap)."""

    kind: ClassVar[Literal["rate_limited"]] = "rate_limited"
    code: int
    final_url: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Unreachable:
    """No connection, or a 5xx that outlasted the retries."""

    kind: ClassVar[Literal["unreachable"]] = "unreachable"
    code: int | None = None
    final_url: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Blocked:
    """The address policy refused the host: nothing was sent, so there is no code."""

    kind: ClassVar[Literal["blocked"]] = "blocked"
    code: ClassVar[None] = None
    final_url: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Unverifiable:
    """A bot wall answered instead of the page; `wall` names it (e.g. "Cloudflare").

    Build one with `behind_wall`, whose detail names the wall and what gave it away.
    """

    kind: ClassVar[Literal["unverifiable"]] = "unverifiable"
    code: int
    wall: str
    final_url: str | None = None
    detail: str = ""


_WALL_TEXT = " bot wall answered instead of the page"


def behind_wall(code: int, wall: str, evidence: str, final_url: str | None = None) -> Unverifiable:
    """`Unverifiable`, with the detail ``Cloudflare bot wall answered instead of the page
    (cf-mitigated: challenge)``."""
    detail = f"{wall}{_WALL_TEXT} ({evidence})" if evidence else f"{wall}{_WALL_TEXT}"
    return Unverifiable(code, wall, final_url, detail)


@dataclass(frozen=True)
class Excluded:
    """Matched an exclude pattern: never fetched."""

    kind: ClassVar[Literal["excluded"]] = "excluded"
    code: ClassVar[None] = None
    final_url: ClassVar[None] = None
    detail: str = ""


@dataclass(frozen=True)
class Skipped:
    """Not checked in this run (`--changed-since`): never fetched."""

    kind: ClassVar[Literal["skipped"]] = "skipped"
    code: ClassVar[None] = None
    final_url: ClassVar[None] = None
    detail: str = ""


@dataclass(frozen=True)
class Error:
    """The link or the reply is malformed (bad URL, TLS, redirect loop, garbage)."""

    kind: ClassVar[Literal["error"]] = "error"
    code: int | None = None
    final_url: str | None = None
    detail: str = ""


LinkStatus = (
    Ok
    | Redirected
    | Broken
    | Timeout
    | RateLimited
    | Unreachable
    | Blocked
    | Unverifiable
    | Excluded
    | Skipped
    | Error
)

KINDS: tuple[Kind, ...] = get_args(Kind)


def with_detail(status: LinkStatus, detail: str) -> LinkStatus:
    """`status` with its free-text detail replaced; every other datum is kept."""
    return replace(status, detail=detail)


def from_parts(
    kind: str, code: int | None = None, final_url: str | None = None, detail: str = ""
) -> LinkStatus:
    """The status flat data describes; ValueError when no variant can hold it."""
    if kind == "ok" and final_url is None:
        return Ok(code, detail)
    if kind == "redirected" and code is not None and final_url is not None:
        return Redirected(code, final_url, detail)
    if kind == "broken":
        return Broken(code, final_url, detail)
    if kind == "timeout" and code is None:
        return Timeout(final_url, detail)
    if kind == "rate_limited" and code is not None:
        return RateLimited(code, final_url, detail)
    if kind == "unreachable":
        return Unreachable(code, final_url, detail)
    if kind == "blocked" and code is None:
        return Blocked(final_url, detail)
    if kind == "unverifiable" and code is not None:
        wall, found, _ = detail.partition(_WALL_TEXT)
        return Unverifiable(code, wall if found and wall else "unknown", final_url, detail)
    if kind == "excluded" and code is None and final_url is None:
        return Excluded(detail)
    if kind == "skipped" and code is None and final_url is None:
        return Skipped(detail)
    if kind == "error":
        return Error(code, final_url, detail)
    raise ValueError(f"no {kind!r} status has code {code!r} and final URL {final_url!r}")
