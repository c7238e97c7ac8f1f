"""Link-check reports: one run's results as text, JSON, GitHub annotations or Markdown.

Every formatter is a pure function of the results and their :class:`Summary`, returns
the whole report without a trailing newline, and orders its output so that the same
results always give the same text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from json.encoder import encode_basestring

from clawdemy_site import github
from clawdemy_site.errors import Severity
from clawdemy_site.links.flaky import iso_time
from clawdemy_site.links.model import LinkResult, SourceRef
from clawdemy_site.links.summary import (
    STATUS_ORDER,
    Summary,
    code_text,
    explanation,
    notes,
    plural,
    severity,
    status_label,
    summarize,
    tally,
    verdict,
)

__all__ = [
    "STATUS_ORDER",
    "Summary",
    "format_github",
    "format_json",
    "format_markdown",
    "format_text",
    "summarize",
]

_RED, _YELLOW, _GREEN, _BOLD, _RESET = "\x1b[31m", "\x1b[33m", "\x1b[32m", "\x1b[1m", "\x1b[0m"
_GITHUB_TITLES = {
    "redirected": "redirected link",
    "broken": "broken link",
    "timeout": "link timed out",
    "rate_limited": "link rate limited",
    "unreachable": "unreachable link",
    "blocked": "blocked link",
    "unverifiable": "link behind a bot wall",
    "error": "link check error",
}


def format_json(results: Sequence[LinkResult], summary: Summary) -> str:
    """``{"results": [...], "summary": {...}}``, results sorted by URL, two-space indent.

    Beside the contract's keys, a result may carry ``new`` and ``failing_since`` (a failure,
    judged against the history), ``archive`` (a suggested snapshot) and ``excused`` (why a
    failure does not fail the run).
    """
    payload = {
        "results": [json_result(r) for r in _by_url(results)],
        "summary": summary.as_dict(),
    }
    return indented_json(payload)


def indented_json(value: object) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, written without the standard
    library's indenting encoder, which is pure Python (only the compact one is in C): the
    report of a run over 2,000 links took it 40 to 60 ms, this about half that."""
    parts: list[str] = []
    _write_json(value, "\n", parts)
    return "".join(parts)


def _write_json(value: object, newline: str, parts: list[str]) -> None:
    """Append `value` as indented JSON; `newline` is a line break and the current indent."""
    if isinstance(value, dict) and value and all(type(key) is str for key in value):
        inner = newline + "  "
        opening = "{" + inner
        for key, item in value.items():
            parts += (opening, encode_basestring(key), ": ")
            _write_item(item, inner, parts)
            opening = "," + inner
        parts.append(newline + "}")
    elif isinstance(value, list | tuple) and value:
        inner = newline + "  "
        opening = "[" + inner
        for item in value:
            parts.append(opening)
            _write_item(item, inner, parts)
            opening = "," + inner
        parts.append(newline + "]")
    else:  # a float, an empty container, a key that is not a string: as json.dumps does
        text = _scalar_json(value) or json.dumps(value, indent=2, ensure_ascii=False)
        parts.append(text.replace("\n", newline))


def _write_item(item: object, newline: str, parts: list[str]) -> None:
    """Append one member of a container: a scalar as it is, a container indented."""
    scalar = _scalar_json(item)
    if scalar is None:
        _write_json(item, newline, parts)
    else:
        parts.append(scalar)


