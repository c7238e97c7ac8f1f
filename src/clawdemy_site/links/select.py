"""Which external links a run fetches: `--changed-since REF` (lines a pull request touched)
and `--shard K/N` (URLs split by host, for parallel CI jobs). IO only in `changed_lines`."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from clawdemy_site.links.model import ExternalLink, LinkResult
from clawdemy_site.links.status import Skipped

#: Resolved file path -> lines added or changed in it (None: the whole file is new).
ChangedLines = Mapping[Path, frozenset[int] | None]

_HUNK = re.compile(r"^@@ -[0-9,]+ \+([0-9]+)(?:,([0-9]+))? @@")


class NotARepository(Exception):
    """The content is not in a git repository (or git is missing): check everything."""


class BadRef(Exception):
    """git does not know the ref given to --changed-since."""


def changed_lines(ref: str, folder: Path) -> ChangedLines:
    """Lines added or changed since `ref` (since where HEAD forked off it) in the git work
    tree holding `folder`; uncommitted changes included, untracked files wholly new."""
    root_text = _git(folder, "rev-parse", "--show-toplevel", error=NotARepository)
    root = Path(root_text.strip())
    if ref.startswith("-"):
        raise BadRef(f"`{ref}` is not a git ref")
    _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", error=BadRef)
    # From where the work forked off REF, as a pull request shows it: what REF gained since
    # then is not this work's change.
    try:
        base = _git(folder, "merge-base", ref, "HEAD", error=BadRef).strip() or ref
    except BadRef:
        base = ref
    diff = _git(folder, "diff", "--unified=0", "--no-color", "--no-ext-diff", base, "--", ".")
    untracked = _git(folder, "ls-files", "--others", "--exclude-standard", "--full-name", ".")
    changed: dict[Path, frozenset[int] | None] = parse_diff(diff, root)
    for name in untracked.splitlines():
        changed[(root / name).resolve()] = None
    return changed


def parse_diff(diff: str, root: Path) -> dict[Path, frozenset[int] | None]:
    """`git diff --unified=0` -> the new side's added lines per file."""
    changed: dict[Path, frozenset[int] | None] = {}
    current: Path | None = None
    lines: set[int] = set()
    for text in diff.splitlines():
        if text.startswith("+++ "):
            if current is not None:
                changed[current] = frozenset(lines)
            name = text[4:]
            current = None if name == "/dev/null" else (root / name.removeprefix("b/")).resolve()
            lines = set()
        elif (hunk := _HUNK.match(text)) is not None and current is not None:
            start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
            lines.update(range(start, start + count))
    if current is not None:
        changed[current] = frozenset(lines)
    return changed


def _git(folder: Path, *args: str, error: type[Exception] = NotARepository) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NotARepository(f"cannot run git ({exc})") from exc
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise error(message[0] if message else f"git {args[0]} failed")
    return done.stdout


def split_changed(
    links: Iterable[ExternalLink], changed: ChangedLines, ref: str
) -> tuple[list[ExternalLink], list[LinkResult]]:
    """(links written on a changed line, `skipped` results for the rest)."""
    resolved: dict[str, Path] = {}
    chosen: list[ExternalLink] = []
    skipped: list[LinkResult] = []
    for link in links:
        touched = False
        for source in link.sources:
            path = resolved.get(source.path)
            if path is None:
                path = resolved[source.path] = Path(source.path).resolve()
            if path in changed:
                lines = changed[path]
                touched = lines is None or source.line in lines
            if touched:
                break
        if touched:
            chosen.append(link)
        else:
            state = Skipped(f"not on a line changed since {ref}")
            skipped.append(LinkResult(link.url, state, link.sources))
    return chosen, skipped


#: A `host[:port]` of plain ASCII, whose host is itself in lower case.
_PLAIN_NETLOC = re.compile(r"[A-Za-z0-9.-]+(?::[0-9]*)?")


def host_key(url: str) -> str:
    """The host a URL names, in lower case: how URLs are grouped by host, for `--shard` and
    for the checker's split over processes, so that every URL of a host lands together.

    A plain ASCII `host[:port]` is read from the text (a tenth of the cost); anything else
    (user info, an IPv6 literal, an international name, in Unicode or `xn--` form, escapes)
    as yarl reads it, which is also how the checker names the host it limits.
    """
    _, sep, rest = url.partition("://")
    netloc = rest.partition("/")[0].partition("?")[0].partition("#")[0].lower()
    if sep and _PLAIN_NETLOC.fullmatch(netloc) and "xn--" not in netloc:
        return netloc.partition(":")[0]
    from yarl import URL

    try:
        return (URL(url).host or "").lower()
    except (ValueError, TypeError):
        return ""


def shard_of(url: str, count: int) -> int:
    """The shard (1 to `count`) a URL belongs to: by a stable hash of its host, so each job
    keeps every URL of a host and the per-host limits hold across jobs."""
    digest = hashlib.blake2b(host_key(url).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count + 1


def in_shard(links: Iterable[ExternalLink], shard: tuple[int, int]) -> list[ExternalLink]:
    k, n = shard
    return [link for link in links if shard_of(link.url, n) == k]
