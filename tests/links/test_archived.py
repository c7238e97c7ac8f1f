"""Archived copies: `archived:` on a reference entry (shown on the references page, and a
fallback for check-links), and `--suggest-archive` through the Wayback availability API."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from loopback import Exchange, LoopbackServer, status
from sitekit import SITE_YML, TEMPLATES, TRACK, Check, Site, lesson, source_entry

from clawdemy_site.cli import main

pytestmark = pytest.mark.timeout(30)


def archived_entry(url: str, archived: str, title: str = "Old article") -> str:
    return f"  - type: article\n    title: {title}\n    url: {url}\n    archived: {archived}\n"


def test_references_page_links_the_archived_copy(site: Site) -> None:
    copy = "https://web.archive.org/web/2020/https://old.example/a"
    source_copy = "https://web.archive.org/web/2021/https://course.example/1"
    source = source_entry(
        "https://course.example/1", "https://course.example/", "https://video.example/1"
    ).replace("    license: CC-BY-4.0\n", f"    license: CC-BY-4.0\n    archived: {source_copy}\n")
    site.write(
        {
            f"{TRACK}/01-only.md": lesson(
                1, "Only", references=source + archived_entry("https://old.example/a", copy)
            )
        }
    )

    result = CliRunner().invoke(
        main, ["build", "--content", "content", "--templates", str(TEMPLATES), "--out", "out"]
    )

    assert result.exit_code == 0, result.output
    page = (site.root / "out" / TRACK / "01-only" / "references" / "index.html").read_text()
    assert (
        '<a href="https://old.example/a">Old article</a>.'
        f' (<a class="archived" href="{copy}">archived copy</a>)'
    ) in page
    assert (
        '<a href="https://course.example/1">https://course.example/<wbr>1</a>'
        f' (<a class="archived" href="{source_copy}">archived copy</a>)'
    ) in page


def test_archived_must_be_a_url(site: Site) -> None:
    site.write(
        {
            f"{TRACK}/01-only.md": lesson(
                1, "Only", references=archived_entry("https://a.example/", "later")
            )
        }
    )

    result = CliRunner().invoke(main, ["check", "--content", "content"])

    assert result.exit_code == 1
    assert (
        f"content/{TRACK}/01-only.md:9:15: error: `archived` must be an absolute http or https"
        " URL; `later`"
    ) in result.output


def test_an_answering_archived_copy_excuses_the_dead_original(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    dead = server.route("/dead", status(404))
    copy = server.route("/copy", status(200))
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=archived_entry(dead, copy))})

    run = check()
    strict = check("--strict")

    result = run.external()[dead]
    assert (result["status"], result["archive"]) == ("broken", copy)
    assert result["excused"] == f"the archived copy {copy} answers"
    assert (run.exit_code, run.report["summary"]["failed"]) == (0, 0)
    assert strict.exit_code == 1
    assert "excused" not in strict.external()[dead]
    # The copy is asked only because the original failed: not reported as a link of its own.
    assert copy not in run.external()


def test_a_dead_archived_copy_excuses_nothing(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    dead = server.route("/dead", status(404))
    copy = server.route("/copy", status(410))
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=archived_entry(dead, copy))})

    run = check()

    result = run.external()[dead]
    assert result["detail"] == f"404 Not Found; the archived copy {copy} fails too (broken)"
    assert "excused" not in result and "archive" not in result
    assert run.exit_code == 1


def test_a_working_original_never_asks_for_its_copy(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    fine = server.route("/fine", status(200))
    copy = server.route("/copy", status(200))
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=archived_entry(fine, copy))})

    run = check()

    assert run.exit_code == 0
    assert server.requests("/copy") == []


def asked(server: LoopbackServer) -> list[str]:
    """The queries the Wayback API on `server` was sent."""
    return [s.path for s in server.seen if s.path.startswith("/wayback/available?")]


def wayback(server: LoopbackServer, snapshots: dict[str, str]) -> str:
    """A Wayback availability API on `server`: the closest snapshot of each URL it knows."""

    async def answer(exchange: Exchange) -> bool:
        asked = parse_qs(urlsplit(exchange.path).query).get("url", [""])[0]
        closest = snapshots.get(asked)
        found = (
            {"closest": {"status": "200", "available": True, "url": closest, "timestamp": "2019"}}
            if closest
            else {}
        )
        body = json.dumps({"url": asked, "archived_snapshots": found}).encode()
        return await exchange.respond(
            200, headers=[("Content-Type", "application/json")], body=body
        )

    return server.route("/wayback/available", answer)


def test_suggest_archive_names_the_closest_snapshot(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    dead = server.route("/dead", status(404))
    lost = server.route("/lost", status(404))
    fine = server.route("/fine", status(200))
    snapshot = f"http://web.archive.example/web/2019/{dead}"
    api = wayback(server, {dead: snapshot, fine: "http://web.archive.example/web/2019/fine"})
    references = "".join(
        f"  - type: article\n    title: {name}\n    url: {url}\n"
        for name, url in (("Dead", dead), ("Lost", lost), ("Fine", fine))
    )
    site.write(
        {f"{TRACK}/01-only.md": lesson(1, "Only", references=references)},
        site_yml=SITE_YML + f"links:\n  archive_api: {api}\n",
    )

    run = check("--suggest-archive")
    text = check("--suggest-archive", fmt="text")

    got = run.external()
    assert got[dead]["archive"] == snapshot
    assert "archive" not in got[lost]  # the API knows no snapshot
    assert "archive" not in got[fine]  # not dead: not asked
    assert run.exit_code == 1  # a suggestion excuses nothing
    assert len(asked(server)) == 2 * 2  # the two dead links, in each of the two runs
    assert (
        f"404 Not Found; failing since {got[dead]['failing_since']}; archived copy: {snapshot}"
        in (text.stdout)
    )


def test_without_the_flag_no_archive_is_asked(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    dead = server.route("/dead", status(404))
    api = wayback(server, {})
    site.write(
        {f"{TRACK}/01-only.md": lesson(1, "Only", references=archived_entry(dead, dead + "x"))},
        site_yml=SITE_YML + f"links:\n  archive_api: {api}\n",
    )

    check()

    assert asked(server) == []
