"""Addresses inside the built site: every internal link is relative, so the site works anywhere."""

from __future__ import annotations

import posixpath


def relative_url(from_dir: str, to: str) -> str:
    """The relative address of `to` as seen from the page folder `from_dir`.

    Both are site-relative: `""` is the root, folders end with `/`
    (`neural-networks/02-x/`), files do not (`static/site.css`).
    """
    start = from_dir.rstrip("/") or "."
    target = to.rstrip("/") or "."
    rel = posixpath.relpath(target, start)
    if to.endswith("/") or to == "":
        rel = "./" if rel == "." else rel + "/"
    return rel
