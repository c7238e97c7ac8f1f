"""The garbage collector's settings while links are checked and reported.

A check-links run allocates in two patterns the collector's defaults serve badly: the loaded
site and the results live to the end, and each request makes a few hundred short-lived
objects that reference counting frees. With the defaults, a young collection runs every 700
allocations and every hundredth one scans the whole heap, site included: about a sixth of
the checker's CPU, and a tenth of a second of writing a large JSON report.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: The youngest generation's threshold inside `lean_gc` (the interpreter's default is 700).
YOUNG_THRESHOLD = 50_000


_depth = 0


@contextmanager
def lean_gc() -> Iterator[None]:
    """What exists on entry (the loaded site, the imported modules) is frozen out of the
    collector's scans, and the youngest generation is collected less often; cycles are
    still collected, only later. An inner use freezes what was made since the outer one
    (the site it loaded, the modules it imported); the outermost restores the settings."""
    global _depth
    outer = _depth == 0
    threshold = gc.get_threshold()
    gc.freeze()
    if outer:
        gc.set_threshold(max(YOUNG_THRESHOLD, threshold[0]), threshold[1], threshold[2])
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if outer:
            gc.set_threshold(*threshold)
            gc.unfreeze()
