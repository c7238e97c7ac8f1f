"""The tagged status: each variant holds only what its outcome can have."""

from __future__ import annotations

from typing import Any

import pytest

from clawdemy_site.links.status import (
    KINDS,
    Blocked,
    Broken,
    Excluded,
    Redirected,
    Skipped,
    Timeout,
    Unverifiable,
    behind_wall,
    from_parts,
    with_detail,
)


def test_blocked_cannot_carry_an_http_code() -> None:
    make: Any = Blocked
    with pytest.raises(TypeError):
        make(code=403)
    assert Blocked(detail="a loopback address").code is None


def test_redirected_needs_its_final_url() -> None:
    make: Any = Redirected
    with pytest.raises(TypeError):
        make(301)
    state = Redirected(200, "https://b.example/", "permanent redirect")
    assert (state.kind, state.code, state.final_url) == ("redirected", 200, "https://b.example/")


@pytest.mark.parametrize(
    ("kind", "code", "final_url"),
    [
        ("blocked", 403, None),
        ("timeout", 504, None),
        ("excluded", None, "https://x.example/"),
        ("skipped", 200, None),
        ("redirected", 301, None),
        ("rate_limited", None, None),
        ("unverifiable", None, None),
        ("ok", 200, "https://x.example/"),
        ("nonsense", None, None),
    ],
)
def test_from_parts_refuses_what_no_variant_holds(
    kind: str, code: int | None, final_url: str | None
) -> None:
    with pytest.raises(ValueError, match="no '"):
        from_parts(kind, code, final_url)


def test_from_parts_round_trips_every_kind() -> None:
    examples = {
        "ok": (200, None),
        "redirected": (200, "https://b.example/"),
        "broken": (404, None),
        "timeout": (None, None),
        "rate_limited": (429, None),
        "unreachable": (503, None),
        "blocked": (None, None),
        "unverifiable": (403, None),
        "excluded": (None, None),
        "skipped": (None, None),
        "error": (None, None),
    }
    assert set(examples) == set(KINDS)
    for kind, (code, final_url) in examples.items():
        state = from_parts(kind, code, final_url, "some detail")
        back = from_parts(state.kind, state.code, state.final_url, state.detail)
        assert (back.kind, back.code, back.final_url, back) == (kind, code, final_url, state)


def test_unverifiable_names_its_wall_in_the_detail() -> None:
    state = behind_wall(403, "Cloudflare", "cf-mitigated: challenge")
    assert state.wall == "Cloudflare"
    assert state.detail == (
        "Cloudflare bot wall answered instead of the page (cf-mitigated: challenge)"
    )
    assert from_parts("unverifiable", 403, None, state.detail) == state


def test_with_detail_keeps_the_data() -> None:
    assert with_detail(Broken(404, None, "x"), "y") == Broken(404, None, "y")
    assert with_detail(Timeout(None, "x"), "y") == Timeout(None, "y")
    assert with_detail(Excluded("x"), "y") == Excluded("y")
    assert with_detail(Skipped("x"), "y") == Skipped("y")
    wall = with_detail(behind_wall(429, "rate limiter", "3 attempts"), "now this")
    assert wall == Unverifiable(429, "rate limiter", None, "now this")
