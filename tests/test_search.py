"""The search index: each body's text and word counts, the files the build writes, and an
index changed in place being the index made anew."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from clawdemy_site import search
from clawdemy_site.cli import main
from clawdemy_site.render.searchtext import SearchText, body_search_text, search_words
from clawdemy_site.search import IndexedPage, IndexInMemory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "out"
    result = CliRunner().invoke(
        main,
        [
            *("build", "-q", "--content", str(ROOT / "content")),
            *("--templates", str(ROOT / "templates"), "--out", str(out)),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_words_are_decomposed_unmarked_lower_case_letters_and_digits_two_or_more_long() -> None:
    found = search_words("Café NAÏVE e=mc² x_y a İstanbul Straße 3D — 日本語… ΟΔΟΣ")
    assert sorted(found) == ["3d", "cafe", "istanbul", "mc2", "naive", "straße", "οδοσ", "日本語"]


def test_a_body_is_read_in_sections_its_headings_weigh_more_and_math_reads_as_its_text() -> None:
    body = (
        "<p>Neurons &amp; layers.</p>\n"
        '<div class="heading"><h2 id="the-squish">The <em>squish</em></h2>'
        '<a class="heading-anchor" href="#the-squish" aria-label="Link">#</a></div>\n'
        "<p>A sigmoid squish<br>"
        '<math display="inline"><mi>σ</mi><mo>(</mo><mi>x</mi><mo>)</mo></math>'
        " keeps <code>layers</code>.</p>"
        '<div class="codehilite"><pre><span class="k">def</span> squash():</pre></div>'
    )
    text = body_search_text(body)
    assert text.sections == (
        ("", "", "Neurons & layers."),
        ("the-squish", "The squish", "A sigmoid squish σ(x) keeps layers. def squash():"),
    )
    counts = dict(text.counts)
    assert counts["squish"] == 1 + 2  # once in the text, and in the heading
    assert counts["layers"] == 2 and counts["def"] == 1 and "mi" not in counts
    assert text.words == 8  # "a" is too short, and the heading is not the body


def test_footnote_marks_are_not_words_and_a_heading_with_a_class_still_starts_a_section() -> None:
    body = (
        '<p>Neurons fire<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>'
        ' often.</p>\n<div class="heading"><h2 class="wide" id="wide">Wide</h2></div>\n'
        '<div class="footnote"><ol><li id="fn:1"><p>Not always.&#160;<a class="footnote-backref"'
        ' href="#fnref:1" title="Jump back to footnote 1 in the text">&#8617;</a></p></li></ol>'
        "</div>"
    )
    assert body_search_text(body).sections == (
        ("", "", "Neurons fire often."),
        ("wide", "Wide", "Not always."),
    )


def test_only_lessons_are_indexed_with_their_title_track_and_text(built: Path) -> None:
    index = json.loads((built / "search" / "index.json").read_text())
    lessons = sorted((ROOT / "content" / "neural-networks").glob("[0-9]*.md"))
    assert index["version"] == 1 and index["pages"] == len(lessons)
    shown = [
        json.loads((built / "search" / "p" / f"{n}.json").read_text())
        for n in range(index["pages"])
    ]
    assert [page["url"] for page in shown] == [f"neural-networks/{p.stem}/" for p in lessons]
    three = shown[2]
    assert three["title"] == "Weights, biases, and the squish"
    assert three["track"] == "Neural networks"
    text = " ".join(section[2] for section in three["sections"])
    assert "sigmoid" in text
    # Navigation is not indexed: the sidebar's other lessons, the pager, the breadcrumbs.
    assert "Reading a handwritten digit" not in text and "Skip to content" not in text
    assert any(section[0] and section[1] for section in three["sections"])  # headings' ids
    shards = sorted(path.stem for path in (built / "search" / "t").glob("*.json"))
    assert index["shards"] == shards
    sigmoid = json.loads((built / "search" / "t" / "7369.json").read_text())["sigmoid"]
    assert 2 in sigmoid[::2] and all(1 <= weight <= 999 for weight in sigmoid[1::2])


def test_a_title_word_weighs_more_than_the_same_word_in_the_text() -> None:
    text = SearchText((("", "", "cats and dogs"),), (("and", 1), ("cats", 1), ("dogs", 1)), 3)
    page = IndexedPage("t/01-x/", "Dogs", "", "T", "t/01-x.md", "k")
    weights = search.page_weights(page, text)
    assert weights["dogs"] > weights["cats"] == weights["and"]


def test_a_file_of_the_authors_where_the_index_goes_is_refused_and_a_search_track_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clawdemy_testkit import TRACK_YML, lesson_text, write_site

    monkeypatch.chdir(tmp_path)
    lesson = lesson_text(1, title="Find", body="Look.")
    write_site(tmp_path, {"search/track.yml": TRACK_YML, "search/01-find.md": lesson})
    (tmp_path / "content" / "search" / "picture.png").write_bytes(b"png")
    (tmp_path / "content" / "search" / "t").mkdir()
    (tmp_path / "content" / "search" / "t" / "6c6f.json").write_text("{}")
    args = ["build", "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, [*args, "--templates", str(ROOT / "templates")])
    assert result.exit_code == 1
    assert result.stderr == (
        "content/search/t/6c6f.json:1:1: error: this file would be published where the search"
        " index (`search/`) goes: rename or move it\n"
        "1 error, 0 warnings\n"
    )
    (tmp_path / "content" / "search" / "t" / "6c6f.json").unlink()
    result = CliRunner().invoke(main, [*args, "--templates", str(ROOT / "templates")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "search" / "01-find" / "index.html").is_file()
    assert (tmp_path / "out" / "search" / "picture.png").read_bytes() == b"png"
    assert json.loads((tmp_path / "out" / "search" / "p" / "0.json").read_text())["title"] == "Find"


def test_without_search_the_index_has_no_pages(tmp_path: Path) -> None:
    """So that the theme's search.js finds it, and leaves the box hidden."""
    result = CliRunner().invoke(
        main,
        [
            *("build", "-q", "--no-search", "--content", str(ROOT / "content")),
            *("--templates", str(ROOT / "templates"), "--out", str(tmp_path / "out")),
        ],
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out" / "search").iterdir()] == ["index.json"]
    index = json.loads((tmp_path / "out" / "search" / "index.json").read_text())
    assert index == {"version": 1, "pages": 0, "shards": []}


# An index changed in place from the last one is the index made anew: pages drawn from a
# few words, then edits (a page's text, its title, a page added or removed), each applied
# to the state the last update left, with the texts and shards kept in between.

_WORDS = st.sampled_from(["ant", "anvil", "bee", "beetle", "cat", "zebra", "ça", "日本"])
_TEXTS = st.lists(_WORDS, min_size=0, max_size=12).map(" ".join)
_PAGES = st.dictionaries(
    st.sampled_from(["a/01-x/", "a/02-y/", "b/01-z/", "c/01-w/"]),
    st.tuples(st.sampled_from(["Ant", "Bee", "Zebra"]), _TEXTS),
    min_size=1,
)


def _index(memory: IndexInMemory, pages: Mapping[str, tuple[str, str]]) -> dict[str, bytes]:
    """`memory` brought up to `pages` (url: title, text); a body's key is its text."""
    texts = {url: (text, body_search_text(f"<p>{text}</p>")) for url, (_, text) in pages.items()}
    indexed = [
        IndexedPage(url, title, "", "Track", url, text)
        for url, (title, text) in sorted(pages.items())
    ]
    return memory.update(indexed, texts)


@settings(max_examples=80, deadline=None)
@given(first=_PAGES, data=st.data())
def test_an_index_changed_in_place_is_the_index_made_anew(
    first: dict[str, tuple[str, str]], data: st.DataObject
) -> None:
    """Through `IndexInMemory` (serve's), which stands in for the build's cache."""
    memory = IndexInMemory()
    _index(memory, first)
    pages = first
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        same = st.fixed_dictionaries(
            {url: _PAGES.map(lambda p: next(iter(p.values()))) for url in pages}
        )
        pages = data.draw(st.one_of(same, same, _PAGES), label="pages")  # mostly, same pages
        files = _index(memory, pages)
        anew = IndexInMemory()
        assert files == _index(anew, pages)
        assert memory._shards == anew._shards  # none left behind
