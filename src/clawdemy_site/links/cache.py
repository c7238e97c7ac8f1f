"""The link history: every check of every external URL, kept in SQLite beside ``content/``.

It does two jobs for ``check-links``: recent successes are reused without a request
(:meth:`LinkHistory.fresh`), and transient failures of URLs that used to work are
excused as flaky (:meth:`LinkHistory.apply_flaky_policy`, deciding with
:func:`clawdemy_site.links.flaky.judge`). A run's own checks are then appended
(:meth:`LinkHistory.record`). Cached results are never recorded again.

Any problem with the file raises :class:`CacheError`, whose message is a one-line
warning: the caller prints it and carries on without the history.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, get_args

from clawdemy_site.links.flaky import SUCCESS, FlakyPolicy, HistoryEntry, is_transient, judge
from clawdemy_site.links.model import ExternalLink, LinkResult, Status
from clawdemy_site.links.status import from_parts

#: Where the CLI keeps the history, relative to the folder that holds ``content/``.
DEFAULT_PATH = Path(".clawdemy") / "links.sqlite"
#: Successes younger than this many seconds are reused without a request.
DEFAULT_MAX_AGE = 86_400.0
DEFAULT_POLICY = FlakyPolicy()
SCHEMA_VERSION = 1

_STATUSES: dict[str, Status] = {status: status for status in get_args(Status)}
_COLUMNS = "url, checked_at, status, code, final_url, detail, run_id"
_CHUNK = 500  # URLs per query, well under SQLite's limit on bound parameters
_SUCCESS_SQL = ", ".join(f"'{status}'" for status in sorted(SUCCESS))

_SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    checked_at REAL NOT NULL,
    status TEXT NOT NULL,
    code INTEGER,
    final_url TEXT,
    detail TEXT NOT NULL DEFAULT '',
    run_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS checks_by_url ON checks (url, checked_at);
"""


class CacheError(Exception):
    """The link history cannot be used; ``str(error)`` is the warning to show."""


def new_run_id() -> str:
    """A fresh identifier for one ``check-links`` run."""
    return uuid.uuid4().hex


