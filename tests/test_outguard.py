"""Where a build may write: refuse_out_dir, and `clawdemy build --out` refusing at the CLI.

Everything happens under tmp_path with `home=tmp_path/"home"`; `/` is only ever
inspected by refuse_out_dir, never built into.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from clawdemy_testkit import write_site
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.outguard import BUILD_MARKER, refuse_out_dir


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """tmp_path/project with content/ (a valid site) and templates/, and tmp_path/home."""
    root = tmp_path / "project"
    write_site(root, {})
    (root / "templates").mkdir()
    (tmp_path / "home").mkdir()
    return root


def refuse(project: Path, out: Path) -> str | None:
    return refuse_out_dir(
        out,
        sources={
            "content folder": project / "content",
            "templates folder": project / "templates",
        },
        roots={"project root": project},
        home=project.parent / "home",
    )


REFUSED: list[tuple[str, Callable[[Path], Path], str]] = [
    ("root", lambda p: Path("/"), "is the root of the file system"),
    ("home", lambda p: p.parent / "home", "is the home folder"),
    ("holds-home", lambda p: p.parent, "holds the home folder"),
    ("project-root", lambda p: p, "is the project root"),
    ("content", lambda p: p / "content", "is the content folder"),
    ("templates", lambda p: p / "templates", "is the templates folder"),
    ("inside-content", lambda p: p / "content" / "t" / "site", "is inside the content folder"),
    ("inside-templates", lambda p: p / "templates" / "out", "is inside the templates folder"),
    ("content-via-dotdot", lambda p: p / "templates" / ".." / "content", "is the content folder"),
    (
        "non-empty-folder",
        lambda p: p / "notes",
        "is a folder that is not empty and was not made by clawdemy build",
    ),
    ("a-file", lambda p: p / "README.md", "is a file, not a folder"),
]


@pytest.mark.parametrize(
    ("make_out", "reason"),
    [pytest.param(make, reason, id=name) for name, make, reason in REFUSED],
)
def test_refused(project: Path, make_out: Callable[[Path], Path], reason: str) -> None:
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("keep me")
    (project / "README.md").write_text("readme")
    out = make_out(project)
    assert refuse(project, out) == f"`{out}` {reason}"
    assert (project / "notes" / "todo.txt").read_text() == "keep me"


def test_a_folder_holding_content_and_templates(tmp_path: Path) -> None:
    """Sources in a sub-folder of the project: the folder above them is refused."""
    project = tmp_path / "project"
    (project / "site" / "content").mkdir(parents=True)
    (project / "site" / "templates").mkdir()
    out = project / "site"
    reason = refuse_out_dir(
        out,
        sources={
            "content folder": project / "site" / "content",
            "templates folder": project / "site" / "templates",
        },
        roots={},
        home=tmp_path / "home",
    )
    assert reason == f"`{out}` holds the content folder"


ALLOWED: list[tuple[str, Callable[[Path], Path]]] = [
    ("new-folder", lambda p: p / "build"),
    ("new-nested-folder", lambda p: p / "out" / "site"),
    ("empty-folder", lambda p: p / "empty"),
    ("previous-build", lambda p: p / "previous"),
    ("outside-project", lambda p: p.parent / "elsewhere"),
    ("inside-home", lambda p: p.parent / "home" / "site"),
]


@pytest.mark.parametrize("make_out", [pytest.param(make, id=name) for name, make in ALLOWED])
def test_allowed(project: Path, make_out: Callable[[Path], Path]) -> None:
    (project / "empty").mkdir()
    (project / "previous").mkdir()
    (project / "previous" / "index.html").write_text("old")
    (project / "previous" / BUILD_MARKER).write_text("")
    assert refuse(project, make_out(project)) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("notes", None, id="non-empty-folder-is-only-read"),
        pytest.param("content", "`{out}` is the content folder", id="content-still-refused"),
    ],
)
def test_reading_allows_any_other_folder(project: Path, name: str, expected: str | None) -> None:
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("mine")
    out = project / name
    reason = refuse_out_dir(
        out,
        sources={"content folder": project / "content"},
        roots={"project root": project},
        home=project.parent / "home",
        replacing=False,
    )
    assert reason == (expected.format(out=out) if expected else None)


# --- the CLI ------------------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        pytest.param("content", "`content` is the content folder", id="content"),
        pytest.param("content/t", "`content/t` is inside the content folder", id="inside-content"),
        pytest.param("templates", "`templates` is the templates folder", id="templates"),
        pytest.param(".", "`.` is the project root", id="project-root"),
        pytest.param(
            "notes",
            "`notes` is a folder that is not empty and was not made by clawdemy build",
            id="non-empty-folder",
        ),
    ],
)
def test_cli_refuses_out_and_writes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, out: str, reason: str
) -> None:
    monkeypatch.chdir(project)
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("keep me")
    before = tree(project.parent)
    result = CliRunner().invoke(main, ["build", "--out", out], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.endswith(
        f"Error: Invalid value for --out: {reason}; choose another output folder\n"
    )
    assert "Traceback" not in result.output
    assert tree(project.parent) == before
    assert sorted(p.name for p in project.iterdir()) == ["content", "notes", "templates"]


def test_cli_refuses_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`Path.home()` is pointed at tmp_path/home, so the real home folder is never touched."""
    home = tmp_path / "home"
    project = home / "project"
    write_site(project, {})
    (project / "templates").mkdir()
    (home / "diary.txt").write_text("private")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(project)
    assert Path.home() == home
    result = CliRunner().invoke(main, ["build", "--out", str(home)], catch_exceptions=False)
    assert result.exit_code == 2
    assert f"Error: Invalid value for --out: `{home}` is the home folder;" in result.stderr
    assert sorted(p.name for p in home.iterdir()) == ["diary.txt", "project"]
