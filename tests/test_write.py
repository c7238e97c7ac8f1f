"""write_site: a build lands whole or not at all, and never outside its folder."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from clawdemy_testkit import write_site as write_content
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.outguard import BUILD_MARKER
from clawdemy_site.write import UnsafePath, stage_file, start_staging, write_site


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def fail_copy(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_first_write_creates_the_folder_with_marker(tmp_path: Path) -> None:
    source = tmp_path / "seven.png"
    source.write_bytes(b"\x89PNG")
    out = tmp_path / "site"
    write_site(out, {"index.html": b"home", "a/b/index.html": b"deep"}, {"img/seven.png": source})
    assert tree(out) == {
        BUILD_MARKER: b"This folder is written by `clawdemy build`.\n",
        "a/b/index.html": b"deep",
        "img/seven.png": b"\x89PNG",
        "index.html": b"home",
    }
    assert leftovers(tmp_path) == []


def test_a_build_replaces_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"index.html": b"v1", "old/index.html": b"gone soon"}, {})
    write_site(out, {"index.html": b"v2", "new/index.html": b"fresh"}, {})
    assert tree(out) == {
        BUILD_MARKER: b"This folder is written by `clawdemy build`.\n",
        "index.html": b"v2",
        "new/index.html": b"fresh",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_failure_mid_write_leaves_the_previous_build_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "assets" / "seven.png"
    source.parent.mkdir()
    source.write_bytes(b"png")
    out = tmp_path / "site"
    write_site(out, {"index.html": b"v1"}, {"seven.png": source})
    before = tree(out)
    monkeypatch.setattr(shutil, "copyfile", fail_copy)
    with pytest.raises(OSError, match="No space left on device"):
        write_site(out, {"index.html": b"v2", "more.html": b"x"}, {"seven.png": source})
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assets", "site"]


def test_stale_temporary_folders_of_a_killed_build_are_cleared(tmp_path: Path) -> None:
    (tmp_path / ".site.tmp-abc123").mkdir()
    (tmp_path / ".site.tmp-abc123" / "half.html").write_text("half")
    (tmp_path / ".site.old-def456" / "site").mkdir(parents=True)
    write_site(tmp_path / "site", {"index.html": b"ok"}, {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize(
    "rel",
    [
        pytest.param("../x", id="parent"),
        pytest.param("a/../../x", id="parent-via-subfolder"),
        pytest.param("/etc/x", id="absolute"),
        pytest.param(".", id="the-folder-itself"),
    ],
)
def test_unsafe_paths_are_refused(tmp_path: Path, rel: str) -> None:
    out = tmp_path / "out" / "site"
    with pytest.raises(UnsafePath) as caught:
        write_site(out, {"index.html": b"ok", rel: b"escape"}, {})
    assert str(caught.value) == f"refusing to write `{rel}`: it is outside the output folder"
    assert not out.exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []
    assert not (tmp_path / "out" / "x").exists()


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/x", "."])
def test_a_staged_file_outside_the_folder_is_refused(tmp_path: Path, rel: str) -> None:
    staging = start_staging(tmp_path / "out" / "site")
    with pytest.raises(UnsafePath):
        stage_file(str(staging), rel, b"escape")
    assert list(staging.iterdir()) == []
    assert not (tmp_path / "out" / "x").exists()


def test_files_staged_ahead_land_with_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"index.html": b"old", "gone.html": b"old"}, {})
    (tmp_path / ".site.tmp-killed").mkdir()  # left by a killed build
    staging = start_staging(out)
    assert leftovers(tmp_path) == [staging.name]
    stage_file(str(staging), "a/b/index.html", b"staged")
    write_site(out, {"index.html": b"new"}, {}, started=staging, staged={"a/b/index.html"})
    assert tree(out) == {
        BUILD_MARKER: b"This folder is written by `clawdemy build`.\n",
        "index.html": b"new",
        "a/b/index.html": b"staged",
    }
    assert leftovers(tmp_path) == []


def test_a_failed_write_removes_the_folder_staged_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    write_site(out, {"index.html": b"old"}, {})
    staging = start_staging(out)
    stage_file(str(staging), "a/index.html", b"staged")
    monkeypatch.setattr(shutil, "copyfile", fail_copy)
    source = tmp_path / "seven.png"
    source.write_bytes(b"png")
    with pytest.raises(OSError):
        write_site(out, {}, {"seven.png": source}, started=staging, staged={"a/index.html"})
    assert tree(out)["index.html"] == b"old"
    assert leftovers(tmp_path) == []


def test_unsafe_copy_destination_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "a.png"
    source.write_bytes(b"png")
    with pytest.raises(UnsafePath):
        write_site(tmp_path / "site", {}, {"../a-copy.png": source})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png"]


def test_cli_write_failure_is_a_message_and_keeps_the_previous_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, templates_dir: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    write_content(tmp_path, {})
    args = ["build", "--templates", str(templates_dir), "--out", "build"]
    first = CliRunner().invoke(main, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    before = tree(tmp_path / "build")
    (tmp_path / "content" / "notes.txt").write_text("a new asset, so the build must copy\n")
    monkeypatch.setattr(shutil, "copyfile", fail_copy)
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr == (
        "error: cannot write the site into build: No space left on device;"
        " the previous build, if any, is left as it was\n"
    )
    assert tree(tmp_path / "build") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "content"]


def test_a_spare_build_is_brought_up_to_date_and_the_replaced_build_kept(tmp_path: Path) -> None:
    out, spare = tmp_path / "site", tmp_path / "cache" / "spare"
    write_site(out, {"a/index.html": b"a1", "b/index.html": b"b1"}, {}, spare=spare)
    assert not spare.exists()  # nothing was replaced yet
    write_site(
        out, {"a/index.html": b"a2"}, {}, reuse={"b/index.html": out / "b/index.html"}, spare=spare
    )
    assert tree(spare)["a/index.html"] == b"a1"  # the replaced build, kept
    kept_b = (out / "b/index.html").stat()
    # The spare (a1, b1) becomes the next build: a changes again, b is reused, c is new,
    # and a stray file someone left in the spare goes.
    (spare / "stray.txt").write_text("not ours")
    write_site(
        out,
        {"a/index.html": b"a3", "c/d/index.html": b"c3"},
        {},
        reuse={"b/index.html": out / "b/index.html"},
        spare=spare,
    )
    assert tree(out) == {
        BUILD_MARKER: b"This folder is written by `clawdemy build`.\n",
        "a/index.html": b"a3",
        "b/index.html": b"b1",
        "c/d/index.html": b"c3",
    }
    assert (out / "b/index.html").stat().st_ino == kept_b.st_ino
    assert (out / "b/index.html").stat().st_mtime_ns == kept_b.st_mtime_ns
    assert tree(spare)["a/index.html"] == b"a2"  # the file it shared is untouched
    assert leftovers(tmp_path) == []


def test_a_dropped_page_leaves_no_empty_folder_in_a_spare_built_site(tmp_path: Path) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    pages = {"index.html": b"1", "x/y/index.html": b"1"}
    write_site(out, pages, {}, spare=spare)
    write_site(out, pages, {}, spare=spare)
    write_site(out, {"index.html": b"2"}, {}, spare=spare)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        BUILD_MARKER,
        "index.html",
    ]


def test_a_link_in_the_spare_is_never_written_through(tmp_path: Path) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_site(out, {"a/index.html": b"1"}, {}, spare=spare)
    write_site(out, {"a/index.html": b"2"}, {}, spare=spare)
    shutil.rmtree(spare / "a")
    (spare / "a").symlink_to(elsewhere)
    write_site(out, {"a/index.html": b"3"}, {}, spare=spare)
    assert tree(out)["a/index.html"] == b"3"
    assert not (out / "a").is_symlink()
    assert list(elsewhere.iterdir()) == []
