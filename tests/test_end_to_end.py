"""The shipped site (content/ and templates/ of this repository), built through the CLI.

The references page of lesson 2 must show every fact of the seed page
(tests/fixtures/seeds/lesson-2-references.txt, a copy of the one the contract
names), and the whole build must hang together: one <h1> and a skip link on
every page, and every internal link and anchor resolving inside the build.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from clawdemy_testkit import Page, normalise, read_page
from click.testing import CliRunner

from clawdemy_site.cli import main

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
SEED = Path(__file__).resolve().parent / "fixtures" / "seeds" / "lesson-2-references.txt"
TRACK = "neural-networks"
LESSON_2 = f"{TRACK}/02-neurons-as-numbers"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("e2e") / "site"
    result = CliRunner().invoke(
        main,
        ["build", "--content", str(CONTENT), "--templates", str(TEMPLATES), "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.endswith(f"into {out}\n")
    return out


def html_pages(root: Path) -> Iterator[Path]:
    return iter(sorted(root.rglob("*.html")))


def front_matter(path: Path) -> dict[str, object]:
    """A lesson's front matter read with plain PyYAML, independently of the product."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    assert isinstance(data, dict)
    return data


LESSON_FILES = sorted((CONTENT / TRACK).glob("[0-9]*.md"))
LESSONS = [front_matter(path) for path in LESSON_FILES]


# --- the seed page -------------------------------------------------------------------------


def seed_lines() -> list[str]:
    lines = []
    for raw in SEED.read_text(encoding="utf-8").splitlines():
        line = normalise(raw.strip().lstrip("•").strip())
        if line:
            lines.append(line)
    return lines


@pytest.fixture(scope="module")
def references_page(built: Path) -> Page:
    return read_page(built / LESSON_2 / "references" / "index.html")


def test_seed_has_the_expected_shape() -> None:
    lines = seed_lines()
    assert lines[0] == "Skip to content"
    assert lines[1] == "References: Neurons as numbers, layers as structure"
    assert len(lines) == 20


@pytest.mark.parametrize("index", range(len(seed_lines())), ids=lambda i: f"seed-line-{i + 1}")
def test_every_seed_line_is_on_the_page(references_page: Page, index: int) -> None:
    line = seed_lines()[index]
    assert line in references_page.text


def test_seed_lines_appear_in_the_seed_order(references_page: Page) -> None:
    position = 0
    for line in seed_lines():
        found = references_page.text.find(line, position)
        assert found >= 0, f"not found after position {position}: {line!r}"
        position = found + len(line)


def test_references_heading_is_the_only_h1(references_page: Page) -> None:
    assert references_page.h1 == ["References: Neurons as numbers, layers as structure"]


def test_skip_link_is_the_first_link_in_body(references_page: Page) -> None:
    assert references_page.body_anchors[0] == ("#content", "Skip to content")
    assert "content" in references_page.ids
    assert references_page.text.startswith("Skip to content")


def test_sections_have_short_headings_with_the_seed_sentences_as_lead_lines(
    references_page: Page,
) -> None:
    assert references_page.h2 == ["Sources", "Further study", "Later lessons"]
    for heading, lead in [
        ("Sources", "Source curriculum (structural mirror, cited as further study):"),
        (
            "Further study",
            "A short, durable list. Each link is a specific next step, not a generic pile.",
        ),
        ("Later lessons", "Where this leads inside this track."),
    ]:
        assert f"{heading} {lead}" in references_page.text


def test_each_further_study_entry_names_its_kind_and_host(references_page: Page) -> None:
    for tag in [
        "Video · 3blue1brown.com But what is a Neural Network?",
        "Interactive · playground.tensorflow.org TensorFlow Playground.",
        "Book · neuralnetworksanddeeplearning.com Neural Networks and Deep Learning",
    ]:
        assert tag in references_page.text


def test_every_seed_url_is_a_link(references_page: Page) -> None:
    urls = re.findall(r"https?://[^\s)]+", SEED.read_text(encoding="utf-8"))
    assert urls == [
        "https://www.3blue1brown.com/lessons/neural-networks",
        "https://www.3blue1brown.com/?topic=neural-networks",
    ]
    hrefs = {value for tag, attribute, value in references_page.links if attribute == "href"}
    for url in urls:
        assert url in hrefs


def test_every_reference_url_of_lesson_2_is_a_link(references_page: Page) -> None:
    """The seed shows three URLs as text; the entries' other URLs are the titles' links."""
    hrefs = [value for _, attribute, value in references_page.links if attribute == "href"]
    lesson = LESSONS[1]
    references = lesson["references"]
    assert isinstance(references, list)
    expected = []
    for entry in references:
        if entry["type"] == "source":
            expected += [entry["url"], entry["series_url"], entry["companion"]["url"]]
        elif entry["type"] != "lesson":
            expected.append(entry["url"])
    for url in expected:
        assert url in hrefs


def test_lesson_entries_link_to_the_lessons(references_page: Page) -> None:
    anchors = dict(references_page.body_anchors)
    assert anchors["../../03-weights-biases-and-the-squish/"] == "Weights, biases, and the squish"
    assert anchors["../../05-what-learning-means/"] == "What “learning” really means"


# --- every page ----------------------------------------------------------------------------


