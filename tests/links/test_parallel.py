"""Many links over several hosts are checked by forked workers, split by host."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest
from loopback import LoopbackServer, status

from clawdemy_site.links.check import PARALLEL_FROM, _split_by_host
from clawdemy_site.links.model import ExternalLink

pytestmark = pytest.mark.timeout(60)


def test_split_keeps_each_host_in_one_group_and_balances_them() -> None:
    urls = [f"https://h{n % 5}.example/{n}" for n in range(50)] + ["https://big.example/"] * 30
    links = [ExternalLink(u, ()) for u in urls]

    groups = _split_by_host(links, 2)

    assert sorted(i for g in groups for i in g) == list(range(len(links)))
    hosts = [{urls[i].split("/")[2] for i in g} for g in groups]
    assert not hosts[0] & hosts[1]
    assert sorted(len(g) for g in groups) == [40, 40]


PROBE = """
import json, os, sys
from clawdemy_site.links import check
from clawdemy_site.links.model import CheckOptions, ExternalLink
urls = json.loads(sys.argv[1])
if sys.argv[2] == "kill-workers":
    parent, real = os.getpid(), check.check_links
    def dying(*args, **kwargs):
        if os.getpid() != parent:
            os._exit(3)  # a worker lost mid-run
        return real(*args, **kwargs)
    check.check_links = dying
seen = []
options = CheckOptions(allow_private=True, retries=0, timeout=5.0)
results = check.run_checks([ExternalLink(u, ()) for u in urls], options, seen.append)
print(json.dumps({
    "workers": check._workers([ExternalLink(u, ()) for u in urls]),
    "results": [[r.url, r.status, r.code] for r in results],
    "seen": len(seen),
}))
"""


@pytest.mark.parametrize("mode", ["workers", "kill-workers"])
def test_workers_check_every_link_in_order(
    make_server: Callable[..., LoopbackServer], mode: str
) -> None:
    servers = [make_server(f"127.0.0.{n}") for n in (1, 2, 3)]
    for server in servers:
        server.route("/ok", status(200))
        server.route("/gone", status(404))
    urls = [
        f"{servers[n % 3].url('/ok' if n % 7 else '/gone')}?n={n}" for n in range(PARALLEL_FROM)
    ]

    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(urls), mode],
        capture_output=True,
        text=True,
        timeout=50,
        check=True,
    )

    report = json.loads(done.stdout)
    if report["workers"] < 2:
        pytest.skip("one CPU: no workers to test")
    assert [url for url, _, _ in report["results"]] == urls
    assert [(s, c) for _, s, c in report["results"]] == [
        ("ok", 200) if n % 7 else ("broken", 404) for n in range(PARALLEL_FROM)
    ]
    assert report["seen"] == PARALLEL_FROM
    assert sum(len(s.seen) for s in servers) == PARALLEL_FROM


def test_one_host_is_never_split() -> None:
    links = [ExternalLink(f"https://one.example/{n}", ()) for n in range(10)]
    assert _split_by_host(links, 3) == [list(range(10))]
