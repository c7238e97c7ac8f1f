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
from clawdemy_site.write import UnsafePath, write_site


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
