"""Finding fragment targets in a page body: bounded decoding and an id/name scanner."""

from __future__ import annotations

import codecs
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


class AnchorScanner:
    """Feed HTML text in pieces; collects which wanted fragments name an element.

    A fragment is found by an element with that `id`, or an `<a>` with that `name`.
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
        for name, value in attrs:
            if value is None or value not in self._scanner.wanted:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self._scanner.found.add(value)
