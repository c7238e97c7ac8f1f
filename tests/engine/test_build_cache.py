"""The build cache and the incremental writer: what is redone, what is kept, what is refused."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from clawdemy_testkit import lesson_text, write_site
from click.testing import CliRunner

from clawdemy_site import workers as workers_module
from clawdemy_site.build import BuildOptions, build_site
from clawdemy_site.buildcache import build_lock
from clawdemy_site.cli import main
from clawdemy_site.render.memo import BodyMemo

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAWDEMY_CACHE_DIR", str(tmp_path / ".clawdemy"))
    write_site(
        tmp_path,
        {
            "t/01-intro.md": lesson_text(1, title="Intro", body="Hello.\n\n## Part one\n\nText."),
            "t/02-next.md": lesson_text(2, title="Next", body="See [intro](01-intro.md#part-one)."),
            "u/track.yml": "title: Other\nsummary: Another track.\n",
            "u/01-far.md": lesson_text(1, title="Far", body="Far away."),
        },
    )
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["build", "--templates", str(TEMPLATES), "--no-search", *args],
        catch_exceptions=False,
    )
    return result.exit_code, result.stderr


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file()
    }


def test_a_body_edit_rewrites_only_its_lesson_page(site: Path) -> None:
    assert run()[0] == 0
    before = stamps(site / "build")
    lesson = site / "content" / "t" / "01-intro.md"
    lesson.write_text(lesson.read_text().replace("Hello.", "Hello again."))

    assert run()[0] == 0

    after = stamps(site / "build")
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == [".clawdemy-build", "t/01-intro/index.html", "t/print/index.html"]


def test_a_body_edit_stores_again_only_the_page_records_of_its_track(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clawdemy_site.buildcache import BuildCache

    stored: list[tuple[str, str]] = []
    save = BuildCache.save

    def spy(self: BuildCache, **kwargs: Any) -> None:
        puts = list(kwargs.pop("put", ()))
        stored.extend((kind, key) for kind, key, _ in puts if kind == "pages")
        save(self, put=puts, **kwargs)

    monkeypatch.setattr(BuildCache, "save", spy)
    assert run()[0] == 0
    assert sorted(stored) == [("pages", ""), ("pages", "credits"), ("pages", "t"), ("pages", "u")]
    stored.clear()
    lesson = site / "content" / "t" / "01-intro.md"
    lesson.write_text(lesson.read_text().replace("Hello.", "Hello again."))
    assert run()[0] == 0
    assert stored == [("pages", "t")]
    assert run("--drafts")[0] == 0  # nothing rendered again: no row written
    assert stored == [("pages", "t")]


def test_a_title_edit_rewrites_the_pages_that_show_it_and_nothing_in_other_tracks(
    site: Path,
) -> None:
    assert run()[0] == 0
    before = stamps(site / "build")
    lesson = site / "content" / "t" / "01-intro.md"
    lesson.write_text(lesson.read_text().replace("title: Intro", "title: Welcome"))

    assert run()[0] == 0

    after = stamps(site / "build")
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == [
        ".clawdemy-build",
        "index.html",  # the home page's card lists each lesson of the track
        "t/01-intro/index.html",
        "t/01-intro/references/index.html",
        "t/02-next/index.html",  # its "previous" link
        "t/index.html",
        "t/print/index.html",
    ]


def test_a_rebuild_with_no_change_writes_nothing(site: Path) -> None:
    assert run()[0] == 0
    before = stamps(site / "build")
    assert run()[0] == 0
    assert stamps(site / "build") == before


def test_a_hand_edited_output_file_is_written_again(site: Path) -> None:
    assert run()[0] == 0
    page = site / "build" / "t" / "index.html"
    original = page.read_bytes()
    page.write_text("vandalised")
    assert run()[0] == 0
    assert page.read_bytes() == original


def test_a_removed_output_folder_is_built_whole(site: Path) -> None:
    assert run()[0] == 0
    first = {k: (site / "build" / k).read_bytes() for k in stamps(site / "build")}
    os.rename(site / "build", site / "elsewhere")
    assert run()[0] == 0
    assert {k: (site / "build" / k).read_bytes() for k in stamps(site / "build")} == first


def test_a_corrupt_cache_is_discarded_with_a_note(site: Path) -> None:
    assert run()[0] == 0
    (site / ".clawdemy" / "build.sqlite").write_bytes(b"this is not a database" * 100)
    code, stderr = run()
    assert code == 0
    assert stderr.startswith(
        "note: the build cache .clawdemy/build.sqlite was discarded (file is not a database);"
        " building afresh\n"
    )


class _Recording(sqlite3.Connection):
    """A connection that notes each statement it runs, and may answer SQLite's integrity
    check with a failure."""

    statements: ClassVar[list[str]] = []
    failing_check: ClassVar[str | None] = None

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self.statements.append(sql)
        if sql.startswith("PRAGMA quick_check") and self.failing_check is not None:
            return super().execute("SELECT ?", (self.failing_check,))
        return super().execute(sql, *args)


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> type[_Recording]:
    connect = sqlite3.connect
    monkeypatch.setattr(_Recording, "statements", [])
    monkeypatch.setattr(_Recording, "failing_check", None)
    monkeypatch.setattr(
        "clawdemy_site.buildcache.sqlite3.connect",
        lambda *args, **kwargs: connect(*args, factory=_Recording, **kwargs),
    )
    return _Recording


def test_sqlite_checks_the_cache_unless_it_is_as_the_last_build_left_it(
    site: Path, recording: type[_Recording]
) -> None:
    def checked() -> bool:
        found = any(sql.startswith("PRAGMA quick_check") for sql in recording.statements)
        recording.statements.clear()
        return found

    database = site / ".clawdemy" / "build.sqlite"
    assert run()[0] == 0
    assert checked()  # a new cache
    lesson = site / "content" / "t" / "01-intro.md"
    lesson.write_text(lesson.read_text().replace("Hello.", "Hello again."))
    assert run()[0] == 0
    assert not checked()  # as the last build left it
    stat = database.stat()
    os.utime(database, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1000))  # touched since
    lesson.write_text(lesson.read_text().replace("Hello again.", "Hello once more."))
    assert run()[0] == 0
    assert checked()
    lesson.write_text(lesson.read_text().replace("once more", "at last"))
    assert run()[0] == 0
    assert not checked()


def test_sqlite_checks_the_cache_after_the_system_restarted(
    site: Path, recording: type[_Recording], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is never forced to the disk, so a system that stopped may have left it
    damaged: a new boot id makes the next build check it."""
    boot = tmp_path / "boot_id"
    boot.write_text("first-boot\n")
    monkeypatch.setattr("clawdemy_site.buildcache._BOOT_ID", boot)
    assert run()[0] == 0
    recording.statements.clear()
    assert run()[0] == 0
    assert not any(sql.startswith("PRAGMA quick_check") for sql in recording.statements)
    boot.write_text("second-boot\n")
    assert run()[0] == 0
    assert any(sql.startswith("PRAGMA quick_check") for sql in recording.statements)
    assert tuple(sql for sql in recording.statements if sql.startswith("PRAGMA synchronous"))[
        :1
    ] == ("PRAGMA synchronous=OFF",)


