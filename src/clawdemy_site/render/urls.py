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


def page_file(url: str) -> str:
    """The file that serves a page address: `a/b/` -> `a/b/index.html`, `` -> `index.html`."""
    return f"{url}index.html" if url.endswith("/") or url == "" else url
