"""The `clawdemy` command's entry point. It does two things the CLI itself cannot:

- For `check-links`, the link checker's process is forked first, before the CLI (click and
  the rest) is even imported: the checker's own imports (the HTTP client, about a third of a
  second) then overlap all of the parent's. That is why this module imports nothing of ours
  before the fork.
- Every command ends without the interpreter's teardown: the exit handlers run and the
  output is flushed, but the loaded site, the results and every module are not freed object
  by object (the system reclaims the memory at once). A build leaves a few hundred thousand
  objects behind, and freeing them took about 0.3 s, a third of a one-lesson rebuild; after
  2,000 links it took about 80 ms. Every command closes what it writes (the cache, the
  output, its pools and children) before it returns, so nothing else is left to do.
- `build` and `check` run without Python's cycle collector, for the same reason: the
  objects a build makes live as long as it does, and the collector walked them again and
  again (about 190 collections, a tenth of a one-lesson build, with the same peak memory
  without them, at 1,000 and at 10,000 lessons). Their pool workers collect as usual, and
  so do the other commands: `serve` runs for hours, and `check-links` may make thousands of
  requests in its own process.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import NoReturn

#: Arguments after `check-links` with which it fetches nothing (or is not the check).
_NO_FETCH = frozenset({"--offline", "merge", "--help", "-h"})


def main() -> NoReturn:
    args = sys.argv[1:]
    if args[:1] == ["check-links"] and not _NO_FETCH.intersection(args[1:]):
        from clawdemy_site.links.prefork import start_early

        start_early()
    if args[:1] in (["build"], ["check"]):
        gc.disable()
    from clawdemy_site.cli import main as cli

    try:
        cli(prog_name="clawdemy")
        code = 0
    except SystemExit as stop:
        if isinstance(stop.code, str):  # as the interpreter shows `sys.exit("message")`
            print(stop.code, file=sys.stderr)
            code = 1
        else:
            code = stop.code or 0
    _end(code)


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
