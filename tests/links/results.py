"""Building `LinkResult`s in tests from flat parts, as the history and JSON reports do."""

from __future__ import annotations

from typing import Any

from clawdemy_site.links.model import LinkResult
from clawdemy_site.links.status import from_parts


def make(
    url: str,
    status: str,
    code: int | None = None,
    *,
    final_url: str | None = None,
    detail: str = "",
    **rest: Any,
) -> LinkResult:
    """A result whose status `from_parts` builds (so an impossible one fails the test)."""
    return LinkResult(url, from_parts(status, code, final_url, detail), **rest)
