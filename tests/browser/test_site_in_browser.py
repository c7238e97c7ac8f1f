"""The shipped site in a real browser: Debian's Chromium driven by Playwright, served from a
loopback http.server thread.

axe-core finds no violation on any page kind, light and dark, at 360 and 1280 px; nothing
wider than its box goes unreachable by keyboard; the first Tab reaches the skip link; the
theme toggle remembers its choice; the 404 page keeps its style and links under a base path
at any depth. A screenshot of each page kind, in each scheme and width, is saved to
`screenshots/` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from clawdemy_site.cli import main

playwright_api = pytest.importorskip("playwright.sync_api")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(os.environ.get("CLAWDEMY_SCREENSHOTS", ROOT / "screenshots"))
TRACK = "neural-networks"
LESSONS = sorted(path.stem for path in (ROOT / "content" / TRACK).glob("[0-9]*.md"))

#: One page of each kind (and every lesson), by the name its screenshot takes.
PAGES = {
    "home": "",
    "track": f"{TRACK}/",
    **{f"lesson-{slug[:2]}": f"{TRACK}/{slug}/" for slug in LESSONS},
    "references": f"{TRACK}/{LESSONS[1]}/references/",
    "credits": "credits/",
    "404": "no/such/page/",
    "exercises": f"{TRACK}/exercises/",
    "print": f"{TRACK}/print/",
}
SCREENSHOT_KINDS = {
    "home",
    "track",
    "lesson-03",
    "lesson-09",
    "references",
    "credits",
    "404",
    "exercises",
    "print",
}
VIEWPORTS = {"phone": 360, "desktop": 1280}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/setup test installs it)"
)


def build_site(content: Path, out: Path) -> Path:
    result = CliRunner().invoke(
        main,
        [
            "build",
            "-q",
            "--content",
            str(content),
            "--templates",
            str(ROOT / "templates"),
            "--out",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the built site under `prefix`; a missing page gets 404.html, as hosts do."""

    prefix = "/"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0missing")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_head(self) -> Any:
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html"
        if "\0" in str(target) or not target.exists():
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().send_head()


@pytest.fixture(scope="module")
def serve() -> Iterator[Any]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(root: Path, prefix: str = "/") -> str:
        handler = type("Handler", (_Handler,), {"prefix": prefix})
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{prefix}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, serve: Any) -> str:
    out = build_site(ROOT / "content", tmp_path_factory.mktemp("site") / "out")
    assert (out / "search" / "index.json").is_file()  # `clawdemy build` wrote it
    return str(serve(out))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def open_page(browser: Any, url: str, *, width: int, scheme: str) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    return page


def settle(page: Any) -> None:
    """Lazy images loaded and fonts ready, so screenshots and measurements show the page."""
    page.evaluate(
        """async () => {
          for (const img of document.querySelectorAll('img[loading="lazy"]')) img.loading = 'eager';
          await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
          await document.fonts.ready;
        }"""
    )


@pytest.mark.timeout(400)
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_axe_finds_no_violation_on_any_page_kind(
    browser: Any, site: str, viewport: str, scheme: str
) -> None:
    width = VIEWPORTS[viewport]
    axe = axe_module.Axe()
    found: dict[str, list[str]] = {}
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        page.goto(site + path)
        settle(page)
        results = axe.run(page)
        violations = results.response["violations"]
        if violations:
            found[name] = [
                f"{v['id']}: {node['target']}" for v in violations for node in v["nodes"]
            ]
        if name in SCREENSHOT_KINDS:
            page.screenshot(path=str(SHOTS / f"{name}-{scheme}-{width}.png"), full_page=True)
    context.close()
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


