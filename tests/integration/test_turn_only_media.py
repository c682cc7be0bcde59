"""The TURN-only media path (README, "Media in containers"), with real processes: coturn as
Debian ships it, ``viva serve --role media`` configured as compose.yaml configures it
(``VIVA_TURN_URLS`` + ``VIVA_TURN_SECRET``), and a candidate's peer that can reach nothing but
the advertised TURN address.

What it proves: with the shipped ``infra/coturn/turnserver.conf`` (every private, loopback and
link-local peer range denied), a candidate whose browser uses only relay candidates
(``iceTransportPolicy: relay``, the credentials handed out by ``/ice-servers``) records a whole
take, while the media instance has no address the relay may send to: the only working path is
relay to relay through coturn, so media instances need no public address, exactly the compose
layout. coturn listens on 127.0.0.2, which stands in for its public address (the one
``allowed-peer-ip`` line the test adds); the test also denies this machine's own interface
addresses (a sandbox may have one coturn would take for public, e.g. 192.0.2.x), as a media
container's private address is denied in production; everything else is the shipped file.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aioice.ice import get_host_addresses
from aiortc import RTCConfiguration, RTCIceServer
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from sqlalchemy import select

from server.db.models import Response
from tests.support.live_server import free_port, live_server
from tests.support.reviews import open_db
from tests.support.webrtc_client import WebRTCClient, make_test_media
from tests.support.world import World, build_world

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        shutil.which("turnserver") is None, reason="coturn is not installed (infra/dev/setup.sh)"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
TURN_IP = "127.0.0.2"  # coturn's "public" address: the only one the candidate may reach
SECRET = "turn-test-secret-" + "x" * 16
TAKE_S = 3.0


def _udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((TURN_IP, 0))
        return int(s.getsockname()[1])


def _answers_stun(port: int) -> bool:
    request = struct.pack("!HHI12s", 0x0001, 0, 0x2112A442, os.urandom(12))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        s.sendto(request, (TURN_IP, port))
        try:
            return s.recv(2048)[:2] == b"\x01\x01"  # a binding success response
        except OSError:
            return False


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[str]:
    """coturn with the shipped configuration on TURN_IP; yields the TURN URL."""
    port = _udp_port()
    shipped = (ROOT / "infra" / "coturn" / "turnserver.conf").read_text()
    conf = tmp_path / "turnserver.conf"
    conf.write_text(
        shipped.replace("listening-port=3478", f"listening-port={port}")
        + f"\nlistening-ip={TURN_IP}\nrelay-ip={TURN_IP}\n"
        # this machine's own addresses (what a media container's would be: private) are denied
        + "".join(f"denied-peer-ip={a}\n" for a in get_host_addresses(use_ipv4=True, use_ipv6=True))
        # the stand-in public address: relays to coturn's own relay addresses are allowed
        + f"allowed-peer-ip={TURN_IP}\nallow-loopback-peers\nno-tcp\nno-tls\nno-dtls\n"
        + f"pidfile={tmp_path / 'turn.pid'}\nlog-file=stdout\nsimple-log\n"
    )
    log = open(tmp_path / "coturn.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        ["turnserver", "-c", str(conf), "--static-auth-secret", SECRET, "--realm", "viva"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not _answers_stun(port):  # a STUN binding request: coturn is listening
            assert proc.poll() is None, (tmp_path / "coturn.log").read_text()
            assert time.monotonic() < deadline, "coturn did not start"
        yield f"turn:{TURN_IP}:{port}?transport=udp"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
async def world(sqlite_url: str) -> World:
    return await build_world(sqlite_url)


def _nominated(client: WebRTCClient) -> Any:
    """The ICE candidate pair the client's peer nominated (aioice's connection)."""
    transport = client.pc.getTransceivers()[0].sender.transport.transport
    pairs = list(transport._connection._nominated.values())
    assert pairs, "no nominated candidate pair"
    return pairs[0]


async def test_a_relay_only_candidate_records_a_take_through_the_advertised_turn_address(
    tmp_path: Path, sqlite_url: str, world: World, coturn: str
) -> None:
    env = {
        "VIVA_DATABASE_URL": sqlite_url,
        "VIVA_SECRET_KEY": "k" * 40,
        "VIVA_ROLE": "media",
        "VIVA_INSTANCE_NAME": "media-turn",
        "VIVA_TURN_URLS": coturn,
        "VIVA_TURN_SECRET": SECRET,
    }
    talk = make_test_media(tmp_path / "talk.webm", seconds=8)
    with live_server(tmp_path / "media", env, port=free_port()) as media:
        async with httpx.AsyncClient(base_url=media.url, timeout=60) as http:
            token = world.a.tokens["Alice"]
            r = await http.post(f"/api/candidate/{token}/consent", json={"accept": True})
            assert r.status_code == 200, r.text
            question = next(
                q["id"] for q in r.json()["questions"] if q["kind"] == "video" and not q["is_practice"]
            )

            # what the browser is told: the advertised TURN address, with time-limited credentials
            servers = (await http.get(f"/api/candidate/{token}/ice-servers")).json()
            assert [s["urls"] for s in servers] == [[coturn]]
            assert servers[0]["username"].split(":")[1] == str(world.a.invitation_ids["Alice"])
            config = RTCConfiguration(
                iceServers=[
                    RTCIceServer(urls=s["urls"], username=s["username"], credential=s["credential"])
                    for s in servers
                ],
                iceTransportPolicy=RTCIceTransportPolicy.RELAY,
            )
            client = WebRTCClient(talk, configuration=config)
            sdp, sdp_type = await client.offer()
            offered = [line for line in sdp.splitlines() if line.startswith("a=candidate")]
            # the candidate reveals (and can be reached at) nothing but relay addresses on coturn
            assert offered and all(f" {TURN_IP} " in c and "typ relay" in c for c in offered), offered
            take_id = str(uuid.uuid4())
            r = await http.post(
                f"/api/candidate/{token}/takes",
                json={"question_id": question, "take_id": take_id, "sdp": sdp, "type": sdp_type},
            )
            assert r.status_code == 201, r.text
            assert r.headers["x-viva-instance"] == "media-turn"
            answer = r.json()["sdp"]
            # the media instance gathered its own relay through the same coturn
            assert any("typ relay" in line and f" {TURN_IP} " in line for line in answer.splitlines()), answer
            await client.accept(answer, r.json()["type"])
            try:
                await client.wait_connected(30)
                pair = _nominated(client)
                # relay to relay: the shipped config denies every address the media instance has
                assert pair.local_candidate.type == "relay" and pair.remote_candidate.type == "relay", (
                    pair.local_candidate,
                    pair.remote_candidate,
                )
                assert pair.remote_candidate.host == TURN_IP
                await client.send(TAKE_S, then_pause=True, timeout=TAKE_S + 30)
                r = await http.post(f"/api/candidate/{token}/takes/{take_id}/stop")
                assert r.status_code == 200, r.text
            finally:
                await client.close()
            took = r.json()
            assert took["submitted"] and not took["is_partial"], took
            assert abs(took["duration_s"] - TAKE_S) < 0.6, took

    async with open_db(sqlite_url) as db:
        row = (await db.execute(select(Response).where(Response.take_id == uuid.UUID(take_id)))).scalar_one()
    assert row.media_key and row.duration_s and abs(row.duration_s - TAKE_S) < 0.6
