"""Issue 9, scope 2: two real `clawdemy build` processes on one project at the same time.

One complete build results, no staging folder is left beside it, and a refused build says
why (naming the process that holds the build) and exits 1 without touching the output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site

pytestmark = pytest.mark.timeout(120)

CLAWDEMY = Path(sys.executable).with_name("clawdemy")
LESSONS = 40


def make_site(root: Path) -> None:
    body = "Some words here. " * 200 + "\n\n$x^2 + y^2$ and a [link](01-intro.md).\n"
    files: dict[str, str | bytes | None] = {
        f"t/{n:02d}-l.md": lesson_text(n, title=f"Lesson {n}", body=body)
        for n in range(2, LESSONS + 1)
    }
    write_site(root, files)


def env(cache: Path) -> dict[str, str]:
    return {**os.environ, "CLAWDEMY_CACHE_DIR": str(cache)}


def tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".clawdemy-build"
    }


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".build."))


def test_a_build_while_another_process_holds_the_lock_is_refused(tmp_path: Path) -> None:
    make_site(tmp_path)
    cache = tmp_path / ".clawdemy"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path\n"
            "from clawdemy_site.buildcache import build_lock\n"
            "with build_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True); sys.stdin.readline()",
            str(cache),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        refused = subprocess.run(
            [str(CLAWDEMY), "build"],
            cwd=tmp_path,
            env=env(cache),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=10)
    assert refused.returncode == 1
    assert refused.stderr == (
        f"error: another clawdemy build of this project is running (pid {holder.pid});"
        " wait for it to finish, then build again\n"
    )
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "build").exists()
    assert leftovers(tmp_path) == []


def test_two_builds_started_together_leave_one_complete_site(tmp_path: Path) -> None:
    make_site(tmp_path)
    reference = tmp_path / "reference"
    subprocess.run(
        [str(CLAWDEMY), "build", "--out", str(reference)],
        cwd=tmp_path,
        env=env(tmp_path / "reference-cache"),
        check=True,
        capture_output=True,
        timeout=60,
    )
    cache = tmp_path / ".clawdemy"
    started = time.monotonic()
    runs = [
        subprocess.Popen(
            [str(CLAWDEMY), "build"],
            cwd=tmp_path,
            env=env(cache),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [(run.wait(timeout=60), *run.communicate()) for run in runs]
    assert time.monotonic() - started < 60
    codes = sorted(code for code, _, _ in outcomes)
    assert codes in ([0, 0], [0, 1])  # the second may start after the first has finished
    for code, _stdout, stderr in outcomes:
        assert "Traceback" not in stderr
        if code == 1:
            assert stderr.startswith("error: another clawdemy build of this project is running")
            assert stderr.endswith("wait for it to finish, then build again\n")
    assert tree(tmp_path / "build") == tree(reference)
    assert len(tree(reference)) > LESSONS
    assert leftovers(tmp_path) == []
