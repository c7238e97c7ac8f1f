"""New failures against known ones: `new` and `failing_since` from the link history, and
`--fail-on new` keeping a run green through a known outage while a new death turns it red."""

from __future__ import annotations

import re

import pytest
from loopback import LoopbackServer, sequence, status
from sitekit import TRACK, Check, Site, further, lesson

pytestmark = pytest.mark.timeout(30)

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_a_failure_is_new_once_then_known_since_its_first_run(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    dead = server.route("/dead", status(404))
    fine = server.route("/fine", status(200))
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(dead) + further(fine))})

    first = check()
    second = check()

    one, two = first.external()[dead], second.external()[dead]
    assert (one["new"], two["new"]) == (True, False)
    assert ISO.match(one["failing_since"])
    assert two["failing_since"] == one["failing_since"]
    assert "new" not in first.external()[fine] and "failing_since" not in first.external()[fine]
    assert (first.exit_code, second.exit_code) == (1, 1)  # --fail-on all, the default


def test_fail_on_new_passes_through_a_known_outage_and_fails_on_a_new_death(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    known = server.route("/known", status(404))
    later = server.route("/later", sequence(status(200), status(410)))
    site.write(
        {f"{TRACK}/01-only.md": lesson(1, "Only", references=further(known) + further(later))},
        site_yml="title: T\nbase_url: https://t.example/\nlanguage: en\nlinks:\n  max_age: 0.001\n",
    )

    first = check("--fail-on", "new")
    second = check("--fail-on", "new")

    # First run: /known is a new failure and fails the run; /later still works.
    assert (first.exit_code, first.external()[known]["new"]) == (1, True)
    # Second run: /known is known (excused), /later has just died (new, fails the run).
    got = second.external()
    assert (got[known]["status"], got[known]["new"]) == ("broken", False)
    assert got[known]["excused"] == "a known failure (--fail-on new)"
    assert got[known]["failing_since"] == first.external()[known]["failing_since"]
    assert (got[later]["status"], got[later]["new"]) == ("broken", True)
    assert "excused" not in got[later]
    assert (second.exit_code, second.report["summary"]["failed"]) == (1, 1)

    third = check("--fail-on", "new")

    assert third.exit_code == 0, third.stdout
    assert third.external()[later]["new"] is False


def test_text_report_says_new_or_since_when(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    dead = server.route("/dead", status(404))
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(dead))})

    first = check(fmt="text")
    second = check(fmt="text")

    assert f"BROKEN {dead} (404 Not Found) - 404 Not Found; new failure" in first.stdout
    assert re.search(
        rf"BROKEN {re.escape(dead)} \(404 Not Found\) - 404 Not Found; failing since "
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
        second.stdout,
        re.MULTILINE,
    )


def test_without_a_history_nothing_is_said_about_novelty(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    dead = server.route("/dead", status(404))
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=further(dead))})

    run = check("--no-cache", "--fail-on", "new", cache=False)

    result = run.external()[dead]
    assert "new" not in result and "failing_since" not in result
    assert run.exit_code == 1  # nothing is known, so nothing is excused
