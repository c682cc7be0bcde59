"""The recording fallback's tus upload service (creation, offsets, resume, termination), on SQLite
and PostgreSQL, through the candidate's HTTP API with a real WebM made by ffmpeg."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from media.probe import probe_media
from media.recording import RecordingMode
from server.db.models import Response
from server.settings import Settings
from server.storage import video_key
from tests.support.reviews import open_db
from tests.support.webrtc_client import make_test_media
from tests.support.world import World

pytestmark = pytest.mark.integration

TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def answer(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """6 s of VP8 + Opus WebM, as a browser's MediaRecorder would upload it."""
    return make_test_media(tmp_path_factory.mktemp("upload") / "answer.webm", seconds=6).read_bytes()


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


async def _start(client: Any, token: str) -> str:
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200, r.text
    return next(q["id"] for q in r.json()["questions"] if q["kind"] == "video" and not q["is_practice"])


async def _create(client: Any, token: str, question_id: str, length: int, take_id: str | None = None) -> Any:
    return await client.post(
        f"/api/candidate/{token}/uploads",
        headers={
            **TUS,
            "Upload-Length": str(length),
            "Upload-Metadata": _meta(question_id=question_id, take_id=take_id or str(uuid.uuid4())),
        },
    )


async def _patch(client: Any, url: str, offset: int, data: bytes, **headers: str) -> Any:
    return await client.patch(
        url,
        content=data,
        headers={
            **TUS,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
            **headers,
        },
    )


async def _offset(client: Any, url: str) -> int:
    r = await client.head(url, headers=TUS)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    return int(r.headers["upload-offset"])


async def _takes(db_url: str, question_id: str) -> list[Response]:
    async with open_db(db_url) as db:
        rows = (
            await db.execute(select(Response).where(Response.question_id == uuid.UUID(question_id)))
        ).scalars()
        return list(rows)


async def _stored(settings: Settings, response_id: uuid.UUID, timeout: float = 30.0) -> Path:
    path = settings.storage.local_root / video_key(response_id)
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, "the uploaded take never reached the object store"
        await asyncio.sleep(0.1)
    return path


async def test_chunks_resume_and_the_take_is_kept_once(
    client: Any, world: World, db_url: str, settings: Settings, answer: bytes
) -> None:
    token = world.a.tokens["Alice"]
    qid = await _start(client, token)
    take_id = str(uuid.uuid4())
    r = await _create(client, token, qid, len(answer), take_id)
    assert r.status_code == 201, r.text
    url = r.headers["location"]
    assert url == f"/api/candidate/{token}/uploads/{take_id}" and r.headers["tus-resumable"] == "1.0.0"
    assert await _offset(client, url) == 0

    # first chunks, then a "lost connection": the client asks where the server is and resumes
    offset = 0
    for _ in range(3):
        r = await _patch(client, url, offset, answer[offset : offset + CHUNK])
        assert r.status_code == 204, r.text
        offset = int(r.headers["upload-offset"])
    assert offset == 3 * CHUNK and await _offset(client, url) == offset
    # a chunk sent for a stale offset (a retry of one already acknowledged) is refused, 409
    r = await _patch(client, url, CHUNK, answer[CHUNK : 2 * CHUNK])
    assert r.status_code == 409 and r.headers["upload-offset"] == str(offset), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await _offset(client, url) == offset  # nothing corrupted

    # the rest in one go, then the last chunk sent a second time
    last_start = len(answer) - CHUNK
    while offset < last_start:
        r = await _patch(client, url, offset, answer[offset:last_start])
        assert r.status_code == 204, r.text
        offset = int(r.headers["upload-offset"])
    r = await _patch(client, url, offset, answer[offset:])
    assert r.status_code == 204 and r.headers["upload-offset"] == str(len(answer)), r.text
    again = await _patch(client, url, offset, answer[offset:])
    assert again.status_code == 409 and again.headers["upload-offset"] == str(len(answer))
    assert await _offset(client, url) == len(answer)
    done = await _patch(client, url, len(answer), b"")  # at the end: nothing to add, still complete
    assert done.status_code == 204 and done.headers["upload-offset"] == str(len(answer))

    takes = await _takes(db_url, qid)
    assert len(takes) == 1
    take = takes[0]
    assert take.recording_mode is RecordingMode.UPLOAD and take.is_current and not take.is_partial
    assert take.media_key == video_key(take.id) and take.submitted_at is not None
    assert take.duration_s is not None and abs(take.duration_s - 6.0) < 0.5
    stored = await _stored(settings, take.id)
    probed = probe_media(stored)
    assert probed.video is not None and probed.audio is not None and abs(probed.duration - 6.0) < 0.5

    # the candidate sees it as any take, and accepts it
    r = await client.post(f"/api/candidate/{token}/takes/{take_id}/accept")
    assert r.status_code == 200, r.text
    # a kept take cannot be withdrawn by termination
    r = await client.delete(url, headers=TUS)
    assert r.status_code == 409, r.text


