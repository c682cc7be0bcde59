"""Which requests came over TLS, and from which client, when a reverse proxy may sit in front.

``X-Forwarded-Proto`` and ``X-Forwarded-For`` are only believed when the direct peer is one of
the trusted proxies (``VIVA_TRUSTED_PROXIES``: addresses, CIDR networks, or ``*``); anyone
else could send them to pose as another client or to make a plain-HTTP request look secure.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from litestar.types import Scope

__all__ = ["TrustedProxies", "trusted_proxies"]

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


@dataclass(frozen=True, slots=True)
class TrustedProxies:
    """The peers whose forwarding headers are believed."""

    networks: tuple[_Network, ...] = ()
    trust_all: bool = False

    @classmethod
    def parse(cls, entries: Iterable[str]) -> TrustedProxies:
        """From ``VIVA_TRUSTED_PROXIES`` entries; ``ValueError`` names a malformed one."""
        networks: list[_Network] = []
        trust_all = False
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            if entry == "*":
                trust_all = True
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError as exc:
                msg = (
                    f"VIVA_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                    "(use e.g. 127.0.0.1, 10.0.0.0/8 or *)"
                )
                raise ValueError(msg) from exc
        return cls(networks=tuple(networks), trust_all=trust_all)

    def trusts(self, address: str | None) -> bool:
        """Whether ``address`` (a peer's IP) is a trusted proxy."""
        if self.trust_all:
            return True
        if not address or not self.networks:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    @staticmethod
    def _peer(scope: Scope) -> str | None:
        client = scope.get("client")
        return str(client[0]) if client else None

    def is_tls(self, scope: Scope) -> bool:
        """Whether the browser reached us over TLS (directly, or through a trusted proxy)."""
        if scope.get("scheme") in ("https", "wss"):
            return True
        if not self.trusts(self._peer(scope)):
            return False
        proto = _header(scope, b"x-forwarded-proto")
        return proto is not None and proto.split(",")[0].strip().lower() == "https"

    def client_ip(self, scope: Scope) -> str:
        """The client's address: the nearest one in X-Forwarded-For not a trusted proxy."""
        peer = self._peer(scope) or "unknown"
        if not self.trusts(peer):
            return peer
        forwarded = _header(scope, b"x-forwarded-for")
        if not forwarded:
            return peer
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        for hop in reversed(hops):
            if not self.trusts(hop) or self.trust_all:
                return hop[:64]
        return hops[0][:64] if hops else peer


@lru_cache(maxsize=8)
def trusted_proxies(entries: tuple[str, ...]) -> TrustedProxies:
    """:meth:`TrustedProxies.parse`, once per distinct setting."""
    return TrustedProxies.parse(entries)
