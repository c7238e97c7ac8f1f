"""The `clawdemy` command's entry point: for `check-links`, the link checker's process is
forked first, before the CLI (click and the rest) is even imported; then the CLI runs.

Kept apart from `cli` so that nothing is imported before that fork: the checker's own
imports (the HTTP client, about a third of a second) then overlap all of the parent's.
"""

from __future__ import annotations

import sys

#: Arguments after `check-links` with which it fetches nothing (or is not the check).
_NO_FETCH = frozenset({"--offline", "merge", "--help", "-h"})


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["check-links"] and not _NO_FETCH.intersection(args[1:]):
        from clawdemy_site.links.prefork import start_early

        start_early()
    from clawdemy_site.cli import main as cli

    cli(prog_name="clawdemy")
