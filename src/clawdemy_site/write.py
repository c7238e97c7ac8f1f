"""Write a built site atomically: into a temporary folder beside the target, then swap it in.

A build that fails or is killed leaves the last good build whole.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath

from clawdemy_site.outguard import BUILD_MARKER


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


def _refuse_outside(rel: str) -> None:
    """Raise UnsafePath unless `rel` is a plain relative path. The staging folder is new and
    holds no links, so a path without `..`, `.`, empty parts or a leading `/` cannot leave it."""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise UnsafePath(f"refusing to write `{rel}`: it is outside the output folder")


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
    spare: Path | None = None,
    inodes: Mapping[str, int] | None = None,
    started: Path | None = None,
    staged: Collection[str] = (),
) -> None:
    """Write `files` (relative path -> bytes), `copies` (relative path -> source) and `reuse`
    (relative path -> the same file in the last build, hard-linked so that it keeps its
    modification time) as `out`.
    `inodes` may give the inode of reused files the caller has just looked at.

    With `spare`, the build before the last one, kept there by the last write, is brought up
    to date as the staged folder (its unchanged files and folders stay, which a new folder
    would make again: 2,000 folders for a 1,000-lesson course), and the build this one
    replaces is kept there in turn.

    `started`: a folder made by `start_staging`, into which the files named in `staged`
    were written already (by the workers that rendered them); it is staged instead of a
    spare, and removed if this fails."""
    out = out.resolve()
    if started is None:
        out.parent.mkdir(parents=True, exist_ok=True)
        _clear_stale(out)
    reuse = reuse or {}
    try:
        for rel in (*files, *copies, *reuse):
            _refuse_outside(rel)  # before anything is touched
    except UnsafePath:
        if started is not None:
            shutil.rmtree(started, ignore_errors=True)
        raise
    staging = started if started is not None else _staged_from(spare, out)
    junk = _Junk(out)
    try:
        if started is not None:
            _update(started, files, copies, reuse, junk, inodes or {}, frozenset(staged))
        elif staging is not None:
            try:
                _update(staging, files, copies, reuse, junk, inodes or {})
            except OSError:  # a spare we cannot bring up to date is no use: start afresh
                shutil.rmtree(staging, ignore_errors=True)
                staging = None
        if staging is None:
            staging = _new_staging(out)
            _update(staging, files, copies, reuse, junk, inodes or {})
        _replace(staging / BUILD_MARKER, marker.encode())
        _swap(staging, out, spare, trash)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        junk.discard(trash)


def start_staging(out: Path) -> Path:
    """A new, empty folder beside `out` to stage a build in (what killed builds left there
    removed first), for `stage_file` and then `write_site(started=...)`."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale(out)
    return _new_staging(out)


def _new_staging(out: Path) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent)).resolve()
    os.chmod(staging, 0o755)
    return staging


def stage_file(staging: str, rel: str, data: bytes) -> None:
    """Write one file of the site into a folder from `start_staging` (refusing, as
    `write_site` does, a path that would leave it)."""
    _refuse_outside(rel)
    path = f"{staging}/{rel}"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "xb") as written:
        written.write(data)


class _Junk:
    """Where replaced files of a spare go: a folder beside `out` deleted in the background,
    as a retired build is. Freeing a file's blocks can take a millisecond (on a disk that
    discards them), which two thousand files a build would otherwise wait for."""

    def __init__(self, out: Path) -> None:
        self._out = out
        self._folder: Path | None = None
        self._count = 0

    def drop(self, path: str) -> None:
        if self._folder is None:
            self._folder = Path(
                tempfile.mkdtemp(prefix=f".{self._out.name}.old-", dir=self._out.parent)
            )
        self._count += 1
        try:
            os.rename(path, self._folder / str(self._count))
        except OSError:
            os.unlink(path)

    def discard(self, trash: Path | None) -> None:
        if self._folder is not None:
            _discard(self._folder, trash)
            self._folder = None


def _staged_from(spare: Path | None, out: Path) -> Path | None:
    """The spare build moved beside `out` as its staged folder, or None when there is none
    (or it is on another file system)."""
    if spare is None or not spare.is_dir():
        return None
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent)).resolve()
    try:
        os.rename(spare, staging)  # onto the empty folder just made
    except OSError:
        os.rmdir(staging)
        shutil.rmtree(spare, ignore_errors=True)
        return None
    return staging


def _files_under(root: Path) -> dict[str, int]:
    """Every file under `root` (relative path -> inode). A link or anything but a plain file
    or folder is refused: writing through a link could leave the folder."""
    found: dict[str, int] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_symlink():
                    raise OSError(f"{entry.path} is a link")
                if entry.is_dir():
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found[prefix + entry.name] = entry.inode()
                else:
                    raise OSError(f"{entry.path} is not a file")

    walk(str(root), "")
    return found


def _update(
    staging: Path,
    files: Mapping[str, bytes],
    copies: Mapping[str, Path],
    reuse: Mapping[str, Path],
    junk: _Junk,
    inodes: Mapping[str, int],
    staged: frozenset[str] = frozenset(),
) -> None:
    """Make `staging` hold exactly the files asked for, and those `staged` in it already
    (and nothing else but the marker).
    Paths are plain strings here: a build places thousands of files, and a `Path` for each
    cost a tenth of a one-lesson rebuild's write."""
    present = _files_under(staging)
    root = str(staging)
    made: set[str] = {root}

    def place(rel: str) -> str:
        path = f"{root}/{rel}"
        if rel in present:
            junk.drop(path)  # never write into a file: the live build may share it
        else:
            parent = os.path.dirname(path)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
        return path

    for rel, data in sorted(files.items()):
        with open(place(rel), "wb") as written:
            written.write(data)
    for rel, source in sorted(copies.items()):
        shutil.copyfile(source, place(rel))
    for rel, old in sorted(reuse.items()):
        if rel in present:
            inode = inodes.get(rel)
            if (os.stat(old).st_ino if inode is None else inode) == present[rel]:
                continue  # already the very same file
        path = place(rel)
        try:
            os.link(old, path)
        except OSError:  # another file system, or links not allowed: copy instead
            shutil.copy2(old, path)
    stale = sorted(set(present) - set(files) - set(copies) - set(reuse) - staged - {BUILD_MARKER})
    for rel in stale:
        junk.drop(f"{root}/{rel}")
    for folder in sorted({str(PurePosixPath(rel).parent) for rel in stale}, reverse=True):
        for parent in [PurePosixPath(folder), *PurePosixPath(folder).parents]:
            if str(parent) == ".":
                break
            try:
                os.rmdir(staging / parent)  # only when it is empty
            except OSError:
                break


def _replace(path: Path, data: bytes) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    path.write_bytes(data)


def _swap(staging: Path, out: Path, spare: Path | None, trash: Path | None) -> None:
    """`staging` becomes `out`; the build it replaces becomes `spare`, or is removed."""
    if not out.exists():
        os.rename(staging, out)
        return
    if spare is not None:
        shutil.rmtree(spare, ignore_errors=True)
        spare.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(out, spare)
        except OSError:  # another file system: no spare
            pass
        else:
            os.rename(staging, out)
            return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, retired / out.name)
    os.rename(staging, out)
    _discard(retired, trash)
