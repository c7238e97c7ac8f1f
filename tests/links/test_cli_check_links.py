"""`clawdemy check-links` end to end: small sites in tmp_path, URLs on a loopback server.

Each test writes a site (site.yml, one track, two or three lessons citing URLs on a scripted
server at 127.0.0.1 with a random port), runs the command through click's CliRunner (one test
through a real subprocess), and checks the report against the contract in
/work/shared/content-format.md. Expected source lines are computed from the fixture text
written here, never read back from the output.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from loopback import Handler, LoopbackServer, redirect, sequence, stall, status
from sitekit import (
    CLAWDEMY,
    PAGE,
    SITE_YML,
    TEMPLATES,
    TRACK,
    Check,
    Site,
    check_args,
    fields,
    further,
    hits,
    lesson,
    serve,
    source_entry,
)

from clawdemy_site.cli import main

pytestmark = pytest.mark.timeout(30)


# --- the JSON report ------------------------------------------------------------------------


def test_json_report_urls_statuses_codes_and_lines(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    url = serve(
        server,
        {
            "/shared": status(200),
            "/source": status(200),
            "/series": status(200),
            "/companion": status(200),
            "/missing": status(404),
            "/moved": redirect(301, "/target"),
            "/target": status(200),
            "/page": PAGE,
        },
    )
    first, second = f"{TRACK}/01-first.md", f"{TRACK}/02-second.md"
    site.write(
        {
            first: lesson(
                1,
                "First",
                references=source_entry(url["/source"], url["/series"], url["/companion"])
                + further(url["/shared"]),
                body=(
                    "An opening paragraph.\n\n"
                    f"A [missing page]({url['/missing']}) and\n"
                    f"a [good fragment]({url['/page']}#intro).\n"
                ),
            ),
            second: lesson(
                2,
                "Second",
                references=further(url["/moved"], "Moved"),
                body=(
                    f"The [shared page]({url['/shared']}) again.\n\n"
                    f"And a [bad fragment]({url['/page']}#nope).\n"
                ),
            ),
        }
    )

    run = check()

    assert run.exit_code == 1, run.stderr
    got = run.external()
    expected = {
        url["/shared"]: (
            "ok",
            200,
            None,
            [site.source(first, f"url: {url['/shared']}"), site.source(second, url["/shared"])],
        ),
        url["/source"]: ("ok", 200, None, [site.source(first, f"    url: {url['/source']}")]),
        url["/series"]: ("ok", 200, None, [site.source(first, f"series_url: {url['/series']}")]),
        url["/companion"]: (
            "ok",
            200,
            None,
            [site.source(first, f"      url: {url['/companion']}")],
        ),
        url["/missing"]: ("broken", 404, None, [site.source(first, url["/missing"])]),
        url["/moved"]: ("redirected", 200, url["/target"], [site.source(second, url["/moved"])]),
        f"{url['/page']}#intro": ("ok", 200, None, [site.source(first, "#intro")]),
        f"{url['/page']}#nope": ("broken", 200, None, [site.source(second, "#nope")]),
    }
    assert set(got) == set(expected)
    for link, (state, code, final_url, sources) in expected.items():
        assert fields(got[link], "status", "code", "final_url", "sources") == {
            "status": state,
            "code": code,
            "final_url": final_url,
            "sources": sorted(sources, key=lambda s: (s["path"], s["line"])),
        }, link
    assert got[url["/missing"]]["detail"] == "404 Not Found"
    assert "fragment #nope not found" in got[f"{url['/page']}#nope"]["detail"]
    # One request per distinct page, however many lessons or fragments cite it.
    assert server.requests("/shared") == ["GET"]
    assert server.requests("/page") == ["GET"]
    assert hits(server, "/missing") == 1
    # Internal links of the built pages are checked too, and all of them are fine.
    internal = [r for u, r in run.results().items() if not u.startswith("http")]
    assert internal and all(r["status"] == "ok" for r in internal)
    summary = run.report["summary"]
    assert summary["total"] == len(run.report["results"])
    assert (summary["broken"], summary["redirected"], summary["failed"]) == (2, 1, 2)


BODY_STYLES = {
    "inline": ("See [it]({u}) here.", "[it]({u})"),
    "inline-with-title": ('See [it]({u} "A title") here.', "[it]({u} "),
    "autolink": ("See <{u}> here.", "<{u}>"),
    "reference-definition": ("See [it][ref] here.\n\nMore text.\n\n[ref]: {u}", "[ref]: {u}"),
    "reference-definition-used-twice": (
        "See [it][ref] and [again][ref].\n\n[ref]: {u}",
        "[ref]: {u}",
    ),
    "html-anchor": ('<p>See <a href="{u}">it</a>.</p>', 'href="{u}"'),
    "html-inline-in-paragraph": ('See <a href="{u}">it</a> inline.', 'href="{u}"'),
}


@pytest.mark.parametrize("style", BODY_STYLES.values(), ids=BODY_STYLES.keys())
def test_body_link_line_for_each_markdown_style(
    site: Site, server: LoopbackServer, check: Check, style: tuple[str, str]
) -> None:
    written, needle = style
    u = server.route("/x", status(200))
    rel = f"{TRACK}/01-only.md"
    site.write({rel: lesson(1, "Only", body=f"Para one.\n\nPara two.\n\n{written.format(u=u)}")})

    run = check()

    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.external()[u]["sources"] == [site.source(rel, needle.format(u=u))]


def test_same_url_on_two_lines_of_one_body_gives_two_sources(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    u = server.route("/twice", status(200))
    rel = f"{TRACK}/01-only.md"
    site.write({rel: lesson(1, "Only", body=f"First [here]({u}).\n\nThen [there]({u}) too.")})

    run = check()

    assert run.exit_code == 0
    assert run.external()[u]["sources"] == [site.source(rel, "[here]"), site.source(rel, "[there]")]
    assert hits(server, "/twice") == 1


def test_a_longer_url_written_first_does_not_steal_the_line(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    u = server.route("/x", status(200))
    longer = server.route("/x/longer", status(200))
    rel = f"{TRACK}/01-only.md"
    body = f"See [a][long] and [b][short].\n\n[long]: {longer}\n[short]: {u}\n\nAlso <{longer}>."
    site.write({rel: lesson(1, "Only", body=body)})

    run = check()

    got = run.external()
    assert got[u]["sources"] == [site.source(rel, f"[short]: {u}")]
    assert got[longer]["sources"] == [
        site.source(rel, f"[long]: {longer}"),
        site.source(rel, f"<{longer}>"),
    ]


def test_same_internal_link_on_two_lines_gives_two_sources(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    first, _ = offline_site(site, server.url("/never"))
    text = site.files[first] + "\nOnce more, [the missing part](02-other.md#missing-anchor).\n"
    site.write({**site.files, first: text})

    run = check("--offline")

    sources = run.results()["02-other.md#missing-anchor"]["sources"]
    lines = [n for n, t in enumerate(text.splitlines(), 1) if "#missing-anchor" in t]
    assert sources == [{"path": f"content/{first}", "line": line} for line in lines]
    assert len(lines) == 2


def test_link_in_code_is_not_checked(site: Site, server: LoopbackServer, check: Check) -> None:
    u = server.route("/code", status(200))
    site.write(
        {f"{TRACK}/01-only.md": lesson(1, "Only", body=f"Text.\n\n```\ncurl {u}\n```\n\n`{u}`")}
    )

    run = check()

    assert run.exit_code == 0
    assert run.external() == {}
    assert hits(server) == 0


# --- exit codes -----------------------------------------------------------------------------


EXIT_CASES: dict[str, tuple[Callable[[], Handler], str, int]] = {
    "ok": (lambda: status(200), "ok", 0),
    "not-found": (lambda: status(404), "broken", 1),
    "gone": (lambda: status(410), "broken", 1),
    # 5xx is `unreachable` (excusable as flaky once it has a history), not `broken`.
    "server-error": (lambda: status(500), "unreachable", 1),
    "timeout-without-history": (lambda: stall, "timeout", 1),
    "rate-limited": (lambda: status(429, headers=[("Retry-After", "600")]), "rate_limited", 1),
    "bot-wall-warns": (lambda: status(429), "unverifiable", 0),
    "redirected": (lambda: redirect(308, "/elsewhere"), "redirected", 0),
}


@pytest.mark.parametrize("case", EXIT_CASES.values(), ids=EXIT_CASES.keys())
def test_exit_code(
    site: Site,
    server: LoopbackServer,
    check: Check,
    case: tuple[Callable[[], Handler], str, int],
) -> None:
    make_handler, expected_status, expected_exit = case
    u = server.route("/link", make_handler())
    server.route("/elsewhere", status(200))
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(u))})

    run = check()

    assert run.external()[u]["status"] == expected_status
    assert run.exit_code == expected_exit
    assert run.report["summary"]["failed"] == expected_exit


def test_unreachable_fails_the_run(site: Site, check: Check, refused_url: str) -> None:
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(refused_url))})

    run = check()

    assert (run.external()[refused_url]["status"], run.exit_code) == ("unreachable", 1)


USAGE_ERRORS = {
    "unknown-format": ["--format", "xml"],
    "cache-and-no-cache": ["--no-cache"],  # with the --cache every run gets
    "zero-timeout": ["--timeout", "0"],
    "negative-retries": ["--retries", "-1"],
    "out-is-content": ["--out", "content"],
    "out-inside-templates": ["--out", str(TEMPLATES / "x")],
    "unknown-flag": ["--frobnicate"],
}


@pytest.mark.parametrize("extra", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_wrong_usage_exits_2_with_nothing_on_stdout(
    site: Site, server: LoopbackServer, check: Check, extra: list[str]
) -> None:
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(server.url("/")))})

    run = check(*extra)

    assert run.exit_code == 2
    assert run.stdout == ""
    assert "Error" in run.stderr
    assert hits(server) == 0
    assert not (site.root / "cache.sqlite").exists()


def test_content_errors_exit_1_with_diagnostics_on_stderr(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    rel = f"{TRACK}/01-only.md"
    site.write({rel: lesson(1, "Only", references="  - type: article\n    title: No URL\n")})

    run = check()

    assert run.exit_code == 1
    assert run.stdout == ""
    assert f"content/{rel}:" in run.stderr and "error" in run.stderr
    assert "Traceback" not in run.stderr
    assert hits(server) == 0


# --- private addresses ----------------------------------------------------------------------


def test_loopback_is_blocked_without_allow_private(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    u = server.route("/private", status(200))
    rel = f"{TRACK}/01-only.md"
    site.write({rel: lesson(1, "Only", references=further(u), body=f"[again]({u}#frag)")})

    run = check(allow_private=False)

    got = run.external()
    assert {link: r["status"] for link, r in got.items()} == {u: "blocked", f"{u}#frag": "blocked"}
    assert got[u]["sources"] == [site.source(rel, f"url: {u}")]
    assert run.exit_code == 0  # blocked never fails a run
    assert hits(server) == 0


@pytest.mark.netns
def test_cloud_metadata_is_blocked_even_with_allow_private(site: Site, check: Check) -> None:
    u = "http://169.254.169.254/latest/meta-data/"
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(u))})

    run = check(allow_private=True)

    assert run.external()[u]["status"] == "blocked"
    assert run.exit_code == 0


# --- offline: internal links and anchors ----------------------------------------------------


def offline_site(site: Site, external: str) -> tuple[str, str]:
    first, other = f"{TRACK}/01-first.md", f"{TRACK}/02-other.md"
    site.write(
        {
            first: lesson(
                1,
                "First",
                references=further(external),
                body=(
                    f"Read [this]({external}) online.\n\n"
                    "Then [the good part](02-other.md#good-anchor),\n"
                    "but not [the missing part](02-other.md#missing-anchor).\n"
                ),
            ),
            other: lesson(2, "Other", body="Intro text.\n\n## Good anchor\n\nMore text.\n"),
        }
    )
    return first, other


def test_offline_checks_internal_links_and_makes_no_request(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    u = server.route("/never", status(200))
    first, _ = offline_site(site, u)

    run = check("--offline")

    got = run.results()
    assert run.exit_code == 1
    assert hits(server) == 0
    assert not any(link.startswith("http") for link in got)
    assert fields(got["02-other.md#missing-anchor"], "status", "sources") == {
        "status": "broken",
        "sources": [site.source(first, "#missing-anchor")],
    }
    assert "missing-anchor" in got["02-other.md#missing-anchor"]["detail"]
    assert fields(got["02-other.md#good-anchor"], "status", "sources") == {
        "status": "ok",
        "sources": [site.source(first, "#good-anchor")],
    }
    assert [u for u, r in got.items() if r["status"] != "ok"] == ["02-other.md#missing-anchor"]


def test_offline_does_not_import_the_http_client(site: Site, server: LoopbackServer) -> None:
    offline_site(site, server.url("/never"))
    args = check_args(site.root, "--offline")
    probe = (
        "import sys\n"
        "from clawdemy_site.cli import main\n"
        f"try:\n    main({args!r})\n"
        "except SystemExit as exit:\n"
        "    print('exit', exit.code, file=sys.stderr)\n"
        "print('aiohttp imported:', 'aiohttp' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )

    assert "exit 1" in done.stderr, done.stderr
    assert "aiohttp imported: False" in done.stderr
    assert hits(server) == 0


# --- the build --out folder -----------------------------------------------------------------


def test_internal_links_come_from_the_plan_and_no_out_is_created(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    offline_site(site, server.url("/never"))
    out = site.root / "build"

    run = check("--offline")

    assert run.exit_code == 1
    assert run.results()["02-other.md#missing-anchor"]["status"] == "broken"
    assert not out.exists()


def build(site: Site) -> Path:
    out = site.root / "build"
    args = ["build", "--content", "content", "--templates", str(TEMPLATES), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def test_a_built_copy_is_neither_read_nor_touched(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    first, _ = offline_site(site, server.url("/never"))
    text = site.files[first].replace("#missing-anchor", "#good-anchor")
    site.files[first] = text
    (site.content / first).write_text(text)
    out = build(site)
    # Break the built copy only: check-links checks the site as planned, not this copy.
    page = out / TRACK / "02-other" / "index.html"
    page.write_text(page.read_text().replace('id="good-anchor"', 'id="renamed"'))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}

    run = check("--offline")

    assert run.exit_code == 0, run.stdout
    assert run.results()["02-other.md#good-anchor"]["status"] == "ok"
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_a_content_fix_is_seen_without_building(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    first, _ = offline_site(site, server.url("/never"))
    assert check("--offline").exit_code == 1
    text = site.files[first].replace("#missing-anchor", "#good-anchor")
    site.files[first] = text
    (site.content / first).write_text(text)

    run = check("--offline")

    assert run.exit_code == 0, run.stdout
    assert "02-other.md#missing-anchor" not in run.results()


# --- output formats and streams -------------------------------------------------------------


@pytest.fixture
def failing_site(site: Site, server: LoopbackServer) -> tuple[Site, dict[str, str], str]:
    url = serve(
        server, {"/ok": status(200), "/missing": status(404), "/moved": redirect(301, "/ok")}
    )
    rel = f"{TRACK}/01-only.md"
    site.write(
        {
            rel: lesson(
                1,
                "Only",
                references=further(url["/ok"]) + further(url["/moved"], "Moved"),
                body=f"Text.\n\nA [missing page]({url['/missing']}).\n",
            )
        }
    )
    return site, url, rel


def test_github_format_annotates_each_place(
    failing_site: tuple[Site, dict[str, str], str], check: Check
) -> None:
    site, url, rel = failing_site

    run = check(fmt="github")

    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    error_line = site.line(rel, url["/missing"])
    errors = [line for line in lines if line.startswith("::error ")]
    assert errors == [
        f"::error file=content/{rel},line={error_line},title=broken link::"
        f"{url['/missing']} (404 Not Found) - 404 Not Found; new failure"
    ]
    moved_line = site.line(rel, f"url: {url['/moved']}")
    assert any(
        line.startswith(f"::warning file=content/{rel},line={moved_line},title=redirected link::")
        for line in lines
    )
    assert lines[-1].startswith("::notice title=link check::")
    assert all(line.startswith("::") for line in lines)


def test_markdown_format_has_a_table(
    failing_site: tuple[Site, dict[str, str], str], check: Check
) -> None:
    site, url, rel = failing_site

    run = check(fmt="markdown")

    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "## Link check failed"
    assert "| status | links |" in lines
    assert "| broken | 1 |" in lines
    assert "| status | URL | where | detail |" in lines
    row = next(line for line in lines if url["/missing"] in line)
    assert f"`content/{rel}:{site.line(rel, url['/missing'])}`" in row
    assert row.startswith("| broken (404 Not Found) |")


def test_text_format_names_file_and_line(
    failing_site: tuple[Site, dict[str, str], str], check: Check
) -> None:
    site, url, rel = failing_site

    run = check(fmt="text")

    assert run.exit_code == 1
    assert f"content/{rel}:{site.line(rel, url['/missing'])}: BROKEN {url['/missing']}" in (
        run.stdout
    )
    assert "\x1b[" not in run.stdout  # no colour when stdout is not a terminal
    assert run.stdout.rstrip().endswith("failed: 1 link fails the run")


def test_stdout_carries_only_the_report_in_a_real_process(
    failing_site: tuple[Site, dict[str, str], str],
) -> None:
    site, url, _ = failing_site
    args = check_args(site.root, "--max-concurrency", "4")
    done = subprocess.run(
        [str(CLAWDEMY), *args],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)  # nothing but the JSON
    assert {r["url"] for r in report["results"]} >= set(url.values())
    assert "\r" not in done.stderr  # no progress bar when stderr is not a terminal
    assert '"results"' not in done.stderr
    assert "Traceback" not in done.stderr


# --- the link history -----------------------------------------------------------------------


def rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        count: int = db.execute("SELECT COUNT(*) FROM checks").fetchone()[0]
    return count


def test_warm_cache_makes_no_request_for_fresh_successes(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    url = serve(
        server,
        {"/ok": status(200), "/moved": redirect(301, "/ok"), "/missing": status(404)},
    )
    rel = f"{TRACK}/01-only.md"
    site.write(
        {
            rel: lesson(
                1,
                "Only",
                references=further(url["/ok"]) + further(url["/moved"], "Moved"),
                body=f"A [missing page]({url['/missing']}).",
            )
        }
    )

    cold = check()
    seen = {path: hits(server, path) for path in url}
    warm = check()

    assert cold.exit_code == warm.exit_code == 1
    assert {path: hits(server, path) for path in url} == {
        "/ok": seen["/ok"],  # not fetched again: neither directly nor as a redirect target
        "/moved": seen["/moved"],
        "/missing": seen["/missing"] + 1,  # failures are never reused
    }
    got = warm.external()
    assert {u: (r["status"], r["cached"]) for u, r in got.items()} == {
        url["/ok"]: ("ok", True),
        url["/moved"]: ("redirected", True),
        url["/missing"]: ("broken", False),
    }
    assert got[url["/moved"]]["final_url"] == url["/ok"]
    assert got[url["/ok"]]["sources"] == [site.source(rel, f"url: {url['/ok']}")]
    assert warm.report["summary"]["cached"] == 2
    assert "2 links reused from the cache" in warm.stderr

    before = rows(site.root / "cache.sqlite")
    fresh = check("--no-cache", cache=False)
    assert hits(server, "/ok") > seen["/ok"]
    assert not any(r["cached"] for r in fresh.external().values())
    assert rows(site.root / "cache.sqlite") == before  # --no-cache writes nothing either


def test_default_cache_lives_beside_content(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    u = server.route("/ok", status(200))
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(u))})

    check(cache=False)
    check(cache=False)

    assert (site.root / ".clawdemy" / "links.sqlite").is_file()
    assert hits(server, "/ok") == 1


FLAKY_CASES = {
    # A transient failure of a URL that worked is excused (warning, exit 0)...
    "timeout-after-ok": (lambda: stall, "timeout", True, 0),
    "rate-limited-after-ok": (
        lambda: status(429, headers=[("Retry-After", "600")]),
        "rate_limited",
        True,
        0,
    ),
    # ...a definite one never is.
    "not-found-after-ok": (lambda: status(404), "broken", False, 1),
}


@pytest.mark.parametrize("case", FLAKY_CASES.values(), ids=FLAKY_CASES.keys())
def test_failure_after_success_is_judged_by_the_history(
    site: Site,
    server: LoopbackServer,
    check: Check,
    case: tuple[Callable[[], Handler], str, bool, int],
) -> None:
    make_handler, expected_status, flaky, expected_exit = case
    u = server.route("/sometimes", sequence(status(200), make_handler()))
    # max_age: successes go stale at once, so the second run asks again.
    site_yml = SITE_YML + "links:\n  max_age: 0.001\n"
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(u))}, site_yml=site_yml)

    first = check()
    second = check()

    assert (first.exit_code, first.external()[u]["status"]) == (0, "ok")
    result = second.external()[u]
    assert (result["status"], result["flaky"], result["cached"]) == (expected_status, flaky, False)
    assert ("flaky" in result["detail"]) is flaky
    assert second.exit_code == expected_exit
    assert second.report["summary"]["flaky"] == int(flaky)
    assert hits(server, "/sometimes") == 2


def test_flaky_shows_as_a_github_warning(site: Site, server: LoopbackServer, check: Check) -> None:
    u = server.route("/sometimes", sequence(status(200), stall))
    rel = f"{TRACK}/01-only.md"
    site_yml = SITE_YML + "links:\n  max_age: 0.001\n"
    site.write({rel: lesson(1, "Only", references=further(u))}, site_yml=site_yml)

    check()
    run = check(fmt="github")

    assert run.exit_code == 0
    line = site.line(rel, f"url: {u}")
    assert f"::warning file=content/{rel},line={line},title=flaky link (timeout)::" in run.stdout
    assert "::error" not in run.stdout


# --- `links:` in site.yml -------------------------------------------------------------------


def test_site_links_exclude_and_accept(site: Site, server: LoopbackServer, check: Check) -> None:
    url = serve(
        server, {"/private/area": status(200), "/forbidden": status(403), "/plain": status(200)}
    )
    site_yml = SITE_YML + "links:\n  exclude:\n    - '/private/'\n  accept: [403]\n"
    rel = f"{TRACK}/01-only.md"
    site.write(
        {
            rel: lesson(
                1,
                "Only",
                references=further(url["/private/area"]) + further(url["/forbidden"], "F"),
                body=f"A [plain]({url['/plain']}) link.",
            )
        },
        site_yml=site_yml,
    )

    run = check()

    got = run.external()
    assert fields(got[url["/private/area"]], "status", "code", "sources") == {
        "status": "excluded",
        "code": None,
        "sources": [site.source(rel, f"url: {url['/private/area']}")],
    }
    assert fields(got[url["/forbidden"]], "status", "code") == {"status": "ok", "code": 403}
    assert got[url["/plain"]]["status"] == "ok"
    assert run.exit_code == 0
    assert hits(server, "/private/area") == 0
    assert server.requests("/forbidden") == ["GET"]


def test_site_links_timeout_yields_to_the_flag(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    u = server.route("/slow", stall)
    site_yml = SITE_YML + "links:\n  timeout: 300\n"
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(u))}, site_yml=site_yml)

    run = check(timeout="0.3")  # if site.yml's 300 s won, the test's own timeout would fire

    assert (run.external()[u]["status"], run.exit_code) == ("timeout", 1)


def test_retries_repeat_a_timeout(site: Site, server: LoopbackServer, check: Check) -> None:
    u = server.route("/slow", stall)
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(u))})

    run = check(retries="1", timeout="0.3")

    assert run.external()[u]["status"] == "timeout"
    assert server.requests("/slow") == ["GET", "GET"]


# --- helpers used above must stay honest ----------------------------------------------------


def test_site_line_helper_refuses_ambiguous_needles(tmp_path: Path) -> None:
    fixture = Site(tmp_path).write({"a.md": "x\ny\nx\n"})
    assert fixture.line("a.md", "y") == 2
    with pytest.raises(AssertionError):
        fixture.line("a.md", "x")
