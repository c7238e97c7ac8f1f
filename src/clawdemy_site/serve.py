"""`clawdemy serve`: build in memory, serve on loopback, rebuild on every change, reload pages.

The site is built by the same incremental engine as `build`, held in memory and served
from there; `build/` is never touched. A watcher (watchfiles) sees changes under
`content/` and the templates, the engine re-renders only what they affect, and open pages
reload through Server-Sent Events. When an edit breaks the site, its diagnostics go to the
terminal and, as an overlay, to every open page; the last good site stays served, and
fixing the file recovers. The reload script is added to pages as they are served, so it
never reaches `build` output. The search index is kept in memory too (search.IndexInMemory),
changed in place from the last good run when one of its files is asked for.
"""

from __future__ import annotations

import gc
import mimetypes
import posixpath
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from clawdemy_site.engine import Engine, EngineOptions, EngineResult
from clawdemy_site.errors import ClawdemyError, format_report
from clawdemy_site.search import IndexInMemory, in_index, indexed_pages

EVENTS_PATH = "/__clawdemy__/events"

#: Added before `</body>` of each HTML page served: reload on a new build, show problems.
RELOAD_SCRIPT = b"""<script>(function () {
  var events = new EventSource("/__clawdemy__/events"), box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "margin:0;padding:1rem;background:#2b0a0a;color:#ffe9e9;font:14px/1.5 monospace;" +
        "white-space:pre-wrap;z-index:2147483647;border-top:4px solid #ff6b6b";
      document.body.appendChild(box);
    }
    box.textContent = "clawdemy: the last change does not build\\n\\n" + text;
  }
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("problems", function (e) { show(JSON.parse(e.data)); });
})();</script>
"""


@dataclass
class ServedSite:
    """The site as served: its files in memory and on disk, and the problems of the last run.
    Shared between the watcher and the request threads, guarded by `changed`."""

    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    #: The search index: brought up to date from the last good run when one of its files
    #: is asked for (each page asks for its list as it loads), not while a rebuild is
    #: being served: it is no part of showing the page that changed.
    search: IndexInMemory = field(default_factory=IndexInMemory)
    search_pending: EngineResult | None = None
    search_lock: threading.Lock = field(default_factory=threading.Lock)
    base_path: str = "/"
    problems: str | None = None
    version: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def update(self, result: EngineResult) -> None:
        with self.changed:
            if result.ok and result.site is not None and result.plan is not None:
                wanted = {record.file for record in result.pages.values()}
                files = {k: v for k, v in self.files.items() if k in wanted}
                files.update(result.rendered)
                files.update(result.generated)
                self.files = files
                self.copies = dict(result.copies)
                self.base_path = urlsplit(result.site.config.base_url).path or "/"
                self.problems = None
                self.search_pending = result
            else:
                self.problems = format_report(result.diagnostics)
            self.version += 1
            self.changed.notify_all()

    def search_files(self) -> dict[str, bytes]:
        """The search index's files, of the last good run."""
        with self.search_lock:  # one request brings it up to date, the others wait for it
            with self.changed:
                result, self.search_pending = self.search_pending, None
            if result is not None and result.site is not None and result.plan is not None:
                texts = {
                    source: (record.key, record.body.search)
                    for source, record in result.bodies.items()
                    if record.body.search is not None
                }
                keys = {source: record.key for source, record in result.bodies.items()}
                try:
                    self.search.update(indexed_pages(result.site, result.plan, keys), texts)
                except BaseException:
                    with self.changed:  # tried again on the next request, unless a run came
                        self.search_pending = self.search_pending or result
                    raise
            return self.search.files

    def lookup(self, path: str) -> tuple[bytes | Path | None, str]:
        """What to answer for a request path: bytes, a file, or None; and the file's name."""
        rel = unquote(urlsplit(path).path)
        if self.base_path != "/" and rel.startswith(self.base_path):
            rel = "/" + rel[len(self.base_path) :]
        rel = posixpath.normpath(rel).lstrip("/")
        if rel in (".", ""):
            rel = ""
        if rel.startswith(".."):
            return None, rel
        if in_index(rel):
            return self.search_files().get(rel), rel
        with self.changed:
            for name in (rel, f"{rel}/index.html" if rel else "index.html"):
                if name in self.files:
                    return self.files[name], name
                if name in self.copies:
                    return self.copies[name], name
        return None, rel


def _handler(site: ServedSite, stopping: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet by default
            return

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] == EVENTS_PATH:
                self._events()
                return
            self._answer(with_body=True)

        def _answer(self, *, with_body: bool) -> None:
            found, name = site.lookup(self.path)
            request_path = urlsplit(self.path).path
            if (
                found is not None
                and name.endswith("index.html")
                and not request_path.endswith("/")
                and not request_path.endswith(".html")
            ):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", request_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = HTTPStatus.OK
            if found is None:
                status = HTTPStatus.NOT_FOUND
                found, name = site.lookup("/404.html")
                if found is None:
                    found, name = b"Not found\n", "404.txt"
            data = found.read_bytes() if isinstance(found, Path) else found
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if kind == "text/html":
                data = _with_reload_script(data)
            if kind.startswith("text/") or kind in ("application/xml", "image/svg+xml"):
                kind += "; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if with_body:
                self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            with site.changed:
                seen = site.version
            try:
                if site.problems:
                    self._send("problems", site.problems)
                while not stopping.is_set():
                    with site.changed:
                        site.changed.wait_for(
                            lambda seen=seen: site.version != seen,  # type: ignore[misc]
                            timeout=10,
                        )
                        version, problems = site.version, site.problems
                    if version == seen:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        continue
                    seen = version
                    if problems:
                        self._send("problems", problems)
                    else:
                        self._send("reload", "")
            except (BrokenPipeError, ConnectionResetError):
                return

        def _send(self, event: str, text: str) -> None:
            import json

            self.wfile.write(f"event: {event}\ndata: {json.dumps(text)}\n\n".encode())
            self.wfile.flush()

    return Handler


