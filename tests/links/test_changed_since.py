"""`--changed-since REF`: fetch only the links written on lines added or changed since a git
ref (a pull request's); the others are `skipped` and never fetched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from loopback import LoopbackServer, status
from sitekit import TRACK, Check, Site, further, lesson

from clawdemy_site.links.select import parse_diff

pytestmark = pytest.mark.timeout(30)


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@t.example", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout


def test_only_links_on_changed_lines_are_fetched(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    old, dead_old, new, body = (
        server.route(p, status(c))
        for p, c in (("/old", 200), ("/dead-old", 404), ("/new", 200), ("/body", 404))
    )
    first, second = f"{TRACK}/01-first.md", f"{TRACK}/02-second.md"
    site.write(
        {
            first: lesson(1, "First", references=further(old) + further(dead_old, "Dead")),
            second: lesson(2, "Second", references=further(old, "Same")),
        }
    )
    git(site.root, "init", "-q")
    git(site.root, "add", "content")
    git(site.root, "commit", "-q", "-m", "first")
    git(site.root, "branch", "base")
    # The pull request: lesson 2 gains a reference and a body link; lesson 1 is untouched.
    site.write(
        {
            first: site.files[first],
            second: lesson(
                2,
                "Second",
                references=further(old, "Same") + further(new, "New"),
                body=f"Read [this]({body}).",
            ),
        }
    )
    git(site.root, "commit", "-q", "-am", "change lesson 2")

    run = check("--changed-since", "base")

    got = run.external()
    assert {url: got[url]["status"] for url in (old, dead_old, new, body)} == {
        old: "skipped",
        dead_old: "skipped",
        new: "ok",
        body: "broken",
    }
    assert got[old]["detail"] == "not on a line changed since base"
    assert (got[old]["code"], got[old]["final_url"]) == (None, None)
    assert run.report["summary"]["skipped"] == 2
    assert run.exit_code == 1  # the broken body link on a changed line
    assert server.requests("/old") == server.requests("/dead-old") == []
    assert server.requests("/new") == server.requests("/body") == ["GET"]


def test_uncommitted_and_untracked_changes_count(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    kept, edited, added = (server.route(p, status(200)) for p in ("/kept", "/edited", "/added"))
    first = f"{TRACK}/01-first.md"
    site.write({first: lesson(1, "First", references=further(kept))})
    git(site.root, "init", "-q")
    git(site.root, "add", "content")
    git(site.root, "commit", "-q", "-m", "first")
    site.write(
        {
            first: lesson(1, "First", references=further(kept) + further(edited, "Edited")),
            f"{TRACK}/02-new.md": lesson(2, "New", references=further(added)),
        }
    )

    run = check("--changed-since", "HEAD")

    got = run.external()
    assert (got[kept]["status"], got[edited]["status"], got[added]["status"]) == (
        "skipped",
        "ok",
        "ok",
    )


def test_outside_a_git_repository_every_link_is_checked(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    url = server.route("/x", status(200))
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(url))})

    run = check("--changed-since", "main")

    assert run.exit_code == 0
    assert run.external()[url]["status"] == "ok"
    assert "warning: --changed-since: content is not in a git repository" in run.stderr
    assert run.stderr.count("checking every link") == 1


def test_an_unknown_ref_is_wrong_usage(site: Site, check: Check) -> None:
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only")})
    git(site.root, "init", "-q")
    git(site.root, "add", "content")
    git(site.root, "commit", "-q", "-m", "first")

    run = check("--changed-since", "no-such-branch")

    assert run.exit_code == 2
    assert "Invalid value for --changed-since" in run.stderr


def test_parse_diff_reads_the_new_side_of_each_hunk(tmp_path: Path) -> None:
    diff = (
        "diff --git a/c/a.md b/c/a.md\n--- a/c/a.md\n+++ b/c/a.md\n"
        "@@ -3 +3,2 @@\n-x\n+y\n+z\n@@ -10,2 +11 @@\n-p\n-q\n+r\n@@ -20,1 +20,0 @@\n-gone\n"
        "diff --git a/c/b.md b/c/b.md\ndeleted file mode 100644\n--- a/c/b.md\n+++ /dev/null\n"
        "@@ -1 +0,0 @@\n-all\n"
    )
    assert parse_diff(diff, tmp_path) == {(tmp_path / "c/a.md").resolve(): frozenset({3, 4, 11})}


def test_changes_on_the_base_branch_since_the_fork_do_not_count(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    mine, old, new = (server.route(p, status(200)) for p in ("/mine", "/old", "/new"))
    first, second = f"{TRACK}/01-first.md", f"{TRACK}/02-second.md"
    site.write({first: lesson(1, "First"), second: lesson(2, "Second", references=further(old))})
    git(site.root, "init", "-q", "-b", "main")
    git(site.root, "add", "content")
    git(site.root, "commit", "-q", "-m", "first")
    git(site.root, "checkout", "-q", "-b", "work")
    site.write({first: lesson(1, "First", references=further(mine)), second: site.files[second]})
    git(site.root, "commit", "-q", "-am", "mine")
    work_files = dict(site.files)
    git(site.root, "checkout", "-q", "main")
    # Meanwhile main edits lesson 2's line; the work tree still has the old one.
    site.write({first: lesson(1, "First"), second: lesson(2, "Second", references=further(new))})
    git(site.root, "commit", "-q", "-am", "theirs")
    git(site.root, "checkout", "-q", "work")
    site.files = work_files

    run = check("--changed-since", "main")

    got = run.external()
    assert (got[mine]["status"], got[old]["status"]) == ("ok", "skipped")
    assert server.requests("/old") == []
