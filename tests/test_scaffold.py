"""`clawdemy new lesson` and `clawdemy new track`: names, numbers, text, and never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from clawdemy_testkit import lesson_text, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.errors import ClawdemyError
from clawdemy_site.scaffold import (
    create_file,
    next_lesson,
    next_position,
    slugify,
    title_slug,
    yaml_text,
)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        pytest.param("Gradient descent", "gradient-descent", id="words"),
        pytest.param("  What's a vector, really?! ", "what-s-a-vector-really", id="punctuation"),
        pytest.param("Équations différentielles", "equations-differentielles", id="accents"),
        pytest.param("Step 2: ReLU", "step-2-relu", id="digits"),
        pytest.param("日本語", "", id="nothing-ascii"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(
    ("existing", "number", "name"),
    [
        pytest.param([], 1, "01-new-one.md", id="empty-track"),
        pytest.param(["01-a.md", "02-b.md", "track.yml"], 3, "03-new-one.md", id="two-digits"),
        pytest.param(["001-a.md", "017-b.md"], 18, "018-new-one.md", id="three-digits"),
        pytest.param(["01-a.md", "05-b.md"], 6, "06-new-one.md", id="after-the-highest"),
        pytest.param(["99-a.md"], 100, "100-new-one.md", id="outgrows-the-width"),
        pytest.param(["1-bad.md", "notes.md", "02-a.md"], 3, "03-new-one.md", id="ignores-others"),
    ],
)
def test_next_lesson(existing: list[str], number: int, name: str) -> None:
    planned = next_lesson(existing, "new-one")
    assert (planned.number, planned.name) == (number, name)


@pytest.mark.parametrize(
    ("title", "letters"),
    [
        pytest.param("?!", "letters", id="punctuation"),
        # The title has letters, only none that an ASCII file name can hold.
        pytest.param("Ветки и слияния", "Latin letters", id="cyrillic"),
        pytest.param("分支", "Latin letters", id="chinese"),
    ],
)
def test_a_title_with_no_latin_letters_asks_for_a_slug(title: str, letters: str) -> None:
    with pytest.raises(ClawdemyError) as raised:
        title_slug(title, "--slug")
    assert raised.value.message == (
        f"error: the title {title!r} has no {letters} or digits to make a file name from:"
        " name the file with --slug SLUG (lowercase words of a-z and 0-9 joined by dashes,"
        " such as `first-steps`)"
    )


@pytest.mark.parametrize(
    ("positions", "expected"),
    [([], 1), ([1, 2], 3), ([None, 4, 2], 5), ([None], 1)],
)
def test_next_position(positions: list[int | None], expected: int) -> None:
    assert next_position(positions) == expected


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Plain words", "Plain words"),
        ("Gradient descent: the idea", '"Gradient descent: the idea"'),
        ("# not a comment", '"# not a comment"'),
        ("yes", '"yes"'),
        ("12", '"12"'),
        ('Say "hi"', 'Say "hi"'),
        ("- dash", '"- dash"'),
    ],
)
def test_yaml_text_reads_back_as_the_same_text(value: str, written: str) -> None:
    assert yaml_text(value) == written
    assert yaml.safe_load(f"key: {written}") == {"key": value}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {"t/02-second.md": lesson_text(2, title="Second")})
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_new_lesson_writes_the_next_file_and_builds_strict(site: Path) -> None:
    assert run("new", "lesson", "t", "Gradient descent: the idea") == (
        0,
        "content/t/03-gradient-descent-the-idea.md\n",
        "",
    )
    text = (site / "content/t/03-gradient-descent-the-idea.md").read_text()
    front = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    # Only the required fields are set; the optional ones are comments.
    assert front == {
        "title": "Gradient descent: the idea",
        "lesson": 3,
        "summary": "One sentence that says what this lesson gives the reader.",
    }
    for optional in ("minutes", "objectives", "draft", "references"):
        assert f"\n# {optional}:" in text
    assert run("build", "--strict") == (0, "", "built 12 pages (3 lessons in 1 track) into build\n")


def test_a_file_is_never_overwritten(tmp_path: Path) -> None:
    # The next number is above every lesson in the folder, so only a file written meanwhile
    # could be in the way: the file is opened exclusively, and an existing one is kept.
    target = tmp_path / "03-again.md"
    target.write_text("mine\n")
    with pytest.raises(ClawdemyError) as raised:
        create_file(target, "new text")
    assert raised.value.message == f"error: {target} already exists; nothing was written"
    assert target.read_text() == "mine\n"


def test_new_lesson_in_an_unknown_track_lists_the_tracks(site: Path) -> None:
    (site / "content/other").mkdir()
    (site / "content/other/track.yml").write_text("title: Other\nsummary: More.\n")
    assert run("new", "lesson", "basic", "Title") == (
        1,
        "",
        "error: there is no track `basic` in content (tracks: other, t);"
        ' make one with `clawdemy new track basic "Title"`\n',
    )
    assert sorted(p.name for p in (site / "content").rglob("*.md")) == [
        "01-intro.md",
        "02-second.md",
    ]


def test_new_lesson_outside_a_site_says_how_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for command, arguments in (("lesson", "TRACK TITLE"), ("track", "SLUG TITLE")):
        assert run("new", command, "t", "Title") == (  # wrong usage, said as `build` says it
            2,
            "",
            f"Usage: main new {command} [OPTIONS] {arguments}\n"
            f"Try 'main new {command} --help' for help.\n\n"
            "Error: Invalid value for '--content': there is no content folder `content` here:"
            " run `clawdemy init` to start a site, or name the folder with --content DIR\n",
        )


def test_new_track_takes_the_next_position_and_builds_strict(site: Path) -> None:
    (site / "content/t/track.yml").write_text("title: Basics\nsummary: The basics.\nposition: 4\n")
    assert run("new", "track", "linear-algebra", "Linear algebra") == (
        0,
        "content/linear-algebra/track.yml\ncontent/linear-algebra/01-introduction.md\n",
        "",
    )
    assert (site / "content/linear-algebra/track.yml").read_text() == (
        "title: Linear algebra\nsummary: One sentence that says what this track covers.\n"
        "position: 5\n"
    )
    assert run("build", "--strict")[0] == 0
    assert run("new", "lesson", "linear-algebra", "Vectors")[1] == (
        "content/linear-algebra/02-vectors.md\n"
    )


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        pytest.param(
            "Linear_Algebra",
            "error: `Linear_Algebra` is not a track slug: use lowercase words of a-z and 0-9"
            " joined by dashes, such as `linear-algebra`\n",
            id="not-a-slug",
        ),
        pytest.param("t", "error: content/t already exists; nothing was written\n", id="exists"),
    ],
)
def test_new_track_refuses(site: Path, slug: str, message: str) -> None:
    before = (site / "content/t/track.yml").read_text()
    assert run("new", "track", slug, "Title") == (1, "", message)
    assert (site / "content/t/track.yml").read_text() == before


def test_new_lesson_with_a_non_latin_title_takes_a_slug(site: Path) -> None:
    assert run("new", "lesson", "t", "Ветки и слияния") == (
        1,
        "",
        "error: the title 'Ветки и слияния' has no Latin letters or digits to make a file name"
        " from: name the file with --slug SLUG (lowercase words of a-z and 0-9 joined by"
        " dashes, such as `first-steps`)\n",
    )
    assert run("new", "lesson", "t", "Ветки и слияния", "--slug", "branches-and-merges") == (
        0,
        "content/t/03-branches-and-merges.md\n",
        "",
    )
    text = (site / "content/t/03-branches-and-merges.md").read_text()
    assert text.startswith("---\ntitle: Ветки и слияния\nlesson: 3\n")
    assert run("build", "--strict")[0] == 0


@pytest.mark.parametrize(
    ("slug", "example"),
    [
        pytest.param("Branches_Merges", "branches-merges", id="capitals"),
        pytest.param("ветки", "first-steps", id="cyrillic"),
        pytest.param("a--b", "a-b", id="double-dash"),
        pytest.param("-a", "a", id="leading-dash"),
    ],
)
def test_new_lesson_refuses_a_slug_that_is_not_one(site: Path, slug: str, example: str) -> None:
    assert run("new", "lesson", "t", "Title", "--slug", slug) == (
        1,
        "",
        f"error: `{slug}` is not a file name slug: use lowercase words of a-z and 0-9 joined"
        f" by dashes, such as `{example}`\n",
    )
    assert sorted(p.name for p in (site / "content/t").glob("*.md")) == [
        "01-intro.md",
        "02-second.md",
    ]


def test_new_track_with_a_non_latin_first_lesson_takes_its_slug(site: Path) -> None:
    assert run("new", "track", "git", "Гит", "--first-lesson", "Введение")[2] == (
        "error: the title 'Введение' has no Latin letters or digits to make a file name"
        " from: name the file with --first-lesson-slug SLUG (lowercase words of a-z and 0-9"
        " joined by dashes, such as `first-steps`)\n"
    )
    assert not (site / "content/git").exists()
    assert run(
        "new", "track", "git", "Гит", "--first-lesson", "Введение", "--first-lesson-slug", "intro"
    ) == (0, "content/git/track.yml\ncontent/git/01-intro.md\n", "")
    assert run("build", "--strict")[0] == 0
