"""`--strict` turns warnings into failures; `--drafts` publishes drafts. Exact output asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main

NO_NOTE = "references:\n  - type: book\n    title: A book\n    url: https://example.org/book\n"
WARNING = (
    "content/t/01-intro.md:8:1: warning: the `book` entry `A book` has no `role` or `note`:"
    " say in a sentence why a learner should follow it"
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {"t/01-intro.md": lesson_text(1, NO_NOTE, title="Intro")})
    return tmp_path


@pytest.mark.parametrize(
    ("command", "strict", "code", "stderr_tail"),
    [
        pytest.param("build", False, 0, "built 8 pages (1 lesson in 1 track) into out", id="build"),
        pytest.param(
            "build",
            True,
            1,
            "0 errors, 1 warning (--strict: warnings fail the run)",
            id="build-strict",
        ),
        pytest.param("check", False, 0, "content is valid", id="check"),
        pytest.param(
            "check",
            True,
            1,
            "0 errors, 1 warning (--strict: warnings fail the run)",
            id="check-strict",
        ),
    ],
)
def test_strict_fails_on_warnings(
    site: Path, templates_dir: Path, command: str, strict: bool, code: int, stderr_tail: str
) -> None:
    args = [command, "--content", "content"]
    if command == "build":
        args += ["--templates", str(templates_dir), "--out", "out"]
    result = CliRunner().invoke(main, [*args, *(["--strict"] if strict else [])])
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert WARNING in lines
    assert lines[-1] == stderr_tail
    assert (site / "out").exists() == (command == "build" and not strict)


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param("role: Runs every example of this lesson.", id="role"),
        pytest.param("note: Runs every example of this lesson, in the browser.", id="note"),
    ],
)
def test_a_further_study_entry_with_a_role_or_a_note_builds_strict(
    site: Path, templates_dir: Path, entry: str
) -> None:
    # `role` is "one line: why this one", so it answers the warning as `note` does.
    tool = f"  - type: tool\n    title: A tool\n    url: https://example.org/tool\n    {entry}\n"
    (site / "content/t/01-intro.md").write_text(
        lesson_text(1, "references:\n" + tool, title="Intro")
    )
    result = CliRunner().invoke(
        main, ["build", "--strict", "--templates", str(templates_dir), "--out", "out"]
    )
    assert (result.exit_code, result.stderr) == (
        0,
        "built 8 pages (1 lesson in 1 track) into out\n",
    )


def test_drafts_are_published_only_with_the_flag(
    tmp_path: Path, templates_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {"t/02-later.md": lesson_text(2, "draft: true\n", title="Later")})
    runner = CliRunner()
    base = ["build", "--content", "content", "--templates", str(templates_dir)]
    assert runner.invoke(main, [*base, "--out", "plain"]).exit_code == 0
    assert runner.invoke(main, [*base, "--out", "drafts", "--drafts"]).exit_code == 0
    assert not (tmp_path / "plain/t/02-later").exists()
    assert "Later" not in (tmp_path / "plain/t/index.html").read_text()
    assert (tmp_path / "drafts/t/02-later/index.html").is_file()
    assert "Draft" in (tmp_path / "drafts/t/02-later/index.html").read_text()
