"""Diagnostics: problems in an author's content, as data, gathered and reported together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import click

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place in one file. Ordered by path, then line, then column."""

    path: str
    line: int
    column: int
    severity: Severity
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


def format_report(diagnostics: Iterable[Diagnostic]) -> str:
    """All diagnostics one a line, sorted by path and line, then a count."""
    ordered = sorted(set(diagnostics))
    errors = sum(1 for d in ordered if d.severity == "error")
    warnings = len(ordered) - errors
    lines = [d.format() for d in ordered]
    lines.append(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def no_content_folder(folder: object) -> str:
    """What to do when a command is run where there is no content folder `folder`."""
    return (
        f"there is no content folder `{folder}` here: run `clawdemy init` to start a site,"
        " or name the folder with --content DIR"
    )


class ClawdemyError(click.ClickException):
    """A failure the user can act on: printed without a traceback, exit code 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(self.format_message(), err=True)


class ContentError(ClawdemyError):
    """The content has errors; the message is the full diagnostic report."""

    def __init__(
        self, diagnostics: Iterable[Diagnostic], *, strict: bool = False, brief: bool = False
    ) -> None:
        """`brief`: only the count, when the diagnostics went to standard output already."""
        self.diagnostics = tuple(sorted(set(diagnostics)))
        report = format_report(self.diagnostics)
        if brief:
            report = report.splitlines()[-1]
        if strict and not any(d.severity == "error" for d in self.diagnostics):
            report += " (--strict: warnings fail the run)"
        super().__init__(report)
