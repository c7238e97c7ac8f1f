"""Bot walls: a reply that is a challenge page, not the page, is `unverifiable` (a warning
unless --strict or `links.unverifiable: fail`); a plain 403 or a 404 stays `broken`."""

from __future__ import annotations

from typing import Any

import pytest
from loopback import Handler, LoopbackServer, html, sequence, status
from sitekit import SITE_YML, TRACK, Check, Site, further, lesson

from clawdemy_site.links.check import run_checks
from clawdemy_site.links.model import CheckOptions, ExternalLink, LinkResult

pytestmark = pytest.mark.timeout(30)

CLOUDFLARE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>'
    b"</body></html>"
)
ANUBIS_PAGE = (
    "<!doctype html><html><head><title>Making sure you&#39;re not a bot!</title>"
    '<script id="anubis_challenge" type="application/json">{"rules":{"difficulty":4}}</script>'
    '<script async type="module" src="/.within.website/x/cmd/anubis/static/js/main.mjs">'
    "</script></head><body><p>Loading...</p></body></html>"
)
DDOS_GUARD_PAGE = (
    b"<!DOCTYPE html><html><head><title>DDoS-Guard</title></head><body>"
    b'<script src="/.well-known/ddos-guard/check?context=free_splash"></script></body></html>'
)
HTML = ("Content-Type", "text/html; charset=UTF-8")


def options(**overrides: Any) -> CheckOptions:
    settings: dict[str, Any] = {"timeout": 2.0, "retries": 0, "backoff_base": 0.01}
    settings.update(allow_private=True, **overrides)
    return CheckOptions(**settings)


def check(url: str, **overrides: Any) -> LinkResult:
    [result] = run_checks([ExternalLink(url, ())], options(**overrides))
    return result


WALLS: dict[str, tuple[Handler, int, str]] = {
    "cloudflare-header": (
        status(403, headers=[("cf-mitigated", "challenge"), ("Server", "cloudflare")]),
        403,
        "Cloudflare bot wall answered instead of the page (cf-mitigated: challenge)",
    ),
    "cloudflare-page": (
        status(503, headers=[HTML, ("Server", "cloudflare")], body=CLOUDFLARE_PAGE),
        503,
        "Cloudflare bot wall answered instead of the page (503 with Cloudflare's challenge page)",
    ),
    "anubis-200": (
        html(ANUBIS_PAGE),
        200,
        "Anubis bot wall answered instead of the page (200 with Anubis's challenge page)",
    ),
    "anubis-401": (
        status(401, headers=[HTML], body=ANUBIS_PAGE.encode()),
        401,
        "Anubis bot wall answered instead of the page (401 with Anubis's challenge page)",
    ),
    "ddos-guard-header": (
        status(403, headers=[("Server", "ddos-guard")]),
        403,
        "DDoS-Guard bot wall answered instead of the page (403 from server: ddos-guard)",
    ),
    "ddos-guard-page": (
        status(403, headers=[HTML], body=DDOS_GUARD_PAGE),
        403,
        "DDoS-Guard bot wall answered instead of the page (403 with DDoS-Guard's challenge page)",
    ),
    "persistent-429": (
        status(429),
        429,
        "rate limiter bot wall answered instead of the page (429 after 3 attempts, no Retry-After)",
    ),
}


@pytest.mark.parametrize("case", WALLS.values(), ids=WALLS.keys())
def test_wall_is_unverifiable_and_named(
    server: LoopbackServer, case: tuple[Handler, int, str]
) -> None:
    handler, code, detail = case
    url = server.route("/walled", handler)

    result = check(url, retries=2)

    assert (result.status, result.code, result.detail) == ("unverifiable", code, detail)
    assert not result.fails_run
    expected_requests = 3 if code == 429 else 1  # a wall is not retried; a 429 is
    assert len(server.requests("/walled")) == expected_requests


NOT_WALLS: dict[str, tuple[Handler, str, int]] = {
    "404-from-cloudflare": (
        status(404, headers=[HTML, ("Server", "cloudflare")], body=CLOUDFLARE_PAGE),
        "broken",
        404,
    ),
    "410": (status(410), "broken", 410),
    "plain-403": (status(403, headers=[HTML], body=b"<p>Forbidden</p>"), "broken", 403),
    "page-about-ddos-guard": (html("<h1>What DDoS-Guard does</h1>"), "ok", 200),
    "just-a-moment-not-from-cloudflare": (
        status(503, headers=[HTML], body=b"<title>Just a moment...</title>"),
        "unreachable",
        503,
    ),
    "429-that-gives-way": (sequence(status(429), status(200)), "ok", 200),
}


@pytest.mark.parametrize("case", NOT_WALLS.values(), ids=NOT_WALLS.keys())
def test_not_a_wall(server: LoopbackServer, case: tuple[Handler, str, int]) -> None:
    handler, expected_status, code = case
    url = server.route("/page", handler)

    result = check(url, retries=1)

    assert (result.status, result.code) == (expected_status, code)


def _walled_site(site: Site, server: LoopbackServer, site_yml: str = SITE_YML) -> str:
    url = server.route("/walled", status(403, headers=[("cf-mitigated", "challenge")]))
    site.write(
        {f"{TRACK}/01-only.md": lesson(1, "Only", references=further(url))}, site_yml=site_yml
    )
    return url


def test_wall_warns_by_default(site: Site, server: LoopbackServer, check: Check) -> None:
    url = _walled_site(site, server)

    run = check()

    assert run.exit_code == 0, run.stdout
    result = run.external()[url]
    assert (result["status"], result["code"]) == ("unverifiable", 403)
    assert result["detail"] == (
        "Cloudflare bot wall answered instead of the page (cf-mitigated: challenge)"
    )
    assert run.report["summary"]["unverifiable"] == 1
    assert run.report["summary"]["failed"] == 0


def test_wall_fails_under_strict(site: Site, server: LoopbackServer, check: Check) -> None:
    url = _walled_site(site, server)

    run = check("--strict")

    assert run.exit_code == 1
    assert run.external()[url]["status"] == "unverifiable"
    assert run.report["summary"]["failed"] == 1


def test_wall_fails_with_links_unverifiable_fail(
    site: Site, server: LoopbackServer, check: Check
) -> None:
    _walled_site(site, server, SITE_YML + "links:\n  unverifiable: fail\n")

    run = check()

    assert (run.exit_code, run.report["summary"]["failed"]) == (1, 1)


def test_wall_text_report_is_a_warning(site: Site, server: LoopbackServer, check: Check) -> None:
    url = _walled_site(site, server)

    run = check(fmt="text")

    assert run.exit_code == 0
    assert f"content/{TRACK}/01-only.md:8: UNVERIFIABLE {url} (403 Forbidden) - Cloudflare" in (
        run.stdout
    )


def test_links_unverifiable_takes_warn_or_fail(site: Site, check: Check) -> None:
    site.write(
        {f"{TRACK}/01-only.md": lesson(1, "Only")},
        site_yml=SITE_YML + "links:\n  unverifiable: never\n",
    )

    run = check()

    assert run.exit_code == 1
    assert (
        "content/site.yml:5:17: error: `links.unverifiable` must be `warn` or `fail`, not `never`"
        in run.stderr
    )
