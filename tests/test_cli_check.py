"""`clawdemy check`: what a build would report, templates included, as text, JSON or annotations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site, write_tree
from click.testing import CliRunner

from clawdemy_site.cli import main

NO_NOTE = "references:\n  - type: book\n    title: A book\n    url: https://example.org/book\n"
WARNING = (
    "the `book` entry `A book` has no `role` or `note`:"
    " say in a sentence why a learner should follow it"
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One warning (a book without a note) and one error (an unknown key)."""
    monkeypatch.chdir(tmp_path)
    write_site(
        tmp_path,
        {
            "t/01-intro.md": lesson_text(1, NO_NOTE, title="Intro"),
            "t/02-next.md": lesson_text(2, "minute: 3\n", title="Next"),
        },
    )
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_json_lists_every_diagnostic(site: Path) -> None:
    code, stdout, stderr = run("check", "--format", "json")
    assert (code, stderr) == (1, "1 error, 1 warning\n")
    assert json.loads(stdout) == {
        "diagnostics": [
            {
                "path": "content/t/01-intro.md",
                "line": 8,
                "column": 1,
                "severity": "warning",
                "message": WARNING,
            },
            {
                "path": "content/t/02-next.md",
                "line": 5,
                "column": 1,
                "severity": "error",
                "message": "unknown key `minute` in the front matter; did you mean `minutes`?",
            },
        ],
        "summary": {"errors": 1, "warnings": 1},
    }


def test_github_prints_one_annotation_a_diagnostic(site: Path) -> None:
    code, stdout, stderr = run("check", "--format", "github")
    assert (code, stderr) == (1, "1 error, 1 warning\n")
    assert stdout.splitlines() == [
        f"::warning file=content/t/01-intro.md,line=8,col=1::{WARNING}",
        "::error file=content/t/02-next.md,line=5,col=1::unknown key `minute` in the front"
        " matter; did you mean `minutes`?",
        "::notice title=clawdemy check::1 error, 1 warning",
    ]


@pytest.mark.parametrize(
    ("strict", "code", "stderr"),
    [
        pytest.param(False, 0, "", id="warnings-pass"),
        pytest.param(
            True, 1, "0 errors, 1 warning (--strict: warnings fail the run)\n", id="strict"
        ),
    ],
)
def test_a_warning_fails_only_under_strict(
    site: Path, strict: bool, code: int, stderr: str
) -> None:
    (site / "content/t/02-next.md").write_text(lesson_text(2, title="Next"))
    args = ["check", "--format", "json"] + (["--strict"] if strict else [])
    result = run(*args)
    assert (result[0], result[2]) == (code, stderr)
    assert json.loads(result[1])["summary"] == {"errors": 0, "warnings": 1}


def test_a_clean_site_in_github_format_prints_only_the_count(site: Path) -> None:
    (site / "content/t/01-intro.md").write_text(lesson_text(1, title="Intro"))
    (site / "content/t/02-next.md").write_text(lesson_text(2, title="Next"))
    assert run("check", "--format", "github") == (
        0,
        "::notice title=clawdemy check::0 errors, 0 warnings\n",
        "",
    )
    assert run("check") == (0, "", "content is valid\n")


def test_template_errors_are_reported_by_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {})
    write_tree(tmp_path / "theme", {"track.html": "{{ track.nope }}\n"})
    expected = (
        "theme/track.html:1:1: error: template error rendering t/:"
        " 'clawdemy_site.render.views.TrackNav object' has no attribute 'nope'"
    )
    assert run("check", "--templates", "theme") == (1, "", f"{expected}\n1 error, 0 warnings\n")
    # Without --templates the packaged theme is used, and it is fine.
    assert run("check") == (0, "", "content is valid\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "theme"]


def test_annotation_properties_are_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(
        tmp_path, {"a,b/track.yml": "title: T\nsummary: S.\n", "a,b/01-x.md": lesson_text(1)}
    )
    code, stdout, _ = run("check", "--format", "github")
    assert code == 1
    assert stdout.splitlines()[0] == (
        "::error file=content/a%2Cb/track.yml,line=1,col=1::track folder `a,b` must be lowercase"
        " words joined by dashes (`neural-networks`)"
    )
