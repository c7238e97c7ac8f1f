"""The `clawdemy` command's entry point: for `check-links`, the link checker's process is
forked first, before the CLI (click and the rest) is even imported; then the CLI runs.

Kept apart from `cli` so that nothing is imported before that fork: the checker's own
imports (the HTTP client, about a third of a second) then overlap all of the parent's.

When `check-links` is done, the process ends without the interpreter's teardown: the exit
handlers run and the output is flushed, but the loaded site, the results and every module
are not freed object by object (the system reclaims the memory at once). That teardown took
about 80 ms after a run over 2,000 links, longer than writing the report.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

#: Arguments after `check-links` with which it fetches nothing (or is not the check).
_NO_FETCH = frozenset({"--offline", "merge", "--help", "-h"})


def main() -> None:
    args = sys.argv[1:]
    checking = args[:1] == ["check-links"]
    if checking and not _NO_FETCH.intersection(args[1:]):
        from clawdemy_site.links.prefork import start_early

        start_early()
    from clawdemy_site.cli import main as cli

    if not checking:
        cli(prog_name="clawdemy")
        return
    try:
        cli(prog_name="clawdemy")
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            _end(done.code or 0)
        raise
    _end(0)


def _end(code: int) -> NoReturn:
    """Exit with `code` as the interpreter would, less freeing the heap (see the module doc).
    With another thread still running, the ordinary exit waits for it as it should."""
    if threading.active_count() > 1:
        raise SystemExit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: as Python's own exit would say
            code = code or 120
    os._exit(code)
