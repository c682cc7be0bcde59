"""Which webhook addresses are refused (issue 12, F3): IPv6 forms are judged by their IPv4."""

from __future__ import annotations

import ipaddress

import pytest

from server.domain.integrations.targets import (
    TargetRefused,
    TargetUnresolved,
    is_private_address,
    resolve_target,
)

PRIVATE = [
    "127.0.0.1",
    "10.0.0.5",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of the cloud metadata address
    "64:ff9b:1::a00:1",  # local-use NAT64
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::",  # 6to4 of 10.0.0.1
    "::127.0.0.1",  # IPv4-compatible
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo whose client is 10.0.0.1
    "224.0.0.1",
    "ff02::1",
]
PUBLIC = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822", "2002:5db8:d822::1"]


@pytest.mark.parametrize("address", PRIVATE)
def test_private_and_embedded_private_addresses_are_refused(address: str) -> None:
    assert is_private_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_global_addresses_pass(address: str) -> None:
    assert not is_private_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "http://[64:ff9b::7f00:1]:8080/x",
        "https://[2002:7f00:1::1]/",
        "http://localhost/x",
        "http://api.localhost/x",
        "http://10.1.2.3/",
    ],
)
async def test_literal_and_local_targets_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        await resolve_target(url, allow_private=False)


async def test_a_literal_is_pinned_as_itself_and_a_name_keeps_host_and_sni() -> None:
    t = await resolve_target("http://[2606:2800:220:1:248:1893:25c8:1946]:8080/h?x=1", allow_private=False)
    assert t.url == "http://[2606:2800:220:1:248:1893:25c8:1946]:8080/h?x=1"
    assert t.host_header == "[2606:2800:220:1:248:1893:25c8:1946]:8080" and t.sni_hostname is None
    local = await resolve_target("https://localhost:8443/hooks", allow_private=True)
    assert local.sni_hostname == "localhost" and local.host_header == "localhost:8443"
    assert local.url.startswith(("https://127.0.0.1:8443/hooks", "https://[::1]:8443/hooks"))


async def test_a_name_that_does_not_resolve_is_worth_retrying() -> None:
    with pytest.raises(TargetUnresolved, match=r"lapsed-domain\.invalid"):
        await resolve_target("https://lapsed-domain.invalid/x", allow_private=False)
