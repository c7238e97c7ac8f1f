"""A checker process forked when `check-links` starts, so the checks overlap the site's reading.

Importing the HTTP client (aiohttp, its TLS context, uvloop) takes about as long as reading a
site does. `start_checker` forks a child at once, which imports the checker while this process
loads the content; the external links are then sent to it as soon as they are known, and this
process judges the internal links while the child fetches. Results come back in batches as
they are known (for the progress bar), and in the order of the links at the end.

The child runs `run_checks`, so it splits many links over forked workers itself. If the child
is lost (killed, out of memory), the links it did not answer are checked in this process.

Forking is only done on Linux with no other thread running (elsewhere, or from a threaded
host such as a test server, system libraries may not survive a fork without exec); then
`start_checker` returns None and the caller checks in process.

This module imports nothing heavy: the parent pays only for a fork and a socket pair.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from clawdemy_site.links.gcpolicy import lean_gc

if TYPE_CHECKING:  # not imported at run time: `start_early` forks before them
    from clawdemy_site.links.model import CheckOptions, ExternalLink, LinkResult
    from clawdemy_site.links.status import LinkStatus

#: The child sends what it has at least this often while checking (seconds).
_BATCH_SECONDS = 0.05
_HEADER = struct.Struct("!Q")
#: What a checker is asked to check: the links, and how.
Job: TypeAlias = "tuple[Sequence[ExternalLink], CheckOptions]"
#: What a checker sends back for each link: its URL and status.
Answer: TypeAlias = "tuple[str, LinkStatus]"


def _send(sock: socket.socket, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(sock: socket.socket) -> Any:
    """The next message, or None when the other side has gone."""
    header = _receive_exactly(sock, _HEADER.size)
    if header is None:
        return None
    data = _receive_exactly(sock, _HEADER.unpack(header)[0])
    return None if data is None else pickle.loads(data)


class Checker:
    """The parent's handle on a forked checker: `submit` once, then `collect` once.

    Only what the child needs crosses the socket: the URLs, and back each URL's status
    (`Answer`); the places that cite a URL stay here and are put back on its result. A run
    over 2,000 links pickled and unpickled about three times as much before.
    """

    def __init__(self, pid: int, sock: socket.socket, job: Job | None = None) -> None:
        self._pid = pid
        self._sock = sock
        self._links: list[ExternalLink] = list(job[0]) if job else []
        self._options: CheckOptions | None = job[1] if job else None

    def submit(self, links: Sequence[ExternalLink], options: CheckOptions) -> None:
        """Hand the links to the child, which starts fetching as soon as it is ready."""
        self._links, self._options = list(links), options
        with contextlib.suppress(OSError):  # the child is gone: `collect` checks them here
            _send(self._sock, ([link.url for link in self._links], options))

    def collect(self, on_result: Callable[[LinkResult], None] | None = None) -> list[LinkResult]:
        """Every submitted link's result, in the order submitted."""
        from clawdemy_site.links.model import LinkResult

        assert self._options is not None, "submit first"
        cited = {link.url: link.sources for link in self._links}
        states: dict[str, LinkStatus] = {}
        while True:
            try:
                message = _receive(self._sock)
            except (OSError, pickle.UnpicklingError, EOFError):
                message = None
            if message is None:
                break
            if message == "done":  # what is left of the child is its teardown: ended
                self.close()
                break
            for url, state in message:
                states[url] = state
                if on_result is not None:
                    on_result(LinkResult(url, state, cited[url]))
        rest = [link for link in self._links if link.url not in states]
        if rest:  # the child was lost: check what it did not answer, here
            self.close()
            from clawdemy_site.links.check import check_links, run_async

            for result in run_async(check_links(rest, self._options, on_result=on_result)):
                states[result.url] = result.state
        return [LinkResult(link.url, states[link.url], link.sources) for link in self._links]

    def close(self) -> None:
        """End and reap the child: it may still be importing, checking links nobody will
        read, or, once it has sent everything, closing its connections, which is no one's
        wait. Safe to call twice."""
        if self._pid == 0:
            return
        self._sock.close()
        pid, self._pid = self._pid, 0
        with contextlib.suppress(ProcessLookupError, ChildProcessError):  # reaped elsewhere
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _answer(result: LinkResult) -> Answer:
    return result.url, result.state


def can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def start_checker(job: Job | None = None) -> Checker | None:
    """Fork a checker process, or None where forking is not safe (see the module doc).

    Without `job`, the child imports the checker and waits for `Checker.submit`; it may
    split many links over workers of its own, and streams results back as they come. With
    `job` (links and options, already in memory), it is such a worker: it checks them in
    one process, at once, and sends every result when it is done (its parent reads them
    only then, so that a stream could not fill the socket and stall it meanwhile).
    """
    if not can_fork():
        return None
    parent, child = socket.socketpair()
    try:
        pid = os.fork()
    except OSError:
        parent.close()
        child.close()
        return None
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        code = 1
        try:
            parent.close()
            with lean_gc():  # the imports too: the child lives only for the checks
                _child_main(child, job)
            code = 0
        finally:
            os._exit(code)
    child.close()
    return Checker(pid, parent, job)


_early: Checker | None = None


def start_early() -> None:
    """Fork the checker before anything else is imported, for `take_early` to hand over:
    the `clawdemy` entry point does this for `check-links`, before the command line is
    parsed, so that the child's imports overlap the CLI's own too. A checker nobody takes
    is ended when the process exits (bad options, `--help`)."""
    global _early
    _early = start_checker()
    if _early is not None:
        atexit.register(_early.close)


def take_early() -> Checker | None:
    """The checker `start_early` forked, if any and not taken yet."""
    global _early
    checker, _early = _early, None
    return checker


def _child_main(sock: socket.socket, job: Job | None) -> None:  # pragma: no cover - in a child
    """Import the checker, wait for the links (unless given), check them, send the results."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child quietly
    from clawdemy_site.links import check
    from clawdemy_site.links.model import ExternalLink

    if job is not None:  # a worker: one process, every result at the end
        links, options = job
        found: list[Answer] = []

        def keep(result: LinkResult) -> None:
            found.append(_answer(result))
            if len(found) == len(links):  # sent before the session's slow close
                _send(sock, found)
                _send(sock, "done")

        check.run_async(check.check_links(links, options, on_result=keep))
        return
    asked = _receive(sock)  # what `Checker.submit` sends: the URLs, and the options
    if asked is None:
        return
    urls: list[str] = asked[0]
    options = asked[1]
    batch: list[Answer] = []
    sent = time.monotonic()

    def on_result(result: LinkResult) -> None:
        nonlocal sent
        batch.append(_answer(result))
        now = time.monotonic()
        if now - sent >= _BATCH_SECONDS:
            _send(sock, batch)
            batch.clear()
            sent = now

    # The results come back in completion order; the parent puts them in order.
    check.run_checks([ExternalLink(url, ()) for url in urls], options, on_result)
    if batch:
        _send(sock, batch)
    _send(sock, "done")
