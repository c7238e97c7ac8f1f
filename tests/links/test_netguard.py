"""The address policy, as a pure function.

Nothing here opens a socket, but the cases name addresses outside 127.0.0.0/8, so by the
project's rule they run only in the loopback-only namespace (scripts/test).
"""

from __future__ import annotations

import pytest

from clawdemy_site.links.netguard import (
    BlockedAddressError,
    host_block_reason,
    parse_address,
    screen_resolved,
)

pytestmark = pytest.mark.netns

METADATA = "a cloud metadata address"


@pytest.mark.parametrize(
    ("host", "strict", "lenient"),
    [
        pytest.param("127.0.0.1", "a loopback address", None, id="loopback"),
        pytest.param("127.255.0.9", "a loopback address", None, id="loopback-range"),
        pytest.param("::1", "a loopback address", None, id="loopback-v6"),
        pytest.param("10.1.2.3", "a private address", None, id="10/8"),
        pytest.param("172.16.0.1", "a private address", None, id="172.16/12"),
        pytest.param("172.31.255.255", "a private address", None, id="172.16/12-top"),
        pytest.param("192.168.1.1", "a private address", None, id="192.168/16"),
        pytest.param("fd12::1", "a private address", None, id="fc00::/7"),
        pytest.param("169.254.1.1", "a link-local address", None, id="link-local"),
        pytest.param("fe80::1", "a link-local address", None, id="link-local-v6"),
        pytest.param("fe80::1%lo", "a link-local address", None, id="link-local-v6-zone"),
        pytest.param("100.64.0.1", "a shared (CGNAT) address", None, id="cgnat"),
        pytest.param("0.0.0.0", "an unspecified address", None, id="unspecified"),
        pytest.param("::", "an unspecified address", None, id="unspecified-v6"),
        pytest.param("224.0.0.1", "a multicast address", None, id="multicast"),
        pytest.param("ff02::1", "a multicast address", None, id="multicast-v6"),
        pytest.param("240.0.0.1", "a private address", None, id="reserved-240/4"),
        pytest.param("169.254.169.254", METADATA, METADATA, id="metadata"),
        pytest.param("fd00:ec2::254", METADATA, METADATA, id="metadata-v6"),
        pytest.param("100.100.100.200", METADATA, METADATA, id="metadata-alibaba"),
        pytest.param(
            "::ffff:169.254.169.254",
            f"{METADATA} (169.254.169.254 embedded in IPv6)",
            f"{METADATA} (169.254.169.254 embedded in IPv6)",
            id="metadata-ipv4-mapped",
        ),
        pytest.param(
            "64:ff9b::a9fe:a9fe",
            f"{METADATA} (169.254.169.254 embedded in IPv6)",
            f"{METADATA} (169.254.169.254 embedded in IPv6)",
            id="metadata-nat64",
        ),
        pytest.param(
            "::ffff:10.0.0.1",
            "a private address (10.0.0.1 embedded in IPv6)",
            None,
            id="private-ipv4-mapped",
        ),
        pytest.param("93.184.215.14", None, None, id="public"),
        pytest.param("2606:4700::1111", None, None, id="public-v6"),
        pytest.param("::ffff:93.184.215.14", None, None, id="public-ipv4-mapped"),
    ],
)
def test_block_reason(host: str, strict: str | None, lenient: str | None) -> None:
    address = parse_address(host)
    assert address is not None

    def expect(reason: str | None) -> str | None:
        return None if reason is None else f"{address} is {reason}"

    assert host_block_reason(host, allow_private=False) == expect(strict)
    assert host_block_reason(host, allow_private=True) == expect(lenient)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        pytest.param("[::1]", "::1", id="bracketed"),
        pytest.param("127.1", "127.0.0.1", id="short"),
        pytest.param("0x7f.0.0.1", "127.0.0.1", id="hex"),
        pytest.param("2130706433", "127.0.0.1", id="integer"),
        pytest.param("0251.0376.0251.0376", "169.254.169.254", id="octal"),
        pytest.param("example.org", None, id="name"),
        pytest.param("cafe.be", None, id="hex-looking-name"),
    ],
)
def test_parse_address(host: str, address: str | None) -> None:
    parsed = parse_address(host)
    assert (None if parsed is None else str(parsed)) == address


def test_screen_resolved_keeps_the_allowed_addresses() -> None:
    verdicts = screen_resolved("mixed.test", ["10.0.0.1", "93.184.215.14"], allow_private=False)
    assert verdicts == [False, True]


def test_screen_resolved_raises_when_all_are_blocked() -> None:
    with pytest.raises(BlockedAddressError) as raised:
        screen_resolved("evil.test", ["169.254.169.254", "10.0.0.1"], allow_private=False)
    assert raised.value.detail == (
        "evil.test resolves only to blocked addresses: "
        "169.254.169.254 (a cloud metadata address), 10.0.0.1 (a private address)"
    )


def test_screen_resolved_with_no_answer_is_not_a_block() -> None:
    assert screen_resolved("empty.test", [], allow_private=False) == []
