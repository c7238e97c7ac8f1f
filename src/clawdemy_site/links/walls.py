"""Telling a bot wall from the page: what a reply says of itself (headers, first body bytes).

A wall is a challenge or interstitial page that a protection service serves to clients it
suspects are bots: the page asked for may well be there, but this reply cannot say. Each wall
is recognised by marks its own pages carry, never by the code alone (a 403 is not a wall).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Wall:
    """Which wall answered, and the mark that gave it away."""

    name: str
    evidence: str


#: Bytes at the start of a body searched for the marks of a wall's page.
PEEK_BYTES = 16 * 1024

#: Codes Cloudflare and DDoS-Guard use for their challenges.
_CHALLENGE_CODES = frozenset({403, 429, 503})
_ANY, _REFUSED, _CLOUDFLARE = "any reply", "a refusal", "a refusal from server: cloudflare"
#: (wall, mark in the lower-cased start of the body, which replies it counts in).
#: Anubis answers its challenge with 200 by default, so its marks count in any reply; words
#: that a page about a wall could hold count only in a refusal.
_BODY_MARKS: tuple[tuple[str, bytes, str], ...] = (
    ("Anubis", b"anubis_challenge", _ANY),
    ("Anubis", b"/.within.website/x/cmd/anubis", _ANY),
    ("Anubis", b"making sure you&#39;re not a bot", _ANY),
    ("Anubis", b"making sure you're not a bot", _ANY),
    ("Cloudflare", b"/cdn-cgi/challenge-platform/", _REFUSED),
    ("Cloudflare", b"cf_chl_opt", _REFUSED),
    ("Cloudflare", b"<title>just a moment...</title>", _CLOUDFLARE),
    ("DDoS-Guard", b"ddos-guard", _REFUSED),
)


def wall_from_headers(code: int, headers: Mapping[str, str]) -> Wall | None:
    """The wall the headers alone prove, if any."""
    if headers.get("cf-mitigated", "").strip().lower() == "challenge":
        return Wall("Cloudflare", "cf-mitigated: challenge")
    server = headers.get("Server", "").strip().lower()
    if code in _CHALLENGE_CODES and server == "ddos-guard":
        return Wall("DDoS-Guard", f"{code} from server: ddos-guard")
    return None


class WallSniffer:
    """Fed the decoded start of a body; says which wall's page it is, if any."""

    def __init__(self, code: int, headers: Mapping[str, str]) -> None:
        self._head = b""
        self.wall: Wall | None = None
        self._code = code
        refused = code in _CHALLENGE_CODES
        cloudflare = refused and headers.get("Server", "").strip().lower() == "cloudflare"
        self._marks = [
            (name, mark, where)
            for name, mark, where in _BODY_MARKS
            if where == _ANY or (where == _REFUSED and refused) or cloudflare
        ]

    @property
    def done(self) -> bool:
        """True once enough was seen to decide."""
        return self.wall is not None or len(self._head) >= PEEK_BYTES

    def feed(self, data: bytes) -> None:
        if self.done or not data:
            return
        self._head += data[: PEEK_BYTES - len(self._head)].lower()
        for name, mark, _where in self._marks:
            if mark in self._head:
                self.wall = Wall(name, f"{self._code} with {name}'s challenge page")
                return
