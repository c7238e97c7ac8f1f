"""Which network addresses the link checker may connect to: a pure policy, no IO.

The checker asks twice: once for a URL whose host is an IP literal (before connecting), and
once for every address a host name resolves to (after DNS, in `links.resolver`), so neither a
literal, a DNS answer nor a redirect hop can steer a request to a blocked server.

Private, loopback, link-local, shared (CGNAT), unspecified, multicast, reserved and any other
non-global addresses are blocked unless `allow_private` is set. Cloud metadata endpoints are
blocked always. IPv4 addresses embedded in IPv6 ones (IPv4-mapped, IPv4-compatible, 6to4,
Teredo, NAT64) are judged as the IPv4 address they carry.
"""

from __future__ import annotations

import functools
import re
import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address

#: Instance metadata services, which hand out cloud credentials: never fetched.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    {
        ip_address("169.254.169.254"),  # AWS, GCP, Azure, Oracle, OpenStack, DigitalOcean
        ip_address("fd00:ec2::254"),  # AWS over IPv6
        ip_address("100.100.100.200"),  # Alibaba Cloud
    }
)

_SHARED = ip_network("100.64.0.0/10")  # carrier-grade NAT, RFC 6598
_NAT64 = ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ip_network("::/96")
_LEGACY_IPV4 = re.compile(r"[0-9a-fA-FxX.]+")


class BlockedAddressError(OSError):
    """A host may not be fetched: every address it stands for is blocked by the policy."""

    def __init__(self, host: str, detail: str) -> None:
        super().__init__(detail)
        self.host = host
        self.detail = detail


def parse_address(text: str) -> IPAddress | None:
    """The address `text` spells, or None for a name.

    Brackets and an IPv6 zone are allowed, and so are the legacy IPv4 spellings that
    `inet_aton` (and so `connect`) accepts, like `127.1`, `0x7f.0.0.1` or `2130706433`.
    """
    candidate = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        return ip_address(candidate)
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(candidate):
        try:
            return IPv4Address(socket.inet_aton(candidate))
        except OSError:
            return None
    return None


def block_reason(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why `address` may not be fetched (e.g. "a loopback address"), or None when it may."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = block_reason(embedded, allow_private=allow_private)
            return None if reason is None else f"{reason} ({embedded} embedded in IPv6)"
    if allow_private:
        return None
    return _private_category(address)


@functools.lru_cache(maxsize=4096)  # asked once per request: keep it off the hot path
def host_block_reason(host: str, *, allow_private: bool) -> str | None:
    """For a URL host that is an IP literal, the reason it is blocked; None for names."""
    address = parse_address(host)
    if address is None:
        return None
    reason = block_reason(address, allow_private=allow_private)
    return None if reason is None else f"{address} is {reason}"


def screen_resolved(host: str, addresses: Iterable[str], *, allow_private: bool) -> list[bool]:
    """For each address `host` resolved to, whether it may be used.

    Raises BlockedAddressError when every address is blocked (and there was at least one).
    """
    verdicts: list[bool] = []
    refused: list[str] = []
    for text in addresses:
        address = parse_address(text)
        reason = (
            "not an IP address"
            if address is None
            else block_reason(address, allow_private=allow_private)
        )
        verdicts.append(reason is None)
        if reason is not None:
            refused.append(f"{text} ({reason})")
    if refused and not any(verdicts):
        unique = ", ".join(dict.fromkeys(refused))
        raise BlockedAddressError(host, f"{host} resolves only to blocked addresses: {unique}")
    return verdicts


def _private_category(address: IPAddress) -> str | None:
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if isinstance(address, IPv4Address) and address in _SHARED:
        return "a shared (CGNAT) address"
    if address.is_private:
        return "a private address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "a non-public address"
    return None


def _embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None