def _scalar_json(value: object) -> str | None:
    """A string, null, a boolean or an int as JSON text (tested as json.dumps tests them);
    None for anything else."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return None


def json_result(r: LinkResult) -> dict[str, object]:
    """One result as ``format_json`` gives it."""
    item: dict[str, object] = {
        "url": r.url,
        "status": r.status,
        "code": r.code,
        "final_url": r.final_url,
        "detail": r.detail,
        "sources": [{"path": s.path, "line": s.line} for s in sorted(r.sources)],
        "flaky": r.flaky,
        "cached": r.cached,
    }
    if r.new is not None:
        item["new"] = r.new
    if r.failing_since is not None:
        item["failing_since"] = iso_time(r.failing_since)
    if r.archive is not None:
        item["archive"] = r.archive
    if r.excused:
        item["excused"] = r.excused
    if r.strict:
        item["strict"] = True
    if r.fragment_unverified:  # the page answered, but the fragment was not looked for
        item["fragment_unverified"] = True
    return item


def format_text(results: Sequence[LinkResult], summary: Summary, *, color: bool) -> str:
    """Problems grouped by source file, then the tally and the verdict.

    Each file with something to report gets a header, then one
    ``path:line: STATUS url (code) - detail`` line per place; ok and excluded links
    are only counted. ANSI colour only when ``color``.
    """

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    by_file: dict[str, list[LinkResult]] = defaultdict(list)
    for result in results:
        for path in sorted({s.path for s in result.sources} or {""}):
            by_file[path].append(result)
    blocks = []
    for path in sorted(by_file):
        lines = []
        for place, result in _places(by_file[path], path):
            level = severity(result)
            if level is None:
                continue
            label = result.status.upper() + (" (flaky)" if result.flaky else "")
            if result.fragment_unverified:
                label += " (fragment not checked)"
            label = paint(label, _RED if level == "error" else _YELLOW)
            where = f"{place.path}:{place.line}: " if place.path else ""
            lines.append(f"{where}{label} {_headline(result)}")
        if lines:
            header = f"{path or '(no source)'} ({tally(by_file[path], with_cached=False)})"
            blocks.append("\n".join([paint(header, _BOLD), *lines]))
    ending = paint(verdict(summary), _RED if summary.failed else _GREEN)
    blocks.append(f"{tally(results)}\n{ending}")
    return "\n\n".join(blocks)


def format_github(results: Sequence[LinkResult], summary: Summary) -> str:
    """GitHub Actions workflow commands: ``::error`` for each place a failing link is
    cited, ``::warning`` for flaky, redirected and blocked ones, then one ``::notice``."""
    commands = []
    for place, result in _places(results, None):
        level = severity(result)
        if level is None:
            continue
        title = _GITHUB_TITLES.get(result.status, f"{result.status} link")
        if result.flaky:
            title = f"flaky link ({result.status.replace('_', ' ')})"
        elif result.fragment_unverified:
            title = "link fragment not checked"
        commands.append(_command(level, place, title, _headline(result)))
    notice = f"{tally(results)}; {verdict(summary)}"
    commands.append(github.command("notice", [("title", "link check")], notice))
    return "\n".join(commands)


def format_markdown(results: Sequence[LinkResult], summary: Summary) -> str:
    """A CI job summary: heading, counts by status, then a table of the links to look at."""
    outcome = "failed" if summary.failed else "passed"
    notes = [plural(summary.total, "link"), f"{summary.failed} failing"]
    if summary.flaky:
        notes.append(f"{summary.flaky} flaky (excused)")
    if summary.cached:
        notes.append(f"{summary.cached} from cache")
    lines = [f"## Link check {outcome}", "", ", ".join(notes) + ".", ""]
    lines += ["| status | links |", "| --- | ---: |"]
    lines += [f"| {status.replace('_', ' ')} | {n} |" for status, n in summary.counts if n]
    lines += [f"| **total** | **{summary.total}** |", ""]
    problems = sorted(
        (r for r in results if severity(r) is not None),
        key=lambda r: (_rank(severity(r)), r.url, r.status),
    )
    if not problems:
        lines.append("No problems found.")
        return "\n".join(lines)
    lines += ["### Links to look at", ""]
    lines += ["| status | URL | where | detail |", "| --- | --- | --- | --- |"]
    for r in problems:
        where = ", ".join(_md_code(f"{s.path}:{s.line}") for s in sorted(r.sources))
        cells = [_md_cell(status_label(r)), _md_cell(r.url), where, _md_cell(explanation(r))]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)


def _by_url(results: Sequence[LinkResult]) -> list[LinkResult]:
    return sorted(results, key=lambda r: (r.url, r.status))


def _places(
    results: Sequence[LinkResult], only_path: str | None
) -> list[tuple[SourceRef, LinkResult]]:
    """(place, result) pairs sorted by place then URL; a result without sources gets an
    empty place. With ``only_path``, only the places in that file."""
    pairs = [
        (place, r)
        for r in results
        for place in (r.sources or (SourceRef("", 0),))
        if only_path is None or place.path == only_path
    ]
    return sorted(pairs, key=lambda pair: (pair[0], pair[1].url, pair[1].status))


def _headline(result: LinkResult) -> str:
    """``https://a/ (301 Moved Permanently) -> https://b/ - detail``."""
    text = result.url
    if result.code is not None:
        text += f" ({code_text(result.code)})"
    if result.final_url and result.final_url != result.url:
        text += f" -> {result.final_url}"
    said = "; ".join(([result.detail] if result.detail else []) + notes(result))
    return f"{text} - {said}" if said else text


def _command(level: Severity, place: SourceRef, title: str, message: str) -> str:
    properties = [("file", place.path), ("line", str(place.line))] if place.path else []
    properties.append(("title", title))
    return github.command(level, properties, message)


def _rank(level: Severity | None) -> int:
    return 0 if level == "error" else 1


def _md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, line breaks or raw HTML."""
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _md_code(text: str) -> str:
    """A code span in a table cell (literal: only pipes need escaping)."""
    text = " ".join(text.split()).replace("|", "\\|")
    return f"`{text}`" if "`" not in text else f"`` {text} ``"