async def test_bad_input_is_refused_and_stores_nothing(
    client: Any, world: World, db_url: str, settings: Settings, answer: bytes
) -> None:
    token = world.a.tokens["Alice"]
    qid = await _start(client, token)
    limit = settings.webrtc.max_upload_bytes
    r = await _create(client, token, qid, limit + 1)
    assert r.status_code == 413 and "at most" in r.json()["detail"], r.text
    r = await client.post(f"/api/candidate/{token}/uploads", headers={"Upload-Length": "10"})
    assert r.status_code == 412, r.text
    r = await client.post(
        f"/api/candidate/{token}/uploads", headers={**TUS, "Upload-Length": "10", "Upload-Metadata": "x"}
    )
    assert r.status_code == 422 and "question_id" in r.json()["detail"], r.text
    assert await _takes(db_url, qid) == []

    # past the declared length: 413, and what was declared stays intact
    r = await _create(client, token, qid, 100)
    url = r.headers["location"]
    r = await _patch(client, url, 0, b"x" * 101)
    assert r.status_code == 413, r.text
    r = await _patch(client, url, 0, b"x", **{"Content-Type": "application/json"})
    assert r.status_code == 415, r.text
    r = await client.delete(url, headers=TUS)  # termination: the unfinished upload goes
    assert r.status_code == 204, r.text
    assert await _takes(db_url, qid) == []
    assert (await client.head(url, headers=TUS)).status_code == 404

    # complete, but not a video: 422, and neither a take nor an object is left
    junk = b"not a video at all " * 100
    r = await _create(client, token, qid, len(junk))
    url = r.headers["location"]
    r = await _patch(client, url, 0, junk)
    assert r.status_code == 422 and "Record the answer again" in r.json()["detail"], r.text
    assert await _takes(db_url, qid) == []
    assert not list((settings.storage.spool_dir / "uploads").glob("*.part"))


async def test_uploads_belong_to_their_candidate(
    client: Any, world: World, db_url: str, answer: bytes
) -> None:
    token, other = world.a.tokens["Alice"], world.a.tokens["Amir"]
    qid = await _start(client, token)
    await _start(client, other)
    take_id = str(uuid.uuid4())
    r = await _create(client, token, qid, len(answer), take_id)
    mine = r.headers["location"]
    theirs = f"/api/candidate/{other}/uploads/{take_id}"
    assert (await client.head(theirs, headers=TUS)).status_code == 404
    assert (await _patch(client, theirs, 0, answer[:CHUNK])).status_code == 404
    assert (await client.delete(theirs, headers=TUS)).status_code == 404
    assert await _offset(client, mine) == 0
    # the same take id cannot be created twice
    r = await _create(client, token, qid, len(answer), take_id)
    assert r.status_code == 409, r.text
    async with open_db(db_url) as db:
        n = await db.scalar(
            select(func.count()).select_from(Response).where(Response.take_id == uuid.UUID(take_id))
        )
    assert n == 1
