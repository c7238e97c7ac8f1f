"""Issue 9, "What was found" 1-5: each finding through the real `clawdemy build`, with the
exact words an author reads and the page a learner gets.

Each test writes a small site under tmp_path (site.yml, track `t` with lesson 1, then the
files of the case) and builds it from tmp_path with the packaged theme.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, read_page, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main

Files = dict[str, str | bytes | None]


def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: Files) -> tuple[int, list[str]]:
    """Build the site of `files` into tmp_path/build; (exit code, diagnostic lines)."""
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, files)
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    return result.exit_code, [
        line for line in lines if ": error: " in line or ": warning: " in line
    ]


# --- 1. an email autolink ------------------------------------------------------------------


def test_an_email_autolink_is_a_mailto_link_and_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "First line.\n\nWrite to <someone@example.org> any time.\n"
    code, problems = build(tmp_path, monkeypatch, {"t/02-mail.md": lesson_text(2, body=body)})
    assert (code, problems) == (0, [])
    page = read_page(tmp_path / "build/t/02-mail/index.html")
    assert ("mailto:someone@example.org", "someone@example.org") in page.body_anchors


def test_a_broken_link_after_an_email_autolink_is_reported_on_its_own_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Mail <someone@example.org>.\n\n[gone](missing.md)\n"
    code, problems = build(tmp_path, monkeypatch, {"t/02-mail.md": lesson_text(2, body=body)})
    assert code == 1
    assert problems == [
        "content/t/02-mail.md:8:8: error: link `missing.md` names `t/missing.md`, which is not"
        " a lesson, a track or a published file under content/: write the path relative to"
        " this lesson file"
    ]


# --- 2. zero-padded lesson numbers ---------------------------------------------------------


@pytest.mark.parametrize(("stem", "written"), [("08-eight", "08"), ("010-ten", "010")])
def test_zero_padded_lesson_numbers_read_as_the_author_means(
    stem: str, written: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = lesson_text(1).replace("lesson: 1", f"lesson: {written}")
    code, problems = build(tmp_path, monkeypatch, {f"t/{stem}.md": text})
    assert (code, problems) == (0, [])
    page = read_page(tmp_path / f"build/t/{stem}/index.html")
    assert f"Lesson {int(written, 10)}" in page.text


def test_zero_padded_lesson_reference_names_lesson_ten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: Files = {
        "t/010-ten.md": lesson_text(10, title="Ten"),
        "t/02-two.md": lesson_text(2, "references:\n  - type: lesson\n    lesson: 010\n"),
    }
    code, problems = build(tmp_path, monkeypatch, files)
    assert (code, problems) == (0, [])
    page = read_page(tmp_path / "build/t/02-two/references/index.html")
    assert "Ten (lesson 10)." in page.text


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ('"08"', "`lesson` must be a whole number written in digits, not `08`: write `lesson: 8`"),
        ("8.0", "`lesson` must be a whole number, not the number 8.0"),
        ("eight", "`lesson` must be a whole number, not text"),
    ],
)
def test_a_lesson_number_still_wrong_says_what_to_write(
    written: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = lesson_text(8).replace("lesson: 8", f"lesson: {written}")
    code, problems = build(tmp_path, monkeypatch, {"t/08-eight.md": text})
    assert (code, problems) == (1, [f"content/t/08-eight.md:3:9: error: {message}"])


# --- 3. a site-wide asset folder -----------------------------------------------------------


def test_a_folder_without_lessons_or_track_yml_is_published_as_assets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: Files = {
        "images/logo.png": b"\x89PNG\r\n",
        "images/icons/dot.svg": "<svg/>",
        "t/02-pic.md": lesson_text(2, body="![The logo](../images/logo.png)\n"),
    }
    code, problems = build(tmp_path, monkeypatch, files)
    assert (code, problems) == (0, [])
    assert (tmp_path / "build/images/logo.png").read_bytes() == b"\x89PNG\r\n"
    assert (tmp_path / "build/images/icons/dot.svg").read_text() == "<svg/>"
    page = read_page(tmp_path / "build/t/02-pic/index.html")
    assert ("img", "src", "../../images/logo.png") in page.links


def test_a_folder_with_lessons_but_no_track_yml_is_still_a_track_missing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, problems = build(tmp_path, monkeypatch, {"u/01-a.md": lesson_text(1)})
    assert (code, problems) == (
        1,
        [
            "content/u/track.yml:1:1: error: track.yml is missing: track `u` needs a title and"
            " a summary"
        ],
    )


# --- 4. problems that were published without a word ----------------------------------------


def test_an_unknown_tex_command_is_a_warning_at_the_math(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Intro.\n\nSo $\\foo x + \\alpha$ holds.\n"
    code, problems = build(tmp_path, monkeypatch, {"t/02-m.md": lesson_text(2, body=body)})
    assert (code, problems) == (
        0,
        [
            "content/t/02-m.md:8:5: warning: the math `\\foo x + \\alpha` uses `\\foo`, which is"
            " not a TeX command that clawdemy knows: it is shown as the text `\\foo`; check its"
            " spelling"
        ],
    )


def test_an_unclosed_display_math_is_a_warning_at_its_dollars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Closed $$x$$ here.\n\nThen  $$ y + 1\n\nand more text.\n"
    code, problems = build(tmp_path, monkeypatch, {"t/02-m.md": lesson_text(2, body=body)})
    assert (code, problems) == (
        0,
        [
            "content/t/02-m.md:8:7: warning: `$$` opens display math that is never closed: add"
            " the closing `$$` (math between `$$` may span lines of one paragraph, not a blank"
            " line)"
        ],
    )


def test_escaped_and_coded_dollars_are_not_unclosed_math(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Costs \\$\\$ twice, and `$$` in code.\n\n```\n$$ in a block\n```\n"
    code, problems = build(tmp_path, monkeypatch, {"t/02-m.md": lesson_text(2, body=body)})
    assert (code, problems) == (0, [])


def test_a_link_with_a_space_is_a_warning_and_is_published_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Intro.\n\nSee [it](https://example.org/a b) now.\n"
    code, problems = build(tmp_path, monkeypatch, {"t/02-s.md": lesson_text(2, body=body)})
    assert (code, problems) == (
        0,
        [
            "content/t/02-s.md:8:10: warning: link `https://example.org/a b` contains a space:"
            " write `%20` for each space (`https://example.org/a%20b`)"
        ],
    )
    page = read_page(tmp_path / "build/t/02-s/index.html")
    assert ("https://example.org/a%20b", "it") in page.body_anchors


def test_an_empty_body_is_a_warning_at_the_closing_fence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "---\ntitle: Empty\nlesson: 2\nsummary: S.\n---\n\n  \n"
    code, problems = build(tmp_path, monkeypatch, {"t/02-e.md": text})
    assert (code, problems) == (
        0,
        [
            "content/t/02-e.md:5:1: warning: the lesson has no body: write the lesson below this"
            " closing `---`"
        ],
    )


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "100000000000000000000",
            "`minutes` is 100000000000000000000, more than ten hours: write a whole number"
            " from 1 to 600",
        ),
        ("1e20", "`minutes` must be a whole number written in digits, not `1e20`"),
        (
            "1e2",
            "`minutes` must be a whole number written in digits, not `1e2`: write `minutes: 100`",
        ),
    ],
)
def test_absurd_lesson_minutes_are_an_error(
    written: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = lesson_text(2, f"minutes: {written}\n")
    code, problems = build(tmp_path, monkeypatch, {"t/02-m.md": text})
    assert (code, problems) == (1, [f"content/t/02-m.md:5:10: error: {message}"])


def test_absurd_further_study_minutes_are_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = (
        "references:\n  - type: video\n    title: V\n    url: https://v.example/\n"
        "    note: N.\n    minutes: 99999999\n"
    )
    code, problems = build(tmp_path, monkeypatch, {"t/02-m.md": lesson_text(2, entry)})
    assert (code, problems) == (
        1,
        [
            "content/t/02-m.md:10:14: error: `minutes` is 99999999, more than a thousand hours:"
            " write a whole number from 1 to 60000"
        ],
    )


def test_two_tracks_with_one_position_are_a_warning_at_the_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: Files = {
        "t/track.yml": "title: T\nsummary: S.\nposition: 1\n",
        "u/track.yml": "title: U\nsummary: S.\nposition:  1\n",
        "u/01-a.md": lesson_text(1),
    }
    code, problems = build(tmp_path, monkeypatch, files)
    assert (code, problems) == (
        0,
        [
            "content/u/track.yml:3:12: warning: `position: 1` is also the position of track `t`"
            " (content/t/track.yml): give each track its own position; tied tracks are shown in"
            " folder-name order"
        ],
    )


# --- 5. small wrongs in what learners see --------------------------------------------------


def test_a_misspelt_track_slug_gets_did_you_mean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: Files = {
        "statistics/track.yml": "title: Stats\nsummary: S.\n",
        "statistics/01-a.md": lesson_text(1),
        "t/02-x.md": lesson_text(2, "references:\n  - type: lesson\n    lesson: statstics/1\n"),
    }
    code, problems = build(tmp_path, monkeypatch, files)
    assert (code, problems) == (
        1,
        [
            "content/t/02-x.md:7:13: error: `lesson` names track `statstics`, which does not"
            " exist; did you mean `statistics`?"
        ],
    )


def test_long_further_study_times_are_said_in_hours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = "".join(
        f"  - type: course\n    title: C{n}\n    url: https://c.example/{n}\n"
        f"    note: N.\n    minutes: {n}\n"
        for n in (45, 90, 130)
    )
    code, problems = build(
        tmp_path, monkeypatch, {"t/02-x.md": lesson_text(2, "references:\n" + entries)}
    )
    assert (code, problems) == (0, [])
    text = read_page(tmp_path / "build/t/02-x/references/index.html").text
    assert "C45. N. About forty-five minutes." in text
    assert "C90. N. About one and a half hours." in text
    assert "C130. N. About two hours." in text


def test_cross_track_leads_have_a_heading_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leads = "references:\n  - type: lesson\n    lesson: 1\n  - type: lesson\n    lesson: u/1\n"
    files: Files = {
        "u/track.yml": "title: Other\nsummary: S.\n",
        "u/01-a.md": lesson_text(1, title="Elsewhere"),
        "t/02-x.md": lesson_text(2, leads),
    }
    code, problems = build(tmp_path, monkeypatch, files)
    assert (code, problems) == (0, [])
    page = read_page(tmp_path / "build/t/02-x/references/index.html")
    # Short headings, each with its sentence as the lead line under it; lesson 1 is earlier.
    assert page.h2 == ["Earlier lessons", "In other tracks"]
    assert (
        "Where this leads inside this track. Intro (lesson 1)."
        " In other tracks Where this leads in other tracks." in page.text
    )
    assert "Where this leads in other tracks. Elsewhere (Other, lesson 1)." in page.text


@pytest.mark.parametrize(
    ("numbers", "heading"),
    [
        pytest.param((4, 5), "Later lessons", id="later"),
        pytest.param((2,), "Earlier lessons", id="earlier"),
        pytest.param((4, 1), "Related lessons", id="both-ways"),
    ],
)
def test_the_leads_heading_says_which_way_the_lessons_lie(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, numbers: tuple[int, ...], heading: str
) -> None:
    leads = "references:\n" + "".join(f"  - type: lesson\n    lesson: {n}\n" for n in numbers)
    files: Files = {
        f"t/0{n}-l{n}.md": lesson_text(n, leads if n == 3 else "", title=f"L{n}")
        for n in (2, 3, 4, 5)
    }
    code, problems = build(tmp_path, monkeypatch, files)
    assert (code, problems) == (0, [])
    page = read_page(tmp_path / "build/t/03-l3/references/index.html")
    assert page.h2 == [heading]
    # The seed's lead line stays whichever way the lessons lie.
    assert f"{heading} Where this leads inside this track." in page.text


def test_a_page_with_only_cross_track_leads_never_says_inside_this_track(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: Files = {
        "u/track.yml": "title: Other\nsummary: S.\n",
        "u/01-a.md": lesson_text(1, title="Elsewhere"),
        "t/02-x.md": lesson_text(2, "references:\n  - type: lesson\n    lesson: u/1\n"),
    }
    assert build(tmp_path, monkeypatch, files) == (0, [])
    page = read_page(tmp_path / "build/t/02-x/references/index.html")
    assert "inside this track" not in page.text


def test_heading_ids_are_meaningful_and_unique_in_any_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "## 你好世界\n\n## Привет мир\n\n## 你好世界\n\n## Café au lait\n\n## ???\n\n## !!!\n"
    code, problems = build(tmp_path, monkeypatch, {"t/02-x.md": lesson_text(2, body=body)})
    assert (code, problems) == (0, [])
    markup = (tmp_path / "build/t/02-x/index.html").read_text(encoding="utf-8")
    for heading in (
        '<h2 id="你好世界">',
        '<h2 id="привет-мир">',
        '<h2 id="你好世界_1">',
        '<h2 id="cafe-au-lait">',
        '<h2 id="section">',
        '<h2 id="section_1">',
    ):
        assert heading in markup


def test_links_to_non_latin_heading_ids_are_checked_like_any_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: Files = {
        "t/02-x.md": lesson_text(2, body="## 你好世界\n\nSee [here](#你好世界)."),
        "t/03-y.md": lesson_text(
            3, body="[there](02-x.md#%E4%BD%A0%E5%A5%BD%E4%B8%96%E7%95%8C) and [gone](02-x.md#你好)"
        ),
    }
    code, problems = build(tmp_path, monkeypatch, files)
    assert (code, problems) == (
        1,
        [
            "content/t/03-y.md:6:66: error: link `02-x.md#你好` names `#你好`, which is not an id"
            " on `t/02-x/`: link to one of its headings (their ids are their words in lowercase,"
            " joined by dashes)"
        ],
    )


def test_a_lesson_number_that_differs_from_the_file_says_both_ways_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = lesson_text(1).replace("lesson: 1", "lesson: 7")
    code, problems = build(tmp_path, monkeypatch, {"t/010-ten.md": text})
    assert (code, problems) == (
        1,
        [
            "content/t/010-ten.md:3:9: error: `lesson` is 7 but the file name says 010: write"
            " `lesson: 10`, or rename the file to `007-ten.md`"
        ],
    )
