"""A track's lesson list, worked out once for the pages of a folder, gives every page the
addresses it would work out for itself."""

from __future__ import annotations

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from clawdemy_site.render import templates
from clawdemy_site.render.templates import PageAddress, lesson_list_html
from clawdemy_site.render.urls import relative_url
from clawdemy_site.render.views import LessonEntry, TrackNav

ENV = jinja2.Environment(autoescape=True)
ENV.globals["lesson_list_html"] = lesson_list_html
TEMPLATE = ENV.from_string("{{ lesson_list_html(track, current) }}")

SEGMENTS = st.sampled_from(["t", "a", "b", "c", "references", "u"])
FOLDERS = st.lists(SEGMENTS, min_size=0, max_size=3).map(
    lambda parts: "".join(f"{p}/" for p in parts)
)


def track_of(urls: list[str]) -> TrackNav:
    entries = tuple(
        LessonEntry(number, f"Lesson <{number}> & co", "", 5, False, url)
        for number, url in enumerate(urls, start=1)
    )
    return TrackNav("t", "T", "", "t/", "t/exercises/", "t/print/", entries)


MARK = ' aria-current="page"'


def expected(track: TrackNav, page: str, current: int) -> str:
    items = "".join(
        f'  <li><a href="{escape(relative_url(page, entry.url))}"'
        f"{MARK if entry.number == current else ''}>"
        f'<span class="n">{entry.number}.</span> {escape(entry.title)}</a></li>\n'
        for entry in track.lessons
    )
    return f'<ol class="nav-lessons">\n{items}</ol>'


def test_sibling_pages_see_their_own_lesson_as_here_and_the_others_beside() -> None:
    track = track_of(["t/a/", "t/b/", "t/c/"])
    for page, current in [("t/a/", 1), ("t/b/", 2), ("t/b/references/", 2), ("t/c/", 3)]:
        html = TEMPLATE.render(track=track, current=current, url=PageAddress(page))
        assert html == expected(track, page, current), page
    assert 'href="./" aria-current="page"><span class="n">2.' in TEMPLATE.render(
        track=track, current=2, url=PageAddress("t/b/")
    )


@settings(max_examples=300, deadline=None)
@given(
    urls=st.lists(FOLDERS, min_size=1, max_size=6),
    pages=st.lists(FOLDERS, min_size=1, max_size=8),
    current=st.integers(min_value=0, max_value=6),
)
def test_every_page_gets_the_addresses_it_would_work_out(
    urls: list[str], pages: list[str], current: int
) -> None:
    templates._LISTED.clear()
    track = track_of(urls)
    for page in pages:
        html = TEMPLATE.render(track=track, current=current, url=PageAddress(page))
        assert html == expected(track, page, current), page
