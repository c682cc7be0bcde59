"""Video answers over the real signalling endpoint: an aiortc peer plays real speech and video.

The server runs as its own process (``viva serve``), exactly as in production.
"""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from media.object_store import LocalObjectStore, S3ObjectStore
from media.probe import probe_media
from media.recording import RecordingMode
from server.db.models import Response
from server.storage import response_prefix, video_key
from tests.support.live_server import LiveServer, free_port, live_server
from tests.support.reviews import open_db
from tests.support.webrtc_client import WebRTCClient, make_test_media
from tests.support.world import World, build_world

pytestmark = pytest.mark.integration

CONNECT_S = 20.0


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s of moving test pattern with JFK's speech (real speech audio)."""
    return make_test_media(tmp_path_factory.mktemp("talk") / "talk.webm", seconds=12)


@pytest.fixture
async def world(sqlite_url: str) -> World:
    return await build_world(sqlite_url)


@pytest.fixture
def server(tmp_path: Path, sqlite_url: str, world: World) -> Iterator[LiveServer]:
    env = {"VIVA_DATABASE_URL": sqlite_url, "VIVA_SECRET_KEY": "k" * 40}
    with live_server(tmp_path / "data", env) as s:
        yield s


@pytest.fixture
async def http(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as c:
        yield c


async def _consent(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    r = await http.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200, r.text
    return r.json()


def _video_question(view: dict[str, Any], nth: int = 0) -> dict[str, Any]:
    return [q for q in view["questions"] if q["kind"] == "video" and not q["is_practice"]][nth]


async def _record(
    http: httpx.AsyncClient,
    token: str,
    question_id: str,
    media: Path,
    *,
    seconds: float,
    hang_up: bool = False,
) -> tuple[dict[str, Any], WebRTCClient]:
    """One take: offer, answer, send ``seconds`` of media, then stop (or hang up)."""
    client = WebRTCClient(media)
    sdp, sdp_type = await client.offer()
    take_id = str(uuid.uuid4())
    r = await http.post(
        f"/api/candidate/{token}/takes",
        json={"question_id": question_id, "take_id": take_id, "sdp": sdp, "type": sdp_type},
    )
    assert r.status_code == 201, r.text
    await client.accept(r.json()["sdp"], r.json()["type"])
    await client.wait_connected(CONNECT_S)
    await client.send(seconds, then_pause=True, timeout=seconds + 30)
    if hang_up:
        await client.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the server notices the BYE and finalizes
            level = (await http.get(f"/api/candidate/{token}/takes/{take_id}/level")).json()
            if not level["recording"]:
                break
            await asyncio.sleep(0.2)
    r = await http.post(f"/api/candidate/{token}/takes/{take_id}/stop")
    assert r.status_code == 200, r.text
    if not hang_up:
        await client.close()
    return r.json() | {"take_id": take_id}, client


async def _wait_stored(store: Any, key: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(store.exists, key):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{key} never reached the object store")
        await asyncio.sleep(0.25)


async def test_recorded_take_is_a_playable_webm_of_the_right_length(
    server: LiveServer, http: httpx.AsyncClient, world: World, talk: Path, tmp_path: Path, sqlite_url: str
) -> None:
    token = world.a.tokens["Alice"]
    view = await _consent(http, token)
    q = _video_question(view)
    taken, _ = await _record(http, token, q["id"], talk, seconds=6.0)
    assert taken["submitted"] and not taken["is_partial"]
    assert abs(taken["duration_s"] - 6.0) < 0.5
    store = LocalObjectStore(root=server.data_dir / "media")
    key = video_key(taken["id"])
    await _wait_stored(store, key)
    local = store.download(key, tmp_path / "answer.webm")
    probe = probe_media(local)
    assert probe.format_name.startswith("matroska,webm")
    assert probe.video is not None and probe.video.codec == "vp8"
    assert probe.audio is not None and probe.audio.codec == "opus"
    assert abs(probe.duration - 6.0) < 0.5, probe.duration
    async with open_db(sqlite_url) as db:  # stored as the client sent it (VP8 + Opus)
        mode = (
            await db.execute(select(Response.recording_mode).where(Response.id == uuid.UUID(taken["id"])))
        ).scalar_one()
    assert mode is RecordingMode.PASSTHROUGH
    view = (await http.get(f"/api/candidate/{token}")).json()
    answered = next(x for x in view["questions"] if x["id"] == q["id"])
    assert answered["answered"] and answered["takes_used"] == 1
    # the same stop sent again is harmless and returns the same answer
    again = await http.post(f"/api/candidate/{token}/takes/{taken['take_id']}/stop")
    assert again.json()["id"] == taken["id"]


async def test_dropped_connection_keeps_a_partial_take_and_the_attempt_goes_on(
    server: LiveServer, http: httpx.AsyncClient, world: World, talk: Path, tmp_path: Path
) -> None:
    token = world.a.tokens["Alice"]
    view = await _consent(http, token)
    q = _video_question(view)
    partial, _ = await _record(http, token, q["id"], talk, seconds=3.0, hang_up=True)
    assert partial["submitted"] and partial["is_partial"]
    assert 2.0 < partial["duration_s"] < 4.5
    store = LocalObjectStore(root=server.data_dir / "media")
    await _wait_stored(store, video_key(partial["id"]))
    assert probe_media(store.download(video_key(partial["id"]), tmp_path / "p.webm")).duration > 2.0
    # one retake is allowed: it replaces the partial take as the answer
    retake, _ = await _record(http, token, q["id"], talk, seconds=2.0)
    assert retake["take"] == 2 and not retake["is_partial"]
    accepted = await http.post(f"/api/candidate/{token}/takes/{retake['take_id']}/accept")
    assert accepted.status_code == 200
    client = WebRTCClient(talk)
    sdp, sdp_type = await client.offer()
    third = await http.post(
        f"/api/candidate/{token}/takes",
        json={"question_id": q["id"], "take_id": str(uuid.uuid4()), "sdp": sdp, "type": sdp_type},
    )
    await client.close()
    assert third.status_code == 409
    # the attempt continues with the next question
    view = (await http.get(f"/api/candidate/{token}")).json()
    assert view["next_question_id"] != q["id"]


async def test_bad_offers_are_refused_and_nothing_is_stored(
    server: LiveServer, http: httpx.AsyncClient, world: World, talk: Path
) -> None:
    token = world.a.tokens["Alice"]
    view = await _consent(http, token)
    q = _video_question(view)
    written = next(x for x in view["questions"] if x["kind"] == "written")
    url = f"/api/candidate/{token}/takes"
    bad = await http.post(
        url,
        json={
            "question_id": q["id"],
            "take_id": str(uuid.uuid4()),
            "sdp": "v=0\r\nthis is not sdp",
            "type": "offer",
        },
    )
    assert bad.status_code == 422 and "offer could not be used" in bad.json()["detail"]
    client = WebRTCClient(talk)
    sdp, _ = await client.offer()
    await client.close()
    huge = sdp + "".join(
        f"a=candidate:{i} 1 udp 2122260223 10.0.{i // 250}.{i % 250} 5{i:04d} typ host\r\n"
        for i in range(3000)
    )
    r = await http.post(
        url, json={"question_id": q["id"], "take_id": str(uuid.uuid4()), "sdp": huge, "type": "offer"}
    )
    assert r.status_code in (400, 413, 422)
    foreign = await http.post(
        url,
        json={
            "question_id": str(world.b.question_ids[1]),
            "take_id": str(uuid.uuid4()),
            "sdp": sdp,
            "type": "offer",
        },
    )
    assert foreign.status_code == 404
    wrong_kind = await http.post(
        url, json={"question_id": written["id"], "take_id": str(uuid.uuid4()), "sdp": sdp, "type": "offer"}
    )
    assert wrong_kind.status_code == 422
    expired = await http.post(
        f"/api/candidate/{world.a.tokens['Ada']}/takes",
        json={"question_id": q["id"], "take_id": str(uuid.uuid4()), "sdp": sdp, "type": "offer"},
    )
    assert expired.status_code == 410
    view = (await http.get(f"/api/candidate/{token}")).json()
    assert all(x["takes_used"] == 0 and not x["answered"] for x in view["questions"])


async def test_object_store_down_during_upload_then_back(tmp_path: Path, sqlite_url: str, talk: Path) -> None:
    """The take waits in the spool while S3 is unreachable and arrives once when it is back."""
    world = await build_world(sqlite_url)
    port = free_port()
    env = {
        "VIVA_DATABASE_URL": sqlite_url,
        "VIVA_SECRET_KEY": "k" * 40,
        "VIVA_S3_ENDPOINT": f"http://127.0.0.1:{port}",
        "VIVA_S3_ACCESS_KEY": "testing",
        "VIVA_S3_SECRET_KEY": "testing",
        "VIVA_S3_BUCKET": "viva",
    }
    with live_server(tmp_path / "data", env) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            token = world.a.tokens["Alice"]
            view = await _consent(http, token)
            taken, _ = await _record(http, token, _video_question(view)["id"], talk, seconds=3.0)
            spool = server.data_dir / "spool"
            manifest = spool / f"{taken['take_id']}.json"
            deadline = time.monotonic() + 30
            while '"attempts": 0' in manifest.read_text():  # the first upload must fail
                assert time.monotonic() < deadline
                await asyncio.sleep(0.2)
            assert (spool / f"{taken['take_id']}.media").exists()
            from moto.server import ThreadedMotoServer

            s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
            s3.start()
            try:
                store = S3ObjectStore(
                    endpoint=f"http://127.0.0.1:{port}",
                    access_key="testing",
                    secret_key="testing",
                    bucket="viva",
                )
                key = video_key(taken["id"])
                await _wait_stored(store, key, timeout=90)
                names = [
                    o.object_name
                    for o in store.client.list_objects(
                        "viva", prefix=f"{response_prefix(taken['id'])}/", recursive=True
                    )
                ]
                assert names.count(key) == 1
                deadline = time.monotonic() + 30
                while manifest.exists():
                    assert time.monotonic() < deadline, "spool entry not cleared after upload"
                    await asyncio.sleep(0.2)
                assert not (spool / f"{taken['take_id']}.media").exists()
            finally:
                s3.stop()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


async def test_a_reload_mid_answer_keeps_the_clocks_and_counts_the_take(
    server: LiveServer, http: httpx.AsyncClient, world: World, talk: Path
) -> None:
    """The practice question begun, a take cut off mid-answer (the tab reloaded): the think and
    answer clocks read the same afterwards, and the cut take counts against the retakes."""
    token = world.a.tokens["Alice"]
    view = await _consent(http, token)
    q = view["questions"][0]
    assert q["is_practice"] and q["prompt"] is None
    r = await http.post(f"/api/candidate/{token}/questions/{q['id']}/begin")
    assert r.status_code == 200, r.text
    begun = next(x for x in r.json()["questions"] if x["id"] == q["id"])
    partial, _ = await _record(http, token, q["id"], talk, seconds=2.0, hang_up=True)
    assert partial["is_partial"]
    after = (await http.get(f"/api/candidate/{token}")).json()
    now = next(x for x in after["questions"] if x["id"] == q["id"])
    assert now["think_started_at"] == begun["think_started_at"]
    assert now["answer_started_at"] is not None and now["takes_used"] == 1
    again = await http.post(f"/api/candidate/{token}/questions/{q['id']}/begin")  # second tab
    same = next(x for x in again.json()["questions"] if x["id"] == q["id"])
    assert (same["think_started_at"], same["answer_started_at"]) == (
        now["think_started_at"],
        now["answer_started_at"],
    )
    retake, _ = await _record(http, token, q["id"], talk, seconds=2.0)
    assert retake["take"] == 2
    final = (await http.get(f"/api/candidate/{token}")).json()
    assert (
        next(x for x in final["questions"] if x["id"] == q["id"])["answer_started_at"]
        == now["answer_started_at"]
    )
