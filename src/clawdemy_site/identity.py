"""A file's identity (inode, size, modification and change times), and when to trust it.

A file changed less than a clock tick before it was read may change again unseen, with the
same identity; such a file is always read again (git's "racily clean" rule).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TypeAlias

#: (inode, size, modification time, change time), times in nanoseconds.
FileIdentity: TypeAlias = tuple[int, int, int, int]

#: How close to a read a change must be to distrust the clock, on file systems that keep
#: fractions of a second...
RACY_NS = 100_000_000
#: ...and on those that keep whole seconds (ext3, HFS+, FAT).
COARSE_RACY_NS = 2_000_000_000


def racy_window(mtimes_ns: Iterable[int]) -> int:
    """The window for files with these times: when none has a fraction of a second, the
    file system keeps whole seconds."""
    return RACY_NS if any(mtime % 1_000_000_000 for mtime in mtimes_ns) else COARSE_RACY_NS


def identity_of(stat: os.stat_result) -> FileIdentity:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def file_identity(path: Path | str) -> FileIdentity | None:
    try:
        return identity_of(os.stat(path))
    except OSError:
        return None


def scan_folders(folders: Iterable[Path]) -> dict[str, FileIdentity]:
    """The identity of every file and folder under `folders` (links followed to files)."""
    found: dict[str, FileIdentity] = {}
    waiting = list(folders)
    while waiting:
        folder = waiting.pop()
        try:
            stat = os.stat(folder)
            entries = list(os.scandir(folder))
        except OSError:
            continue
        found[str(folder)] = identity_of(stat)
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    waiting.append(Path(entry.path))
                    continue
                found[entry.path] = identity_of(entry.stat())  # a link's target
            except OSError:
                continue
    return found
