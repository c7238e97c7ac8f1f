"""`clawdemy serve` as a user runs it: a real process on loopback, real edits, a real browser's
event stream (read here with a socket)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CLAWDEMY = Path(sys.executable).with_name("clawdemy")

pytestmark = pytest.mark.timeout(60)


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def get(url: str) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Server:
    def __init__(self, process: subprocess.Popen[str], address: str) -> None:
        self.process = process
        self.address = address
        self.log: list[str] = []
        self.events: list[str] = []


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    write_site(
        tmp_path,
        {
            "t/01-intro.md": lesson_text(1, title="Intro", body="Hello."),
            "t/02-next.md": lesson_text(2, title="Next", body="Onwards."),
        },
    )
    env = {**os.environ, "CLAWDEMY_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [str(CLAWDEMY), "serve", "--templates", str(TEMPLATES), "--port", "0"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    address = ""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not address:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("serving at "):
            address = line.split()[2]
    assert address, "".join(lines)
    served = Server(process, address)
    served.log = lines
    reader = threading.Thread(
        target=lambda: served.log.extend(iter(process.stderr.readline, "")),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    try:
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def listen(server: Server) -> threading.Thread:
    """Collect the event stream's `event:` lines in the background."""

    def run() -> None:
        request = urllib.request.urlopen(server.address + "__clawdemy__/events", timeout=30)
        for raw in request:
            line = raw.decode().rstrip("\n")
            if line.startswith(("event:", "data:")):
                server.events.append(line)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_pages_are_served_with_the_reload_script_and_build_is_not_touched(
    server: Server, tmp_path: Path
) -> None:
    status, text, headers = get(server.address + "t/01-intro/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Intro</h1>" in text
    assert 'new EventSource("/__clawdemy__/events")' in text
    assert get(server.address + "t/01-intro")[0] == 301
    status, text, _ = get(server.address + "no/such/page/")
    assert status == 404
    assert "<h1>Page not found</h1>" in text
    assert not (tmp_path / "build").exists()


def test_an_edit_is_served_and_open_pages_are_told_to_reload(
    server: Server, tmp_path: Path
) -> None:
    listen(server)
    assert wait_for(lambda: get(server.address)[0] == 200)
    time.sleep(0.3)  # the event stream is open before the edit
    lesson = tmp_path / "content" / "t" / "01-intro.md"
    lesson.write_text(lesson.read_text().replace("Hello.", "Hello, edited."))

    assert wait_for(lambda: "Hello, edited." in get(server.address + "t/01-intro/")[1])
    assert wait_for(lambda: "event: reload" in server.events)


def test_the_search_index_is_served_and_follows_an_edit(server: Server, tmp_path: Path) -> None:
    import json

    status, text, headers = get(server.address + "search/index.json")
    assert (status, headers["Content-Type"]) == (200, "application/json")
    assert json.loads(text)["pages"] == 2
    assert get(server.address + "search/t/7a65.json")[0] == 404  # no word "ze..." yet
    lesson = tmp_path / "content" / "t" / "02-next.md"
    lesson.write_text(lesson.read_text().replace("Onwards.", "Onwards, zebras."))

    def zebras() -> list[int]:
        status, text, _ = get(server.address + "search/t/7a65.json")
        return json.loads(text).get("zebras", []) if status == 200 else []

    assert wait_for(lambda: zebras()[:1] == [1])  # the second page, t/02-next
    assert "7a65" in json.loads(get(server.address + "search/index.json")[1])["shards"]


def test_a_broken_edit_is_shown_and_the_server_recovers(server: Server, tmp_path: Path) -> None:
    listen(server)
    time.sleep(0.3)
    lesson = tmp_path / "content" / "t" / "02-next.md"
    good = lesson.read_text()
    lesson.write_text(good.replace("title: Next", "title: [Next"))

    assert wait_for(lambda: "event: problems" in server.events)
    problem = "content/t/02-next.md:2:8: error: YAML syntax"
    assert wait_for(lambda: any(problem in line for line in server.events))
    assert wait_for(lambda: any(problem in line for line in server.log))
    status, text, _ = get(server.address + "t/02-next/")
    assert (status, "<h1>Next</h1>" in text) == (200, True)  # the last good site

    lesson.write_text(good.replace("title: Next", "title: Next, fixed"))
    assert wait_for(lambda: "<h1>Next, fixed</h1>" in get(server.address + "t/02-next/")[1])
    assert server.process.poll() is None


def test_warming_compiles_the_templates_a_page_extends_and_imports() -> None:
    from clawdemy_site import workers

    templates = Path(__file__).resolve().parents[2] / "templates"
    workers.warm_templates(templates, ["lesson.html"])
    cache = workers._environment(templates).cache
    assert cache is not None
    compiled = {key[1] for key, _ in cache.items()}
    assert {"lesson.html", "base.html", "_macros.html"} <= compiled


def test_the_watcher_reports_a_change_made_as_soon_as_it_is_started(tmp_path: Path) -> None:
    """`serve` starts its watcher before the first build reads a file and trusts every batch
    it hands over: a change made the moment the watcher is started must be in one."""
    from clawdemy_site.serve import _Watcher

    stopping = threading.Event()
    watcher = _Watcher([tmp_path], stopping)
    try:
        lesson = tmp_path / "01-x.md"
        lesson.write_text("changed at once\n")
        seen: set[str] = set()
        deadline = time.monotonic() + 10
        while str(lesson) not in seen and time.monotonic() < deadline:
            seen |= watcher.next_batch() or set()
        assert str(lesson) in seen
    finally:
        stopping.set()


def test_ctrl_c_during_a_rebuild_stops_the_server_cleanly(server: Server, tmp_path: Path) -> None:
    lesson = tmp_path / "content" / "t" / "02-next.md"
    lesson.write_text(lesson.read_text().replace("Onwards.", "Onwards, edited."))
    time.sleep(0.05)  # the watcher's batch is in, the rebuild under way or just done
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=10) == 0


def test_a_watcher_that_fails_stops_the_server_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchfiles

    from clawdemy_site.errors import ClawdemyError
    from clawdemy_site.serve import _Watcher

    def no_watches(*paths: object, **options: object) -> Iterator[set[tuple[int, str]]]:
        raise OSError(28, "inotify watch limit reached")
        yield set()  # a generator, as watchfiles.watch is

    monkeypatch.setattr(watchfiles, "watch", no_watches)
    stopping = threading.Event()
    watcher = _Watcher([tmp_path], stopping)
    with pytest.raises(ClawdemyError) as raised:
        watcher.next_batch()
    assert str(raised.value) == (
        "error: cannot watch the content and templates for changes:"
        " [Errno 28] inotify watch limit reached"
    )
