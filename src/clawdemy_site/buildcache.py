"""The build's persistent cache in `.clawdemy/build.sqlite`, and the lock that keeps two builds
of one project apart.

What is kept: each lesson file parsed (by the digest of its bytes), each body rendered (by the
digest of its source and what its links named), each page's record (what it was made from,
the digest of what was written, its ids and links), and facts about the last written build.
Values are pickled, and read back through an unpickler that can build nothing but this
package's frozen dataclasses and plain containers, so a tampered cache cannot run code.
A cache that is corrupt, or written by another version, is discarded with a note.
"""

from __future__ import annotations

import builtins
import dataclasses
import errno
import fcntl
import hashlib
import importlib
import io
import os
import pathlib
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from importlib.util import find_spec
from pathlib import Path
from typing import IO

from clawdemy_site.errors import ClawdemyError

#: Bumped whenever what is stored changes shape.
SCHEMA_VERSION = 2
CACHE_DIR = ".clawdemy"
DB_NAME = "build.sqlite"
LOCK_NAME = "build.lock"

_SAFE_BUILTINS = frozenset({"frozenset", "set", "tuple", "list", "dict"})


_allowed: dict[tuple[str, str], type] = {}


def _allowed_class(module: str, name: str) -> type:
    """A class the cache may name: clawdemy's dataclasses, builtin containers and paths."""
    found = _allowed.get((module, name))
    if found is not None:
        return found
    candidate: object = None
    if module == "builtins" and name in _SAFE_BUILTINS:
        candidate = getattr(builtins, name)
    elif module == "pathlib" and name in ("PosixPath", "WindowsPath", "PurePosixPath"):
        candidate = getattr(pathlib, name)  # made from its parts: runs no other code
    elif module.startswith("clawdemy_site."):
        candidate = getattr(importlib.import_module(module), name, None)
        if not (isinstance(candidate, type) and dataclasses.is_dataclass(candidate)):
            candidate = None
    if not isinstance(candidate, type):
        raise pickle.UnpicklingError(f"the cache names `{module}.{name}`, which it may not")
    _allowed[(module, name)] = candidate
    return candidate


class _SafeUnpickler(pickle.Unpickler):
    """Unpickles only clawdemy's dataclasses and builtin containers."""

    def find_class(self, module: str, name: str) -> type:
        return _allowed_class(module, name)


def loads(blob: bytes) -> object:
    return _SafeUnpickler(io.BytesIO(blob)).load()


def dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def code_version() -> str:
    """A digest of this package's code and of the libraries that shape its output."""
    digest = hashlib.sha1(usedforsecurity=False)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for name in ("markdown", "pygments", "nh3", "latex2mathml", "jinja2", "yaml", "markupsafe"):
        spec = find_spec(name)
        origin = spec.origin if spec else None
        if origin and os.path.exists(origin):
            stat = os.stat(origin)
            digest.update(f"{name}:{origin}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


#: Written beside the database when it is closed after writing: the file's identity then,
#: and the running system's boot. An open that finds the same (and no write-ahead log) skips
#: SQLite's integrity check, a read of the whole file (20 ms of a one-lesson build on 1,000
#: lessons); a build that is killed, a restart of the system, or anything else that touches
#: the file leaves the check to be made.
CHECKED_SUFFIX = ".checked"
#: Changes each time Linux starts.
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def _boot() -> str | None:
    try:
        return _BOOT_ID.read_text().strip() or None
    except OSError:
        return None


def _identity(path: Path) -> str | None:
    """The database file's inode, size and modification time, in this boot of the system,
    while no write-ahead log of it is left (a log's pages are not the file's until they are
    moved in)."""
    boot = _boot()
    try:
        found = os.stat(path)
    except OSError:
        return None
    if boot is None or os.path.exists(f"{path}-wal"):
        return None
    return f"{boot}:{found.st_ino}:{found.st_size}:{found.st_mtime_ns}"


class CacheUnusable(Exception):
    """The cache cannot be trusted; it is discarded."""


#: Set to put the build cache somewhere else than `.clawdemy/` beside `content/`.
CACHE_DIR_VARIABLE = "CLAWDEMY_CACHE_DIR"


def cache_dir(content_dir: Path) -> Path:
    """`.clawdemy/` beside `content/`, or the folder named by $CLAWDEMY_CACHE_DIR."""
    chosen = os.environ.get(CACHE_DIR_VARIABLE)
    if chosen:
        return Path(chosen).resolve()
    return content_dir.resolve().parent / CACHE_DIR


class BuildCache:
    """One open cache database. Reads are lazy; writes happen in `save`."""

    def __init__(
        self,
        path: Path,
        code_version: str,
        note: Callable[[str], None],
        *,
        readonly: bool = False,
    ) -> None:
        self.path = path
        self._readonly = readonly
        self._db: sqlite3.Connection | None = None
        if readonly:  # never created, discarded or changed: a check may run beside a build
            self._db = self._open_readonly(path, code_version)
            return
        try:
            self._db = self._open(path, code_version)
        except (sqlite3.DatabaseError, CacheUnusable, OSError, pickle.UnpicklingError) as exc:
            note(f"note: the build cache {_show(path)} was discarded ({exc}); building afresh")
            self._discard(path)
            try:
                self._db = self._open(path, code_version)
            except (sqlite3.DatabaseError, CacheUnusable, OSError) as again:
                note(f"note: building without a cache: {again}")
                self._db = None

    @staticmethod
    def _discard(path: Path) -> None:
        names = ("", "-journal", "-wal", "-shm", CHECKED_SUFFIX)
        for name in (Path(f"{path}{suffix}") for suffix in names):
            with suppress(FileNotFoundError):
                name.unlink()

    @staticmethod
    def _open_readonly(path: Path, code_version: str) -> sqlite3.Connection | None:
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            found = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        except sqlite3.DatabaseError:
            return None
        if found is None or found[0] != f"{SCHEMA_VERSION}:{code_version}":
            db.close()
            return None
        return db

    @staticmethod
    def _open(path: Path, code_version: str) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# clawdemy's caches: never committed\n*\n")
        checked = Path(f"{path}{CHECKED_SUFFIX}")
        try:
            vouched = checked.read_text() == _identity(path)
        except OSError:
            vouched = False
        with suppress(FileNotFoundError):
            checked.unlink()  # this run may change the file: the next one checks it
        db = sqlite3.connect(path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # The file is never forced to the disk (closing did so in 20 ms of a one-lesson
            # build). A build that is killed loses nothing: the system holds what was written.
            # A system that stops before it writes may leave the file damaged, and the next
            # boot has another id, so the check below runs then and discards a damaged cache.
            # Where there is no boot id the check runs on every open.
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (kind TEXT, key TEXT, value BLOB,"
                " PRIMARY KEY (kind, key))"
            )
            found = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            version = f"{SCHEMA_VERSION}:{code_version}"
            if found is None:
                db.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
            elif found[0] != version:
                raise CacheUnusable("it was written by another version of clawdemy")
            if not vouched:
                verdict = db.execute("PRAGMA quick_check(1)").fetchone()
                if verdict != ("ok",):
                    said = verdict[0] if verdict else "no answer"
                    raise CacheUnusable(f"SQLite's check of it failed: {said}")
        except BaseException:
            db.close()
            raise
        return db

    @property
    def usable(self) -> bool:
        return self._db is not None

    def get_all(self, kind: str) -> dict[str, object]:
        """Every entry of `kind`, unpickled; an entry that does not unpickle is dropped."""
        return self._entries("SELECT key, value FROM entries WHERE kind = ?", (kind,))

    def get_some(self, kind: str, keys: Iterable[str]) -> dict[str, object]:
        """The entries of `kind` under `keys` that are there and unpickle."""
        wanted = list(keys)
        found: dict[str, object] = {}
        for start in range(0, len(wanted), 500):  # SQLite takes so many values at once
            part = wanted[start : start + 500]
            marks = ", ".join("?" * len(part))
            query = f"SELECT key, value FROM entries WHERE kind = ? AND key IN ({marks})"
            found.update(self._entries(query, (kind, *part)))
        return found

    def _entries(self, query: str, values: tuple[str, ...]) -> dict[str, object]:
        """The (key, value) rows `query` finds, unpickled; a damaged entry is dropped (made
        again rather than trusted)."""
        if self._db is None:
            return {}
        found: dict[str, object] = {}
        try:
            for key, blob in self._db.execute(query, values):
                try:
                    found[key] = loads(blob)
                except Exception:
                    continue
        except sqlite3.DatabaseError:
            return {}
        return found

    def get_meta(self, key: str) -> object | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return loads(row[0]) if row is not None else None
        except Exception:
            return None

    def save(
        self,
        *,
        put: Iterable[tuple[str, str, object]],
        drop: Iterable[tuple[str, str]] = (),
        meta: dict[str, object] | None = None,
    ) -> None:
        """Write entries (kind, key, value), remove (kind, key), set meta, in one transaction."""
        if self._db is None:
            return
        db = self._db
        try:
            db.execute("BEGIN")
            db.executemany("DELETE FROM entries WHERE kind = ? AND key = ?", list(drop))
            db.executemany(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                [(kind, key, dumps(value)) for kind, key, value in put],
            )
            for key, value in (meta or {}).items():
                db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, dumps(value)))
            db.execute("COMMIT")
        except sqlite3.DatabaseError:
            if db.in_transaction:
                db.execute("ROLLBACK")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
            if not self._readonly:
                with suppress(OSError):  # a missing note only costs the next open a check
                    identity = _identity(self.path)
                    if identity is not None:
                        Path(f"{self.path}{CHECKED_SUFFIX}").write_text(identity)


def _show(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class BuildLocked(ClawdemyError):
    """Another build of the same project is running."""


#: Lock files this process holds. A forked child (a render worker) closes its copies at
#: once: a flock belongs to the open file, so a worker outliving a killed build would
#: otherwise keep the project locked.
_held: list[IO[str]] = []


def _close_held_locks() -> None:
    for handle in _held:
        handle.close()
    _held.clear()


os.register_at_fork(after_in_child=_close_held_locks)


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold `.clawdemy/build.lock` for a build; a second build is refused, not queued."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    handle = open(path, "a+")  # noqa: SIM115 - held for the whole block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildLocked(
                f"error: another clawdemy build of this project is running ({holder});"
                " wait for it to finish, then build again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        _held.append(handle)
        yield
    finally:
        if handle in _held:
            _held.remove(handle)
        handle.close()
