"""`clawdemy init [DIR]`: a starter site, in a new or empty folder, that builds with --strict."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.schema import json_schema

FILES = [
    "course/content/site.yml",
    "course/content/first-steps/track.yml",
    "course/content/first-steps/01-welcome.md",
    "course/.gitignore",
    "course/.vscode/extensions.json",
    "course/.github/workflows/site.yml",
    "course/schema/lesson.json",
    "course/schema/track.json",
    "course/schema/site.json",
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run("init", "course", "--title", "Linear algebra: a start")
    assert (code, stdout.splitlines()) == (0, FILES)
    assert stderr == (
        "\nnext: cd course && clawdemy serve, then open http://127.0.0.1:8000/;"
        ' add a lesson with `clawdemy new lesson first-steps "Title"`;'
        " clawdemy build --strict writes the site into build/\n"
    )
    monkeypatch.chdir(tmp_path / "course")
    return tmp_path / "course"


def test_the_starter_site_builds_strict_and_grows(course: Path) -> None:
    assert run("build", "--strict") == (0, "", "built 8 pages (1 lesson in 1 track) into build\n")
    assert run("check", "--strict") == (0, "", "content is valid\n")
    assert (
        run("new", "lesson", "first-steps", "Vectors")[1] == "content/first-steps/02-vectors.md\n"
    )
    assert run("new", "track", "matrices", "Matrices")[0] == 0
    assert run("build", "--strict") == (
        0,
        "",
        "built 15 pages (3 lessons in 2 tracks) into build\n",
    )
    # The new track.yml is wired to the schema as the starter's is.
    assert (
        (course / "content/matrices/track.yml")
        .read_text()
        .startswith("# yaml-language-server: $schema=../../schema/track.json\n")
    )


def test_the_starter_lesson_shows_each_feature(course: Path) -> None:
    assert run("build", "--strict")[0] == 0
    html = (course / "build/first-steps/01-welcome/index.html").read_text()
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    assert '<div class="codehilite">' in html
    references = (course / "build/first-steps/01-welcome/references/index.html").read_text()
    assert "The chapter this lesson follows" in references
    assert "One specific next step" in references
    assert (course / ".gitignore").read_text() == (
        "# clawdemy's output and its link history\nbuild/\n.clawdemy/\n"
    )
    site = yaml.safe_load((course / "content/site.yml").read_text())
    assert site["title"] == "Linear algebra: a start"


def test_the_schema_files_are_wired_and_current(course: Path) -> None:
    for kind in ("lesson", "track", "site"):
        written = json.loads((course / f"schema/{kind}.json").read_text())
        assert written == json_schema(kind)  # type: ignore[arg-type]
    # yaml-language-server reads the schema named by a modeline, relative to the file.
    for path, kind in [("content/site.yml", "site"), ("content/first-steps/track.yml", "track")]:
        first = (course / path).read_text().splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match is not None
        schema_file = ((course / path).parent / match[1]).resolve()
        assert schema_file == (course / f"schema/{kind}.json").resolve()
        data = yaml.safe_load((course / path).read_text())
        jsonschema.validate(data, json.loads(schema_file.read_text()))
    lesson = (course / "content/first-steps/01-welcome.md").read_text()
    front = yaml.safe_load(lesson.split("\n---\n", 1)[0].removeprefix("---\n"))
    jsonschema.validate(front, json_schema("lesson"))


def test_init_in_the_current_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # a fresh `git init` or clone still counts as empty
    code, stdout, stderr = run("init")
    assert (code, stdout.splitlines()[0]) == (0, "content/site.yml")
    assert stderr.startswith("\nnext: clawdemy serve, then")
    assert run("build", "--strict")[0] == 0


@pytest.mark.parametrize(
    ("present", "message"),
    [
        pytest.param(
            ["README.md"],
            "error: course is not empty (README.md); clawdemy init starts a site in a new or"
            " empty folder and never overwrites a file\n",
            id="one-file",
        ),
        pytest.param(
            ["a", "b", "c", "d", "e", "f", ".git"],
            "error: course is not empty (a, b, c, d, e, ...); clawdemy init starts a site in a"
            " new or empty folder and never overwrites a file\n",
            id="many-files",
        ),
    ],
)
def test_init_refuses_a_folder_that_is_not_empty(
    present: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "course").mkdir()
    for name in present:
        (tmp_path / "course" / name).write_text("mine\n") if name != ".git" else (
            tmp_path / "course" / name
        ).mkdir()
    assert run("init", "course") == (1, "", message)
    assert sorted(p.name for p in (tmp_path / "course").iterdir()) == sorted(present)


def test_init_refuses_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine\n")
    code, stdout, stderr = run("init", "notes.txt")
    assert (code, stdout) == (2, "")
    assert stderr.endswith(
        "Error: Invalid value for '[FOLDER]': Directory 'notes.txt' is a file.\n"
    )
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
