"""A small site in tmp_path and `clawdemy check-links` run on it, for the CLI tests.

Each test writes a site (site.yml, one track, lessons citing URLs on a scripted loopback
server), runs the command through click's CliRunner, and reads the JSON report. Expected
source lines are computed from the fixture text written here, never read back from the output.
The fixtures `site` and `check` live in conftest.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from loopback import Handler, LoopbackServer, html

from clawdemy_site.cli import main

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT / "templates"
CLAWDEMY = Path(sys.executable).with_name("clawdemy")

SITE_YML = "title: Test site\nbase_url: https://test.example/\nlanguage: en\n"
TRACK_YML = "title: Networks\nsummary: A small track.\n"
TRACK = "nn"


def lesson(number: int, title: str, *, references: str = "", body: str = "Some text.") -> str:
    """A lesson file; `references` is the YAML of the list (entries indented by two spaces)."""
    front = f"---\ntitle: {title}\nlesson: {number}\nsummary: One line about {title}.\n"
    if references:
        front += "references:\n" + references
    return f"{front}---\n\n{body}\n"


def further(url: str, title: str = "Further reading", kind: str = "article") -> str:
    return f"  - type: {kind}\n    title: {title}\n    url: {url}\n"


def source_entry(url: str, series_url: str, companion_url: str) -> str:
    return (
        "  - type: source\n"
        "    title: The series\n"
        "    creator: Someone\n"
        f"    url: {url}\n"
        f"    series_url: {series_url}\n"
        "    license: CC-BY-4.0\n"
        "    companion:\n"
        "      type: video\n"
        "      title: The video\n"
        f"      url: {companion_url}\n"
    )


@dataclass
class Site:
    """A site written under `root/content`; knows the lines its own text puts things on."""

    root: Path
    files: dict[str, str] = field(default_factory=dict)

    @property
    def content(self) -> Path:
        return self.root / "content"

    def write(self, files: Mapping[str, str], *, site_yml: str = SITE_YML) -> Site:
        self.files = {"site.yml": site_yml, f"{TRACK}/track.yml": TRACK_YML, **files}
        for rel, text in self.files.items():
            path = self.content / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return self

    def line(self, rel: str, needle: str) -> int:
        """The 1-based line of `rel` holding `needle`, which must be on exactly one line."""
        found = [n for n, text in enumerate(self.files[rel].splitlines(), 1) if needle in text]
        assert len(found) == 1, f"{needle!r} is on lines {found} of {rel}"
        return found[0]

    def source(self, rel: str, needle: str) -> dict[str, Any]:
        """A `sources` entry as the JSON report gives it (paths relative to the cwd)."""
        return {"path": f"content/{rel}", "line": self.line(rel, needle)}


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.stdout)
        return payload

    def results(self) -> dict[str, dict[str, Any]]:
        """JSON results by URL (each URL must appear once)."""
        results = self.report["results"]
        by_url = {r["url"]: r for r in results}
        assert len(by_url) == len(results), "a URL has more than one result"
        return by_url

    def external(self) -> dict[str, dict[str, Any]]:
        return {url: r for url, r in self.results().items() if url.startswith("http")}


Check = Callable[..., Run]


def run_cli(root: Path, *extra: str, **options: Any) -> Run:
    """check-links in process on the site at `root` (see `check_args` for the options)."""
    result: Result = CliRunner().invoke(main, check_args(root, *extra, **options))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a bug: show it
    return Run(result.exit_code, result.stdout, result.stderr)


def check_args(
    root: Path,
    *extra: str,
    fmt: str = "json",
    allow_private: bool = True,
    cache: bool = True,
    timeout: str = "0.5",
    retries: str = "0",
) -> list[str]:
    args = [
        "check-links",
        "--content", "content",
        "--templates", str(TEMPLATES),
        "--out", str(root / "build"),
        "--format", fmt,
        "--timeout", timeout,
        "--retries", retries,
    ]  # fmt: skip
    if allow_private:
        args.append("--allow-private")
    if cache:
        args += ["--cache", str(root / "cache.sqlite")]
    return [*args, *extra]


def serve(server: LoopbackServer, routes: Mapping[str, Handler]) -> dict[str, str]:
    """Install `routes` (path -> handler); returns path -> URL."""
    return {path: server.route(path, handler) for path, handler in routes.items()}


def hits(server: LoopbackServer, path: str | None = None) -> int:
    return len(server.requests(path))


def fields(result: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: result[name] for name in names}


PAGE = html('<html><body><h2 id="intro">Intro</h2><p id="more">x</p></body></html>')
