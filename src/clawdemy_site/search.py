"""The site's search index, made by Pagefind from the built pages.

Pagefind reads the HTML of each page (only what a page marks `data-pagefind-body`: the
lessons' text and titles, never navigation) and returns a static bundle: its index and
fragments, its WebAssembly and the search UI's script and style. The site's `search.js`
loads that UI when the bundle is there; without scripts, or without the bundle, pages read
as before.

Pure but for the Pagefind service, a subprocess the `pagefind_bin` wheel ships, and the
scratch folder it reads the pages from: nothing is written where the site is built; the
caller passes the pages and writes what comes back.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

#: Where the bundle goes in the built site; `search.js` and the theme look for it there.
SEARCH_FOLDER = "pagefind"


class SearchUnavailable(Exception):
    """Pagefind (the `pagefind[bin]` package) is not installed, or its service failed."""


def search_index(pages: Mapping[str, bytes], *, language: str) -> dict[str, bytes]:
    """Pagefind's bundle for `pages` (site-relative page address, e.g. `track/01-x/`, to the
    page's HTML), as site-relative file paths under `pagefind/` to their bytes.

    Results link to `/<address>`: the search UI is told the site's base path, so they work
    under a base path too. `language` is the site's (`en`, `en-GB`, ...)."""
    return _run(_index(pages, language))


_Result = TypeVar("_Result")


def _run(work: Coroutine[Any, Any, _Result]) -> _Result:
    """Run `work` on an event loop of its own: beside a running one (a server, a browser
    driver) in a thread. A missing Pagefind is said in words."""
    try:
        asyncio.get_running_loop()
        inside_a_loop = True
    except RuntimeError:
        inside_a_loop = False
    try:
        if inside_a_loop:
            with ThreadPoolExecutor(max_workers=1) as pool:
                return pool.submit(asyncio.run, work).result()
        return asyncio.run(work)
    except (ImportError, FileNotFoundError) as exc:
        raise SearchUnavailable(
            "search needs Pagefind: install it with `pip install 'pagefind[bin]'`,"
            " or build with --no-search"
        ) from exc


async def _index(pages: Mapping[str, bytes], language: str) -> dict[str, bytes]:
    from pagefind.index import IndexConfig
    from pagefind.service import PagefindService

    config: IndexConfig = {"force_language": language.split("-")[0].lower() or "en"}
    with tempfile.TemporaryDirectory(prefix="clawdemy-search-") as scratch:
        # The pages go to a scratch folder that Pagefind reads in one request: its service
        # answers each request after a poll, so page-by-page requests cost ten times as long
        # (2.6 s against 0.35 s for this repository's 24 pages).
        site, bundle = Path(scratch) / "site", Path(scratch) / "bundle"
        for address, html in pages.items():
            name = PurePosixPath(
                address + "index.html" if address.endswith("/") or not address else address
            )
            if ".." in name.parts or name.is_absolute():
                raise ValueError(f"page address {address!r} leaves the site")
            target = site.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html)
        async with PagefindService() as service:
            index = await service.create_index(config)
            await index.add_directory(path=str(site))
            # Written to disk and read back: `get_files` sends the whole bundle through the
            # service's pipe, which stalls for good once it is large (a 1,000-lesson course).
            await index.write_files(output_path=str(bundle))
        return {
            f"{SEARCH_FOLDER}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
            for path in sorted(bundle.rglob("*"))
            if path.is_file()
        }


def index_folder(site: Path, *, language: str) -> None:
    """Write Pagefind's bundle for the built site in `site` into `site/pagefind/`: the build
    calls it on its staging folder, where every page already is, before the folder becomes
    the site."""
    _run(_index_folder(site, language))


async def _index_folder(site: Path, language: str) -> None:
    from pagefind.index import IndexConfig
    from pagefind.service import PagefindService

    config: IndexConfig = {"force_language": language.split("-")[0].lower() or "en"}
    async with PagefindService() as service:
        index = await service.create_index(config)
        await index.add_directory(path=str(site))
        await index.write_files(output_path=str(site / SEARCH_FOLDER))
