"""Addresses inside the built site: every internal link is relative, so the site works anywhere."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import unquote, urlsplit


@lru_cache(maxsize=1 << 16)
def _parts(address: str) -> tuple[str, ...]:
    """The folders and file of an address; pages ask for the same few thousand again and again."""
    return tuple(part for part in address.split("/") if part and part != ".")


def relative_url(from_dir: str, to: str) -> str:
    """The relative address of `to` as seen from the page folder `from_dir`.

    Both are site-relative: `""` is the root, folders end with `/`
    (`neural-networks/02-x/`), files do not (`static/site.css`). Computed on the strings
    alone (no file system, no current folder): a page asks this for every link it has.
    """
    start, target = _parts(from_dir), _parts(to)
    common, shorter = 0, min(len(start), len(target))
    while common < shorter and start[common] == target[common]:
        common += 1
    rel = "/".join((("..",) * (len(start) - common)) + target[common:]) or "."
    if to.endswith("/") or to == "":
        rel = "./" if rel == "." else rel + "/"
    return rel


def resolve_href(
    page: str, href: str, files: frozenset[str], base_path: str
) -> tuple[str | None, str]:
    """(the built file `href` names from `page`, or None; the fragment).

    `base_path` is the path of the site's base_url (`/course/`): an address
    starting with `/` must start with it.
    """
    parts = urlsplit(href)
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    if path.startswith("/"):
        if not path.startswith(base_path):
            return None, parts.fragment
        base, path = "", path[len(base_path) :] or "./"
    else:
        base = posixpath.dirname(page)
    target = posixpath.normpath(posixpath.join(base, path))
    if target.startswith(".."):
        return None, parts.fragment
    if path.endswith("/") or target in (".", ""):
        target = "index.html" if target in (".", "") else f"{target}/index.html"
    elif target not in files and f"{target}/index.html" in files:
        target = f"{target}/index.html"
    return (target if target in files else None), parts.fragment
