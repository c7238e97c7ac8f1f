"""What every command says: -q and -v, exit codes in --help, NO_COLOR, --version, python -m."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import NoReturn

import click
import pytest
from clawdemy_testkit import write_site
from click.testing import CliRunner

from clawdemy_site import console
from clawdemy_site.cli import main


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            if command.invoke_without_command:  # a command of its own too
                found.append((*prefix, name))
            found += commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


ALL = commands(main)


def test_every_command_is_listed() -> None:
    expected = {
        "build",
        "check",
        "check-links",
        "check-links merge",
        "init",
        "new lesson",
        "new track",
        "schema",
        "serve",
    }
    assert {" ".join(c) for c in ALL} == expected


@pytest.mark.parametrize("command", ALL, ids=[" ".join(c) for c in ALL])
def test_every_command_takes_q_and_v_and_documents_exit_codes(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "-q, --quiet" in text
    assert "-v, --verbose" in text
    assert "Exit codes: 0 success; 1 content errors, failing links or another failure" in text
    assert "2 wrong usage." in text


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {})
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["build", "-q"], id="build"),
        pytest.param(["check", "--quiet"], id="check"),
        pytest.param(["check-links", "--offline", "--no-cache", "-q"], id="check-links"),
    ],
)
def test_quiet_says_nothing_on_success(site: Path, args: list[str]) -> None:
    code, stdout, stderr = run(*args)
    assert (code, stderr) == (0, "")
    # check-links still prints its report on standard output: that is what it is run for.
    assert stdout == (
        "45 links: 45 ok\npassed: no link fails the run\n" if "check-links" in args else ""
    )


def test_quiet_still_reports_errors(site: Path) -> None:
    (site / "content/site.yml").write_text("title: T\n")
    assert run("build", "-q") == (
        1,
        "",
        "content/site.yml:1:1: error: site.yml is missing the required keys `base_url`,"
        " `language`\n1 error, 0 warnings\n",
    )


def test_verbose_names_the_templates_and_the_time(site: Path) -> None:
    code, stdout, stderr = run("build", "-v")
    assert (code, stdout) == (0, "")
    lines = stderr.splitlines()
    assert lines[0].startswith("templates: ") and lines[0].endswith("templates")
    assert lines[1] == "built 8 pages (1 lesson in 1 track) into build"
    assert re.fullmatch(r"\d+ files written in \d+\.\d\d s", lines[2])


def test_quiet_and_verbose_together_are_wrong_usage(site: Path) -> None:
    code, _, stderr = run("build", "-q", "-v")
    assert code == 2
    assert stderr.endswith("Error: -q and -v cannot be used together\n")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "color"),
    [
        pytest.param({}, True, id="terminal"),
        pytest.param({"NO_COLOR": "1"}, False, id="no-color"),
        pytest.param({"NO_COLOR": ""}, True, id="no-color-empty-is-unset"),
        pytest.param({"TERM": "dumb"}, False, id="dumb-terminal"),
    ],
)
def test_colour_follows_no_color(
    env: dict[str, str], color: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert console.use_color(Terminal()) is color
    assert console.use_color(io.StringIO()) is False


def test_no_progress_bar_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.delenv("CI", raising=False)
    assert console.show_progress() is True
    monkeypatch.setenv("CI", "true")
    assert console.show_progress() is False


def test_version_and_python_dash_m(tmp_path: Path) -> None:
    expected = f"clawdemy, version {version('clawdemy-site')}\n"
    assert run("--version") == (0, expected, "")
    done = subprocess.run(
        [sys.executable, "-m", "clawdemy_site", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, expected)


def test_the_command_leaves_with_click_s_exit_code_and_its_output_flushed(
    tmp_path: Path,
) -> None:
    """The command exits without tearing the interpreter down (`launch`): what it printed
    still arrives, and the exit code is the one click chose."""
    write_site(tmp_path, {"t/02-broken.md": "---\ntitle: [unclosed\n---\nBody.\n"})

    def command(*args: str) -> tuple[int, str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "clawdemy_site", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )
        return done.returncode, done.stdout, done.stderr

    code, out, err = command("check")
    assert (code, out) == (1, "")
    assert "content/t/02-broken.md:2:" in err
    code, out, err = command("build", "--content", "nowhere")
    assert (code, out) == (2, "")
    assert "there is no content folder `nowhere` here: run `clawdemy init`" in err
    code, out, err = command("schema", "--kind", "lesson")
    assert code == 0
    assert out.startswith("{") and out.endswith("}\n")


@pytest.mark.parametrize(
    ("command", "collecting"),
    [("build", False), ("check", False), ("serve", True), ("check-links --offline", True)],
)
def test_build_and_check_run_without_the_cycle_collector(
    monkeypatch: pytest.MonkeyPatch, command: str, collecting: bool
) -> None:
    """`launch` turns Python's cycle collector off for `build` and `check`, never for
    `serve`, which runs for hours, nor `check-links`, which may check in its own process."""
    import gc

    from clawdemy_site import cli, launch

    class Ended(Exception):
        pass

    def end(code: int) -> NoReturn:
        raise Ended(code)

    seen: list[bool] = []
    monkeypatch.setattr(sys, "argv", ["clawdemy", *command.split()])
    monkeypatch.setattr(cli, "main", lambda prog_name: seen.append(gc.isenabled()))
    monkeypatch.setattr(launch, "_end", end)
    try:
        with pytest.raises(Ended):
            launch.main()
    finally:
        gc.enable()
    assert seen == [collecting]
