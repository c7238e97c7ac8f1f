"""`clawdemy check`: every diagnostic a build would give, templates included; nothing written.

The site is rendered in memory, as `build` renders it, so a broken template is reported
here too. The formats are pure functions of the diagnostics.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from clawdemy_site import github
from clawdemy_site.build import check_content
from clawdemy_site.errors import Diagnostic, format_report


def check_site(content_dir: Path, templates_dir: Path, *, drafts: bool) -> tuple[Diagnostic, ...]:
    """The content's diagnostics; when it has no error, the templates' and the internal
    links' too, from the site rendered in memory by the build's engine."""
    return check_content(content_dir, templates_dir, drafts=drafts).diagnostics


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    """`{"diagnostics": [{path, line, column, severity, message}], "summary": {...}}`."""
    ordered = sorted(set(diagnostics))
    errors = sum(1 for d in ordered if d.severity == "error")
    payload = {
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "severity": d.severity,
                "message": d.message,
            }
            for d in ordered
        ],
        "summary": {"errors": errors, "warnings": len(ordered) - errors},
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """One `::error` or `::warning` workflow command a diagnostic, then a `::notice` count."""
    lines = [
        github.command(
            d.severity,
            [("file", d.path), ("line", str(d.line)), ("col", str(d.column))],
            d.message,
        )
        for d in sorted(set(diagnostics))
    ]
    count = format_report(diagnostics).splitlines()[-1]
    lines.append(github.command("notice", [("title", "clawdemy check")], count))
    return "\n".join(lines)
