"""What rendering a body works out that is slow to work out again (MathML from TeX, code
highlighted by Pygments), remembered: in this process, and each body's share in the build
cache beside it, taken back before the body is rendered again. An edited lesson whose math
and code did not change then renders without loading the converter or building a lexer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

_Key = TypeVar("_Key")


class BodyMemo(Generic[_Key]):
    """HTML by key, the oldest dropped beyond `size`, with the keys asked for since the
    current body started, in order (for the build cache to keep with that body)."""

    def __init__(self, size: int, fits: Callable[[object], bool]) -> None:
        """`fits` says whether a key read back from the build cache is of the right shape."""
        self.size = size
        self._fits = fits
        self._known: dict[_Key, str] = {}
        self._used: dict[_Key, str] = {}

    def start_body(self) -> None:
        self._used.clear()

    def used(self) -> tuple[tuple[_Key, str], ...]:
        """The entries asked for or made since `start_body`."""
        return tuple(self._used.items())

    def get(self, key: _Key) -> str | None:
        found = self._known.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def keep(self, key: _Key, html: str) -> None:
        self._store(key, html)
        self._used[key] = html

    def remember(self, kept: object) -> None:
        """Take a body's entries as an earlier process kept them; a malformed one is left."""
        if not isinstance(kept, tuple):
            return
        for item in kept:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str):
                key, html = item
                if self._fits(key) and key not in self._known:
                    self._store(key, html)

    def keys(self) -> list[_Key]:
        """The keys remembered, oldest first."""
        return list(self._known)

    def _store(self, key: _Key, html: str) -> None:
        if len(self._known) >= self.size:
            del self._known[next(iter(self._known))]  # the oldest
        self._known[key] = html
