"""DOIs are checked through the DOI handle API (`links.doi_api`), not the publisher's page."""

from __future__ import annotations

import json

import pytest
from loopback import Handler, LoopbackServer, status
from sitekit import SITE_YML, TRACK, Check, Site, further, lesson
from yarl import URL

from clawdemy_site.links.doi import doi_of, handle_url

pytestmark = pytest.mark.timeout(30)

EXISTING = "10.1000/182"
MISSING = "10.9999/does-not-exist"


def handle_reply(doi: str, response_code: int, code: int = 200) -> Handler:
    body = json.dumps({"responseCode": response_code, "handle": doi}).encode()
    return status(code, headers=[("Content-Type", "application/json")], body=body)


def test_doi_urls_are_recognised() -> None:
    assert doi_of(URL("https://doi.org/10.1000/182")) == "10.1000/182"
    assert doi_of(URL("http://dx.doi.org/10.1038/nature14539")) == "10.1038/nature14539"
    assert doi_of(URL("https://doi.org/")) is None
    assert doi_of(URL("https://example.org/10.1000/182")) is None
    assert str(handle_url("http://127.0.0.1:9/api/handles/", "10.1000/a<b>")) == (
        "http://127.0.0.1:9/api/handles/10.1000/a%3Cb%3E"
    )


def test_existing_and_missing_dois(site: Site, server: LoopbackServer, check: Check) -> None:
    server.route(f"/api/handles/{EXISTING}", handle_reply(EXISTING, 1))
    server.route(f"/api/handles/{MISSING}", handle_reply(MISSING, 100, code=404))
    api = server.url("/api/handles/")
    good, bad = f"https://doi.org/{EXISTING}", f"https://doi.org/{MISSING}"
    site.write(
        {
            f"{TRACK}/01-only.md": lesson(
                1, "Only", references=further(good, "Good paper") + further(bad, "Lost paper")
            )
        },
        site_yml=SITE_YML + f"links:\n  doi_api: {api}\n",
    )

    run = check()

    got = run.external()
    assert (got[good]["status"], got[good]["code"]) == ("ok", 200)
    assert got[good]["detail"] == "DOI 10.1000/182 is registered (handle API)"
    assert (got[bad]["status"], got[bad]["code"]) == ("broken", 404)
    assert got[bad]["detail"] == "DOI 10.9999/does-not-exist is not registered (handle API)"
    assert run.exit_code == 1
    # The API was asked, once per DOI; doi.org itself never was (it would not resolve here).
    assert server.requests(f"/api/handles/{EXISTING}") == ["GET"]
    assert server.requests(f"/api/handles/{MISSING}") == ["GET"]


def test_doi_api_answering_nonsense_is_an_error(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    server.route(f"/api/handles/{EXISTING}", status(200, body=b"<html>not json</html>"))
    url = f"https://doi.org/{EXISTING}"
    site.write(
        {f"{TRACK}/01-only.md": lesson(1, "Only", references=further(url))},
        site_yml=SITE_YML + f"links:\n  doi_api: {server.url('/api/handles/')}\n",
    )

    run = check()

    result = run.external()[url]
    assert (result["status"], result["code"]) == ("error", 200)
    assert result["detail"] == (
        "DOI handle API answered 200 OK without a responseCode it documents"
    )


def test_doi_api_must_be_a_url(site: Site, check: Check) -> None:
    site.write(
        {f"{TRACK}/01-only.md": lesson(1, "Only")},
        site_yml=SITE_YML + "links:\n  doi_api: not a url\n",
    )

    run = check()

    assert run.exit_code == 1
    assert (
        "content/site.yml:5:12: error: `doi_api` must be an absolute http or https URL;"
        " `not a url` contains white space"
    ) in run.stderr


def test_a_doi_fragment_is_noted_not_checked(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    server.route(f"/api/handles/{EXISTING}", handle_reply(EXISTING, 1))
    url = f"https://doi.org/{EXISTING}#section-2"
    site.write(
        {f"{TRACK}/01-only.md": lesson(1, "Only", references=further(url))},
        site_yml=SITE_YML + f"links:\n  doi_api: {server.url('/api/handles/')}\n",
    )

    run = check()

    result = run.external()[url]
    assert (result["status"], run.exit_code) == ("ok", 0)
    assert result["detail"] == (
        "DOI 10.1000/182 is registered (handle API); fragment #section-2 not checked:"
        " the publisher's page is not fetched for a DOI"
    )
