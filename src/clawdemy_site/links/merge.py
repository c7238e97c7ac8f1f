"""`check-links merge`: the `--format json` reports of several shards, read back as one run.

Each report's results are rebuilt as `LinkResult`s (so a result no status can hold is refused),
and a result two reports share (the internal links every shard checks) is kept once.
"""

from __future__ import annotations

import json
from calendar import timegm
from collections.abc import Iterable
from pathlib import Path
from time import strptime
from typing import Any

from clawdemy_site.links.model import LinkResult, SourceRef
from clawdemy_site.links.status import from_parts


class MergeError(Exception):
    """A report cannot be merged; the message says which and why."""


def merge(paths: Iterable[Path]) -> list[LinkResult]:
    seen: dict[tuple[str, str, tuple[SourceRef, ...]], LinkResult] = {}
    for path in paths:
        for result in read_report(path):
            seen.setdefault((result.url, result.status, result.sources), result)
    return sorted(seen.values(), key=lambda r: (r.url, r.sources))


def read_report(path: Path) -> list[LinkResult]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MergeError(f"{path}: not a readable JSON report ({exc})") from exc
    items = payload.get("results") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        raise MergeError(f"{path}: not a check-links JSON report (no `results` list)")
    results = []
    for number, item in enumerate(items, start=1):
        try:
            results.append(_result(item))
        except (KeyError, TypeError, ValueError) as exc:
            raise MergeError(f"{path}: result {number} is malformed ({exc})") from exc
    return results


def _result(item: dict[str, Any]) -> LinkResult:
    code = item.get("code")
    if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
        raise TypeError(f"code {code!r} is not a number")
    state = from_parts(
        _text(item["status"]), code, _optional_text(item.get("final_url")), _text(item["detail"])
    )
    sources = tuple(SourceRef(_text(s["path"]), int(s["line"])) for s in item["sources"])
    new = item.get("new")
    since = item.get("failing_since")
    return LinkResult(
        url=_text(item["url"]),
        state=state,
        sources=sources,
        flaky=item.get("flaky") is True,
        cached=item.get("cached") is True,
        new=new if isinstance(new, bool) else None,
        failing_since=_parse_time(since) if isinstance(since, str) else None,
        archive=_optional_text(item.get("archive")),
        excused=_optional_text(item.get("excused")) or "",
        strict=item.get("strict") is True,
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _parse_time(text: str) -> float:
    return float(timegm(strptime(text, "%Y-%m-%dT%H:%M:%SZ")))
