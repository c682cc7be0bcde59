"""Processing with the real models: transcribe -> score -> English proficiency, and its failures."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from media.object_store import LocalObjectStore
from server.settings import Settings
from server.storage import video_key
from tests.conftest import make_settings
from tests.integration.conftest import sign_in
from tests.support.live_server import live_server
from tests.support.media_files import make_webm
from tests.support.world import World, add_video_response, build_world

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def speech_webm(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_webm(tmp_path_factory.mktemp("v") / "jfk.webm", 11).read_bytes()


@pytest.fixture(scope="module")
def silent_webm(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    silence = ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono"]
    return make_webm(tmp_path_factory.mktemp("v") / "silence.webm", 6, audio=silence).read_bytes()


async def _wait_state(client: Any, rid: Any, states: set[str], timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = await client.get(f"/api/responses/{rid}")
        body: dict[str, Any] = r.json()
        if body.get("state") in states:
            return body
        if time.monotonic() > deadline:
            raise TimeoutError(f"response {rid} stuck in {body.get('state')}: {body}")
        await asyncio.sleep(0.25)


async def _submit_written(client: Any, token: str, text: str) -> str:
    import uuid

    view = (await client.post(f"/api/candidate/{token}/consent", json={"accept": True})).json()
    q = next(q for q in view["questions"] if q["kind"] == "written")
    r = await client.put(
        f"/api/candidate/{token}/written/{q['id']}",
        json={"take_id": str(uuid.uuid4()), "text": text, "submit": True},
    )
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


STRONG = (
    "Nobody owned our flaky feature pipeline, so I took it on. For two weeks I wrote down "
    "every failure, then fixed the three causes behind most of them, added alerts and a "
    "runbook, and trained the on-call rotation. Failures went from weekly to once a quarter."
)


async def test_written_answer_gets_a_suggestion_with_interval_evidence_and_english_signals(
    client: Any, world: World
) -> None:
    rid = await _submit_written(client, world.a.tokens["Alice"], STRONG)
    await sign_in(client, world.a.reviewer_email)
    body = await _wait_state(client, rid, {"ready", "failed"})
    assert body["state"] == "ready", body["state_reason"]
    s = body["suggestion"]
    assert s["abstained"] is False and 1 <= s["score"] <= 5
    # intervals read as whole rubric levels, so the score lies within half a level of them
    assert s["low"] <= s["high"] and s["level"] == 0.8
    assert s["low"] - 0.5 <= s["score"] <= s["high"] + 0.5
    assert s["score"] >= 3.5  # it paraphrases the level-5 exemplar
    levels = s["evidence"]["levels"]
    assert {lv["level"] for lv in levels} == {1, 2, 3, 4, 5}
    top = next(lv for lv in levels if lv["level"] == 5)
    assert top["nearest"] and top["sentences"] and 0 <= top["probability"] <= 1
    assert s["model_versions"]
    prof = body["proficiency"]
    assert prof["threshold"] == "B2" and prof["signals"]
    assert {sig["name"] for sig in prof["signals"]} >= {"mtld", "mean_sentence_length"}


async def test_off_topic_answer_abstains_with_the_reason(client: Any, world: World) -> None:
    rid = await _submit_written(
        client,
        world.a.tokens["Alice"],
        "My favourite recipe is a lemon cake: butter, sugar, eggs and flour, "
        "baked for forty minutes and glazed with lemon juice and icing sugar.",
    )
    await sign_in(client, world.a.reviewer_email)
    body = await _wait_state(client, rid, {"ready", "failed"})
    assert body["state"] == "ready"
    s = body["suggestion"]
    assert s["abstained"] is True and s["score"] is None
    assert "topic" in s["abstain_reason"].lower()


async def _app_client(settings: Settings) -> AsyncIterator[Any]:
    from litestar.testing import AsyncTestClient

    from server.app import CSRF_COOKIE, CSRF_HEADER, create_app

    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as c:

        async def add_csrf(request: Any) -> None:
            if request.method not in {"GET", "HEAD"} and c.cookies.get(CSRF_COOKIE):
                request.headers[CSRF_HEADER] = c.cookies[CSRF_COOKIE]

        c.event_hooks["request"].append(add_csrf)
        yield c


async def test_video_answers_transcribed_and_silence_abstains(
    tmp_path: Path, db_url: str, speech_webm: bytes, silent_webm: bytes
) -> None:
    """Answers queued before the app starts are picked up by its recovery at start-up."""
    world = await build_world(db_url)
    settings = make_settings(tmp_path, db_url)
    store = LocalObjectStore(root=settings.storage.local_root)
    speech = await add_video_response(
        db_url, world.a.invitation_ids["Alice"], world.a.question_ids[1], store, speech_webm
    )
    silence = await add_video_response(
        db_url, world.a.invitation_ids["Amir"], world.a.question_ids[2], store, silent_webm
    )
    async for client in _app_client(settings):
        await sign_in(client, world.a.reviewer_email)
        spoken = await _wait_state(client, speech, {"ready", "failed"})
        quiet = await _wait_state(client, silence, {"ready", "failed"})
        poster = await client.get(f"/api/responses/{speech}/media/poster")
        audio = await client.get(f"/api/responses/{speech}/media/audio", headers={"Range": "bytes=0-43"})
    assert spoken["state"] == "ready", spoken["state_reason"]
    t = spoken["transcript"]
    assert "ask not what your country can do for you" in t["text"].lower()
    words = [w for seg in t["segments"] for w in seg["words"]]
    assert words and all(0 <= w["probability"] <= 1 and w["start"] <= w["end"] for w in words)
    assert t["model_name"] == "tiny.en" and t["model_version"].startswith("tiny.en@")
    assert spoken["suggestion"] is not None and spoken["proficiency"]["signals"]
    # the whole speech is transcribed: no gaps, completeness 1, and the learned English model
    assert t["gaps"] == [] and t["completeness"] == 1.0 and t["speech_s"] > 5
    assert spoken["proficiency"]["model_version"].startswith("viva-english-ridge/")
    assert spoken["proficiency"]["verdict"] in (
        "likely_meets",
        "uncertain",
        "likely_below",
        "not_enough_speech",
    )
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/jpeg"
    assert audio.status_code == 206 and audio.content[:4] == b"RIFF"
    assert quiet["state"] == "ready"
    assert quiet["transcript"]["text"] == "" and quiet["transcript"]["no_speech"] is True
    assert quiet["transcript"]["gaps"] == [] and quiet["transcript"]["completeness"] is None
    assert quiet["proficiency"]["verdict"] == "not_enough_speech"
    assert quiet["suggestion"]["abstained"] is True
    assert "speech" in quiet["suggestion"]["abstain_reason"].lower()


async def test_missing_media_is_retried_then_fails_visibly(
    tmp_path: Path, sqlite_url: str, speech_webm: bytes
) -> None:
    world = await build_world(sqlite_url)
    settings = make_settings(tmp_path, sqlite_url, VIVA_JOBS_MAX_TRIES="3", VIVA_JOBS_BACKOFF_SECONDS="0.2")
    store = LocalObjectStore(root=settings.storage.local_root)
    rid = await add_video_response(
        sqlite_url, world.a.invitation_ids["Alice"], world.a.question_ids[1], store, speech_webm
    )
    store.delete(video_key(rid))  # the object store lost it
    async for client in _app_client(settings):
        await sign_in(client, world.a.reviewer_email)
        body = await _wait_state(client, rid, {"failed"}, timeout=60)
    assert body["state_reason"].startswith("Transcription failed 3 times; last error:")
    assert "answer.webm" in body["state_reason"]


async def test_processing_resumes_after_the_process_is_killed_mid_job(
    tmp_path: Path, sqlite_url: str, speech_webm: bytes
) -> None:
    world = await build_world(sqlite_url)
    env = {"VIVA_DATABASE_URL": sqlite_url, "VIVA_SECRET_KEY": "k" * 40}
    data = tmp_path / "data"
    store = LocalObjectStore(root=data / "media")
    rid = await add_video_response(
        sqlite_url, world.a.invitation_ids["Alice"], world.a.question_ids[1], store, speech_webm
    )
    with live_server(data, env) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            await sign_in(http, world.a.reviewer_email)
            body = await _wait_state(http, rid, {"transcribing", "scoring", "ready"}, timeout=60)
            assert body["state"] == "transcribing", "too late to kill it mid-transcription"
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=10)
    with live_server(data, env) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            await sign_in(http, world.a.reviewer_email)
            body = await _wait_state(http, rid, {"ready", "failed"})
    assert body["state"] == "ready", body["state_reason"]
    assert "country" in body["transcript"]["text"].lower()
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.db.models import Transcript

    engine = create_async_engine(sqlite_url)
    async with engine.connect() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(Transcript).where(Transcript.response_id == rid)
        )
    await engine.dispose()
    assert count == 1
