"""A candidate's network drops mid-answer: the take is kept.

Real processes: `viva serve` (its aiortc peer records), aiortc clients playing real media
whose every packet (ICE, DTLS, RTP) is dropped for a while, PostgreSQL with SAQ as the
job queue (no worker: processing stays queued so only the media path is exercised).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from media.object_store import LocalObjectStore
from media.probe import probe_media
from server.db.models import Response, ResponseState
from server.storage import video_key
from tests.faults.conftest import wait_for
from tests.faults.network import NetworkCut
from tests.integration.test_takes_webrtc import _consent, _video_question
from tests.support.live_server import LiveServer, live_server
from tests.support.reviews import open_db
from tests.support.webrtc_client import WebRTCClient
from tests.support.world import build_world

pytestmark = pytest.mark.integration

BEFORE_S = 3.0  # media sent before the drop
DROP_S = 10.0  # a short drop: the take goes on
AFTER_S = 3.0  # media sent after the network is back


async def _open_take(
    http: httpx.AsyncClient, token: str, question_id: str, media: Path
) -> tuple[WebRTCClient, str]:
    client = WebRTCClient(media)
    sdp, sdp_type = await client.offer()
    take_id = str(uuid.uuid4())
    r = await http.post(
        f"/api/candidate/{token}/takes",
        json={"question_id": question_id, "take_id": take_id, "sdp": sdp, "type": sdp_type},
    )
    assert r.status_code == 201, r.text
    await client.accept(r.json()["sdp"], r.json()["type"])
    await client.wait_connected(20)
    return client, take_id


async def _level(http: httpx.AsyncClient, token: str, take_id: str) -> dict[str, Any]:
    r = await http.get(f"/api/candidate/{token}/takes/{take_id}/level")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _short_drop(http: httpx.AsyncClient, token: str, question_id: str, media: Path) -> dict[str, Any]:
    """Drop for DROP_S mid-answer, come back, finish the answer, stop."""
    client, take_id = await _open_take(http, token, question_id, media)
    try:
        await client.send(BEFORE_S, timeout=30)
        net = NetworkCut(client.pc)
        net.cut()
        cut_at = time.monotonic()
        seen: list[dict[str, Any]] = []
        while time.monotonic() - cut_at < DROP_S:  # the drop lasts DROP_S by the clock
            seen.append(await _level(http, token, take_id))
            await asyncio.sleep(0.5)
        net.restore()
        assert net.dropped > 0
        assert all(lv["recording"] for lv in seen), "the take ended during a short drop"
        assert not seen[-1]["receiving"]  # the server noticed nothing was arriving
        resumed = client.audio.seconds if client.audio else 0.0

        async def receiving_again() -> bool:
            lv = await _level(http, token, take_id)
            return bool(lv["receiving"] and lv["seconds"] > resumed)

        await wait_for(receiving_again, timeout=15, what="media to arrive after the drop")
        await client.send(resumed + AFTER_S, timeout=30)
        r = await http.post(f"/api/candidate/{token}/takes/{take_id}/stop")
        assert r.status_code == 200, r.text
        return r.json() | {"take_id": take_id}
    finally:
        await client.close()


async def _long_drop(http: httpx.AsyncClient, token: str, question_id: str, media: Path) -> dict[str, Any]:
    """The network never comes back: the server ends the take on its own and keeps it."""
    client, take_id = await _open_take(http, token, question_id, media)
    try:
        await client.send(BEFORE_S, timeout=30)
        net = NetworkCut(client.pc)
        net.cut()

        async def ended() -> bool:
            return not (await _level(http, token, take_id))["recording"]

        await wait_for(ended, timeout=60, every=0.5, what="the server to end the dead take")
        # The candidate's page comes back later and asks for the take: it was kept.
        r = await http.post(f"/api/candidate/{token}/takes/{take_id}/stop")
        assert r.status_code == 200, r.text
        return r.json() | {"take_id": take_id}
    finally:
        await client.close()


async def _stored_duration(server: LiveServer, rid: str, tmp_path: Path) -> float:
    store = LocalObjectStore(root=server.data_dir / "media")
    key = video_key(rid)

    async def stored() -> bool:
        return await asyncio.to_thread(store.exists, key)

    await wait_for(stored, timeout=30, what=f"{key} in the object store")
    return probe_media(store.download(key, tmp_path / f"{rid}.webm")).duration


async def test_network_drop_mid_answer_keeps_the_take(
    tmp_path: Path, pg_db: tuple[str, str], talk: Path
) -> None:
    db_url, saq_url = pg_db
    world = await build_world(db_url)
    env = {
        "VIVA_DATABASE_URL": db_url,
        "VIVA_SECRET_KEY": "k" * 40,
        "VIVA_JOBS_BACKEND": "saq",
        "VIVA_SAQ_URL": saq_url,
    }
    with live_server(tmp_path / "data", env) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            alice, amir = world.a.tokens["Alice"], world.a.tokens["Amir"]
            q_alice = _video_question(await _consent(http, alice))
            q_amir = _video_question(await _consent(http, amir))
            short, long = await asyncio.gather(
                _short_drop(http, alice, q_alice["id"], talk), _long_drop(http, amir, q_amir["id"], talk)
            )

            # A 10 s drop: one take, complete, holding what was said before and after.
            assert short["submitted"] and not short["is_partial"], short
            assert short["duration_s"] >= BEFORE_S + AFTER_S - 0.5, short
            # The dead connection: a partial take holding what arrived before the drop.
            assert long["submitted"] and long["is_partial"], long
            assert long["duration_s"] >= BEFORE_S - 0.5, long

            for token, q, answer in ((alice, q_alice, short), (amir, q_amir, long)):
                view = (await http.get(f"/api/candidate/{token}")).json()
                shown = next(x for x in view["questions"] if x["id"] == q["id"])
                assert shown["answered"] and shown["takes_used"] == 1, shown
                own = await http.get(f"/api/candidate/{token}/responses/{answer['id']}")
                assert own.status_code == 200 and own.json()["take"] == 1

            assert await _stored_duration(server, short["id"], tmp_path) >= BEFORE_S + AFTER_S - 0.5
            assert await _stored_duration(server, long["id"], tmp_path) >= BEFORE_S - 0.5

            async def queued() -> bool:
                async with open_db(db_url) as db:
                    states = set(
                        (
                            await db.execute(
                                select(Response.state).where(
                                    Response.id.in_([uuid.UUID(short["id"]), uuid.UUID(long["id"])])
                                )
                            )
                        ).scalars()
                    )
                return states == {ResponseState.QUEUED}

            await wait_for(queued, timeout=30, what="both answers to be queued for processing")
