"""An aiohttp resolver that applies the address policy after DNS, before any connection."""

from __future__ import annotations

import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from clawdemy_site.links.netguard import screen_resolved


class GuardedResolver(AbstractResolver):
    """Resolve with `inner`, then drop every address the policy blocks.

    When nothing is left, raises `netguard.BlockedAddressError` (an OSError, which aiohttp
    wraps in `ClientConnectorDNSError`), so the connector never opens a socket to it.
    """

    def __init__(self, inner: AbstractResolver, *, allow_private: bool) -> None:
        self._inner = inner
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        verdicts = screen_resolved(
            host, (r["host"] for r in results), allow_private=self._allow_private
        )
        return [r for r, allowed in zip(results, verdicts, strict=True) if allowed]

    async def close(self) -> None:
        await self._inner.close()


def system_resolver() -> AbstractResolver:
    """The resolver the checker wraps: getaddrinfo in a thread (honours /etc/hosts)."""
    return ThreadedResolver()
