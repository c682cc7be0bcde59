"""Time-limited TURN credentials and coturn's deny list (issue 12, F13)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import time
from pathlib import Path

from server.recording.service import ice_servers
from server.recording.turn import turn_rest_credentials
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def test_credentials_follow_the_turn_rest_scheme_coturn_checks() -> None:
    username, credential = turn_rest_credentials("s3cret", label="inv-1", ttl_s=600, now=1_800_000_000)
    assert username == "1800000600:inv-1"
    expected = base64.b64encode(hmac.new(b"s3cret", b"1800000600:inv-1", hashlib.sha1).digest()).decode()
    assert credential == expected


def test_with_a_secret_every_candidate_gets_expiring_credentials_not_the_static_pair() -> None:
    env = {
        "VIVA_TURN_URLS": "turn:turn.example.com:3478",
        "VIVA_TURN_SECRET": "s3cret",
        "VIVA_TURN_USERNAME": "viva",
        "VIVA_TURN_PASSWORD": "static",
        "VIVA_TURN_CREDENTIAL_SECONDS": "900",
    }
    settings = Settings.from_env(env)
    (a,) = ice_servers(settings, label="inv-a")
    (b,) = ice_servers(settings, label="inv-b")
    assert a.username and b.username and a.username != b.username
    expiry = int(a.username.split(":")[0])
    assert time.time() < expiry <= time.time() + 901
    assert "static" not in (a.credential, b.credential) and a.username.endswith(":inv-a")


def test_coturn_uses_the_shared_secret_and_relays_to_public_addresses_only() -> None:
    conf = (ROOT / "infra/coturn/turnserver.conf").read_text()
    lines = [line.strip() for line in conf.splitlines() if line.strip() and not line.startswith("#")]
    assert "use-auth-secret" in lines and "lt-cred-mech" not in lines
    assert not any(line.startswith("user=") for line in lines)
    denied = []
    for line in lines:
        if line.startswith("denied-peer-ip="):
            first, _, last = line.split("=", 1)[1].partition("-")
            denied.append((ipaddress.ip_address(first), ipaddress.ip_address(last or first)))

    def refused(address: str) -> bool:
        ip = ipaddress.ip_address(address)
        return any(lo.version == ip.version and lo <= ip <= hi for lo, hi in denied)

    for address in (
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "10.1.2.3",
        "127.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "::1",
    ):
        assert refused(address), address
    for address in ("93.184.216.34", "2606:2800:220:1::1"):
        assert not refused(address), address
    compose = (ROOT / "compose.yaml").read_text()
    assert re.search(r"--static-auth-secret", compose) and "VIVA_TURN_SECRET" in compose
    assert "--user" not in compose
