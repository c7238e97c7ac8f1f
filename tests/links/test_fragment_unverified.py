"""Issue 9, finding 7: a fragment that could not be looked for is not a plain `ok`.

The page answered, but its body was longer than the read cap or a gzip bomb: the result
keeps its status (`ok`) and says why in `detail`; it is reported as a warning, flagged
`"fragment_unverified": true` in JSON, and never fails the run. Real loopback servers.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site
from click.testing import CliRunner
from loopback import LoopbackServer, status

from clawdemy_site.cli import main
from clawdemy_site.links.check import run_checks
from clawdemy_site.links.model import CheckOptions, ExternalLink
from clawdemy_site.links.summary import severity, status_label

pytestmark = pytest.mark.timeout(30)

CAP = 65536
HTML = ("Content-Type", "text/html")


def bomb_url(server: LoopbackServer) -> str:
    bomb = gzip.compress(b"<p>" + b" " * 20_000_000 + b'<a id="deep">x</a>', compresslevel=9)
    return server.route(
        "/bomb", status(200, headers=[HTML, ("Content-Encoding", "gzip")], body=bomb)
    )


def long_url(server: LoopbackServer) -> str:
    """A page whose id comes after the default read cap (2 MiB)."""
    body = b"<p>" + b"filler " * 320_000 + b'<h2 id="deep">late</h2>'
    return server.route("/long", status(200, headers=[HTML], body=body))


def test_a_gzip_bomb_fragment_is_flagged_unverified(server: LoopbackServer) -> None:
    url = bomb_url(server) + "#deep"
    options = CheckOptions(timeout=2.0, retries=0, allow_private=True, max_body_bytes=CAP)
    [result] = run_checks([ExternalLink(url, ())], options)
    assert (result.status, result.code) == ("ok", 200)
    assert result.detail == f"fragment #deep not checked: only the first {CAP} bytes were read"
    assert result.fragment_unverified
    assert severity(result) == "warning"
    assert status_label(result) == "ok (200 OK, fragment not checked)"


def test_a_fragment_found_or_absent_is_not_flagged(server: LoopbackServer) -> None:
    url = server.route("/p", status(200, headers=[HTML], body=b'<p id="here">x</p>'))
    options = CheckOptions(timeout=2.0, retries=0, allow_private=True)
    found, missing = run_checks(
        [ExternalLink(url + "#here", ()), ExternalLink(url + "#gone", ())], options
    )
    assert (found.status, found.fragment_unverified, severity(found)) == ("ok", False, None)
    assert (missing.status, missing.fragment_unverified) == ("broken", False)


def test_check_links_reports_unverified_fragments_as_warnings(
    server: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bomb, long = bomb_url(server) + "#deep", long_url(server) + "#deep"
    body = f"Intro.\n\nSee [the bomb]({bomb}).\n\nAnd [the long page]({long}).\n"
    write_site(tmp_path, {"t/01-intro.md": lesson_text(1, body=body)})  # body from line 6
    args = ["check-links", "--allow-private", "--timeout", "2", "--retries", "0"]
    args += ["--cache", str(tmp_path / "links.sqlite")]

    def run(fmt: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, [*args, "--format", fmt], catch_exceptions=False)
        assert "Traceback" not in result.stderr
        return result.exit_code, result.stdout

    cap = CheckOptions().max_body_bytes
    code, out = run("json")
    assert code == 0
    results = {r["url"]: r for r in json.loads(out)["results"]}
    for url in (bomb, long):
        assert results[url]["status"] == "ok"
        assert results[url]["fragment_unverified"] is True
        assert results[url]["detail"] == (
            f"fragment #deep not checked: only the first {cap} bytes were read"
        )
        assert results[url]["sources"] == [
            {"path": "content/t/01-intro.md", "line": 8 if url == bomb else 10}
        ]
    # From the history (second run), the flag and the words stay.
    code, out = run("text")
    assert code == 0
    assert (
        f"content/t/01-intro.md:8: OK (fragment not checked) {bomb} (200 OK) - fragment #deep"
        f" not checked: only the first {cap} bytes were read"
    ) in out.splitlines()
    code, out = run("github")
    assert code == 0
    warnings = [line for line in out.splitlines() if line.startswith("::warning")]
    assert len(warnings) == 2
    assert all("title=link fragment not checked" in line for line in warnings)
