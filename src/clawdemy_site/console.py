"""What the commands say on standard error, and how: -q and -v, colour, progress.

Standard output carries only a command's report; everything here goes to standard
error. -q keeps only problems (and the report); -v adds detail. Colour follows
NO_COLOR (https://no-color.org) and the terminal; progress bars are drawn only on a
terminal outside CI, and plain lines are written everywhere else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
_KEY = "clawdemy.verbosity"

EXIT_CODES = (
    "Exit codes: 0 success; 1 content errors, failing links or another failure the"
    " message explains; 2 wrong usage."
)


def _set(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        level = -1 if param.name == "quiet" else 1
        if ctx.meta.get(_KEY, level) != level:
            raise click.UsageError("-q and -v cannot be used together", ctx=ctx)
        ctx.meta[_KEY] = level
    return value


def output_options(command: F) -> F:
    """-q/--quiet and -v/--verbose, for every command."""
    verbose = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set,
        help="Say more: which templates are used, how long it took.",
    )
    quiet = click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set,
        help="Print only problems and the report: no progress or summary.",
    )
    return quiet(verbose(command))


def verbosity() -> int:
    """-1 with -q, 1 with -v, else 0."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get(_KEY, 0)) if ctx is not None else 0


def say(message: str) -> None:
    """A progress or summary line; not with -q."""
    if verbosity() >= 0:
        click.echo(message, err=True)


def detail(message: str) -> None:
    """A line only -v asks for."""
    if verbosity() > 0:
        click.echo(message, err=True)


def use_color(stream: TextIO) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (to anything but empty) or TERM is dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def show_progress() -> bool:
    """A redrawn progress bar: on a terminal, outside CI, and not with -q."""
    return verbosity() >= 0 and not os.environ.get("CI") and sys.stderr.isatty()