#: Every element that sticks out past the page's right edge, with the nearest box that scrolls
#: it, and every box that scrolls sideways, with whether it is focusable and named.
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const out = {pageScrolls: document.documentElement.scrollWidth > width, loose: [], scrollers: []};
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let up = el.parentElement;
    while (up && !scrolls(up)) up = up.parentElement;
    if (!up) out.loose.push(el.tagName + '.' + el.className);
  }
  for (const el of document.querySelectorAll('main *')) {
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 1) {
      out.scrollers.push({
        tag: el.tagName, focusable: el.tabIndex >= 0,
        role: el.getAttribute('role'), label: el.getAttribute('aria-label')});
    }
  }
  return out;
}"""


@pytest.mark.timeout(200)
def test_nothing_wide_is_out_of_reach_at_phone_width(browser: Any, site: str) -> None:
    page = open_page(browser, site, width=360, scheme="light")
    wide_seen = 0
    for name, path in PAGES.items():
        page.goto(site + path)
        settle(page)
        found = page.evaluate(OVERFLOW_SCRIPT)
        assert found["pageScrolls"] is False, name
        assert found["loose"] == [], name
        for scroller in found["scrollers"]:
            assert scroller["focusable"], (name, scroller)
            assert scroller["role"] == "region", (name, scroller)
            assert scroller["label"], (name, scroller)
        wide_seen += len(found["scrollers"])
    assert wide_seen > 0  # lesson 5's table and lesson 3's code are wider than a phone
    page.context.close()


@pytest.mark.parametrize("name", ["home", "lesson-03", "references", "404"])
def test_the_first_tab_reaches_the_skip_link(browser: Any, site: str, name: str) -> None:
    page = open_page(browser, site + PAGES[name], width=360, scheme="light")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className, document.activeElement.textContent]"
    )
    assert focused == ["skip-link", "Skip to content"]
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0  # shown on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"
    page.context.close()


def test_the_lesson_sidebar_and_contents_at_desktop_and_phone(browser: Any, site: str) -> None:
    url = site + PAGES["lesson-03"]
    page = open_page(browser, url, width=1280, scheme="light")
    sidebar = page.locator(".track-side")
    assert sidebar.is_visible()
    assert sidebar.locator(".nav-lessons a").count() == len(LESSONS)
    current = sidebar.locator('[aria-current="page"]')
    assert current.count() == 1 and "Weights, biases" in current.inner_text()
    assert page.locator(".toc-side").is_visible()
    assert not page.locator(".phone-nav").is_visible()
    page.set_viewport_size({"width": 360, "height": 900})
    assert not sidebar.is_visible()
    lessons = page.locator(".phone-nav details.lessons-box")
    assert lessons.is_visible() and lessons.get_attribute("open") is None
    page.locator(".phone-nav details.lessons-box summary").click()
    assert lessons.locator('[aria-current="page"]').is_visible()
    page.context.close()


def test_the_theme_toggle_is_remembered(browser: Any, site: str) -> None:
    page = open_page(browser, site + PAGES["lesson-03"], width=1280, scheme="light")
    background = "() => getComputedStyle(document.body).backgroundColor"
    code = "() => getComputedStyle(document.querySelector('.scroller-code')).backgroundColor"
    light = (page.evaluate(background), page.evaluate(code))
    toggle = page.locator(".theme-toggle")
    assert toggle.inner_text() == "Dark theme"
    toggle.click()
    dark = (page.evaluate(background), page.evaluate(code))
    assert light == ("rgb(252, 252, 250)", "rgb(248, 248, 248)")
    assert dark == ("rgb(18, 20, 24)", "rgb(13, 17, 23)")
    page.goto(site + PAGES["home"])
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert page.locator(".theme-toggle").inner_text() == "Light theme"
    page.context.close()


def test_without_scripts_the_system_scheme_rules(browser: Any, site: str) -> None:
    context = browser.new_context(java_script_enabled=False, color_scheme="dark")
    page = context.new_page()
    page.goto(site + PAGES["lesson-03"])
    assert page.locator(".theme-toggle").is_hidden()
    assert page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == (
        "rgb(18, 20, 24)"
    )
    context.close()


@pytest.mark.parametrize("depth", ["missing/", "a/b/c/missing.html"])
def test_404_keeps_its_style_and_links_under_a_base_path(
    browser: Any, serve: Any, tmp_path: Path, depth: str
) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    config = content / "site.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        "\n".join(
            "base_url: https://example.org/course/" if line.startswith("base_url:") else line
            for line in text.splitlines()
        )
        + "\n",
        encoding="utf-8",
    )
    base = serve(build_site(content, tmp_path / "out"), "/course/")
    page = open_page(browser, base + depth, width=360, scheme="light")
    assert page.locator("h1").inner_text() == "Page not found"
    color = page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
    assert color == "rgb(252, 252, 250)"  # site.css loaded
    page.locator(f'main a[href="/course/{TRACK}/"]').click()
    assert page.locator("h1").inner_text() == "Neural networks"
    page.context.close()


def test_each_lesson_carries_json_ld_with_the_fields(browser: Any, site: str) -> None:
    page = open_page(browser, site, width=1280, scheme="light")
    for index, slug in enumerate(LESSONS):
        page.goto(site + f"{TRACK}/{slug}/")
        scripts = page.locator('script[type="application/ld+json"]')
        assert scripts.count() == 1
        data = json.loads(scripts.text_content() or "")
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "LearningResource"
        assert data["name"] == page.locator("h1").inner_text()
        assert data["description"] == page.locator('meta[name="description"]').get_attribute(
            "content"
        )
        assert data["inLanguage"] == "en"
        assert re.fullmatch(r"PT[1-9][0-9]*M", data["timeRequired"])
        assert data["teaches"] == page.locator(".objectives li").all_inner_texts()
        course = data["isPartOf"]
        assert (course["@type"], course["name"]) == ("Course", "Neural networks")
        assert course["url"] == f"https://clawdemy.example/{TRACK}/"
        (source,) = data["isBasedOn"]
        assert source["@type"] == "CreativeWork"
        assert source["author"] == {"@type": "Person", "name": "Grant Sanderson"}
        assert source["license"] and source["url"].startswith("https://www.3blue1brown.com/")
        assert data["citation"], slug
        for work in data["citation"]:
            assert work["url"].startswith(("https://", "http://")) and work["name"]
        assert data["url"] == page.locator('link[rel="canonical"]').get_attribute("href")
        assert index + 1 == data["position"]
    page.goto(site + f"{TRACK}/")  # the course lists its lessons once, on its own page
    course = json.loads(page.locator('script[type="application/ld+json"]').text_content() or "")
    assert (course["@type"], course["name"]) == ("Course", "Neural networks")
    assert course["url"] == page.locator('link[rel="canonical"]').get_attribute("href")
    assert [part["url"] for part in course["hasPart"]] == [
        f"https://clawdemy.example/{TRACK}/{lesson}/" for lesson in LESSONS
    ]
    assert [part["position"] for part in course["hasPart"]] == list(range(1, len(LESSONS) + 1))
    page.context.close()


def test_pages_carry_open_graph_and_a_favicon(browser: Any, site: str) -> None:
    page = open_page(browser, site + PAGES["lesson-03"], width=1280, scheme="light")
    meta = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('meta[property], meta[name]')]
             .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))"""
    )
    canonical = f"https://clawdemy.example/{PAGES['lesson-03']}"
    assert meta["og:url"] == canonical
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "Weights, biases, and the squish · Clawdemy"
    assert meta["twitter:card"] == "summary"
    assert meta["og:description"] == meta["description"] == meta["twitter:description"]
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon == "../../static/favicon.svg"
    response = page.request.get(site + "static/favicon.svg")
    assert response.ok and response.body().startswith(b"<svg")
    robots = page.request.get(site + "robots.txt").text()
    assert "Sitemap: https://clawdemy.example/sitemap.xml" in robots.splitlines()
    page.context.close()


