"""Compiled templates kept between processes, in a folder only this user may write."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import jinja2
import pytest

from clawdemy_site.render.templates import make_environment

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path / f"clawdemy-templates-{os.getuid()}"


def test_a_new_environment_loads_what_an_earlier_one_compiled(
    temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_environment(TEMPLATES).get_template("lesson.html")
    assert stat.S_IMODE(temp.stat().st_mode) == 0o700
    assert len(list(temp.glob("*.cache"))) == 1

    env = make_environment(TEMPLATES)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(env, "compile", refuse)
    second = env.get_template("lesson.html")
    assert second.blocks.keys() == first.blocks.keys()


def test_a_changed_template_is_compiled_again(tmp_path: Path, temp: Path) -> None:
    (tmp_path / "own").mkdir()
    page = tmp_path / "own" / "page.html"
    page.write_text("one {{ x }}")
    assert make_environment(tmp_path / "own").get_template("page.html").render(x=1) == "one 1"
    page.write_text("two {{ x }}")
    assert make_environment(tmp_path / "own").get_template("page.html").render(x=1) == "two 1"


def test_a_folder_others_may_write_is_not_used(temp: Path) -> None:
    temp.mkdir(mode=0o700)
    temp.chmod(0o777)
    assert make_environment(TEMPLATES).bytecode_cache is None


def test_a_link_in_place_of_the_folder_is_not_followed(tmp_path: Path, temp: Path) -> None:
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    temp.symlink_to(tmp_path / "elsewhere")
    assert make_environment(TEMPLATES).bytecode_cache is None


def test_other_settings_never_share_compiled_code(temp: Path) -> None:
    env = make_environment(TEMPLATES)
    other = jinja2.Environment(autoescape=False)
    from clawdemy_site.render.templates import _compiled_templates

    mine, theirs = env.bytecode_cache, _compiled_templates(other)
    assert isinstance(mine, jinja2.FileSystemBytecodeCache)
    assert isinstance(theirs, jinja2.FileSystemBytecodeCache)
    assert mine.pattern != theirs.pattern
