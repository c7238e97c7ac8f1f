"""Fixtures for the link checker's tests: loopback servers, a fake DNS, the netns guard.

Tests marked `netns` name addresses outside 127.0.0.0/8; they run only when CLAWDEMY_NETNS=1
and the process sits in a network namespace whose only interface is `lo` (scripts/test runs
pytest under `unshare -rn`), so no packet of theirs can leave the machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from loopback import FakeResolver, LoopbackServer, LoopThread
from sitekit import Check, Run, Site, run_cli

import clawdemy_site.links.check as check_module


def _loopback_only() -> bool:
    return [name for _, name in socket.if_nameindex()] == ["lo"]


@pytest.fixture(autouse=True)
def _netns_guard(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("netns") is None:
        return
    if os.environ.get("CLAWDEMY_NETNS") != "1":
        pytest.skip("needs CLAWDEMY_NETNS=1 in a loopback-only network namespace")
    if not _loopback_only():
        pytest.skip("CLAWDEMY_NETNS=1 but interfaces besides lo exist: refusing to run")


@pytest.fixture
def netns_address() -> Callable[[str], None]:
    """Add an address to `lo` (only inside the throwaway loopback-only namespace)."""

    def add(address: str) -> None:
        assert os.environ.get("CLAWDEMY_NETNS") == "1" and _loopback_only()
        prefix = "128" if ":" in address else "32"
        subprocess.run(
            ["ip", "addr", "replace", f"{address}/{prefix}", "dev", "lo"],
            check=True,
            capture_output=True,
            timeout=5,
        )

    return add


# --- servers and DNS -------------------------------------------------------------------


@pytest.fixture(scope="session")
def server_loop() -> Iterator[LoopThread]:
    thread = LoopThread.start()
    yield thread
    thread.stop()


@pytest.fixture
def make_server(server_loop: LoopThread) -> Iterator[Callable[..., LoopbackServer]]:
    """`make_server(host="127.0.0.1", port=0)` -> a running LoopbackServer, stopped after."""
    started: list[LoopbackServer] = []

    def make(host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
        server = LoopbackServer(host, server_loop.loop)
        server_loop.run(server.start(port))
        started.append(server)
        return server

    yield make
    for server in started:
        server_loop.run(server.stop())


@pytest.fixture
def server(make_server: Callable[..., LoopbackServer]) -> LoopbackServer:
    return make_server()


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback URL whose port is bound but not listening: connecting is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    sock.close()


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> Callable[[Mapping[str, Sequence[str]]], None]:
    """Make the checker resolve names from a table instead of the system resolver."""

    def install(table: Mapping[str, Sequence[str]]) -> None:
        monkeypatch.setattr(check_module, "system_resolver", lambda: FakeResolver(table))

    return install


# --- a site for the CLI tests -----------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    """An empty site folder, made the current directory (so paths read `content/...`)."""
    monkeypatch.chdir(tmp_path)
    return Site(tmp_path)


@pytest.fixture
def check(site: Site) -> Check:
    """`check(*extra, fmt=..., allow_private=..., cache=...)` runs check-links in process."""

    def run(*extra: str, **options: Any) -> Run:
        return run_cli(site.root, *extra, **options)

    return run
