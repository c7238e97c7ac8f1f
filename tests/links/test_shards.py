"""`--shard K/N` splits the external URLs by host; `check-links merge` joins the shards'
JSON reports and reports and exits as one run would."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from loopback import LoopbackServer, status
from sitekit import TRACK, Check, Site, further, lesson

from clawdemy_site.cli import main
from clawdemy_site.links.select import host_key, shard_of

pytestmark = pytest.mark.timeout(30)

HOSTS = [f"127.0.0.{n}" for n in range(1, 9)]


def test_shard_of_is_stable_and_by_host() -> None:
    assert shard_of("https://a.example/x", 4) == shard_of("https://A.example:8443/y?z#w", 4)
    assert {shard_of(f"https://h{n}.example/", 3) for n in range(60)} == {1, 2, 3}
    assert shard_of("not a url", 2) in (1, 2)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://A.Example:8443/y?z#w", "a.example"),
        ("http://127.0.0.3:18080/d20/x", "127.0.0.3"),
        ("https://docs.example.org", "docs.example.org"),
        ("https://example.org?q=1", "example.org"),
        # Not plain ASCII host[:port]: read by yarl, as the checker names the host.
        ("https://user:pw@Example.org/x", "example.org"),
        ("http://[::1]:8080/x", "::1"),
        ("https://BÜCHER.example/x", "bücher.example"),
        ("https://xn--bcher-kva.example/y", "bücher.example"),
        ("not a url", ""),
    ],
)
def test_host_key_is_the_host_yarl_names(url: str, host: str) -> None:
    assert host_key(url) == host


def merge(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check-links", "merge", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def many_hosts(site: Site, make_server: Callable[..., LoopbackServer]) -> dict[str, list[str]]:
    """A site citing two URLs on each of eight loopback hosts; one of them is dead."""
    urls: dict[str, list[str]] = {}
    for host in HOSTS:
        server = make_server(host)
        urls[host] = [server.route("/a", status(200)), server.route("/b", status(200))]
    dead_server = make_server(HOSTS[0])
    urls[HOSTS[0]].append(dead_server.route("/gone", status(404)))
    references = "".join(
        further(url, f"Page {i}") for i, url in enumerate(u for us in urls.values() for u in us)
    )
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only", references=references)})
    return urls


def test_shards_split_by_host_and_merge_into_the_whole_run(
    site: Site, many_hosts: dict[str, list[str]], check: Check, tmp_path: Path
) -> None:
    whole = check("--no-cache", cache=False)
    shards = [check("--no-cache", "--shard", f"{k}/3", cache=False) for k in (1, 2, 3)]

    external = [set(s.external()) for s in shards]
    assert set().union(*external) == set(whole.external())
    assert sum(len(e) for e in external) == len(whole.external())  # disjoint
    for urls in many_hosts.values():  # every URL of a host in one shard
        assert sum(1 for e in external if set(urls) <= e) == 1
    paths = []
    for k, shard in enumerate(shards, start=1):
        path = tmp_path / f"links-{k}.json"
        path.write_text(shard.stdout, encoding="utf-8")
        paths.append(str(path))

    code, stdout, _ = merge(*paths, "--format", "json")

    merged = json.loads(stdout)
    assert merged == whole.report
    assert code == whole.exit_code == 1


def test_merge_formats_like_a_run(
    site: Site, many_hosts: dict[str, list[str]], check: Check, tmp_path: Path
) -> None:
    path = tmp_path / "all.json"
    path.write_text(check("--no-cache", cache=False).stdout, encoding="utf-8")
    text = check("--no-cache", cache=False, fmt="text").stdout

    code, stdout, _ = merge(str(path), "--format", "text")

    assert (code, stdout) == (1, text)


def test_merge_keeps_what_decides_the_verdict(tmp_path: Path) -> None:
    report = {
        "results": [
            {
                "url": "https://walled.example/",
                "status": "unverifiable",
                "code": 403,
                "final_url": None,
                "detail": "Cloudflare bot wall answered instead of the page",
                "sources": [{"path": "content/a.md", "line": 3}],
                "flaky": False,
                "cached": False,
                "strict": True,
            },
            {
                "url": "https://gone.example/",
                "status": "broken",
                "code": 404,
                "final_url": None,
                "detail": "404 Not Found",
                "sources": [{"path": "content/a.md", "line": 5}],
                "flaky": False,
                "cached": False,
                "new": False,
                "failing_since": "2026-01-02T03:04:05Z",
                "excused": "failing since 2026-01-02T03:04:05Z (--fail-on new)",
            },
        ],
        "summary": {},
    }
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report), encoding="utf-8")

    code, stdout, _ = merge(str(path), "--format", "json")

    assert code == 1  # the wall was judged under --strict; the known 404 is excused
    merged = json.loads(stdout)
    assert merged["results"] == sorted(report["results"], key=lambda r: str(r["url"]))
    assert merged["summary"]["failed"] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a readable JSON report"),
        ('{"summary": {}}', "not a check-links JSON report (no `results` list)"),
        (
            '{"results": [{"url": "u", "status": "blocked", "code": 403, "final_url": null,'
            ' "detail": "", "sources": []}]}',
            "result 1 is malformed (no 'blocked' status has code 403 and final URL None)",
        ),
    ],
)
def test_merge_refuses_what_is_not_a_report(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")

    code, _, stderr = merge(str(path))

    assert code == 1
    assert f"Error: {path}: {message}" in stderr


def test_shard_must_be_k_of_n(site: Site, check: Check) -> None:
    site.write({f"{TRACK}/01-only.md": lesson(1, "Only")})

    run = check("--shard", "3/2")

    assert run.exit_code == 2
    assert "`3/2` is not K/N with 1 <= K <= N (e.g. 2/4)" in run.stderr
