"""Write a built site atomically: into a temporary folder beside the target, then swap it in.

A build that fails or is killed leaves the last good build whole.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from clawdemy_site.outguard import BUILD_MARKER


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


def _inside(root: Path, rel: str) -> Path:
    """`root/rel`, for a plain relative path only. The staging folder is new and holds no
    links, so a path without `..`, `.`, empty parts or a leading `/` cannot leave it."""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise UnsafePath(f"refusing to write `{rel}`: it is outside the output folder")
    return root / rel


def _discard(folder: Path, trash: Path | None) -> None:
    """Remove `folder`: moved into `trash` and deleted by a process of its own when one is
    given (the build need not wait for thousands of unlinks), else here and now."""
    if trash is not None:
        try:
            trash.mkdir(parents=True, exist_ok=True)
            moved = Path(tempfile.mkdtemp(prefix="old-", dir=trash))
            os.rename(folder, moved / "site")
            subprocess.Popen(
                ["rm", "-rf", "--", str(moved)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            return
        except OSError:  # another file system, or no `rm`: delete it here
            pass
    shutil.rmtree(folder, ignore_errors=True)


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
    trash: Path | None = None,
    finish: Callable[[Path], None] | None = None,
) -> None:
    """Write `files` (relative path -> bytes), `copies` (relative path -> source) and `reuse`
    (relative path -> the same file in the last build, hard-linked so that it keeps its
    modification time) as `out`; `finish` may add to the staged folder before it is swapped in."""
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
        if finish is not None:  # e.g. the search index, made from the staged pages
            finish(staging)
        (staging / BUILD_MARKER).write_text(marker)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rename(out, retired / out.name)
            os.rename(staging, out)
            _discard(retired, trash)
        else:
            os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
