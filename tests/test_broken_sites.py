"""Whole broken sites through the CLI: the exact report, exit code 1, nothing written.

tests/fixtures/sites/broken-*/ each hold a content/ folder and expected.txt,
the standard error `clawdemy build` must print when run from that folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
BROKEN = sorted(path.name for path in SITES.glob("broken-*"))
COUNT_LINE = re.compile(r"^\d+ errors?, \d+ warnings?$")


def test_there_are_broken_fixture_sites() -> None:
    assert BROKEN == ["broken-layout", "broken-references", "broken-yaml"]


@pytest.mark.parametrize("name", BROKEN)
def test_broken_site_report(
    name: str, templates_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = SITES / name
    monkeypatch.chdir(site)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["build", "--content", "content", "--templates", str(templates_dir), "--out", str(out)],
        catch_exceptions=False,
    )
    expected = (site / "expected.txt").read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == expected
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", BROKEN)
def test_check_reports_the_same_as_build(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    site = SITES / name
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (site / "expected.txt").read_text(encoding="utf-8")


# --- never a traceback ---------------------------------------------------------------------

HOSTILE: dict[str, dict[str, str | bytes | None]] = {
    "yaml-nested-3000-deep": {"t/02-x.md": "---\ntitle: " + "[" * 3000 + "]" * 3000 + "\n---\n"},
    "site-yml-nested-3000-deep": {"site.yml": "a: " + "{a: " * 3000 + "}" * 3000 + "\n"},
    "yaml-alias-bomb": {
        "t/02-x.md": "---\n"
        + "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]\n"
            for n, p in zip("bcdefgh", "abcdefg", strict=True)
        )
        + "---\n"
    },
    "yaml-nul-character": {"t/02-x.md": "---\ntitle: A\x00\nlesson: 2\nsummary: S\n---\n"},
    "lesson-not-utf8": {"t/02-x.md": b"---\ntitle: \xff\xfe\n---\n"},
    "site-yml-binary": {"site.yml": bytes(range(256))},
    "track-yml-a-list": {"t/track.yml": "- title: T\n"},
    "front-matter-a-number": {"t/02-x.md": "---\n42\n---\n"},
    "lesson-empty-file": {"t/02-x.md": ""},
    "lesson-a-date-title": {
        "t/02-x.md": lesson_text(2).replace("title: A lesson", "title: 2024-01-01")
    },
    "link-unclosed-ipv6": {"t/02-x.md": lesson_text(2, body="[x](http://[::1/)")},
    "link-percent-garbage": {"t/02-x.md": lesson_text(2, body="[x](%zz%.md) [y](..%2F..%2Fx)")},
    "markdown-nested-lists": {"t/02-x.md": lesson_text(2, body="- " * 600 + "x")},
    "markdown-nested-emphasis": {"t/02-x.md": lesson_text(2, body="*" * 5000 + "x" + "*" * 5000)},
    "math-unbalanced": {"t/02-x.md": lesson_text(2, body="$$" + "{" * 2000 + "$$")},
    "reference-entry-null": {"t/02-x.md": lesson_text(2, "references:\n  -\n")},
    "minutes-huge": {
        "t/02-x.md": lesson_text(2, "minutes: 99999999999999999999999999\ntitle: x\n")
    },
}


@pytest.mark.parametrize("files", [pytest.param(f, id=k) for k, f in HOSTILE.items()])
def test_broken_input_never_prints_a_traceback(
    files: dict[str, str | bytes | None],
    templates_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, files)
    result = CliRunner().invoke(
        main,
        ["build", "--templates", str(templates_dir), "--out", "build"],
        catch_exceptions=False,
    )
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert COUNT_LINE.match(lines[-1]), result.stderr
    assert all(re.match(r"^content/\S+:\d+:\d+: (error|warning): ", line) for line in lines[:-1])
    assert not (tmp_path / "build").exists()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_out_of_content_is_an_error(
    templates_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    content = write_site(tmp_path, {})
    (tmp_path / "secret.png").write_bytes(b"secret")
    (content / "t" / "images").mkdir()
    (content / "t" / "images" / "leak.png").symlink_to(tmp_path / "secret.png")
    result = CliRunner().invoke(
        main, ["build", "--templates", str(templates_dir), "--out", "build"], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "content/t/images/leak.png:1:1: error: this is a link to a file outside content/:"
        " copy the file in instead\n1 error, 0 warnings\n"
    )
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize(
    ("template", "text", "expected"),
    [
        pytest.param(
            "track.html",
            "{% block main %}{{ }\n",
            "templates/track.html:1:1: error: template syntax: unexpected '}'",
            id="syntax-error",
        ),
        pytest.param(
            "track.html",
            "{{ track.nope }}\n",
            "templates/track.html:1:1: error: template error rendering t/:"
            " 'clawdemy_site.render.views.TrackNav object' has no attribute 'nope'",
            id="undefined-attribute",
        ),
        pytest.param(
            # A template the site lacks comes from the packaged theme; one neither has is an error.
            "track.html",
            '{% include "nope.html" %}\n',
            "templates/nope.html:1:1: error: template `nope.html` is missing from the theme",
            id="missing-template",
        ),
    ],
)
def test_broken_template_is_a_diagnostic(
    template: str,
    text: str | None,
    expected: str,
    templates_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {})
    theme = tmp_path / "templates"
    theme.mkdir()
    for path in templates_dir.glob("*.html"):
        (theme / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    if text is None:
        (theme / template).unlink()
    else:
        (theme / template).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert "Traceback" not in result.output
    assert (result.exit_code, result.stderr) == (1, f"{expected}\n1 error, 0 warnings\n")
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("command", ["build", "check", "serve", "check-links"])
def test_a_command_run_outside_a_site_says_how_to_start_one(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [command], catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(
        "Error: Invalid value for '--content': there is no content folder `content` here:"
        " run `clawdemy init` to start a site, or name the folder with --content DIR\n"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["build", "--content", "missing"],
            "Error: Invalid value for '--content': there is no content folder `missing` here:"
            " run `clawdemy init` to start a site, or name the folder with --content DIR\n",
            id="content-missing",
        ),
        pytest.param(
            ["build", "--templates", "missing"],
            "Error: Invalid value for '--templates': Directory 'missing' does not exist.\n",
            id="templates-missing",
        ),
        pytest.param(
            ["check", "--content", "missing"],
            "Error: Invalid value for '--content': there is no content folder `missing` here:"
            " run `clawdemy init` to start a site, or name the folder with --content DIR\n",
            id="check-content-missing",
        ),
    ],
)
def test_missing_folders_are_wrong_usage(
    args: list[str], expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {})
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]
