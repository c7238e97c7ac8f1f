"""The fixture site tests/fixtures/sites/small, built with the real templates, byte for byte.

After an intended change of output, rewrite the expected tree with
`pytest tests/test_build_golden.py --update-golden` and review the diff in git.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from clawdemy_site.build import BuildOptions, build_site

GOLDEN = Path(__file__).resolve().parent / "golden" / "small"


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def first_difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """A readable account of how two trees differ (file lists, then the first changed file)."""
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    if missing or extra:
        return f"files missing from the build: {missing}; files not in the golden tree: {extra}"
    for name in sorted(expected):
        if expected[name] != actual[name]:
            try:
                before = expected[name].decode().splitlines()
                after = actual[name].decode().splitlines()
            except UnicodeDecodeError:
                return f"{name}: binary content differs"
            diff = difflib.unified_diff(
                before, after, f"golden/{name}", f"build/{name}", lineterm=""
            )
            return "\n".join(list(diff)[:60])
    return "no difference"


@pytest.fixture
def small_site(fixture_sites: Path) -> Path:
    return fixture_sites / "small" / "content"


def build(content: Path, templates: Path, out: Path, *, drafts: bool = False) -> dict[str, bytes]:
    result = build_site(BuildOptions(content, templates, out, drafts=drafts, search=False))
    assert result.warnings == ()
    return tree(out)


def test_small_site_matches_golden(
    small_site: Path, templates_dir: Path, tmp_path: Path, update_golden: bool
) -> None:
    built = build(small_site, templates_dir, tmp_path / "out")
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(tmp_path / "out", GOLDEN)
    expected = tree(GOLDEN)
    assert built == expected, first_difference(expected, built)


def test_build_is_reproducible(small_site: Path, templates_dir: Path, tmp_path: Path) -> None:
    assert build(small_site, templates_dir, tmp_path / "a") == build(
        small_site, templates_dir, tmp_path / "b"
    )


DRAFT_PAGE = "basics/03-subtracting/index.html"


def test_draft_is_absent_without_drafts(
    small_site: Path, templates_dir: Path, tmp_path: Path
) -> None:
    built = build(small_site, templates_dir, tmp_path / "out")
    assert not any(name.startswith("basics/03-subtracting/") for name in built)
    assert b"Subtracting" not in built["basics/index.html"]
    assert b"03-subtracting" not in built["sitemap.xml"]


def test_draft_is_present_with_drafts(
    small_site: Path, templates_dir: Path, tmp_path: Path
) -> None:
    built = build(small_site, templates_dir, tmp_path / "out", drafts=True)
    assert DRAFT_PAGE in built
    assert "basics/03-subtracting/references/index.html" in built
    page = built[DRAFT_PAGE].decode()
    assert "<h1>Subtracting (draft)</h1>" in page
    assert '<span class="badge">Draft</span>' in page
    # The draft follows lesson 2 in the pager and the track page.
    assert '<a rel="prev" href="../02-adding/"><span>Previous: lesson 2</span>' in page
    assert (
        '<a rel="next" href="../03-subtracting/">' in built["basics/02-adding/index.html"].decode()
    )
    assert "Subtracting (draft)</a>" in built["basics/index.html"].decode()
    assert b"https://small.example/course/basics/03-subtracting/" in built["sitemap.xml"]


def test_golden_tree_is_complete() -> None:
    """The golden tree holds what the fixture promises: both tracks, assets, every page kind."""
    names = set(tree(GOLDEN))
    assert {
        ".clawdemy-build",
        ".nojekyll",
        "404.html",
        "index.html",
        "credits/index.html",
        "sitemap.xml",
        "static/site.css",
        "static/pygments.css",
        "static/theme.js",
        "static/search.js",
        "search/index.json",  # of no pages: the golden build is made with --no-search
        "static/favicon.svg",
        "static/stix-math.woff2",
        "static/stix-math-OFL.txt",
        "robots.txt",
        "basics/index.html",
        "basics/01-counting/index.html",
        "basics/01-counting/references/index.html",
        "basics/02-adding/index.html",
        "basics/02-adding/references/index.html",
        "basics/images/dots.png",
        "basics/exercises/index.html",
        "basics/print/index.html",
        "advanced/index.html",
        "advanced/exercises/index.html",
        "advanced/print/index.html",
        "advanced/01-multiplying/index.html",
        "advanced/01-multiplying/references/index.html",
        "advanced/data/counts.csv",
    } == names
