"""Addresses inside the built site: every internal link is relative, so the site works anywhere."""

from __future__ import annotations

from functools import lru_cache


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
