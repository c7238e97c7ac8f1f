"""The search index: Pagefind's bundle made from the built pages, lessons only."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clawdemy_site.cli import main

search = pytest.importorskip("clawdemy_site.search")
pytest.importorskip("pagefind_bin")

ROOT = Path(__file__).resolve().parent.parent


def built_pages(out: Path) -> dict[str, bytes]:
    """Each built page by its site-relative address, as the build names pages."""
    pages = {}
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        pages[rel.removesuffix("index.html")] = path.read_bytes()
    return pages


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("search") / "out"
    result = CliRunner().invoke(
        main, ["build", "-q", "--content", str(ROOT / "content"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return search.search_index(built_pages(out), language="en")


def fragment(data: bytes) -> dict[str, object]:
    text = gzip.decompress(data)
    assert text.startswith(b"pagefind_dcd")
    found = json.loads(text[len(b"pagefind_dcd") :])
    assert isinstance(found, dict)
    return found


def test_the_bundle_has_the_index_and_the_ui(bundle: dict[str, bytes]) -> None:
    for name in ("pagefind-entry.json", "pagefind.js", "pagefind-ui.js", "pagefind-ui.css"):
        assert f"pagefind/{name}" in bundle
    assert all(path.startswith("pagefind/") for path in bundle)
    entry = json.loads(bundle["pagefind/pagefind-entry.json"])
    assert list(entry["languages"]) == ["en"]


def test_only_lessons_are_indexed_by_their_text_and_title(bundle: dict[str, bytes]) -> None:
    fragments = [fragment(data) for path, data in bundle.items() if path.endswith(".pf_fragment")]
    lessons = sorted((ROOT / "content" / "neural-networks").glob("[0-9]*.md"))
    assert sorted(str(f["url"]) for f in fragments) == [
        f"/neural-networks/{path.stem}/" for path in lessons
    ]
    by_url = {str(f["url"]): f for f in fragments}
    three = by_url["/neural-networks/03-weights-biases-and-the-squish/"]
    meta = three["meta"]
    assert isinstance(meta, dict) and meta["title"] == "Weights, biases, and the squish"
    content = str(three["content"])
    assert "sigmoid" in content
    # Navigation is not indexed: the sidebar's other lessons, the pager, the breadcrumbs.
    assert "Reading a handwritten digit" not in content
    assert "Next: lesson" not in content
    assert "Skip to content" not in content


def test_the_same_pages_give_the_same_bundle() -> None:
    pages = {"a/": b"<html lang='en'><body><main data-pagefind-body><h1>A</h1><p>word</p></main>"}
    assert search.search_index(pages, language="en") == search.search_index(pages, language="en")


def test_a_page_address_outside_the_site_is_refused() -> None:
    with pytest.raises(ValueError, match=r"page address '\.\./x/' leaves the site"):
        search.search_index({"../x/": b"<html></html>"}, language="en")
