"""Issue 9, "how it will be checked": a build killed half-way loses nothing.

A real `clawdemy build` process is killed (SIGKILL, no chance to clean up) at several
moments of a rebuild; the output folder is then exactly the previous site or exactly the
new one, never a mix, and the next build completes and leaves no staging folder behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site

pytestmark = pytest.mark.timeout(120)

CLAWDEMY = Path(sys.executable).with_name("clawdemy")
LESSONS = 120


def make_site(root: Path, title: str) -> None:
    body = "Words and more words. " * 150 + "\n\n$a^2 + b^2 = c^2$\n"
    write_site(
        root,
        {
            "t/01-intro.md": lesson_text(1, title=title, body=body),
            **{
                f"t/{n:03d}-l.md": lesson_text(n, title=f"Lesson {n}", body=body)
                for n in range(2, LESSONS + 1)
            },
        },
    )


def tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".clawdemy-build"
    }


def build(root: Path, cache: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(CLAWDEMY), "build"],
        cwd=root,
        env={**os.environ, "CLAWDEMY_CACHE_DIR": str(cache)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (its render workers), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def pages(files: dict[str, bytes]) -> set[str]:
    """The files of a built site but its search index, whose names follow its content."""
    return {name for name in files if not name.startswith("search/")}


def end(pids: list[int], root: Path) -> None:
    """Kill the workers a killed build left behind: this test's own processes, checked to
    be still working in `root` (a finished one's number may have been given to another)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/cwd").resolve() == root.resolve():
                os.kill(pid, signal.SIGKILL)


def kill_midway(root: Path, cache: Path, delay: float) -> list[int]:
    """Start a rebuild, SIGKILL it after `delay` seconds; the workers it left behind."""
    running = build(root, cache)
    time.sleep(delay)
    workers = children(running.pid)
    running.send_signal(signal.SIGKILL)
    running.wait(timeout=10)
    return workers


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("delay", [0.2, 0.6, 1.2])
def test_a_killed_rebuild_leaves_the_old_site_or_the_new_one(delay: float, tmp_path: Path) -> None:
    cache = tmp_path / ".clawdemy"
    make_site(tmp_path, "Old title")
    assert build(tmp_path, cache).wait(timeout=60) == 0
    old = tree(tmp_path / "build")
    make_site(tmp_path, "New title")
    end(kill_midway(tmp_path, cache, delay), tmp_path)
    after = tree(tmp_path / "build")
    assert after == old or b"New title" in after["t/01-intro/index.html"]
    assert pages(after) == pages(old)
    assert build(tmp_path, cache).wait(timeout=60) == 0
    new = tree(tmp_path / "build")
    assert pages(new) == pages(old)
    assert b"New title" in new["t/01-intro/index.html"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".build.")) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_of_a_killed_build_do_not_hold_the_build_lock(tmp_path: Path) -> None:
    cache = tmp_path / ".clawdemy"
    make_site(tmp_path, "Old title")
    assert build(tmp_path, cache).wait(timeout=60) == 0
    make_site(tmp_path, "New title")
    running = build(tmp_path, cache)
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while not workers and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
        workers = children(running.pid)
    try:
        assert workers, "the rebuild used no worker processes"
        running.send_signal(signal.SIGKILL)
        running.wait(timeout=10)
        assert build(tmp_path, cache).wait(timeout=60) == 0
    finally:
        end(workers, tmp_path)