#: The links of the search box's results, as the page has them and as they resolve.
RESULT_LINKS = """() => [...document.querySelectorAll('.search-result-title')]
  .map(a => [a.getAttribute('href'), a.href])"""


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_search_finds_a_lesson_by_a_word_from_its_body(
    browser: Any, site: str, viewport: str
) -> None:
    """The word is in a section of lesson 3's body: its result links to that section."""
    page = open_page(browser, site + PAGES["track"], width=VIEWPORTS[viewport], scheme="light")
    page.get_by_role("searchbox").fill("squished")
    result = page.locator(".search-result-title").first
    result.wait_for(timeout=10_000)
    assert result.is_visible()
    lesson = f"{site}{TRACK}/03-weights-biases-and-the-squish/"
    links = [link for link in page.evaluate(RESULT_LINKS) if link[1].startswith(lesson + "#")]
    assert len(links) == 1, page.evaluate(RESULT_LINKS)
    (href, resolved) = links[0]
    assert href.startswith("../")  # relative to the page, as the site's other links are
    section = resolved.split("#", 1)[1]
    assert section  # a heading of the body, not the lesson's top
    page.locator(f'.search-result-title[href="{href}"]').click()
    page.wait_for_url(resolved)
    assert page.locator("h1").inner_text() == "Weights, biases, and the squish"
    heading = page.locator(f'[id="{section}"]')
    assert heading.evaluate("h => h.tagName") in ("H2", "H3", "H4")
    page.context.close()


