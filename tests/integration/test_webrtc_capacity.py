"""Shares of the process's WebRTC capacity (issue 12, F2).

The probe opened every device-check slot from one candidate link in 2 s (everyone else got 429),
and held one live take per video question, so a handful of links filled every take slot for
every organization. A link now holds one live take and its newest device check (a new check
replaces the old one); an organization has a share of the slots; a check whose ICE never
connects ends soon. Real aiortc offers drive the real app.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection

from server.settings import Settings
from tests.conftest import make_settings
from tests.security.test_hostile_input import app_client, problem
from tests.support.world import World, build_world

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(
        tmp_path,
        db_url,
        VIVA_MAX_LIVE_CHECKS="4",
        VIVA_MAX_LIVE_TAKES="4",
        VIVA_MAX_CHECKS_PER_ORGANIZATION="3",
        VIVA_MAX_TAKES_PER_ORGANIZATION="2",
        VIVA_DEVICE_CHECK_CONNECT_SECONDS="30",
    )


@pytest.fixture
async def world(db_url: str) -> World:
    return await build_world(db_url)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Any]:
    async with app_client(settings) as c:
        yield c


@pytest.fixture
async def offer() -> AsyncIterator[str]:
    """A real browser-like offer (audio and video, host candidates), never answered."""
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver("audio", direction="sendonly")
    pc.addTransceiver("video", direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    yield pc.localDescription.sdp
    await pc.close()


async def _consent(client: Any, token: str) -> list[dict[str, Any]]:
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200, r.text
    return [q for q in r.json()["questions"] if q["kind"] == "video"]


async def _check(client: Any, token: str, sdp: str) -> Any:
    return await client.post(f"/api/candidate/{token}/device-check", json={"sdp": sdp, "type": "offer"})


async def _live_checks(client: Any, world: World, name: str) -> int:
    recording = client.app.state["recording"]
    return len(
        recording.check_quota.held_by(world.a.invitation_ids.get(name) or world.b.invitation_ids[name])
    )


async def test_one_link_cannot_take_every_device_check_slot(client: Any, world: World, offer: str) -> None:
    alice, bob = world.a.tokens["Alice"], world.b.tokens["Bob"]
    ids = []
    for _ in range(8):  # the probe's flood, from one link
        r = await _check(client, alice, offer)
        assert r.status_code == 201, r.text
        ids.append(r.json()["check_id"])
    assert await _live_checks(client, world, "Alice") == 1
    # the newest check is the live one; the ones it replaced say so
    assert (await client.get(f"/api/candidate/{alice}/device-check/{ids[-1]}")).status_code == 200
    r = await client.get(f"/api/candidate/{alice}/device-check/{ids[0]}")
    assert "start a new one" in problem(r, 404)
    # someone else, in another organization, still gets a check
    r = await _check(client, bob, offer)
    assert r.status_code == 201, r.text


async def test_an_organization_has_a_share_of_the_device_check_slots(
    client: Any, world: World, offer: str
) -> None:
    async def extra_link(n: int) -> str:
        r = await client.post(
            f"/api/assessments/{world.a.assessment_id}/invitations",
            json={"candidate_name": f"Extra {n}", "candidate_email": f"extra{n}@example.com"},
        )
        assert r.status_code == 201, r.text
        return str(r.json()["token"])

    await client.post(
        "/api/auth/login", json={"email": world.a.admin_email, "password": "correct horse battery"}
    )
    tokens = [world.a.tokens["Alice"], world.a.tokens["Amir"]] + [await extra_link(n) for n in range(2)]
    statuses = [(await _check(client, t, offer)).status_code for t in tokens]
    assert statuses == [201, 201, 201, 429]  # VIVA_MAX_CHECKS_PER_ORGANIZATION=3
    assert (await _check(client, world.b.tokens["Bob"], offer)).status_code == 201  # the last slot


async def test_one_link_holds_one_live_take_and_an_organization_its_share(
    client: Any, world: World, offer: str
) -> None:
    alice, amir, bob = world.a.tokens["Alice"], world.a.tokens["Amir"], world.b.tokens["Bob"]
    q1, q2 = (await _consent(client, alice))[:2]

    async def start(token: str, question: dict[str, Any]) -> Any:
        return await client.post(
            f"/api/candidate/{token}/takes",
            json={"question_id": question["id"], "take_id": str(uuid.uuid4()), "sdp": offer, "type": "offer"},
        )

    first = await start(alice, q1)
    assert first.status_code == 201, first.text
    r = await start(alice, q2)  # the probe held one live take per video question
    assert "already recording another answer" in problem(r, 409)
    view = (await client.get(f"/api/candidate/{alice}")).json()
    assert next(q for q in view["questions"] if q["id"] == q2["id"])["takes_used"] == 0
    (amir_q, *_) = await _consent(client, amir)
    assert (await start(amir, amir_q)).status_code == 201
    (bob_q, *_) = await _consent(client, bob)
    # organization alpha holds its share of 2 take slots: Bob's organization is unaffected
    assert (await start(bob, bob_q)).status_code == 201
    await client.post(f"/api/candidate/{alice}/takes/{first.json()['take_id']}/stop")
    r = await start(alice, q2)  # stopping the first frees the link's slot
    assert r.status_code == 201, r.text


async def test_a_device_check_whose_ice_never_connects_ends_soon(
    tmp_path: Path, db_url: str, world: World, offer: str
) -> None:
    settings = make_settings(tmp_path, db_url, VIVA_DEVICE_CHECK_CONNECT_SECONDS="1")
    async with app_client(settings) as client:
        token = world.a.tokens["Alice"]
        r = await _check(client, token, offer)  # the answer is never applied: no ICE
        assert r.status_code == 201, r.text
        url = f"/api/candidate/{token}/device-check/{r.json()['check_id']}"
        deadline = time.monotonic() + 15
        while (await client.get(url)).status_code == 200:
            assert time.monotonic() < deadline, "the unconnected check was never ended"
            await asyncio.sleep(0.2)
        assert "start a new one" in problem(await client.get(url), 404)
        assert len(client.app.state["recording"].check_quota) == 0
