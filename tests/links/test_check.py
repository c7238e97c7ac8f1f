"""The external link checker against scripted loopback servers (see conftest.py)."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

import pytest
from loopback import (
    Exchange,
    Handler,
    LoopbackServer,
    delayed,
    garbage,
    hang_up,
    html,
    redirect,
    reset,
    sequence,
    stall,
    status,
    trickle,
)

from clawdemy_site.links.check import RankedSlots, run_checks
from clawdemy_site.links.fragments import BodyDecoder
from clawdemy_site.links.model import CheckOptions, ExternalLink, HostPolicy, LinkResult

pytestmark = pytest.mark.timeout(20)

MakeServer = Callable[..., LoopbackServer]


def options(**overrides: Any) -> CheckOptions:
    """Tiny timeouts and backoffs; loopback allowed (the block tests turn it off)."""
    settings: dict[str, Any] = {
        "timeout": 1.0,
        "retries": 0,
        "backoff_base": 0.01,
        "retry_after_cap": 5.0,
        "allow_private": True,
    }
    settings.update(overrides)
    return CheckOptions(**settings)


def check(url: str, **overrides: Any) -> LinkResult:
    [result] = run_checks([ExternalLink(url, ())], options(**overrides))
    return result


def outcome(result: LinkResult) -> tuple[str, int | None, str]:
    return result.status, result.code, result.detail


# --- one URL, one behaviour ----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    handler: Callable[[], Handler]
    expected: tuple[str, int | None, str]
    methods: list[str]
    overrides: dict[str, Any] = field(default_factory=dict)


CASES = {
    "ok": Case(lambda: status(200), ("ok", 200, ""), ["GET"]),
    "not-found-never-retried": Case(
        lambda: status(404), ("broken", 404, "404 Not Found"), ["GET"], {"retries": 2}
    ),
    "gone-never-retried": Case(
        lambda: status(410), ("broken", 410, "410 Gone"), ["GET"], {"retries": 2}
    ),
    "accepted-code": Case(lambda: status(403), ("ok", 403, ""), ["GET"], {"accept": {403}}),
    "unknown-code": Case(lambda: status(599), ("unreachable", 599, "HTTP 599"), ["GET"]),
    "redirect-without-location": Case(lambda: status(302), ("broken", 302, "302 Found"), ["GET"]),
    "503-then-200": Case(
        lambda: sequence(status(503), status(200)), ("ok", 200, ""), ["GET"] * 2, {"retries": 2}
    ),
    "503-forever": Case(
        lambda: status(503),
        ("unreachable", 503, "503 Service Unavailable (3 attempts)"),
        ["GET"] * 3,
        {"retries": 2},
    ),
    "429-forever": Case(
        lambda: status(429),
        (
            "unverifiable",
            429,
            "rate limiter bot wall answered instead of the page"
            " (429 after 2 attempts, no Retry-After)",
        ),
        ["GET"] * 2,
        {"retries": 1},
    ),
    "429-retry-after-beyond-cap": Case(
        lambda: status(429, headers=[("Retry-After", "120")]),
        ("rate_limited", 429, "429 Too Many Requests, Retry-After 120 s exceeds the 5 s cap"),
        ["GET"],
        {"retries": 2},
    ),
    "503-retry-after-beyond-cap": Case(
        lambda: status(503, headers=[("Retry-After", "60")]),
        ("rate_limited", 503, "503 Service Unavailable, Retry-After 60 s exceeds the 5 s cap"),
        ["GET"],
        {"retries": 2},
    ),
    "stall": Case(
        lambda: stall,
        ("timeout", None, "no complete reply within 0.3 s"),
        ["GET"],
        {"timeout": 0.3},
    ),
    "stalls-twice": Case(
        lambda: stall,
        ("timeout", None, "no complete reply within 0.3 s (2 attempts)"),
        ["GET", "GET"],
        {"timeout": 0.3, "retries": 1},
    ),
    # aiohttp itself resends an idempotent request once when the connection drops (RFC 9112
    # section 9.3.1), hence two GETs for one attempt.
    "connection-reset": Case(
        lambda: reset, ("unreachable", None, "connection reset by peer"), ["GET"] * 2
    ),
    "hang-up": Case(
        lambda: hang_up,
        ("unreachable", None, "server closed the connection without replying"),
        ["GET"] * 2,
    ),
    "not-http": Case(
        lambda: garbage, ("error", None, "invalid HTTP reply (Bad status line)"), ["GET"]
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_single_behaviour(server: LoopbackServer, case: Case) -> None:
    url = server.route("/page", case.handler())

    result = check(url, **case.overrides)

    assert outcome(result) == case.expected
    assert result.final_url is None
    assert server.requests() == case.methods


def test_connection_refused_is_unreachable(refused_url: str) -> None:
    result = check(refused_url, retries=1)
    assert outcome(result) == ("unreachable", None, "connection refused (2 attempts)")


def test_trickling_server_is_cut_off_at_the_deadline(server: LoopbackServer) -> None:
    url = server.route("/slow", trickle(0.2))

    started = time.monotonic()
    result = check(url, timeout=0.7)
    elapsed = time.monotonic() - started

    assert outcome(result) == ("timeout", None, "no complete reply within 0.7 s")
    assert 0.7 <= elapsed < 0.7 + 0.5


@pytest.mark.parametrize(
    "retry_after",
    [
        pytest.param(lambda: "1", id="delta-seconds"),
        pytest.param(lambda: formatdate(time.time() + 2, usegmt=True), id="http-date"),
    ],
)
def test_retry_after_is_honoured(server: LoopbackServer, retry_after: Callable[[], str]) -> None:
    async def limited(exchange: Exchange) -> bool:
        return await exchange.respond(429, headers=[("Retry-After", retry_after())])

    url = server.route("/limited", sequence(limited, status(200)))

    started = time.monotonic()
    result = check(url, retries=1)
    elapsed = time.monotonic() - started

    assert outcome(result) == ("ok", 200, "")
    assert server.requests() == ["GET", "GET"]
    assert 0.9 <= elapsed < 3.0


def test_backoff_grows_exponentially(server: LoopbackServer) -> None:
    url = server.route("/flaky", status(500))

    started = time.monotonic()
    result = check(url, retries=2, backoff_base=0.1)
    elapsed = time.monotonic() - started

    assert outcome(result) == ("unreachable", 500, "500 Internal Server Error (3 attempts)")
    assert 0.1 + 0.2 <= elapsed < 0.1 + 0.2 + 2 * 0.1 + 0.5  # plus at most base of jitter each


# --- redirects -----------------------------------------------------------------------------


def _chain(length: int) -> dict[str, Handler]:
    routes: dict[str, Handler] = {f"/r{i}": redirect(301, f"/r{i + 1}") for i in range(length)}
    routes[f"/r{length}"] = status(200)
    return routes


REDIRECTS: dict[str, tuple[dict[str, Handler], tuple[str, int | None, str], str]] = {
    "301": (
        {"/r0": redirect(301, "/r1"), "/r1": status(200)},
        ("redirected", 200, "permanent redirect"),
        "/r1",
    ),
    "302": (
        {"/r0": redirect(302, "/r1"), "/r1": status(200)},
        ("redirected", 200, "temporary redirect"),
        "/r1",
    ),
    "308-then-301": (
        {"/r0": redirect(308, "/r1"), "/r1": redirect(301, "/r2"), "/r2": status(200)},
        ("redirected", 200, "permanent redirect"),
        "/r2",
    ),
    "301-then-307": (
        {"/r0": redirect(301, "/r1"), "/r1": redirect(307, "/r2"), "/r2": status(200)},
        ("redirected", 200, "temporary redirect"),
        "/r2",
    ),
    "relative-location": (
        {"/r0": redirect(303, "r1?x=1"), "/r1?x=1": status(200)},
        ("redirected", 200, "temporary redirect"),
        "/r1?x=1",
    ),
    "to-404": (
        {"/r0": redirect(301, "/gone"), "/gone": status(404)},
        ("broken", 404, "404 Not Found"),
        "/gone",
    ),
    "loop": (
        {"/r0": redirect(302, "/r1"), "/r1": redirect(302, "/r0")},
        ("error", 302, "redirect loop at {base}/r0"),
        "/r0",
    ),
    "self-loop": (
        {"/r0": redirect(302, "/r0")},
        ("error", 302, "redirect loop at {base}/r0"),
        "/r0",
    ),
    "ten-hops": (_chain(10), ("redirected", 200, "permanent redirect"), "/r10"),
    "eleven-hops": (_chain(11), ("error", 301, "more than 10 redirects"), "/r11"),
    "to-unsupported-scheme": (
        {"/r0": redirect(302, "ftp://127.0.0.1/file")},
        ("error", 302, "redirect to unsupported scheme ftp:"),
        "ftp://127.0.0.1/file",
    ),
}


@pytest.mark.parametrize(("routes", "expected", "final"), REDIRECTS.values(), ids=REDIRECTS.keys())
def test_redirects(
    server: LoopbackServer,
    routes: dict[str, Handler],
    expected: tuple[str, int | None, str],
    final: str,
) -> None:
    for path, handler in routes.items():
        server.route(path, handler)
    base = server.url("")

    result = check(server.url("/r0"), retries=2)

    status_, code, detail = expected
    assert outcome(result) == (status_, code, detail.format(base=base))
    assert result.final_url == (final if "://" in final else base + final)


def test_redirect_across_hosts(make_server: MakeServer) -> None:
    first, second = make_server("127.0.0.2"), make_server("127.0.0.3")
    target = second.route("/there", status(200))
    url = first.route("/here", redirect(307, target))

    result = check(url)

    assert outcome(result) == ("redirected", 200, "temporary redirect")
    assert result.final_url == target
    assert (first.requests(), second.requests()) == (["GET"], ["GET"])


# --- fragments -----------------------------------------------------------------------------

PAGE = """<!doctype html><title>t</title>
<h2 id="intro">Intro</h2><p><a name="legacy">old anchor</a>
<h2 id="caf&eacute;">Café</h2><p name="not-an-anchor">x</p>"""


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        pytest.param("intro", ("ok", 200, ""), id="id"),
        pytest.param("legacy", ("ok", 200, ""), id="a-name"),
        pytest.param("caf%C3%A9", ("ok", 200, ""), id="percent-encoded-with-entity"),
        pytest.param("top", ("ok", 200, ""), id="top-always-valid"),
        pytest.param("/route", ("ok", 200, ""), id="client-side-route"),
        pytest.param("missing", ("broken", 200, "fragment #missing not found"), id="missing"),
        pytest.param(
            "not-an-anchor", ("broken", 200, "fragment #not-an-anchor not found"), id="p-name"
        ),
    ],
)
def test_fragment(server: LoopbackServer, fragment: str, expected: tuple[str, int, str]) -> None:
    url = server.route("/doc", html(PAGE))

    assert outcome(check(f"{url}#{fragment}")) == expected


def test_fragments_of_one_page_share_one_get(server: LoopbackServer) -> None:
    url = server.route("/doc", html(PAGE))
    links = [ExternalLink(f"{url}#{f}", ()) for f in ("intro", "legacy", "missing")]
    links.append(ExternalLink(url, ()))

    results = run_checks(links, options())

    assert [r.status for r in results] == ["ok", "ok", "broken", "ok"]
    assert server.requests() == ["GET"]


def test_fragment_on_a_redirected_page(server: LoopbackServer) -> None:
    server.route("/old", redirect(301, "/doc"))
    target = server.route("/doc", html(PAGE))
    links = [ExternalLink(server.url("/old#intro"), ()), ExternalLink(server.url("/old#no"), ())]

    found, missing = run_checks(links, options())

    assert (outcome(found), found.final_url) == (("redirected", 200, "permanent redirect"), target)
    assert (outcome(missing), missing.final_url) == (
        ("broken", 200, "fragment #no not found"),
        target,
    )


def test_fragment_in_a_non_html_page_is_not_checked(server: LoopbackServer) -> None:
    url = server.route("/a.pdf", status(200, headers=[("Content-Type", "application/pdf")]))

    result = check(url + "#page=2")

    detail = "fragment #page=2 not checked: not an HTML page (application/pdf)"
    assert outcome(result) == ("ok", 200, detail)


def test_fragment_in_a_gzipped_page(server: LoopbackServer) -> None:
    body = gzip.compress(("<p>filler</p>" * 5000 + PAGE).encode())
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    url = server.route("/doc", status(200, headers=headers, body=body))

    assert outcome(check(url + "#legacy")) == ("ok", 200, "")


def test_gzip_bomb_is_read_only_up_to_the_cap(server: LoopbackServer) -> None:
    bomb = gzip.compress(b"<p>" + b" " * 50_000_000 + b'<a id="deep">x</a>', compresslevel=9)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    url = server.route("/bomb", status(200, headers=headers, body=bomb))

    started = time.monotonic()
    result = check(url + "#deep", max_body_bytes=65536)

    detail = "fragment #deep not checked: only the first 65536 bytes were read"
    assert outcome(result) == ("ok", 200, detail)
    assert time.monotonic() - started < 2.0


def test_body_decoder_never_exceeds_its_limit() -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    decoder = BodyDecoder("gzip", 100_000)

    produced = sum(len(decoder.feed(bomb[i : i + 1024])) for i in range(0, len(bomb), 1024))

    assert produced == 100_000
    assert decoder.exhausted


# --- what is never fetched -----------------------------------------------------------------


def test_excluded_links_are_never_fetched(server: LoopbackServer) -> None:
    url = server.route("/private/x", status(200))

    result = check(url, exclude=(r"/private/",))

    assert outcome(result) == ("excluded", None, "matches exclude pattern '/private/'")
    assert server.connections == 0


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        pytest.param("ftp://127.0.0.1/file", "unsupported scheme ftp:", id="ftp"),
        pytest.param("mailto:someone@127.0.0.1", "unsupported scheme mailto:", id="mailto"),
        pytest.param("//127.0.0.1/x", "unsupported scheme (none):", id="scheme-relative"),
        pytest.param("http:///x", "invalid URL: no host", id="no-host"),
    ],
)
def test_unfetchable_urls_are_errors(url: str, detail: str) -> None:
    assert outcome(check(url)) == ("error", None, detail)


@pytest.mark.parametrize(
    ("host", "detail"),
    [
        pytest.param("127.0.0.1", "127.0.0.1 is a loopback address", id="127.0.0.1"),
        pytest.param("127.0.0.2", "127.0.0.2 is a loopback address", id="127.0.0.2"),
    ],
)
def test_loopback_is_blocked_without_allow_private(
    make_server: MakeServer, host: str, detail: str
) -> None:
    server = make_server(host)
    url = server.route("/", status(200))

    result = check(url, allow_private=False, retries=2)

    assert outcome(result) == ("blocked", None, detail)
    assert server.connections == 0


def test_legacy_ipv4_spelling_is_blocked(server: LoopbackServer) -> None:
    result = check(f"http://127.1:{server.port}/", allow_private=False)

    assert outcome(result) == ("blocked", None, "127.0.0.1 is a loopback address")
    assert server.connections == 0


def test_name_resolving_to_loopback_is_blocked_after_dns(
    server: LoopbackServer, fake_dns: Callable[[dict[str, list[str]]], None]
) -> None:
    fake_dns({"sneaky.test": ["127.0.0.1"]})
    server.route("/", status(200))

    result = check(f"http://sneaky.test:{server.port}/", allow_private=False)

    detail = "sneaky.test resolves only to blocked addresses: 127.0.0.1 (a loopback address)"
    assert outcome(result) == ("blocked", None, detail)
    assert server.connections == 0


def test_name_resolving_to_an_allowed_address_is_fetched(
    make_server: MakeServer, fake_dns: Callable[[dict[str, list[str]]], None]
) -> None:
    server = make_server("127.0.0.2")
    server.route("/", status(200))
    fake_dns({"fine.test": ["127.0.0.2"]})

    assert outcome(check(f"http://fine.test:{server.port}/")) == ("ok", 200, "")
    assert server.seen[0].headers["host"] == f"fine.test:{server.port}"


def test_dns_failure_is_unreachable(fake_dns: Callable[[dict[str, list[str]]], None]) -> None:
    fake_dns({})
    result = check("http://nowhere.test/")
    assert outcome(result) == ("unreachable", None, "DNS lookup failed for nowhere.test")


# --- scheduling ----------------------------------------------------------------------------


def test_concurrency_limits_per_host_and_host_policy(make_server: MakeServer) -> None:
    busy, careful = make_server("127.0.0.3"), make_server("127.0.0.4")
    slow_ok = delayed(0.1, status(200))
    links = [ExternalLink(busy.route(f"/p{i}", slow_ok), ()) for i in range(12)]
    links += [ExternalLink(careful.route(f"/p{i}", slow_ok), ()) for i in range(4)]
    policy = HostPolicy(concurrency=1, headers=(("X-Token", "t0k"),))

    results = run_checks(
        links, options(host_concurrency=3, hosts=(("127.0.0.4", policy),), user_agent="ua/1")
    )

    assert {r.status for r in results} == {"ok"}
    assert (busy.max_active, careful.max_active) == (3, 1)
    assert {s.headers.get("x-token") for s in careful.seen} == {"t0k"}
    assert {s.headers.get("x-token") for s in busy.seen} == {None}
    assert {s.headers["user-agent"] for s in busy.seen + careful.seen} == {"ua/1"}


def test_connections_are_kept_alive(server: LoopbackServer) -> None:
    links = [ExternalLink(server.route(f"/p{i}", status(200)), ()) for i in range(20)]

    results = run_checks(links, options(host_concurrency=1))

    assert {r.status for r in results} == {"ok"}
    assert (len(server.seen), server.connections) == (20, 1)


def test_global_concurrency_limit(make_server: MakeServer) -> None:
    servers = [make_server(f"127.0.0.{n}") for n in (5, 6, 7)]
    in_flight = peak = 0

    async def counted(exchange: Exchange) -> bool:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            return await delayed(0.05, status(200))(exchange)
        finally:
            in_flight -= 1

    links = [ExternalLink(s.route(f"/p{i}", counted), ()) for s in servers for i in range(6)]

    results = run_checks(links, options(max_concurrency=4, host_concurrency=4))

    assert {r.status for r in results} == {"ok"}
    assert peak == 4


def test_a_freed_global_slot_goes_to_the_lowest_rank_waiting() -> None:
    async def scenario() -> tuple[list[int], int]:
        slots = RankedSlots(1)
        order: list[int] = []

        async def holder(rank: int) -> None:
            await slots.acquire(rank)
            order.append(rank)
            await asyncio.sleep(0)
            slots.release()

        await slots.acquire(0)  # every task below must wait
        tasks = [asyncio.create_task(holder(rank)) for rank in (5, -3, 0, -3)]
        dropped = asyncio.create_task(holder(-9))
        await asyncio.sleep(0)
        dropped.cancel()
        slots.release()
        await asyncio.gather(*tasks)
        await asyncio.sleep(0)
        await slots.acquire(0)  # the cancelled waiter kept no slot
        return order, len(tasks)

    order, count = asyncio.run(asyncio.wait_for(scenario(), 5))

    assert (order, count) == ([-3, -3, 0, 5], 4)


def test_each_url_fetched_once_and_results_in_input_order(server: LoopbackServer) -> None:
    page = server.route("/doc", html(PAGE))
    plain = server.route("/plain", status(200))
    gone = server.route("/gone", status(404))
    urls = [plain, page + "#intro", gone, plain, page + "#legacy", page, gone]
    seen: list[str] = []

    results = run_checks(
        [ExternalLink(u, ()) for u in urls], options(), on_result=lambda r: seen.append(r.url)
    )

    assert [r.url for r in results] == urls
    assert [r.status for r in results] == ["ok", "ok", "broken", "ok", "ok", "ok", "broken"]
    assert sorted(seen) == sorted(urls)
    assert (server.requests("/doc"), server.requests("/plain")) == (["GET"], ["GET"])
    assert server.requests("/gone") == ["GET"]


def test_sources_are_carried_over(server: LoopbackServer) -> None:
    from clawdemy_site.links.model import SourceRef

    sources = (SourceRef("content/a.md", 3), SourceRef("content/b.md", 9))
    url = server.route("/", status(200))

    [result] = run_checks([ExternalLink(url, sources)], options())

    assert result.sources == sources


# --- addresses outside 127/8: only in a loopback-only network namespace ---------------------


@pytest.mark.netns
@pytest.mark.parametrize(
    ("address", "url_host"),
    [
        pytest.param("169.254.169.254", "169.254.169.254", id="ipv4"),
        pytest.param("169.254.169.254", "[::ffff:169.254.169.254]", id="ipv4-mapped"),
        pytest.param("fd00:ec2::254", "[fd00:ec2::254]", id="ipv6"),
    ],
)
def test_metadata_is_blocked_even_with_allow_private(
    make_server: MakeServer, netns_address: Callable[[str], None], address: str, url_host: str
) -> None:
    netns_address(address)
    server = make_server(address)
    server.route("/latest/meta-data/", status(200))

    result = check(f"http://{url_host}:{server.port}/latest/meta-data/", allow_private=True)

    assert (result.status, result.code) == ("blocked", None)
    assert "cloud metadata address" in result.detail
    assert server.connections == 0


@pytest.mark.netns
def test_name_resolving_to_metadata_is_blocked(
    make_server: MakeServer,
    netns_address: Callable[[str], None],
    fake_dns: Callable[[dict[str, list[str]]], None],
) -> None:
    netns_address("169.254.169.254")
    server = make_server("169.254.169.254")
    fake_dns({"metadata.test": ["169.254.169.254"]})

    result = check(f"http://metadata.test:{server.port}/", allow_private=True)

    detail = (
        "metadata.test resolves only to blocked addresses: "
        "169.254.169.254 (a cloud metadata address)"
    )
    assert outcome(result) == ("blocked", None, detail)
    assert server.connections == 0


@pytest.mark.netns
@pytest.mark.parametrize("via_name", [False, True], ids=["literal-hop", "named-hop"])
def test_redirect_to_metadata_is_blocked_on_the_hop(
    make_server: MakeServer,
    netns_address: Callable[[str], None],
    fake_dns: Callable[[dict[str, list[str]]], None],
    via_name: bool,
) -> None:
    netns_address("169.254.169.254")
    metadata = make_server("169.254.169.254")
    fake_dns({"metadata.test": ["169.254.169.254"]})
    host = "metadata.test" if via_name else "169.254.169.254"
    hop = f"http://{host}:{metadata.port}/latest/meta-data/"
    start = make_server("127.0.0.2")
    url = start.route("/innocent", redirect(302, hop))

    result = check(url, allow_private=True)

    assert (result.status, result.code, result.final_url) == ("blocked", None, hop)
    assert "cloud metadata address" in result.detail
    assert start.requests() == ["GET"]
    assert metadata.connections == 0


@pytest.mark.netns
@pytest.mark.parametrize(
    ("allow_private", "expected", "connections"),
    [
        pytest.param(False, ("blocked", None, "10.0.0.1 is a private address"), 0, id="blocked"),
        pytest.param(True, ("ok", 200, ""), 1, id="allowed"),
    ],
)
def test_private_address(
    make_server: MakeServer,
    netns_address: Callable[[str], None],
    allow_private: bool,
    expected: tuple[str, int | None, str],
    connections: int,
) -> None:
    netns_address("10.0.0.1")
    server = make_server("10.0.0.1")
    url = server.route("/", status(200))

    assert outcome(check(url, allow_private=allow_private)) == expected
    assert server.connections == connections


@pytest.mark.netns
def test_localhost_is_blocked_after_real_resolution(server: LoopbackServer) -> None:
    result = check(f"http://localhost:{server.port}/", allow_private=False)

    assert result.status == "blocked"
    assert result.detail.startswith("localhost resolves only to blocked addresses: ")
    assert "127.0.0.1 (a loopback address)" in result.detail
    assert server.connections == 0


@pytest.mark.netns
def test_blocked_addresses_are_dropped_from_a_mixed_answer(
    make_server: MakeServer,
    netns_address: Callable[[str], None],
    fake_dns: Callable[[dict[str, list[str]]], None],
) -> None:
    netns_address("169.254.169.254")
    metadata = make_server("169.254.169.254")
    good = make_server("127.0.0.2", port=metadata.port)
    good.route("/", status(200))
    metadata.route("/", status(200))
    fake_dns({"mixed.test": ["169.254.169.254", "127.0.0.2"]})

    result = check(f"http://mixed.test:{metadata.port}/", allow_private=True)

    assert outcome(result) == ("ok", 200, "")
    assert (metadata.connections, good.requests()) == (0, ["GET"])