def test_a_cache_that_fails_sqlite_s_check_is_discarded_with_a_note(
    site: Path, recording: type[_Recording]
) -> None:
    assert run()[0] == 0
    (site / ".clawdemy" / "build.sqlite.checked").unlink()  # as after a killed build
    recording.failing_check = "row 3 missing from index"
    code, stderr = run()
    assert code == 0
    assert stderr.startswith(
        "note: the build cache .clawdemy/build.sqlite was discarded (SQLite's check of it"
        " failed: row 3 missing from index); building afresh\n"
    )


def test_a_cache_from_another_version_is_discarded_with_a_note(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run()[0] == 0
    monkeypatch.setattr("clawdemy_site.build.code_version", lambda: "another")
    code, stderr = run()
    assert code == 0
    assert stderr.startswith(
        "note: the build cache .clawdemy/build.sqlite was discarded (it was written by another"
        " version of clawdemy); building afresh\n"
    )


class _Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned",))


def test_a_tampered_cache_entry_cannot_run_code(site: Path) -> None:
    assert run()[0] == 0
    db = sqlite3.connect(site / ".clawdemy" / "build.sqlite")
    db.execute("UPDATE entries SET value = ?", (pickle.dumps(_Exploit()),))
    db.commit()
    db.close()
    before = {k: (site / "build" / k).read_bytes() for k in stamps(site / "build")}
    code, _ = run()
    assert code == 0
    assert not (site / "pwned").exists()
    assert {k: (site / "build" / k).read_bytes() for k in stamps(site / "build")} == before


def test_a_second_build_at_once_is_refused_and_says_why(site: Path) -> None:
    with build_lock(site / ".clawdemy"):
        code, stderr = run()
    assert code == 1
    assert stderr == (
        f"error: another clawdemy build of this project is running (pid {os.getpid()});"
        " wait for it to finish, then build again\n"
    )
    assert not (site / "build").exists()


def test_a_broken_fragment_in_a_body_fails_build_and_check_at_its_line(site: Path) -> None:
    lesson = site / "content" / "t" / "02-next.md"
    lesson.write_text(lesson.read_text().replace("#part-one", "#part-two"))
    message = (
        "content/t/02-next.md:6:13: error: link `01-intro.md#part-two` names `#part-two`,"
        " which is not an id on `t/01-intro/`: link to one of its headings (their ids are"
        " their words in lowercase, joined by dashes)\n1 error, 0 warnings\n"
    )
    code, stderr = run()
    assert (code, stderr) == (1, message)
    assert not (site / "build").exists()
    (site / "templates").symlink_to(TEMPLATES)
    checked = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert (checked.exit_code, checked.stderr) == (1, message)


def test_parallel_rendering_gives_the_same_bytes(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = BuildOptions(site / "content", TEMPLATES, site / "one", search=False)
    build_site(options)
    monkeypatch.setattr(workers_module, "POOL_MIN_ITEMS", 1)
    monkeypatch.setattr(workers_module.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("CLAWDEMY_CACHE_DIR", str(site / "fresh-cache"))
    build_site(BuildOptions(site / "content", TEMPLATES, site / "two", search=False))
    one, two = stamps(site / "one"), stamps(site / "two")
    assert one.keys() == two.keys()
    for name in one:
        assert (site / "one" / name).read_bytes() == (site / "two" / name).read_bytes(), name


def test_pool_workers_write_the_pages_they_render_into_the_staging_folder(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import clawdemy_site.write as write_module

    monkeypatch.setattr(workers_module, "POOL_MIN_ITEMS", 1)
    monkeypatch.setattr(workers_module.os, "cpu_count", lambda: 2)
    handed: list[tuple[set[str], set[str]]] = []
    real_write_site = write_module.write_site

    def spy(out: Path, files: dict[str, bytes], *args: Any, **kwargs: Any) -> None:
        handed.append((set(kwargs["staged"]), set(files)))
        real_write_site(out, files, *args, **kwargs)

    monkeypatch.setattr(write_module, "write_site", spy)
    assert run()[0] == 0
    [(staged, files)] = handed
    assert {"t/01-intro/index.html", "t/02-next/references/index.html"} <= staged
    assert not any(name.endswith(".html") for name in files)  # every page came staged
    assert "Hello." in (site / "build" / "t" / "01-intro" / "index.html").read_text()
    assert [p.name for p in site.iterdir() if ".tmp-" in p.name] == []


def test_a_build_that_fails_after_staging_pages_leaves_no_folder_behind(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers_module, "POOL_MIN_ITEMS", 1)
    monkeypatch.setattr(workers_module.os, "cpu_count", lambda: 2)
    assert run()[0] == 0
    before = tree(site / "build")
    shutil.rmtree(site / ".clawdemy" / "spare", ignore_errors=True)  # so the build stages
    lesson = site / "content" / "t" / "02-next.md"
    lesson.write_text(lesson.read_text().replace("#part-one", "#part-nine"))  # found late
    code, stderr = run()
    assert code == 1 and "#part-nine" in stderr
    assert tree(site / "build") == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == [".clawdemy"]


def test_lessons_parsed_ahead_in_a_cold_build_are_kept_for_the_next_one(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import clawdemy_site.content.load as load_module
    import clawdemy_site.engine as engine_module

    monkeypatch.setattr(workers_module, "POOL_MIN_ITEMS", 1)
    monkeypatch.setattr(workers_module.os, "cpu_count", lambda: 2)
    in_the_walk: list[str] = []

    def counted(text: str, path: str, track: str, stem: str) -> object:
        in_the_walk.append(path)
        return load_module.parse_lesson_text(text, path, track, stem)

    monkeypatch.setattr(engine_module, "parse_lesson_text", counted)
    assert run()[0] == 0
    assert in_the_walk == []  # every lesson was parsed ahead, in the pool
    lesson = site / "content" / "t" / "02-next.md"
    lesson.write_text(lesson.read_text() + "\nOne more line.\n")
    assert run()[0] == 0
    assert in_the_walk == ["content/t/02-next.md"]


def test_a_failed_write_keeps_the_rendered_bodies(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lessons and bodies are saved to the cache before the site is written: a write
    that fails keeps them, and the next build renders nothing again."""
    import clawdemy_site.engine as engine_module
    import clawdemy_site.write as write_module

    assert run()[0] == 0
    before = tree(site / "build")
    lesson = site / "content" / "t" / "01-intro.md"
    lesson.write_text(lesson.read_text().replace("Hello.", "Hello again."))

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as failing:
        failing.setattr(write_module, "write_site", full)
        code, stderr = run()
    assert (code, stderr) == (
        1,
        "error: cannot write the site into build: No space left on device;"
        " the previous build, if any, is left as it was\n",
    )
    assert tree(site / "build") == before
    pooled: list[tuple[str, int]] = []
    real_in_pool = engine_module.in_pool

    def counted(function: Callable[..., list[object]], items: list[object], **kw: Any) -> Any:
        pooled.append((function.__name__, len(items)))
        return real_in_pool(function, items, **kw)

    monkeypatch.setattr(engine_module, "in_pool", counted)
    assert run()[0] == 0
    assert ("render_bodies", 0) in pooled  # the edited body came from the cache
    assert "Hello again." in (site / "build" / "t" / "01-intro" / "index.html").read_text()


def _collecting(items: list[int]) -> list[bool]:
    import gc

    return [gc.isenabled() for _ in items]


def test_pool_workers_collect_cycles_when_the_build_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    monkeypatch.setattr(workers_module, "POOL_MIN_ITEMS", 1)
    monkeypatch.setattr(workers_module.os, "cpu_count", lambda: 2)
    gc.disable()
    try:
        seen = workers_module.in_pool(_collecting, [1, 2, 3, 4], initial=lambda: None)
    finally:
        gc.enable()
    assert seen == [True, True, True, True]


def _worker_exit(parent: int) -> int:
    """How a forked process that starts as a pool worker of `parent` ends."""
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's own exit code is what is checked
        try:
            workers_module._start_worker(parent)
        finally:
            os._exit(0)
    return os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])


def test_a_worker_whose_build_died_before_it_started_stops_at_once() -> None:
    assert _worker_exit(os.getpid()) == 0  # its build is alive: it works
    assert _worker_exit(os.getpid() + 1_000_000) == 1  # another parent: its build is gone


@pytest.mark.parametrize("html_kept", [True, False])
def test_pages_shown_again_get_their_bodies_from_the_cache_or_rendered_anew(
    site: Path, monkeypatch: pytest.MonkeyPatch, html_kept: bool
) -> None:
    assert run()[0] == 0
    if not html_kept:  # the HTML is kept apart from the body records; lost, it is made again
        db = sqlite3.connect(site / ".clawdemy" / "build.sqlite")
        with db:
            db.execute("DELETE FROM entries WHERE kind = 'html'")
        db.close()
    track = site / "content" / "t" / "track.yml"
    track.write_text(track.read_text().replace("title: Basics", "title: Renamed"))
    assert run()[0] == 0  # every page of track t shows its title: each body's HTML is needed
    monkeypatch.setenv("CLAWDEMY_CACHE_DIR", str(site / "cold-cache"))
    assert run("--out", "cold")[0] == 0
    built, cold = stamps(site / "build"), stamps(site / "cold")
    assert built.keys() == cold.keys()
    for name in built:
        assert (site / "build" / name).read_bytes() == (site / "cold" / name).read_bytes(), name
    assert b"Renamed" in (site / "build" / "t" / "01-intro" / "index.html").read_bytes()


@pytest.mark.parametrize("edited", ["t/01-intro.md", "u/01-far.md"])
def test_math_that_did_not_change_is_not_converted_again(
    site: Path, monkeypatch: pytest.MonkeyPatch, edited: str
) -> None:
    import sys

    from clawdemy_site.render import mathml

    intro, far = site / "content" / "t" / "01-intro.md", site / "content" / "u" / "01-far.md"
    intro.write_text(lesson_text(1, title="Intro", body="Hello: $a_1 + b$.\n\n## Part one\n"))
    far.write_text(lesson_text(1, title="Far", body="Far away: $x^2 + y^2$.\n"))
    with monkeypatch.context() as pooled:  # converted in workers, which keep nothing
        pooled.setattr(workers_module, "POOL_MIN_ITEMS", 1)
        assert run()[0] == 0
    monkeypatch.setattr(mathml, "MEMO", BodyMemo(4096, lambda key: True))  # a new process
    monkeypatch.setitem(sys.modules, "latex2mathml.converter", None)  # loading it fails
    lesson = site / "content" / edited
    lesson.write_text(lesson.read_text().replace(": $", ", edited: $"))
    assert run()[0] == 0
    page = (site / "build" / edited.removesuffix(".md") / "index.html").read_text()
    assert ', edited: <span class="math-run"><math' in page
    assert "<msub>" in page if edited.startswith("t/") else "<msup>" in page


@pytest.mark.parametrize("edited", ["t/01-intro.md", "u/01-far.md"])
def test_code_that_did_not_change_is_not_highlighted_again(
    site: Path, monkeypatch: pytest.MonkeyPatch, edited: str
) -> None:
    from markdown.extensions import codehilite

    from clawdemy_site.render import highlight

    intro, far = site / "content" / "t" / "01-intro.md", site / "content" / "u" / "01-far.md"
    code = "Hello.\n\n## Part one\n\n```python\ndef double(x):\n    return 2 * x\n```\n"
    intro.write_text(lesson_text(1, title="Intro", body=code))
    far.write_text(lesson_text(1, title="Far", body="Far.\n\n```sh\necho far\n```\n"))
    with monkeypatch.context() as pooled:  # highlighted in workers, which keep nothing
        pooled.setattr(workers_module, "POOL_MIN_ITEMS", 1)
        assert run()[0] == 0
    monkeypatch.setattr(highlight, "MEMO", BodyMemo(4096, lambda key: True))  # a new process

    def refused(*args: object, **kwargs: object) -> str:
        raise AssertionError("a code block was highlighted again")

    monkeypatch.setattr(codehilite, "highlight", refused)
    monkeypatch.setattr(codehilite, "get_lexer_by_name", refused)
    lesson = site / "content" / edited
    lesson.write_text(lesson.read_text().replace("Hello.", "Hello again.").replace("Far.", "Far!"))
    assert run()[0] == 0
    page = (site / "build" / edited.removesuffix(".md") / "index.html").read_text()
    assert "Hello again." in page if edited.startswith("t/") else "Far!" in page
    assert '<span class="k">def</span>' in page if edited.startswith("t/") else "echo" in page


def test_the_cache_lives_beside_content_by_default(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAWDEMY_CACHE_DIR")
    assert run()[0] == 0
    assert (site / ".clawdemy" / "build.sqlite").is_file()
    assert (site / ".clawdemy" / ".gitignore").read_text().endswith("*\n")


def test_an_unchanged_site_is_not_even_read_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    time.sleep(0.15)  # files written this close to a build are read again (racily clean)
    assert run()[0] == 0
    before = stamps(site / "build")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine ran although nothing changed")

    monkeypatch.setattr("clawdemy_site.build._build", refuse)
    code, stderr = run()
    assert (code, stderr) == (0, "built 15 pages (3 lessons in 2 tracks) into build\n")
    assert stamps(site / "build") == before


@pytest.mark.parametrize("change", ["content", "output", "templates-option"])
def test_any_change_is_noticed_by_the_quick_check(site: Path, change: str) -> None:
    time.sleep(0.15)
    assert run()[0] == 0
    page = site / "build" / "t" / "01-intro" / "index.html"
    args: tuple[str, ...] = ()
    if change == "content":
        lesson = site / "content" / "t" / "01-intro.md"
        lesson.write_text(lesson.read_text().replace("Hello.", "Hello, again."))
    elif change == "output":
        page.write_text("vandalised")
    else:
        (site / "mine").symlink_to(TEMPLATES)
        args = ("--templates", "mine")
    assert run(*args)[0] == 0
    text = page.read_text()
    assert "<h1>Intro</h1>" in text
    assert ("Hello, again." in text) == (change == "content")


def test_check_uses_a_build_cache_but_never_makes_or_changes_one(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "templates").symlink_to(TEMPLATES)
    checked = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert (checked.exit_code, checked.stderr) == (0, "content is valid\n")
    assert not (site / ".clawdemy").exists()
    assert run()[0] == 0
    database = site / ".clawdemy" / "build.sqlite"
    before = database.read_bytes()
    monkeypatch.setattr("clawdemy_site.build.code_version", lambda: "another")
    checked = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert checked.exit_code == 0
    assert database.read_bytes() == before


def search_stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {f"search/{rel}": stamp for rel, stamp in stamps(site / "build" / "search").items()}


def changed_since(site: Path, first: dict[str, tuple[int, int]]) -> list[str]:
    """The files of `search/` added, removed or written anew since `first`."""
    now = search_stamps(site)
    return sorted(rel for rel in now.keys() | first.keys() if now.get(rel) != first.get(rel))


def equals_cold_build(site: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("CLAWDEMY_CACHE_DIR", str(site / f"{name}-cache"))
    build_site(BuildOptions(site / "content", TEMPLATES, site / name))
    monkeypatch.setenv("CLAWDEMY_CACHE_DIR", str(site / ".clawdemy"))
    assert tree(site / name / "search") == tree(site / "build" / "search")


def test_a_body_edit_rewrites_its_search_page_and_the_shards_of_the_words_it_changed(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages are numbered in address order: t/01-intro 0, t/02-next 1, u/01-far 2."""
    options = BuildOptions(site / "content", TEMPLATES, site / "build")
    build_site(options)
    index = json.loads((site / "build" / "search" / "index.json").read_text())
    assert index["pages"] == 3
    first = search_stamps(site)
    (site / "content" / "notes.txt").write_text("an asset: no lesson page changes\n")
    build_site(options)
    assert changed_since(site, first) == []
    lesson = site / "content" / "t" / "01-intro.md"
    lesson.write_text(lesson.read_text().replace("Hello.", "Zebras."))
    build_site(options)
    # "hello" leaves the page, and its shard (6865); "zebras" comes, in a new shard (7a65),
    # so the list of shards changes too. The page's length is the same: no other weight is.
    # Swapped back, the same files change again.
    swapped = ["search/index.json", "search/p/0.json", "search/t/6865.json", "search/t/7a65.json"]
    assert changed_since(site, first) == swapped
    zebras = json.loads((site / "build" / "search" / "t" / "7a65.json").read_text())
    assert list(zebras) == ["zebras"] and zebras["zebras"][0] == 0
    assert not (site / "build" / "search" / "t" / "6865.json").exists()
    equals_cold_build(site, monkeypatch, "cold")
    first = search_stamps(site)
    lesson.write_text(lesson.read_text().replace("Zebras.", "Hello."))
    build_site(options)
    assert changed_since(site, first) == swapped
    equals_cold_build(site, monkeypatch, "cold-2")


def test_a_title_edit_a_new_track_and_its_removal_each_give_a_cold_builds_index(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = BuildOptions(site / "content", TEMPLATES, site / "build")
    build_site(options)
    far = site / "content" / "u" / "01-far.md"
    far.write_text(far.read_text().replace("title: Far", "title: Far horizons"))
    build_site(options)
    shown = json.loads((site / "build" / "search" / "p" / "2.json").read_text())
    assert shown["title"] == "Far horizons" and shown["url"] == "u/01-far/"
    equals_cold_build(site, monkeypatch, "cold-title")
    (site / "content" / "w").mkdir()
    (site / "content" / "w" / "track.yml").write_text("title: W\nsummary: A third track.\n")
    (site / "content" / "w" / "01-wide.md").write_text(lesson_text(1, title="Wide", body="W."))
    build_site(options)
    assert json.loads((site / "build" / "search" / "index.json").read_text())["pages"] == 4
    equals_cold_build(site, monkeypatch, "cold-added")
    shutil.rmtree(site / "content" / "w")
    build_site(options)
    assert not (site / "build" / "search" / "p" / "3.json").exists()
    equals_cold_build(site, monkeypatch, "cold-removed")


def test_search_files_changed_or_lost_in_the_output_and_rows_lost_from_the_cache_are_made_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    options = BuildOptions(site / "content", TEMPLATES, site / "build")
    build_site(options)
    search_folder = site / "build" / "search"
    (search_folder / "t" / "6865.json").unlink()
    (search_folder / "p" / "1.json").write_text("{}")
    lesson = site / "content" / "u" / "01-far.md"
    lesson.write_text(lesson.read_text().replace("Far away.", "Far, far away."))
    build_site(options)
    equals_cold_build(site, monkeypatch, "cold-damaged")
    with sqlite3.connect(site / ".clawdemy" / "build.sqlite") as db:  # no text, no shards
        db.execute("DELETE FROM entries WHERE kind IN ('search', 'search-shard')")
    lesson.write_text(lesson.read_text().replace("Far, far away.", "Far away, over the hills."))
    (search_folder / "t" / "6865.json").unlink()
    build_site(options)
    equals_cold_build(site, monkeypatch, "cold-no-rows")


def test_lesson_fingerprints_are_taken_from_the_last_process(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new engine takes each unchanged lesson's input fingerprints from the cache rather
    than working them out again; the edited lesson's are worked out anew."""
    from clawdemy_site.render.views import SiteInputs

    assert run()[0] == 0
    worked_out: list[str] = []
    entry = SiteInputs._entry

    def counted(self: SiteInputs, source: str) -> object:
        worked_out.append(source)
        return entry(self, source)

    monkeypatch.setattr(SiteInputs, "_entry", counted)
    lesson = site / "content" / "u" / "01-far.md"
    lesson.write_text(lesson_text(1, title="Far", body="Farther away."))
    assert run()[0] == 0
    assert set(worked_out) == {"u/01-far.md"}  # its fingerprint, then its pages' views
    assert "Farther away." in (site / "build" / "u" / "01-far" / "index.html").read_text()


def test_the_memos_keep_at_most_their_size_whatever_the_cache_gives_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from clawdemy_site.render import highlight, mathml

    monkeypatch.setattr(highlight.MEMO, "size", 3)
    monkeypatch.setattr(highlight.MEMO, "_known", {})
    monkeypatch.setattr(mathml.MEMO, "size", 3)
    monkeypatch.setattr(mathml.MEMO, "_known", {})
    highlight.MEMO.remember(tuple((f"key{n}", f"<pre>{n}</pre>") for n in range(5)))
    mathml.MEMO.remember(tuple(((f"x_{n}", False), f"<math>{n}</math>") for n in range(5)))
    assert highlight.MEMO.keys() == ["key2", "key3", "key4"]
    assert mathml.MEMO.keys() == [("x_2", False), ("x_3", False), ("x_4", False)]


def test_a_template_named_by_an_expression_is_a_dependency_of_the_pages_that_use_it(
    site: Path,
) -> None:
    """`{% include part %}` may name any template: a change to any of them renders again the
    pages whose templates name one so (found by comparing incremental and cold builds)."""
    templates = site / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "base.html").write_text(
        '{% extends "clawdemy/base.html" %}\n{% set part = "partials/extra.html" %}\n'
        "{% block head %}{% include part %}{% endblock %}\n"
    )
    extra = templates / "partials" / "extra.html"
    extra.write_text('<meta name="extra" content="B">\n')

    def build() -> str:
        result = CliRunner().invoke(
            main, ["build", "--templates", str(templates), "--no-search"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.stderr
        return (site / "build" / "404.html").read_text()

    assert 'content="B"' in build()
    extra.write_text('<meta name="extra" content="C">\n')
    assert 'content="C"' in build()


def test_an_asset_rewritten_at_its_size_and_time_is_copied_again(site: Path) -> None:
    data = site / "content" / "t" / "data.csv"
    data.write_text("a,b\n1,2\n")
    os.utime(data, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert run()[0] == 0
    data.write_text("a,b\n3,4\n")  # the same size; its time put back, as `cp -p` would
    os.utime(data, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert run()[0] == 0
    assert (site / "build" / "t" / "data.csv").read_text() == "a,b\n3,4\n"
