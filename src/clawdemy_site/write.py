"""Write a built site atomically: into a temporary folder beside the target, then swap it in.

A build that fails or is killed leaves the last good build whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from clawdemy_site.outguard import BUILD_MARKER


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


def _inside(root: Path, rel: str) -> Path:
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or path == root:
        raise UnsafePath(f"refusing to write `{rel}`: it is outside the output folder")
    return path


def _clear_stale(out: Path) -> None:
    for stale in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)


def write_site(
    out: Path,
    files: Mapping[str, bytes],
    copies: Mapping[str, Path],
    *,
    reuse: Mapping[str, Path] | None = None,
    marker: str = "This folder is written by `clawdemy build`.\n",
) -> None:
    """Write `files` (relative path -> bytes), `copies` (relative path -> source) and `reuse`
    (relative path -> the same file in the last build, hard-linked so that it keeps its
    modification time) as `out`."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent)).resolve()
    made: set[Path] = {staging}

    def place(rel: str) -> Path:
        path = _inside(staging, rel)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        return path

    try:
        os.chmod(staging, 0o755)
        for rel, data in sorted(files.items()):
            place(rel).write_bytes(data)
        for rel, source in sorted(copies.items()):
            shutil.copyfile(source, place(rel))
        for rel, old in sorted((reuse or {}).items()):
            path = place(rel)
            try:
                os.link(old, path)
            except OSError:  # another file system, or links not allowed: copy instead
                shutil.copy2(old, path)
        (staging / BUILD_MARKER).write_text(marker)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rename(out, retired / out.name)
            os.rename(staging, out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
