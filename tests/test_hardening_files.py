"""Issue 9, scope 3: bad files through the real `clawdemy build`: each refused (or warned
about) at its file, line and column, exit 1 on an error, no traceback, nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from clawdemy_testkit import SITE_YML, TRACK_YML, lesson_text, read_page, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.content.load import MAX_TEXT_BYTES

Files = dict[str, str | bytes | None]
BOM = b"\xef\xbb\xbf"


def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: Files) -> tuple[int, list[str]]:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, files)
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = [
        line for line in result.stderr.splitlines() if ": error: " in line or ": warning: " in line
    ]
    if result.exit_code:
        assert not (tmp_path / "build").exists()
    return result.exit_code, lines


def test_a_byte_order_mark_is_accepted_in_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: Files = {
        "site.yml": BOM + SITE_YML.encode(),
        "t/track.yml": BOM + TRACK_YML.encode(),
        "t/02-bom.md": BOM + lesson_text(2, title="With a mark").encode(),
    }
    assert build(tmp_path, monkeypatch, files) == (0, [])
    assert read_page(tmp_path / "build/t/02-bom/index.html").h1 == ["With a mark"]


def test_a_byte_order_mark_does_not_move_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = lesson_text(2).replace("lesson: 2", "lesson: two")
    code, problems = build(tmp_path, monkeypatch, {"t/02-bom.md": BOM + text.encode()})
    assert (code, problems) == (
        1,
        ["content/t/02-bom.md:3:9: error: `lesson` must be a whole number, not text"],
    )


def test_windows_line_ends_leave_no_stray_carriage_return_on_any_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "::: exercise Stage one file\nRun `git add`.\n:::\n\n## Next\n\nText.\n"
    text = lesson_text(2, "objectives:\n  - Stage a file.\n", title="Windows", body=body)
    files: Files = {"t/02-windows.md": text.replace("\n", "\r\n").encode()}
    assert build(tmp_path, monkeypatch, files) == (0, [])
    pages = sorted((tmp_path / "build").rglob("*.html"))
    assert [page for page in pages if b"\r" in page.read_bytes()] == []
    exercises = read_page(tmp_path / "build/t/exercises/index.html")
    link = ("../02-windows/#exercise-stage-one-file", "Exercise 1: Stage one file")
    assert link in exercises.body_anchors


@pytest.mark.parametrize(
    ("rel", "text", "message"),
    [
        (
            "t/02-x.md",
            "---\n- title: A\n- lesson: 2\n---\nBody.\n",
            "2:1: error: the front matter must be a mapping of `key: value` lines, not a list",
        ),
        (
            "t/02-x.md",
            "---\nJust a sentence.\n---\nBody.\n",
            "2:1: error: the front matter must be a mapping of `key: value` lines, not text",
        ),
        (
            "t/track.yml",
            "- title: T\n",
            "1:1: error: track.yml must be a mapping of `key: value` lines, not a list",
        ),
        (
            "site.yml",
            "42\n",
            "1:1: error: site.yml must be a mapping of `key: value` lines, not the number 42",
        ),
    ],
)
def test_front_matter_or_yaml_that_is_not_a_mapping(
    rel: str, text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, problems = build(tmp_path, monkeypatch, {rel: text})
    assert code == 1
    assert f"content/{rel}:{message}" in problems


def test_a_lesson_over_the_size_cap_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = lesson_text(2, body="word " * (MAX_TEXT_BYTES // 5 + 1))
    code, problems = build(tmp_path, monkeypatch, {"t/02-big.md": big})
    size = f"{len(big.encode()) / 2**20:.1f}"
    assert (code, problems) == (
        1,
        [
            f"content/t/02-big.md:1:1: error: the file is {size} MiB, over the 5 MiB a content"
            " file may hold: split it, or move data into an asset file"
        ],
    )


def test_a_large_asset_is_not_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"\0" * (MAX_TEXT_BYTES + 1)
    assert build(tmp_path, monkeypatch, {"t/data/big.bin": data}) == (0, [])
    assert (tmp_path / "build/t/data/big.bin").stat().st_size == MAX_TEXT_BYTES + 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", ["t/pipe", "t/03-pipe.md", "pipe.yml"])
def test_a_named_pipe_is_a_warning_and_never_read(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_site(tmp_path, {})
    os.mkfifo(tmp_path / "content" / name)
    code, problems = build(tmp_path, monkeypatch, {})
    shown = name.rsplit("/", 1)[-1]
    assert (code, problems) == (
        0,
        [
            f"content/{name}:1:1: warning: `{shown}` is not a regular file (a pipe, socket or"
            " device): it is not read or published"
        ],
    )


@pytest.mark.parametrize(
    ("rel", "hint"),
    [
        ("t/notes.yml", ""),
        ("t/track.yaml", "; did you mean `track.yml`?"),
        ("site.yaml", "; did you mean `site.yml`?"),
        ("README.md", ""),
        ("t/images/draft.md", ""),
    ],
)
def test_files_that_are_neither_lessons_nor_assets_get_a_warning(
    rel: str, hint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, problems = build(tmp_path, monkeypatch, {rel: "title: x\n"})
    name = rel.rsplit("/", 1)[-1]
    assert (code, problems) == (
        0,
        [
            f"content/{rel}:1:1: warning: `{name}` is not published: lessons are `.md` files"
            " directly in a track folder, and `.md` and `.yml` files are never copied as assets"
            + hint
        ],
    )
    assert not (tmp_path / "build" / rel).exists()


def test_a_symlink_leading_outside_content_is_refused_and_not_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    write_site(tmp_path, {})
    (tmp_path / "content/t/leak.txt").symlink_to(secret)
    code, problems = build(tmp_path, monkeypatch, {})
    assert (code, problems) == (
        1,
        [
            "content/t/leak.txt:1:1: error: this is a link to a file outside content/: copy the"
            " file in instead"
        ],
    )
