"""`clawdemy init [DIR]`: write the starter site into a new or empty folder."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from clawdemy_site.errors import ClawdemyError
from clawdemy_site.scaffold import create_file
from clawdemy_site.starter import starter_files

#: What a folder may already hold and still count as empty: a fresh `git init` or clone.
ALLOWED = frozenset({".git"})


def init_site(folder: Path, *, title: str) -> list[Path]:
    """Write every starter file under `folder`; refuse a folder that holds anything else."""
    if folder.is_dir():
        present = sorted(entry.name for entry in folder.iterdir() if entry.name not in ALLOWED)
        if present:
            shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
            raise ClawdemyError(
                f"error: {folder} is not empty ({shown}); clawdemy init starts a site in a new"
                " or empty folder and never overwrites a file"
            )
    files = starter_files(title, version("clawdemy-site"))
    written = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(create_file(path, text))
    return written
