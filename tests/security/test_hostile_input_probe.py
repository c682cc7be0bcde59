"""What the outside probe of issue 12 sent, kept as hostile input so it stays refused.

- F7: NUL characters in bodies whatever their declared type (JSON labelled octet-stream, form
  fields, multipart text fields and text file parts), and in query strings.
- F8: a Range header with thousands of digits, JSON nested 100 000 deep to an unauthenticated
  endpoint, ``offset`` of 2^63 on list endpoints, and concurrent starts of takes of one question:
  each a clear 4xx (409 for the race), never a 500.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_maker
from server.domain.candidate import takes
from server.domain.candidate.clocks import ensure_clock
from server.domain.invitations.services import resolve_token
from server.domain.responses.ranges import RangeNotSatisfiable, parse_range
from server.errors import Conflict
from server.recording.service import RecordingService
from server.settings import Settings
from server.storage import build_object_store
from tests.conftest import make_settings
from tests.security.test_hostile_input import _consent, _video, _written, app_client, login, problem
from tests.support.world import World, add_video_response, build_world

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url)


@pytest.fixture
async def world(db_url: str) -> World:
    return await build_world(db_url)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with app_client(settings) as c:
        yield c


# ---- F7: NUL wherever a body is decoded ----


async def test_nul_is_refused_whatever_the_declared_content_type(
    client: AsyncTestClient[Any], world: World
) -> None:
    await login(client, world.a.admin_email)
    url = f"/api/assessments/{world.a.assessment_id}/invitations"
    for body in (
        b'{"candidate_name": "Nul\\u0000Byte", "candidate_email": "n@example.com"}',
        b'{"candidate_name": "Nul\x00Byte", "candidate_email": "n@example.com"}',
    ):
        for mime in ("application/octet-stream", "application/x-anything", "image/png", ""):
            r = await client.post(url, content=body, headers={"content-type": mime})
            assert "NUL character" in problem(r, 422), (mime, body)
    token = world.a.tokens["Alice"]
    q = _written(await _consent(client, token))
    r = await client.put(
        f"/api/candidate/{token}/written/{q['id']}",
        content=b'{"take_id": "%s", "text": "a\\u0000b"}' % str(uuid.uuid4()).encode(),
        headers={"content-type": "application/octet-stream"},
    )
    assert "NUL character" in problem(r, 422)
    names = {i["candidate_name"] for i in (await client.get(url)).json()}
    assert not any("Nul" in n for n in names)


async def test_nul_in_forms_and_multipart_text_parts_is_refused(
    client: AsyncTestClient[Any], world: World
) -> None:
    await login(client, world.a.admin_email)
    csv_url = f"/api/assessments/{world.a.assessment_id}/invitations/csv"
    r = await client.post(
        csv_url, files={"file": ("c.csv", b"name,email\nNul\x00,n@example.com\n", "text/csv")}
    )
    assert "NUL character" in problem(r, 422)
    r = await client.post(
        csv_url,
        data={"note": "a\x00b"},
        files={"file": ("c.csv", b"name,email\nA,a@example.com\n", "text/csv")},
    )
    assert "NUL character" in problem(r, 422)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        content=b"candidate_name=Nul%00Byte&candidate_email=n%40example.com",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert "NUL character" in problem(r, 422)
    r = await client.get("/api/bank/questions", params={"q": "a\x00b"})
    assert "NUL character" in problem(r, 422)
    listing = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations")).json()
    assert {i["candidate_name"] for i in listing} == {"Alice", "Amir", "Ada"}
    # a clean multipart CSV still imports
    r = await client.post(
        csv_url, files={"file": ("c.csv", b"name,email\nAnn,ann@example.com\n", "text/csv")}
    )
    assert r.status_code == 201, r.text


# ---- F8: four 500s ----


def test_a_range_with_thousands_of_digits_is_parsed_without_int_limits() -> None:
    huge = "9" * 5000
    with pytest.raises(RangeNotSatisfiable):
        parse_range(f"bytes={huge}-", 1000)
    assert parse_range(f"bytes=0-{huge}", 1000) == (0, 999)
    assert parse_range(f"bytes=-{huge}", 1000) == (0, 999)
    assert parse_range(f"bytes={'0' * 5000}10-19", 1000) == (10, 19)


async def test_a_range_with_thousands_of_digits_is_a_416(
    client: AsyncTestClient[Any], world: World, db_url: str
) -> None:
    data = os.urandom(10_000)
    rid = await add_video_response(
        db_url,
        world.a.invitation_ids["Alice"],
        world.a.question_ids[1],
        client.app.state.store,
        data,
        duration_s=3.0,
    )
    await login(client, world.a.reviewer_email)
    url = f"/api/responses/{rid}/media/video"
    r = await client.get(url, headers={"Range": "bytes=" + "9" * 5000 + "-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{len(data)}"
    r = await client.get(url, headers={"Range": "bytes=100-" + "9" * 5000})
    assert r.status_code == 206 and r.content == data[100:]


async def test_deeply_nested_json_is_a_400_not_a_recursion_error(client: AsyncTestClient[Any]) -> None:
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"email":' * 50_000 + b"1" + b"}" * 50_000):
        r = await client.post("/api/auth/login", content=body, headers={"content-type": "application/json"})
        assert "nests deeper" in problem(r, 400)
    # brackets inside strings are text, not nesting
    r = await client.post("/api/auth/login", json={"email": "[" * 200 + "@x.test", "password": "x"})
    assert r.status_code == 401, r.text


async def test_offsets_beyond_any_list_are_a_clear_400(client: AsyncTestClient[Any], world: World) -> None:
    await login(client, world.a.admin_email)
    for path in ("/api/review/queue", "/api/review/candidates", "/api/bank/questions"):
        for offset in (2**63, 2**64 + 5, 10**30):
            r = await client.get(path, params={"offset": str(offset)})
            assert r.status_code == 400, (path, offset, r.status_code, r.text[:200])
            assert "offset" in r.text
        assert (await client.get(path, params={"offset": "1000000"})).status_code == 200


async def _offer() -> tuple[str, RTCPeerConnection]:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver("audio", direction="sendonly")
    pc.addTransceiver("video", direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    return pc.localDescription.sdp, pc


async def test_concurrent_take_starts_on_one_question_are_a_409(
    client: AsyncTestClient[Any], world: World
) -> None:
    token = world.a.tokens["Alice"]
    q = _video(await _consent(client, token))
    sdp, pc = await _offer()
    try:
        statuses = []
        for _ in range(3):  # the race is timing-dependent: give it a few chances
            rs = await asyncio.gather(
                *(
                    client.post(
                        f"/api/candidate/{token}/takes",
                        json={
                            "question_id": q["id"],
                            "take_id": str(uuid.uuid4()),
                            "sdp": sdp,
                            "type": "offer",
                        },
                    )
                    for _ in range(6)
                )
            )
            statuses += [r.status_code for r in rs]
            for r in rs:
                if r.status_code == 409:
                    assert len(r.json()["detail"]) > 20
            for r in rs:
                if r.status_code == 201:
                    await client.post(f"/api/candidate/{token}/takes/{r.json()['take_id']}/stop")
        assert set(statuses) <= {201, 409}, statuses
        assert 201 in statuses
    finally:
        await pc.close()


async def test_two_starts_that_both_pass_the_checks_end_in_one_take_and_a_409(
    client: AsyncTestClient[Any], world: World, db_url: str, settings: Settings
) -> None:
    """The race itself, made certain: two sessions read "no take yet" before either commits."""
    token = world.a.tokens["Alice"]
    q = _video(await _consent(client, token))
    sdp, pc = await _offer()
    engine = create_async_engine(db_url, poolclass=NullPool)
    sessions = session_maker(engine)

    async def nothing_to_process(_: uuid.UUID) -> None:
        return None

    recording = RecordingService(
        settings=settings,
        sessions=sessions,
        store=build_object_store(settings.storage),
        enqueue=nothing_to_process,
    )
    # The question's clocks are already running (the browser begins a question before its
    # first take), so the two starts race on the take rows alone: a clock row written before
    # the barrier would hold a lock the other start waits on, a deadlock of the test's making.
    async with sessions() as db:
        inv = await resolve_token(db, token, for_write=True)
        assert inv.attempt is not None
        question = next(x for x in inv.assessment.questions if x.id == uuid.UUID(q["id"]))
        await ensure_clock(db, inv.attempt, question, answering=True)
        await db.commit()
    both_read = asyncio.Barrier(2)

    async def start() -> Any:
        async with sessions() as db:
            inv = await resolve_token(db, token, for_write=True)
            real_commit = db.commit

            async def commit_after_the_other_read() -> None:
                await both_read.wait()
                await real_commit()

            db.commit = commit_after_the_other_read  # type: ignore[method-assign]
            try:
                return await takes.start_take(
                    db,
                    inv,
                    question_id=uuid.UUID(q["id"]),
                    take_id=uuid.uuid4(),
                    sdp=sdp,
                    sdp_type="offer",
                    recording=recording,
                )
            except Conflict as exc:
                return exc

    try:
        results = await asyncio.wait_for(asyncio.gather(start(), start(), return_exceptions=True), 60)
    finally:
        await recording.takes.close_all()
        await pc.close()
        await engine.dispose()
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert any(isinstance(r, Conflict) and "same moment" in r.detail for r in results)
    assert sum(isinstance(r, tuple) for r in results) == 1, results