def test_every_page_has_one_h1_and_a_skip_link(built: Path) -> None:
    pages = list(html_pages(built))
    # home, credits, 404; the track, its exercises and printable pages; each lesson and references
    assert len(pages) == 3 + 3 + 2 * len(LESSON_FILES)
    for path in pages:
        page = read_page(path)
        name = path.relative_to(built).as_posix()
        assert len(page.h1) == 1, name
        assert page.body_anchors[0] == ("#content", "Skip to content"), name
        assert "content" in page.ids, name


def test_lesson_pages_link_references_and_neighbours(built: Path) -> None:
    slugs = [path.stem for path in LESSON_FILES]
    for index, slug in enumerate(slugs):
        page = read_page(built / TRACK / slug / "index.html")
        assert page.h1 == [LESSONS[index]["title"]]
        assert ("references/", "References and further study for this lesson") in page.body_anchors
        pager = [
            (href, text)
            for href, text in page.body_anchors
            if text.startswith(("Previous:", "Next:"))
        ]
        expected = []
        if index > 0:
            expected.append(
                (
                    f"../{slugs[index - 1]}/",
                    f"Previous: lesson {index} {LESSONS[index - 1]['title']}",
                )
            )
        if index + 1 < len(slugs):
            expected.append(
                (
                    f"../{slugs[index + 1]}/",
                    f"Next: lesson {index + 2} {LESSONS[index + 1]['title']}",
                )
            )
        assert pager == expected, slug


def test_track_page_lists_lessons_in_order_with_total_minutes(built: Path) -> None:
    page = read_page(built / TRACK / "index.html")
    titles = [str(lesson["title"]) for lesson in LESSONS]
    positions = [page.text.find(f"Lesson {i + 1}. {title}") for i, title in enumerate(titles)]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    minutes = [lesson["minutes"] for lesson in LESSONS]
    assert all(isinstance(m, int) for m in minutes)
    total = sum(m for m in minutes if isinstance(m, int))
    assert f"{len(LESSONS)} lessons · {total} minutes in all" in page.text
    for lesson in LESSONS:
        assert str(lesson["summary"]) in page.text


def test_home_lists_the_track(built: Path) -> None:
    page = read_page(built / "index.html")
    assert page.h1 == ["Clawdemy"]
    assert ("neural-networks/", "Neural networks") in page.body_anchors
    assert "What a neural network is, from pixels to learning." in page.text


def test_credits_list_each_source_with_its_lessons(built: Path) -> None:
    page = read_page(built / "credits" / "index.html")
    by_source: dict[str, list[int]] = {}
    for number, lesson in enumerate(LESSONS, start=1):
        references = lesson["references"]
        assert isinstance(references, list)
        for entry in references:
            if entry["type"] == "source":
                by_source.setdefault(entry["title"], []).append(number)
    assert len(by_source) >= 1
    assert page.h2 == [f"3Blue1Brown, {title}" for title in by_source]
    for title, numbers in by_source.items():
        start = page.text.find(title)
        assert start >= 0
        section = page.text[start:]
        for number in numbers:
            lesson_title = str(LESSONS[number - 1]["title"])
            assert f"{lesson_title} (Neural networks, lesson {number})" in section
    assert "Creator: Grant Sanderson (text adaptation by Josh Pullen)" in page.text


def test_sitemap_lists_every_page(built: Path) -> None:
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = {
        "https://clawdemy.example/" + path.relative_to(built).parent.as_posix() + "/"
        for path in built.rglob("index.html")
    }
    pages = {page.replace("/./", "/") for page in pages}
    assert locs == pages


# --- internal links resolve ----------------------------------------------------------------


def internal_targets(built: Path) -> Iterator[tuple[str, str, str, str]]:
    """(page, link as written, target file, fragment) for every internal href/src."""
    base_path = urlsplit("https://clawdemy.example/").path
    for path in html_pages(built):
        page_rel = path.relative_to(built).as_posix()
        folder = posixpath.dirname(page_rel)
        for _, _, value in read_page(path).links:
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                continue
            if not parts.path:
                yield page_rel, value, page_rel, parts.fragment
                continue
            link_path = unquote(parts.path)
            if link_path.startswith("/"):  # 404.html: from the site's base path
                assert link_path.startswith(base_path), (page_rel, value)
                target = link_path[len(base_path) :]
            else:
                target = posixpath.normpath(posixpath.join(folder, link_path))
                if link_path.endswith("/") and target != ".":
                    target += "/"
            if target in (".", ""):
                target = "index.html"
            elif target.endswith("/"):
                target += "index.html"
            assert not target.startswith("../"), (page_rel, value)
            yield page_rel, value, target, parts.fragment


def test_every_internal_link_resolves(built: Path) -> None:
    checked = 0
    for page, value, target, fragment in internal_targets(built):
        assert (built / target).is_file(), f"{page}: `{value}` -> {target} is missing"
        if fragment:
            ids = read_page(built / target).ids
            assert fragment in ids, f"{page}: `{value}` -> no id `{fragment}` on {target}"
        checked += 1
    assert checked > 100


def test_body_links_between_lessons_are_rewritten(built: Path) -> None:
    """Lesson 2 links lessons 1, 3, 4 and 5 as `NN-x.md`; the page links their folders."""
    page = read_page(built / LESSON_2 / "index.html")
    body = [(href, text) for href, text in page.body_anchors if text.startswith("lesson ")]
    assert body == [
        ("../01-the-digit-problem/", "lesson 1"),
        ("../03-weights-biases-and-the-squish/", "lesson 3"),
        ("../05-what-learning-means/", "lesson 5"),
        ("../04-edges-loops-digits/", "lesson 4"),
    ]
    assert not any(href.endswith(".md") for _, _, href in page.links)
