"""Addresses inside the built site: every internal link is relative, so the site works anywhere."""

from __future__ import annotations


def _parts(address: str) -> list[str]:
    return [part for part in address.split("/") if part and part != "."]


def relative_url(from_dir: str, to: str) -> str:
    """The relative address of `to` as seen from the page folder `from_dir`.

    Both are site-relative: `""` is the root, folders end with `/`
    (`neural-networks/02-x/`), files do not (`static/site.css`). Computed on the strings
    alone (no file system, no current folder): a page asks this for every link it has.
    """
    start, target = _parts(from_dir), _parts(to)
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    rel = "/".join([".."] * (len(start) - common) + target[common:]) or "."
    if to.endswith("/") or to == "":
        rel = "./" if rel == "." else rel + "/"
    return rel