def _with_reload_script(data: bytes) -> bytes:
    at = data.rfind(b"</body>")
    return data + RELOAD_SCRIPT if at < 0 else data[:at] + RELOAD_SCRIPT + data[at:]


Say = Callable[[str], None]


@dataclass(frozen=True)
class ServeOptions:
    content_dir: Path
    templates_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    drafts: bool = False


def _run(
    engine: Engine,
    site: ServedSite,
    say: Say,
    *,
    first: bool = False,
    changed: Iterable[str] | None = None,
) -> EngineResult:
    started = time.perf_counter()
    # While it runs, the rebuild keeps the interpreter: a page asked for meanwhile would be
    # the old one anyway, and a browser polling for the change would otherwise slow it down.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.5)
    try:
        result = engine.run(changed=changed)
        site.update(result)
    finally:
        sys.setswitchinterval(switch_interval)
    # What a run leaves (the site, its records) lives until the next one: keep the
    # collector from walking it again and again while the next edit is awaited.
    gc.collect()
    gc.freeze()
    took = (time.perf_counter() - started) * 1000
    if result.ok:
        if result.diagnostics:
            say(format_report(result.diagnostics))
        what = "built" if first else "rebuilt"
        say(f"{what} in {took:.0f} ms: {len(result.rendered)} pages rendered")
    else:
        say(format_report(result.diagnostics))
        say("the site still serves the last good build; fix the file and save to recover")
    return result


class _Watcher:
    """watchfiles in a thread of its own, started before the first build reads a file: every
    change from then on is in a batch it hands over, so each run can take its word on which
    files changed (the first edit after start need not look at every lesson file, which
    took 20 to 40 ms of it at 1,000 lessons)."""

    #: How long the watcher waits for a change before it looks at `stopping` again.
    TIMEOUT_MS = 50

    def __init__(self, paths: list[Path], stopping: threading.Event) -> None:
        self.batches: queue.Queue[set[str] | Exception] = queue.Queue()
        self._started = threading.Event()
        self._paths = paths
        self._stopping = stopping
        threading.Thread(target=self._watch, name="clawdemy-watcher", daemon=True).start()
        # Its first word, a change or a timeout, comes once it watches. Should it be slower
        # than this, its first batch is not trusted to name every change (see `trusted`).
        self.from_start = self._started.wait(timeout=5)

    def _watch(self) -> None:
        try:
            import watchfiles

            for changes in watchfiles.watch(
                *self._paths,
                debounce=400,
                step=10,
                stop_event=self._stopping,
                rust_timeout=self.TIMEOUT_MS,
                yield_on_timeout=True,
            ):
                self._started.set()
                if changes:
                    self.batches.put({path for _, path in changes})
        except Exception as exc:  # e.g. the system's limit of watches: told to the server
            self.batches.put(exc)
            self._started.set()

    def next_batch(self) -> set[str] | None:
        """Every path changed since the last call (all batches waiting are joined), or None
        after half a second without a change. Raises ClawdemyError if the watcher failed."""
        try:
            changed = self._checked(self.batches.get(timeout=0.5))
        except queue.Empty:
            return None
        while True:
            try:
                changed |= self._checked(self.batches.get_nowait())
            except queue.Empty:
                return changed

    @staticmethod
    def _checked(batch: set[str] | Exception) -> set[str]:
        if isinstance(batch, Exception):
            raise ClawdemyError(
                f"error: cannot watch the content and templates for changes: {batch}"
            ) from None
        return batch


def serve(options: ServeOptions, say: Say, *, ready: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted (or `stop` is set by a test through `ready`)."""
    engine = Engine(EngineOptions(options.content_dir, options.templates_dir, options.drafts))
    site = ServedSite()
    stopping = threading.Event()
    watched = [options.content_dir.resolve(), options.templates_dir.resolve()]
    watcher = _Watcher([p for p in watched if p.exists()], stopping)
    first = _run(engine, site, say, first=True)
    from clawdemy_site.render.markdown import warm_up
    from clawdemy_site.workers import warm_templates

    warm_up()  # the first build rendered in worker processes; edits render here
    if first.plan is not None:
        warm_templates(options.templates_dir, {page.template for page in first.plan.pages})
    engine.options = EngineOptions(
        options.content_dir, options.templates_dir, options.drafts, parallel=False
    )
    try:
        server = ThreadingHTTPServer((options.host, options.port), _handler(site, stopping))
    except OSError as exc:
        stopping.set()
        raise ClawdemyError(
            f"error: cannot serve on {options.host}:{options.port}: {exc.strerror or exc};"
            " choose another port with --port"
        ) from None
    server.daemon_threads = True
    port = server.server_address[1]
    address = f"http://{options.host}:{port}/"
    say(f"serving at {address} (Ctrl+C to stop)")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if ready is not None:
        ready(address)
    trusted = watcher.from_start  # else the first run looks at every lesson file itself
    try:
        while not stopping.is_set():
            changed = watcher.next_batch()
            if changed is not None:
                _run(engine, site, say, changed=sorted(changed) if trusted else None)
                trusted = True
    except KeyboardInterrupt:  # Ctrl+C, waiting or in a rebuild: stop as asked
        pass
    finally:
        stopping.set()
        with site.changed:
            site.changed.notify_all()
        server.shutdown()
        server.server_close()
