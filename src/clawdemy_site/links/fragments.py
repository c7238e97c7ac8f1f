"""Finding fragment targets in a page body: bounded decoding and an id/name scanner."""

from __future__ import annotations

import codecs
import re
import zlib
from html.parser import HTMLParser
from urllib.parse import unquote


def wanted_fragment(url: str) -> str | None:
    """The element id a URL's fragment points at, or None when there is nothing to check.

    Not checked: no or an empty fragment, `#top` (always valid in HTML), text fragments
    (`#:~:text=`), and client-side routes (`#/path`, `#!path`), which name no element.
    """
    _, hash_mark, raw = url.partition("#")
    if not hash_mark:
        return None
    fragment = unquote(raw)
    if not fragment or fragment.lower() == "top" or fragment.startswith(("/", "!", ":~:")):
        return None
    return fragment


class UnsupportedEncodingError(ValueError):
    """The body uses a content coding the scanner does not decode (br, zstd, stacked)."""


class BodyDecoder:
    """Undo a Content-Encoding without ever producing more than `limit` bytes in total.

    zlib is asked for at most the bytes still allowed, so a compression bomb costs no more
    memory than an honest page of `limit` bytes.
    """

    def __init__(self, coding: str, limit: int) -> None:
        coding = coding.strip().lower()
        self._raw_deflate_fallback = False
        self._z: zlib._Decompress | None
        if coding in ("", "identity"):
            self._z = None
        elif coding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_deflate_fallback = True
        else:
            raise UnsupportedEncodingError(coding)
        self.remaining = limit

    @property
    def exhausted(self) -> bool:
        return self.remaining <= 0

    def feed(self, chunk: bytes) -> bytes:
        """Decoded bytes of `chunk`, cut at the limit; raises zlib.error on a corrupt body."""
        if self.remaining <= 0:  # zlib reads max_length=0 as "unlimited"
            return b""
        if self._z is None:
            out = chunk[: self.remaining]
        else:
            try:
                out = self._z.decompress(chunk, self.remaining)
            except zlib.error:
                if not self._raw_deflate_fallback:
                    raise
                # Some servers send "deflate" without the zlib header: retry as raw deflate.
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._z.decompress(chunk, self.remaining)
            self._raw_deflate_fallback = False
        self.remaining -= len(out)
        return out


#: GitHub renders Markdown ids with this prefix and scrolls to them from the bare fragment.
USER_CONTENT = "user-content-"
_LINE_ID = re.compile(r"LC?([0-9]+)")
#: "42 lines (30 loc)" in a blob page's header, or the same count in the JSON GitHub embeds.
_LINE_COUNT_TEXT = re.compile(r'\b([0-9]+) lines? \(|"truncatedLoc":\s*"?([0-9]+)')
_LINE_FRAGMENT = re.compile(r"L([0-9]+)(?:-L([0-9]+))?")
_BLOB_PATH = re.compile(r"^/[^/]+/[^/]+(?:/-)?/blob/")
CODE_HOSTS = frozenset({"github.com", "www.github.com", "gitlab.com", "www.gitlab.com"})


def blob_line_range(url: str, fragment: str) -> tuple[int, int] | None:
    """(first, last) line of `#L10` or `#L10-L20` on a code host's blob page, else None.

    A blob page is any URL on github.com or gitlab.com whose path has `/blob/`, or any host's
    URL shaped like one (`/owner/repo/blob/...`, GitLab's `/group/repo/-/blob/...`), which
    covers self-hosted GitLab and GitHub Enterprise.
    """
    match = _LINE_FRAGMENT.fullmatch(fragment)
    if match is None:
        return None
    _, _, rest = url.partition("//")
    host, _, path = rest.partition("/")
    host = host.rpartition("@")[2].split(":")[0].lower()
    path = "/" + path.partition("#")[0]
    if not (_BLOB_PATH.match(path) or (host in CODE_HOSTS and "/blob/" in path)):
        return None
    first = int(match.group(1))
    last = int(match.group(2) or first)
    return first, max(first, last)


class AnchorScanner:
    """Feed HTML text in pieces; collects which wanted fragments name an element.

    A fragment is found by an element with that `id` (or that id behind GitHub's
    `user-content-` prefix), or an `<a>` with that `name`. It also counts a source file's
    lines where a code host's blob page shows them: ids `L<n>`/`LC<n>`, "N lines (", or the
    `truncatedLoc` of the JSON GitHub embeds in the page.
    """

    def __init__(self, wanted: frozenset[str], charset: str | None) -> None:
        self.wanted = wanted
        self.found: set[str] = set()
        try:
            factory = codecs.getincrementaldecoder(charset or "utf-8")
        except LookupError:
            factory = codecs.getincrementaldecoder("utf-8")
        self._text = factory(errors="replace")
        self._parser = _IdParser(self)
        #: Lines of the file a blob page shows, if it told.
        self.lines: int | None = None

    @property
    def done(self) -> bool:
        return self.found >= self.wanted

    def feed(self, data: bytes) -> None:
        self._parser.feed(self._text.decode(data))

    def close(self) -> None:
        self._parser.feed(self._text.decode(b"", final=True))
        self._parser.close()


class _IdParser(HTMLParser):
    def __init__(self, scanner: AnchorScanner) -> None:
        super().__init__(convert_charrefs=True)
        self._scanner = scanner

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        scanner = self._scanner
        for name, value in attrs:
            if value is None or not (name == "id" or (name == "name" and tag == "a")):
                continue
            if value in scanner.wanted:
                scanner.found.add(value)
            elif value.startswith(USER_CONTENT) and value[len(USER_CONTENT) :] in scanner.wanted:
                scanner.found.add(value[len(USER_CONTENT) :])
            elif name == "id" and (line := _LINE_ID.fullmatch(value)):
                scanner.lines = max(scanner.lines or 0, int(line.group(1)))

    def handle_data(self, data: str) -> None:
        if (count := _LINE_COUNT_TEXT.search(data)) is not None:
            scanner = self._scanner
            scanner.lines = max(scanner.lines or 0, int(count.group(1) or count.group(2)))
