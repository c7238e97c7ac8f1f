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


def write_site(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path]) -> None:
    """Write `files` (relative path -> bytes) and `copies` (relative path -> source) as `out`."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent)).resolve()
    try:
        os.chmod(staging, 0o755)
        for rel, data in sorted(files.items()):
            path = _inside(staging, rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for rel, source in sorted(copies.items()):
            path = _inside(staging, rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, path)
        (staging / BUILD_MARKER).write_text("This folder is written by `clawdemy build`.\n")
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
