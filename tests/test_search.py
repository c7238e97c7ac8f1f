"""The search index: Pagefind bundles of whole tracks, made from the built lesson pages."""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main

search = pytest.importorskip("clawdemy_site.search")
pytest.importorskip("pagefind_bin")

ROOT = Path(__file__).resolve().parent.parent


def build(content: Path, out: Path, *extra: str) -> Path:
    result = CliRunner().invoke(
        main,
        [
            *("build", "-q", "--content", str(content)),
            *("--templates", str(ROOT / "templates"), "--out", str(out), *extra),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(ROOT / "content", tmp_path_factory.mktemp("search") / "out")


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def fragment(data: bytes) -> dict[str, object]:
    text = gzip.decompress(data)
    assert text.startswith(b"pagefind_dcd")
    found = json.loads(text[len(b"pagefind_dcd") :])
    assert isinstance(found, dict)
    return found


def fragments(folder: Path) -> dict[str, dict[str, object]]:
    """Each indexed page's fragment in the bundle `folder`, by its URL."""
    found = [fragment(path.read_bytes()) for path in folder.glob("fragment/*.pf_fragment")]
    return {str(f["url"]): f for f in found}


def test_the_site_lists_its_one_bundle_which_has_the_index_and_the_ui(built: Path) -> None:
    name = search.bundle_name("neural-networks")
    assert json.loads((built / "pagefind" / "bundles.json").read_bytes()) == {
        "bundles": [f"{name}/"]
    }
    assert sorted(p.name for p in (built / "pagefind").iterdir()) == [name, "bundles.json"]
    bundle = built / "pagefind" / name
    for file in ("pagefind-entry.json", "pagefind.js", "pagefind-ui.js", "pagefind-ui.css"):
        assert (bundle / file).is_file(), file
    entry = json.loads((bundle / "pagefind-entry.json").read_bytes())
    assert list(entry["languages"]) == ["en"]


def test_only_lessons_are_indexed_by_their_text_and_title(built: Path) -> None:
    by_url = fragments(built / "pagefind" / search.bundle_name("neural-networks"))
    lessons = sorted((ROOT / "content" / "neural-networks").glob("[0-9]*.md"))
    assert sorted(by_url) == [f"/neural-networks/{path.stem}/" for path in lessons]
    three = by_url["/neural-networks/03-weights-biases-and-the-squish/"]
    meta = three["meta"]
    assert isinstance(meta, dict) and meta["title"] == "Weights, biases, and the squish"
    content = str(three["content"])
    assert "sigmoid" in content
    # Navigation is not indexed: the sidebar's other lessons, the pager, the breadcrumbs.
    assert "Reading a handwritten digit" not in content
    assert "Next: lesson" not in content
    assert "Skip to content" not in content


@pytest.fixture
def eight(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lessons split into up to 8 bundles, as `search.BUNDLES` would have them once Pagefind
    can merge bundles cleanly (search.py says why it is 1)."""
    monkeypatch.setattr(search, "BUNDLES", 8)


def test_by_default_one_bundle_holds_every_lesson() -> None:
    assert search.BUNDLES == 1
    pages = {f"{slug}/01-x/index.html": slug for slug in ("t", "u", "v", "w")}
    assert search.plan_bundles(pages) == (search.Bundle("0", tuple(sorted(pages)), first=True),)


@pytest.mark.usefixtures("eight")
def test_a_track_always_goes_to_the_same_bundle_and_there_are_at_most_eight() -> None:
    assert search.bundle_name("neural-networks") == "6"
    assert search.bundle_name("t") == "3"
    names = {search.bundle_name(f"track-{n:03d}") for n in range(200)}
    assert names == {str(n) for n in range(8)}


@pytest.mark.usefixtures("eight")
def test_bundles_hold_whole_tracks_in_name_order_and_only_the_first_is_whole() -> None:
    tracks = {"t": "3", "v": "3", "u": "2", "w": "6"}
    assert {slug: search.bundle_name(slug) for slug in tracks} == tracks
    pages = {f"{slug}/0{n}-x/index.html": slug for slug in tracks for n in (1, 2)}
    bundles = search.plan_bundles(pages)
    assert [(b.name, b.first, b.folder) for b in bundles] == [
        ("2", True, "pagefind/2/"),
        ("3", False, "pagefind/3/"),
        ("6", False, "pagefind/6/"),
    ]
    assert bundles[1].pages == (
        "t/01-x/index.html",
        "t/02-x/index.html",
        "v/01-x/index.html",
        "v/02-x/index.html",
    )
    assert search.manifest(bundles) == b'{"bundles":["2/","3/","6/"]}\n'
    assert search.plan_bundles({}) == ()
    assert search.manifest(()) == b'{"bundles":[]}\n'


@pytest.fixture(scope="module")
def four_tracks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tracks")
    files: dict[str, str | bytes | None] = {"t/01-intro.md": None}
    for slug, word in (("t", "tangerine"), ("u", "umbrella"), ("v", "violin"), ("w", "walrus")):
        files[f"{slug}/track.yml"] = f"title: Track {slug}\nsummary: The {slug} track.\n"
        for n in (1, 2):
            body = f"A lesson about the {word} number {n}.\n\n## More\n\nText."
            files[f"{slug}/0{n}-{word}.md"] = lesson_text(n, title=f"{word} {n}", body=body)
    write_site(root, files)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "BUNDLES", 8)
        return build(root / "content", root / "out")


def test_each_track_is_searched_in_its_own_bundle_and_the_others_keep_only_their_index(
    four_tracks: Path,
) -> None:
    folder = four_tracks / "pagefind"
    listed = json.loads((folder / "bundles.json").read_bytes())["bundles"]
    assert listed == ["2/", "3/", "6/"]
    assert sorted(fragments(folder / "2")) == ["/u/01-umbrella/", "/u/02-umbrella/"]
    assert sorted(fragments(folder / "3")) == [
        "/t/01-tangerine/",
        "/t/02-tangerine/",
        "/v/01-violin/",
        "/v/02-violin/",
    ]
    assert sorted(fragments(folder / "6")) == ["/w/01-walrus/", "/w/02-walrus/"]
    first = set(tree(folder / "2"))
    assert {"pagefind.js", "pagefind-ui.js", "pagefind-worker.js", "wasm.en.pagefind"} <= first
    for name in ("3", "6"):
        kept = tree(folder / name)
        assert all(
            rel == "pagefind-entry.json" or rel.rsplit(".", 1)[-1].startswith("pf_") for rel in kept
        ), sorted(kept)
        assert any(rel.startswith("index/") for rel in kept)


@pytest.mark.usefixtures("eight")
def test_the_same_pages_give_the_same_bundles(four_tracks: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(four_tracks, site, ignore=shutil.ignore_patterns("pagefind"))
    pages = {p.relative_to(site).as_posix(): p.parent.parent.name for p in site.glob("*/0*/*.html")}
    search.write_bundles(site, search.plan_bundles(pages), language="en-GB")
    assert tree(site / "pagefind") == {
        rel: data for rel, data in tree(four_tracks / "pagefind").items() if rel != "bundles.json"
    }


def test_pagefind_reads_no_settings_of_the_authors(
    four_tracks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `pagefind.yml` where the build runs, or PAGEFIND_ variables, change nothing."""
    bundles = search.plan_bundles({"u/01-umbrella/index.html": "u"})
    plain, configured = tmp_path / "plain", tmp_path / "configured"
    for site in (plain, configured):
        shutil.copytree(four_tracks, site, ignore=shutil.ignore_patterns("pagefind"))
    search.write_bundles(plain, bundles, language="en")
    (tmp_path / "pagefind.yml").write_text("exclude_selectors: ['p']\nforce_language: fr\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAGEFIND_ROOT_SELECTOR", "nav")
    monkeypatch.setenv("PAGEFIND_EXCLUDE_SELECTORS", "p")
    search.write_bundles(configured, bundles, language="en")
    assert tree(configured / "pagefind") == tree(plain / "pagefind")
    written = fragments(plain / "pagefind" / bundles[0].name)
    content = str(written["/u/01-umbrella/"]["content"])
    assert "A lesson about the umbrella number 1." in content


def test_a_page_file_outside_the_site_is_refused(tmp_path: Path) -> None:
    bundle = search.Bundle("0", ("../x/index.html",), first=True)
    with pytest.raises(ValueError, match=r"page file '\.\./x/index\.html' leaves the site"):
        search.write_bundles(tmp_path, [bundle], language="en")


def test_without_pagefind_the_build_says_how_to_get_it_or_leave_search_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_site(tmp_path, {})
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)
    result = CliRunner().invoke(
        main,
        [
            *("build", "--content", str(tmp_path / "content")),
            *("--out", str(tmp_path / "out"), "--templates", str(ROOT / "templates")),
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "error: search needs Pagefind: install it with `pip install 'pagefind[bin]'`,"
        " or build with --no-search\n"
    )
    assert not (tmp_path / "out").exists()
    build(tmp_path / "content", tmp_path / "out", "--no-search")
    assert not (tmp_path / "out" / "pagefind").exists()
