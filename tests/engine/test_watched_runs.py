"""A run told which paths a watcher saw change (as `serve` tells it) takes every other
lesson file as it was, without asking the OS; a folder, content/ itself or a link is never
taken on trust."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site

from clawdemy_site.engine import Engine, EngineOptions, EngineResult

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    write_site(
        tmp_path,
        {
            "t/02-two.md": lesson_text(2, title="Two", body="First words."),
            "u/track.yml": "title: Other\nsummary: Another track.\n",
            "u/01-far.md": lesson_text(1, title="Far", body="Far away."),
        },
    )
    engine = Engine(EngineOptions(tmp_path / "content", TEMPLATES, parallel=False))
    assert engine.run().ok
    time.sleep(0.05)  # past the window in which a file's time cannot be trusted
    return engine


def page(result: EngineResult, name: str) -> str:
    return result.rendered[name].decode()


def edit(root: Path, rel: str) -> str:
    lesson = root / "content" / rel
    lesson.write_text(lesson.read_text().replace("First words.", "Second words."))
    return str(lesson.resolve())


def test_a_file_the_watcher_names_is_read_again(engine: Engine, tmp_path: Path) -> None:
    path = edit(tmp_path, "t/02-two.md")
    result = engine.run(changed=[path])
    assert "Second words." in page(result, "t/02-two/index.html")


def test_a_file_the_watcher_did_not_name_is_taken_as_it_was(engine: Engine, tmp_path: Path) -> None:
    """What the watcher says is trusted (the edit is not seen), while a run without its
    word asks the OS and sees it."""
    edit(tmp_path, "t/02-two.md")
    elsewhere = str((tmp_path / "content" / "u" / "01-far.md").resolve())
    assert "t/02-two/index.html" not in engine.run(changed=[elsewhere]).rendered
    assert "Second words." in page(engine.run(), "t/02-two/index.html")


@pytest.mark.parametrize("named", ["t", ""])
def test_a_folder_the_watcher_names_has_each_lesson_read_again(
    engine: Engine, tmp_path: Path, named: str
) -> None:
    edit(tmp_path, "t/02-two.md")
    folder = str((tmp_path / "content" / named).resolve()).rstrip("/")
    result = engine.run(changed=[folder])
    assert "Second words." in page(result, "t/02-two/index.html")


def test_a_linked_lesson_file_is_always_looked_at(tmp_path: Path) -> None:
    write_site(tmp_path, {"u/track.yml": "title: Other\nsummary: Another track.\n"})
    real = tmp_path / "content" / "u" / "real.txt"
    real.write_text(lesson_text(1, title="Far", body="First words."))
    os.symlink("real.txt", tmp_path / "content" / "u" / "01-far.md")
    engine = Engine(EngineOptions(tmp_path / "content", TEMPLATES, parallel=False))
    assert engine.run().ok
    time.sleep(0.05)
    real.write_text(lesson_text(1, title="Far", body="Second words."))
    result = engine.run(changed=[str(real.resolve())])
    assert "Second words." in page(result, "u/01-far/index.html")
