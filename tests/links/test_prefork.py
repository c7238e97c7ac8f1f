"""The checker process forked when check-links starts (links.prefork).

The probes run in a fresh interpreter: pytest's own process runs the loopback servers on a
thread, and a process with a thread running never forks (the in-process path the other
tests take).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable

import pytest
from loopback import LoopbackServer, status
from sitekit import Site, check_args, further, lesson

from clawdemy_site.links.prefork import start_checker

pytestmark = pytest.mark.timeout(60)

CLI_PROBE = """
import json, sys
from clawdemy_site.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit as exit:
    print("exit", exit.code, file=sys.stderr)
print("aiohttp in the parent:", "aiohttp" in sys.modules, file=sys.stderr)
"""


def test_check_links_fetches_in_the_forked_checker(
    site: Site, make_server: Callable[..., LoopbackServer]
) -> None:
    server = make_server()
    server.route("/ok", status(200))
    server.route("/gone", status(404))
    ok, gone = server.url("/ok"), server.url("/gone")
    site.write(
        {
            "nn/01-first.md": lesson(1, "First", references=further(ok), body=f"[x]({gone})"),
            "nn/02-second.md": lesson(2, "Second", body="[back](01-first.md)"),
        }
    )

    done = subprocess.run(
        [sys.executable, "-c", CLI_PROBE, json.dumps(check_args(site.root, cache=False))],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )

    assert "exit 1" in done.stderr, done.stderr
    # The parent never imported the HTTP client: the forked checker did the fetching.
    assert "aiohttp in the parent: False" in done.stderr
    results = {r["url"]: r for r in json.loads(done.stdout)["results"]}
    assert (results[ok]["status"], results[ok]["code"]) == ("ok", 200)
    assert (results[gone]["status"], results[gone]["code"]) == ("broken", 404)
    assert results[gone]["sources"] == [site.source("nn/01-first.md", gone)]
    assert results["01-first.md"]["status"] == "ok"
    assert sorted(s.path for s in server.seen) == ["/gone", "/ok"]


ENTRY_PROBE = """
import atexit, json, sys
from clawdemy_site.links import prefork
forks = []
real = prefork.start_checker
def spy(job=None):
    forks.append("click" in sys.modules)
    return real(job)
prefork.start_checker = spy
atexit.register(lambda: print("forks (click imported):", forks, file=sys.stderr))
sys.argv = ["clawdemy", *json.loads(sys.argv[1])]
from clawdemy_site.launch import main
main()
"""


@pytest.mark.parametrize(
    ("extra", "forks", "code"),
    [
        ((), "[False]", 1),  # once, before the CLI was imported; check-links took that one
        (("--offline",), "[]", 0),
        (("--bogus",), "[False]", 2),  # bad usage: the early checker is ended at exit
    ],
)
def test_the_entry_point_forks_the_checker_before_the_cli_is_imported(
    site: Site,
    make_server: Callable[..., LoopbackServer],
    extra: tuple[str, ...],
    forks: str,
    code: int,
) -> None:
    server = make_server()
    server.route("/gone", status(404))
    gone = server.url("/gone")
    site.write({"nn/01-first.md": lesson(1, "First", body=f"[x]({gone})")})
    args = [*check_args(site.root, cache=False), *extra]

    done = subprocess.run(
        [sys.executable, "-c", ENTRY_PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )

    # The exit handlers ran and the report was flushed, though the teardown was skipped.
    assert done.returncode == code, done.stderr
    assert f"forks (click imported): {forks}" in done.stderr
    fetched = ["/gone"] if code == 1 else []
    assert [s.path for s in server.seen] == fetched
    if code != 2:  # offline, the report has no external link
        statuses = {r["url"]: r["status"] for r in json.loads(done.stdout)["results"]}
        assert statuses.get(gone) == ("broken" if code == 1 else None)


CHECKER_PROBE = """
import json, os, signal, sys
from clawdemy_site.links.model import CheckOptions, ExternalLink
from clawdemy_site.links.prefork import start_checker
urls = json.loads(sys.argv[1])
checker = start_checker()
assert checker is not None
links = [ExternalLink(u, ()) for u in urls]
checker.submit(links, CheckOptions(allow_private=True, retries=0, timeout=5.0))
if sys.argv[2] == "kill":
    os.kill(checker._pid, signal.SIGKILL)  # the checker lost mid-run
seen = []
results = checker.collect(seen.append)
print(json.dumps({
    "results": [[r.url, r.status, r.code] for r in results],
    "seen": len(seen),
    "aiohttp": "aiohttp" in sys.modules,
}))
"""


@pytest.mark.parametrize("mode", ["live", "kill"])
def test_every_result_comes_back_in_order_even_if_the_checker_is_lost(
    make_server: Callable[..., LoopbackServer], mode: str
) -> None:
    server = make_server()
    server.route("/ok", status(200))
    server.route("/gone", status(404))
    urls = [server.url("/ok" if n % 3 else "/gone") + f"?n={n}" for n in range(30)]

    done = subprocess.run(
        [sys.executable, "-c", CHECKER_PROBE, json.dumps(urls), mode],
        capture_output=True,
        text=True,
        timeout=50,
        check=True,
    )

    report = json.loads(done.stdout)
    assert report["results"] == [
        [url, "ok", 200] if n % 3 else [url, "broken", 404] for n, url in enumerate(urls)
    ]
    assert report["seen"] == len(urls)
    # Killed, the checker's links were checked in the probe's own process.
    assert report["aiohttp"] is (mode == "kill")


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert start_checker() is None
    finally:
        stop.set()
        thread.join()
