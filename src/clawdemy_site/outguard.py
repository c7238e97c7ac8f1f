"""Where a build may write: never over the project, its sources, `/` or the home folder."""

from __future__ import annotations

from pathlib import Path

#: A file in every build folder, so a later build knows it may replace that folder.
BUILD_MARKER = ".clawdemy-build"


def refuse_out_dir(
    out: Path,
    *,
    sources: dict[str, Path],
    roots: dict[str, Path],
    home: Path,
    replacing: bool = True,
) -> str | None:
    """Why `out` may not be written, or None when it may.

    `sources` names folders a build must never replace, hold or sit inside
    (`content/`, `templates/`); `roots` names folders it must never replace or
    hold, though it may sit inside them (the project root, the current folder).
    With `replacing=False` (a command that only reads `out`), a folder that
    clawdemy did not make is allowed too.
    """
    target = out.resolve()
    if target == Path(target.anchor):
        return f"`{out}` is the root of the file system"
    if target == home.resolve():
        return f"`{out}` is the home folder"
    if home.resolve().is_relative_to(target):
        return f"`{out}` holds the home folder"
    folders = {name: folder.resolve() for name, folder in {**sources, **roots}.items()}
    for name, folder in folders.items():  # "is the project root" before "holds the content"
        if target == folder:
            return f"`{out}` is the {name}"
    for name, folder in folders.items():
        if folder.is_relative_to(target):
            return f"`{out}` holds the {name}"
        if name in sources and target.is_relative_to(folder):
            return f"`{out}` is inside the {name}"
    if not replacing:
        return None  # only read: any other folder may be looked at
    if target.is_dir() and any(target.iterdir()) and not (target / BUILD_MARKER).exists():
        return f"`{out}` is a folder that is not empty and was not made by clawdemy build"
    if target.exists() and not target.is_dir():
        return f"`{out}` is a file, not a folder"
    return None