class LinkHistory:
    """An open link history. Use :meth:`open`; close it, or use it as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, *, busy_timeout: float = 10.0) -> LinkHistory:
        """Open (creating it, its folder and its schema if needed) the history at ``path``.

        Raises :class:`CacheError` when the file is not a usable history.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(_unusable(path, exc)) from exc
        try:
            _prepare(connection, path)
        except BaseException as exc:
            connection.close()
            if isinstance(exc, sqlite3.Error):
                raise CacheError(_unusable(path, exc)) from exc
            raise
        return cls(connection, path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> LinkHistory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def fresh(
        self, links: Iterable[ExternalLink], *, now: float, max_age: float = DEFAULT_MAX_AGE
    ) -> dict[str, LinkResult]:
        """The links whose latest check succeeded less than ``max_age`` seconds ago.

        Keyed by URL; each result carries the link's sources and ``cached=True``.
        Failures are never fresh: they are always checked again.
        """
        by_url = {link.url: link for link in links}
        query = f"""
            SELECT {_COLUMNS} FROM (
                SELECT *, ROW_NUMBER() OVER (
                    PARTITION BY url ORDER BY checked_at DESC, id DESC) AS newest
                FROM checks WHERE url IN ({{marks}}) AND checked_at <= ?
            ) WHERE newest = 1"""
        fresh: dict[str, LinkResult] = {}
        for entry in self._select(query, list(by_url), now):
            if entry.status in SUCCESS and now - entry.checked_at < max_age:
                link = by_url[entry.url]
                try:
                    state = from_parts(entry.status, entry.code, entry.final_url, entry.detail)
                except ValueError:
                    continue  # a row no status can hold: check the URL again
                fresh[entry.url] = LinkResult(entry.url, state, link.sources, cached=True)
        return fresh

    def since_last_success(
        self, urls: Iterable[str], *, now: float
    ) -> dict[str, list[HistoryEntry]]:
        """Each URL's checks from its latest success (included) up to ``now``.

        That is all :func:`~clawdemy_site.links.flaky.judge` needs; URLs that never
        succeeded have no entry.
        """
        query = f"""
            SELECT {_COLUMNS} FROM checks AS c
            WHERE url IN ({{marks}}) AND checked_at <= ? AND checked_at >= (
                SELECT MAX(checked_at) FROM checks AS s
                WHERE s.url = c.url AND s.status IN ({_SUCCESS_SQL}) AND s.checked_at <= ?)
            ORDER BY url, checked_at, id"""
        history: dict[str, list[HistoryEntry]] = {}
        for entry in self._select(query, list(dict.fromkeys(urls)), now, now):
            history.setdefault(entry.url, []).append(entry)
        return history

    def checks(self, urls: Iterable[str], *, now: float) -> dict[str, list[HistoryEntry]]:
        """Every kept check of each URL up to ``now``, oldest first; unknown URLs are absent."""
        query = f"""
            SELECT {_COLUMNS} FROM checks
            WHERE url IN ({{marks}}) AND checked_at <= ? ORDER BY url, checked_at, id"""
        found: dict[str, list[HistoryEntry]] = {}
        for entry in self._select(query, list(dict.fromkeys(urls)), now):
            found.setdefault(entry.url, []).append(entry)
        return found

    def apply_flaky_policy(
        self,
        results: Sequence[LinkResult],
        *,
        now: float,
        policy: FlakyPolicy = DEFAULT_POLICY,
    ) -> list[LinkResult]:
        """``results`` with transient failures judged against the history (call before
        :meth:`record` for the same run). Order is kept."""
        suspects = [
            r.url for r in results if not r.cached and is_transient(r.status, r.code, policy)
        ]
        if not suspects:
            return list(results)
        history = self.since_last_success(suspects, now=now)
        return [
            judge(r, history[r.url], now=now, policy=policy)
            if r.url in history and not r.cached
            else r
            for r in results
        ]

    def record(self, results: Iterable[LinkResult], *, run_id: str, now: float) -> int:
        """Append this run's checks in one transaction; cached results are skipped.

        Returns the number of rows written.
        """
        rows = [
            (r.url, now, r.status, r.code, r.final_url, r.detail, run_id)
            for r in results
            if not r.cached
        ]
        if rows:
            self._write(
                f"INSERT INTO checks ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows, "save"
            )
        return len(rows)

    def prune(self, *, now: float, keep_seconds: float = 90 * 86_400.0) -> int:
        """Forget checks older than ``keep_seconds``, except what the flaky policy still
        needs (each URL's latest success and everything after it). Returns rows deleted."""
        query = f"""
            DELETE FROM checks WHERE checked_at < ? AND checked_at < COALESCE((
                SELECT MAX(checked_at) FROM checks AS s
                WHERE s.url = checks.url AND s.status IN ({_SUCCESS_SQL})), ?)"""
        cutoff = now - keep_seconds
        return self._write(query, [(cutoff, cutoff)], "prune")

    def _select(self, query: str, urls: list[str], *params: float) -> Iterator[HistoryEntry]:
        try:
            for start in range(0, len(urls), _CHUNK):
                chunk = urls[start : start + _CHUNK]
                sql = query.format(marks=", ".join("?" * len(chunk)))
                for row in self._db.execute(sql, (*chunk, *params)).fetchall():
                    entry = _entry(row)
                    if entry is not None:
                        yield entry
        except sqlite3.Error as exc:
            raise CacheError(f"cannot read the link cache {self.path} ({exc})") from exc

    def _write(self, sql: str, rows: Sequence[Sequence[Any]], what: str) -> int:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                changed = self._db.executemany(sql, rows).rowcount
                self._db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise CacheError(f"cannot {what} the link cache {self.path} ({exc})") from exc
        return max(changed, 0)


def _prepare(connection: sqlite3.Connection, path: Path) -> None:
    """Check the file is a history this version understands; create the schema if new."""
    # WAL lets one run read while another writes; where the filesystem cannot do it
    # (no shared memory), SQLite's default rollback journal is fine.
    with contextlib.suppress(sqlite3.OperationalError):
        connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
        version = row[0] if row else None
        if version is None:
            connection.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        elif not isinstance(version, int) or version > SCHEMA_VERSION:
            raise CacheError(
                f"the link cache {path} has schema version {version!r}, newer than this"
                f" clawdemy understands ({SCHEMA_VERSION}); continuing without it"
            )
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        connection.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise


def _entry(row: Sequence[Any]) -> HistoryEntry | None:
    url, checked_at, status, code, final_url, detail, run_id = row
    known = _STATUSES.get(status) if isinstance(status, str) else None
    if known is None:
        return None  # written by a newer version, or by hand: ignore rather than guess
    return HistoryEntry(
        url=str(url),
        checked_at=float(checked_at),
        status=known,
        code=code if isinstance(code, int) else None,
        final_url=final_url if isinstance(final_url, str) else None,
        detail=detail if isinstance(detail, str) else "",
        run_id=str(run_id),
    )


def _unusable(path: Path, exc: BaseException) -> str:
    return (
        f"the link cache {path} is unusable ({exc}); continuing without it"
        " (delete the file or pass --no-cache to silence this)"
    )
