"""Where a webhook may be sent: its host resolved once, every address vetted, and the
connection pinned to a vetted address.

Resolving to decide "private" and then letting the HTTP client resolve again to connect lets a
rebinding resolver answer a public address first and 127.0.0.1 second; so the address that was
vetted is the one connected to (the URL carries it, ``Host`` and TLS SNI/certificate checks keep
the real name). IPv6 forms that carry an IPv4 address (mapped, NAT64 ``64:ff9b::/96``, 6to4
``2002::/16``, Teredo ``2001::/32``, the deprecated compatible ``::/96``) are judged by that
IPv4 address, since a translator on the path delivers them there.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

__all__ = ["PinnedTarget", "TargetRefused", "TargetUnresolved", "is_private_address", "resolve_target"]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215 local-use translators
_COMPATIBLE = ipaddress.ip_network("::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The host is, or resolves to, a loopback, private, link-local or otherwise non-global address."""


class TargetUnresolved(Exception):
    """The host name did not resolve (a lapsed domain, a DNS outage): worth trying again later."""


@dataclass(frozen=True, slots=True)
class PinnedTarget:
    """A webhook URL rewritten to connect to one vetted address."""

    url: str  # the original URL with its host replaced by the vetted address
    host_header: str  # what the receiver sees as Host (the name and any explicit port)
    sni_hostname: str | None  # the name TLS is negotiated and verified for (https only)
    address: str


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64 or ip in _COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)  # (server, client): either end being private refuses it
    return found


def is_private_address(ip: IPAddress) -> bool:
    """Whether ``ip`` (or the IPv4 address it embeds) is anything but a global unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id is not None or ip in _NAT64_LOCAL:
            return True
        embedded = _embedded_ipv4(ip)
        if embedded:
            return any(is_private_address(v4) for v4 in embedded)
    return not ip.is_global or ip.is_multicast


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:  # socket.gaierror is an OSError
        raise TargetUnresolved(f"could not resolve {host}: {exc}") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        ip = _literal(str(info[4][0]))
        if ip is not None and ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise TargetUnresolved(f"could not resolve {host}: no addresses")
    return addresses


def _with_host(parts: SplitResult, address: IPAddress, port: int | None) -> str:
    shown = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    netloc = shown if port is None else f"{shown}:{port}"
    return parts._replace(netloc=netloc).geturl()


async def resolve_target(url: str, *, allow_private: bool) -> PinnedTarget:
    """Resolve ``url``'s host once and pin it to a vetted address.

    Raises:
        TargetRefused: an address is not global (and ``allow_private`` is off).
        TargetUnresolved: the name does not resolve now.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii") if _literal(host) is None else host
    except UnicodeError as exc:
        raise TargetUnresolved(f"{host!r} is not a valid host name") from exc
    port = parts.port
    default_port = 443 if parts.scheme == "https" else 80
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    elif not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise TargetRefused(host)
    else:
        addresses = await _resolve(host, port or default_port)
    if not allow_private and any(is_private_address(a) for a in addresses):
        raise TargetRefused(host)
    chosen = addresses[0]
    shown_host = f"[{host}]" if ":" in host else host
    return PinnedTarget(
        url=_with_host(parts, chosen, port),
        host_header=shown_host if port is None else f"{shown_host}:{port}",
        sni_hostname=host if parts.scheme == "https" and literal is None else None,
        address=str(chosen),
    )