def test_search_from_a_lesson_page_finds_a_lesson_of_another_track_under_a_base_path(
    browser: Any, serve: Any, tmp_path: Path
) -> None:
    """One box finds the other track's lessons, and their links keep the site's base path; a
    match in a section links to its heading; a title is shown as text, never as HTML."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    pools = content / "tide-pools"
    pools.mkdir()
    (pools / "track.yml").write_text("title: Tide pools\nsummary: Life between the tides.\n")
    (pools / "01-anemones.md").write_text(
        "---\ntitle: Anemones at low tide\nlesson: 1\nsummary: What stays wet.\n---\n"
        "A sea anemone closes into a jelly blob when the water drains away.\n"
    )
    (pools / "02-barnacles.md").write_text(
        "---\ntitle: A <b>bold</b> claim\nlesson: 2\nsummary: Who holds on.\n---\n"
        "Limpets hold on tight.\n\n## Where barnacles cling\n\n"
        "A barnacle glues its head to the rock and kicks food into its mouth.\n"
    )
    base = serve(build_site(content, tmp_path / "out"), "/course/")
    page = open_page(browser, base + f"{TRACK}/{LESSONS[2]}/", width=1280, scheme="light")
    box = page.get_by_role("searchbox")
    box.fill("anemone")
    found = page.locator('.search-result-title[href="../../tide-pools/01-anemones/"]')
    found.wait_for(timeout=10_000)
    # It comes first, and its link (to the lesson's top: the word is before any heading)
    # keeps the base path.
    assert page.evaluate(RESULT_LINKS)[0][1] == base + "tide-pools/01-anemones/"
    box.fill("squished")  # and this track's lessons, from the same box
    page.locator(
        f'.search-result-title[href^="../../{TRACK}/03-weights-biases-and-the-squish/"]'
    ).wait_for(timeout=10_000)
    box.fill("barnacle")
    bold = page.locator(
        '.search-result-title[href="../../tide-pools/02-barnacles/#where-barnacles-cling"]'
    )
    bold.wait_for(timeout=10_000)
    assert bold.inner_text() == "A <b>bold</b> claim"
    assert page.locator(".search-result b, .search-result script").count() == 0
    box.fill("tide pools")  # a track's title finds its lessons
    page.get_by_text("2 lessons match “tide pools”").wait_for(timeout=10_000)
    box.press("ArrowDown")  # from the box, down to the first result
    assert page.evaluate("document.activeElement.className") == "search-result-title"
    box.fill("a")
    page.get_by_text("Type a word of two letters or more.").wait_for(timeout=10_000)
    box.fill("anemone")
    found.click()
    page.wait_for_url("**/course/tide-pools/01-anemones/")
    assert page.locator("h1").inner_text() == "Anemones at low tide"
    page.context.close()


def test_without_scripts_there_is_no_search_box(browser: Any, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + PAGES["home"])
    assert page.locator("#search").is_hidden()
    assert page.locator("#search input, .search-results").count() == 0
    context.close()
